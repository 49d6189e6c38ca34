/** Runs the real `aviso` command in a child process, as a person or a service manager would. */
import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

const CLI = fileURLToPath(new URL("../../src/cli/main.ts", import.meta.url));

export type RunningCommand = {
  child: ChildProcess;
  output(): string;
  waitForOutput(pattern: RegExp, timeoutMs: number): Promise<RegExpMatchArray>;
  exited: Promise<number | null>;
};

export function startAviso(args: string[], env: Record<string, string | undefined>): RunningCommand {
  const child = spawn(process.execPath, [CLI, ...args], {
    env: { PATH: process.env.PATH, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const listeners = new Set<() => void>();
  const collect = (chunk: Buffer) => {
    output += chunk.toString("utf8");
    for (const listener of listeners) listener();
  };
  child.stdout?.on("data", collect);
  child.stderr?.on("data", collect);
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return {
    child,
    output: () => output,
    exited,
    waitForOutput(pattern, timeoutMs) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const match = output.match(pattern);
          if (!match) return;
          cleanup();
          resolve(match);
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`no ${pattern} within ${timeoutMs} ms; output:\n${output}`));
        }, timeoutMs);
        const cleanup = () => {
          clearTimeout(timer);
          listeners.delete(check);
        };
        listeners.add(check);
        exited.then((code) =>
          setTimeout(() => {
            check();
            if (!listeners.has(check)) return;
            cleanup();
            reject(new Error(`exited with ${code} before ${pattern}; output:\n${output}`));
          }, 10),
        );
        check();
      });
    },
  };
}

export async function runAviso(args: string[], env: Record<string, string | undefined>, timeoutMs = 90_000) {
  const command = startAviso(args, env);
  const timer = setTimeout(() => command.child.kill("SIGKILL"), timeoutMs);
  const code = await command.exited;
  clearTimeout(timer);
  return { code, output: command.output() };
}
