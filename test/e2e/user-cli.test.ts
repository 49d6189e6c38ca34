/**
 * `aviso user create` bootstraps the first admin, as a person would: the password on standard
 * input (or AVISO_PASSWORD), never on the command line; then that admin signs in to the server.
 */
import { spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { runAviso, startAviso } from "../support/process.ts";

const CLI = fileURLToPath(new URL("../../src/cli/main.ts", import.meta.url));

function withStdin(args: string[], env: Record<string, string>, input: string) {
  const child = spawn(process.execPath, [CLI, ...args], { env: { PATH: process.env.PATH, ...env } });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk));
  child.stderr.on("data", (chunk: Buffer) => (output += chunk));
  child.stdin.end(input);
  return new Promise<{ code: number | null; output: string }>((resolve) =>
    child.on("exit", (code) => resolve({ code, output })),
  );
}

const create = ["user", "create", "--email", "Admin@City.test", "--name", "First Admin", "--role", "admin"];

describe("aviso user create", () => {
  it("creates the first admin from a password on stdin, who can then sign in", async () => {
    const env = { DATA_DIR: mkdtempSync(join(tmpdir(), "aviso-user-")), LOG_LEVEL: "warn", PORT: "0" };
    const made = await withStdin([...create, "--org", "City of Oakland"], env, "a long admin password\n");
    expect(made.output).toMatch(/Created admin admin@city\.test .* in City of Oakland/);
    expect(made.code).toBe(0);
    expect(made.output).not.toContain("a long admin password");

    const again = await runAviso([...create, "--org", "City of Oakland"], {
      ...env,
      AVISO_PASSWORD: "another long password",
    });
    expect(again.code).toBe(1);
    expect(again.output).toMatch(/exists already/);

    const server = startAviso(["serve"], env);
    try {
      const [, url] = await server.waitForOutput(/Aviso is running at (http:\/\/\S+)/, 90_000);
      const login = await fetch(`${url}/api/v1/auth/login`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ email: "admin@city.test", password: "a long admin password" }),
      });
      expect(login.status).toBe(200);
      expect(login.headers.get("set-cookie")).toMatch(/^__Host-aviso_session=/);
      server.child.kill("SIGTERM");
      expect(await server.exited).toBe(0);
    } finally {
      server.child.kill("SIGKILL");
    }
  }, 180_000);

  it("refuses a password on the command line, and says which option is wrong", async () => {
    const env = {
      DATA_DIR: mkdtempSync(join(tmpdir(), "aviso-user-")),
      AVISO_PASSWORD: "a long admin password",
    };
    const argv = await runAviso([...create, "--org", "City", "--password", "hunter2hunter2"], env);
    expect(argv.code).toBe(2); // a mistake in the command line
    expect(argv.output).toMatch(/--password is not accepted/);
    const role = await runAviso(
      ["user", "create", "--email", "a@b.test", "--name", "A", "--role", "boss", "--org", "O"],
      env,
    );
    expect(role.code).toBe(2);
    expect(role.output).toMatch(/--role: /);
    const short = await runAviso([...create, "--org", "City"], { ...env, AVISO_PASSWORD: "short" });
    expect(short.code).toBe(1);
    expect(short.output).toMatch(/password: .*12/);
  }, 60_000);
});
