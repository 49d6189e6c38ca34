/**
 * The `aviso` command follows the conventions scripts and people rely on: every command's --help
 * prints its usage on standard output and exits 0; a mistake in the command line prints what is
 * wrong and the usage on standard error and exits 2; neither touches the database or the
 * configuration (these run with none).
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const CLI = fileURLToPath(new URL("../../src/cli/main.ts", import.meta.url));

function aviso(args: string[]) {
  const result = spawnSync(process.execPath, [CLI, ...args], {
    // A data folder nobody may create: none of these may open it.
    env: { PATH: process.env.PATH, DATA_DIR: join(mkdtempSync(join(tmpdir(), "aviso-cli-")), "untouched") },
    encoding: "utf8",
    timeout: 60_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe("aviso --help", () => {
  it.each([
    [["--help"], /Usage: aviso <command>/],
    [["-h"], /Usage: aviso <command>/],
    [["help"], /Usage: aviso <command>/],
    [["serve", "--help"], /Usage: aviso <command>/],
    [["worker", "--help"], /Usage: aviso <command>/],
    [["worker", "--channels", "sms", "--help"], /--channels sms,email/],
    [["migrate", "-h"], /Usage: aviso <command>/],
    [["user", "--help"], /Usage: aviso user create/],
    [["user", "create", "--help"], /Usage: aviso user create/],
    [["keys", "--help"], /Usage: aviso keys rotate/],
    [["keys", "rotate", "--help"], /Usage: aviso keys rotate/],
  ])("%j prints its usage and exits 0", (args, usage) => {
    const { code, stdout, stderr } = aviso(args);
    expect(code).toBe(0);
    expect(stdout).toMatch(usage);
    expect(stderr).not.toMatch(/Unknown option|aviso:/);
  });
});

describe("a mistake in the command line", () => {
  it.each([
    [[], /Usage: aviso <command>/],
    [["launch"], /unknown command "launch"/],
    [["serve", "--workers=none"], /Unknown option '--workers'/],
    [["serve", "--channels", "sms"], /Unknown option '--channels'/],
    [["worker", "--channels", "fax"], /unknown channel "fax"/],
    [["worker", "--channels", "sms,,email"], /comma-separated list of channels: sms, email, push/],
    [["worker", "--channels"], /argument missing/],
    [["user"], /Usage: aviso user create/],
    [["user", "delete"], /unknown subcommand "user delete"/],
    [["user", "create", "--mail", "a@b.test"], /Unknown option '--mail'/],
    [["user", "create", "--password", "hunter2hunter2"], /--password is not accepted/],
    [["keys", "spin"], /unknown subcommand "keys spin"/],
    [["keys", "rotate", "--batch-size", "0"], /--batch-size must be a whole number/],
  ])("%j says what is wrong and exits 2", (args, problem) => {
    const { code, stdout, stderr } = aviso(args);
    expect(code).toBe(2);
    expect(stderr).toMatch(problem);
    expect(stderr).toMatch(/Usage: aviso/);
    expect(stdout).toBe("");
  });
});
