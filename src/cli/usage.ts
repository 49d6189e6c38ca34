/**
 * Command-line conventions every `aviso` command follows: `--help` (or `-h`) prints the command's
 * usage on standard output and exits 0; a mistake in the command line itself (an unknown command
 * or option, a missing or malformed argument) prints what is wrong and the usage on standard error
 * and exits 2, as getopt-style tools do; configuration and runtime failures exit 1.
 */
export const EXIT_USAGE = 2;

export function wantsHelp(args: readonly string[]): boolean {
  return args.includes("--help") || args.includes("-h");
}

/** Prints `usage` for a `--help` and answers 0. */
export function showHelp(usage: string): number {
  console.log(usage);
  return 0;
}

/** Prints a command-line mistake and the usage, and answers the usage error's exit code. */
export function usageError(problem: string | undefined, usage: string): number {
  console.error(problem ? `aviso: ${problem}\n\n${usage}` : usage);
  return EXIT_USAGE;
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
