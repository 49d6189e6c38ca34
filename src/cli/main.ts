/**
 * The `aviso` command: serve, worker, migrate. Configuration comes from the environment (see
 * .env.example); a bad value stops the command with exit code 1 and names the variable.
 */
import { parseArgs } from "node:util";
import { DataDirLockedError, EXIT_DATA_DIR_LOCKED } from "../db/data-dir-lock.ts";
import type { Channel } from "../db/database.ts";
import { createLogger } from "../log.ts";
import { parseChannels } from "./channels-option.ts";
import { loadConfigOrSay } from "./load-config.ts";
import { messageOf, showHelp, usageError, wantsHelp } from "./usage.ts";

const USAGE = `Usage: aviso <command> [options]

Commands:
  serve [--no-workers]   Start the HTTP API (and, unless --no-workers, the delivery workers)
  worker [--channels C]  Run delivery workers only (needs DATABASE_URL; run as many as you like);
                         --channels sms,email serves only those channels' deliveries (of sms, email,
                         push, whatsapp, voice), the other jobs as usual
  migrate                Apply database migrations and load the ZIP reference data, then exit
  user create --email E --name N --role R --org O
                         Create an account (the first admin, say); password from AVISO_PASSWORD or stdin
  keys rotate [--batch-size N]
                         Re-encrypt stored addresses under the first PII key and re-index them under
                         BLIND_INDEX_KEY, in batches, while the service runs (docs/privacy.md)
  help, --help           Show this help (each command also takes --help)

Configuration is read from the environment; see .env.example. On the embedded database only one
command at a time may open DATA_DIR; another one exits with code 75 and says which process has it.
Exit codes: 0 done, 1 failed (configuration, database, input), 2 a mistake in the command line, 75
DATA_DIR is held by another process.`;

// Each command's module (the app, the job queue, the database drivers) is loaded only once the
// command line and the configuration have been read: help, a usage mistake or a bad variable answer
// at once instead of after a second or two of imports.
const COMMANDS = {
  serve: async () => (await import("./serve.ts")).runServe,
  worker: async () => (await import("./worker.ts")).runWorker,
  migrate: async () => (await import("./migrate.ts")).runMigrate,
} as const;

/** Each command's options; any other is a mistake in the command line. */
const OPTIONS = {
  serve: { "no-workers": { type: "boolean", default: false } },
  worker: { channels: { type: "string" } },
  migrate: {},
} as const;

type CommandOptions = { workers: boolean; channels?: Channel[] };

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command) return usageError(undefined, USAGE);
  if (command === "help" || command === "--help" || command === "-h") return showHelp(USAGE);
  if (command === "user") return (await import("./user.ts")).runUser(rest, process.env);
  if (command === "keys") return (await import("./keys.ts")).runKeys(rest, process.env);
  if (!(command in COMMANDS)) return usageError(`unknown command "${command}"`, USAGE);
  if (wantsHelp(rest)) return showHelp(USAGE);
  let options: CommandOptions;
  try {
    // Every command's options are among these two; strict parsing refused any other.
    const { values } = parseArgs({
      args: rest,
      options: OPTIONS[command as keyof typeof OPTIONS],
      strict: true,
    }) as { values: { "no-workers"?: boolean; channels?: string } };
    options = {
      workers: !values["no-workers"],
      channels: values.channels === undefined ? undefined : parseChannels(values.channels),
    };
  } catch (error) {
    return usageError(messageOf(error), USAGE);
  }
  const config = loadConfigOrSay(process.env);
  if (!config) return 1;
  const log = createLogger({ level: config.logLevel });
  const run = await COMMANDS[command as keyof typeof COMMANDS]();
  return run(config, log, options);
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code !== 0) process.exitCode = code;
  },
  (error: unknown) => {
    console.error(`aviso: ${error instanceof Error ? error.message : String(error)}`);
    // A distinct code: nothing is wrong but the timing, so a script or service manager can tell.
    process.exitCode = error instanceof DataDirLockedError ? EXIT_DATA_DIR_LOCKED : 1;
  },
);
