/**
 * The embedded database has one owner, checked with real processes: while `aviso serve` holds
 * DATA_DIR, `user create`, `migrate` and `keys rotate` are refused with exit code 75, naming the
 * server's pid (user create points to the setup link), and the server carries on; the first admin
 * comes from the one-time link the server printed; once the server stops, the lock is gone and the
 * database opens cleanly. A stale lock (its pid dead) is taken over; a signal releases the lock;
 * of several processes starting at once, exactly one gets it, and they agree on one development
 * key file.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, inject, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../support/db.ts";
import { runAviso, startAviso } from "../support/process.ts";

const provided = inject("testDatabase");
const onPglite = provided.kind === "pglite";
const LOCK_MODULE = fileURLToPath(new URL("../../src/db/data-dir-lock.ts", import.meta.url));
const CONFIG_MODULE = fileURLToPath(new URL("../../src/config.ts", import.meta.url));
const KEYS_MODULE = fileURLToPath(new URL("../../src/security/keys.ts", import.meta.url));
const PASSWORD = "a long first password";
const databases: TestDatabase[] = [];
afterAll(async () => {
  for (const database of databases) await database.drop();
});

const freshDir = () => mkdtempSync(join(tmpdir(), "aviso-lock-"));
const lockPath = (dir: string) => join(dir, "aviso.lock");

/** The setup form as a browser would fill it: GET the link (CSRF cookie and token), POST it back. */
async function useSetupLink(link: string, email: string) {
  const page = await fetch(link);
  const cookie = page.headers
    .getSetCookie()
    .map((line) => line.split(";")[0])
    .join("; ");
  const html = await page.text();
  const csrf = /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? "";
  const token = /name="token" value="([^"]+)"/.exec(html)?.[1] ?? "";
  return fetch(new URL("/setup", link), {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie },
    body: new URLSearchParams({
      _csrf: csrf,
      token,
      email,
      name: "First Admin",
      organisation: "City of Oakland",
      password: PASSWORD,
      passwordAgain: PASSWORD,
    }),
  });
}

describe("one owner for DATA_DIR", { timeout: 240_000 }, () => {
  it.runIf(onPglite)(
    "refuses other commands while the server runs, which offers the setup link instead",
    async () => {
      const env = { DATA_DIR: freshDir(), PORT: "0", LOG_LEVEL: "info" };
      const server = startAviso(["serve"], env);
      try {
        const [, url] = await server.waitForOutput(/Aviso is running at (http:\/\/\S+)/, 120_000);
        const [link, token] = await server.waitForOutput(
          /http:\/\/\S+\/setup\?token=([A-Za-z0-9_-]{43})/,
          5_000,
        );
        const pid = String(server.child.pid);

        const create = ["user", "create", "--email", "second@city.test", "--name", "Two", "--role", "admin"];
        const user = await runAviso([...create, "--org", "City"], { ...env, AVISO_PASSWORD: PASSWORD });
        expect(user.code).toBe(75);
        expect(user.output).toMatch(new RegExp(`in use by process ${pid} \\(aviso serve`));
        expect(user.output).toMatch(/one-time setup link/);
        for (const command of [["migrate"], ["keys", "rotate"]]) {
          const refused = await runAviso(command, env);
          expect(refused.code, command.join(" ")).toBe(75);
          expect(refused.output).toMatch(new RegExp(`in use by process ${pid} \\(aviso serve`));
        }
        expect((await fetch(`${url}/healthz`)).status).toBe(200);

        const made = await useSetupLink(link!, "first@city.test");
        expect(made.status).toBe(303);
        expect((await fetch(link!)).status).toBe(404); // used up
        const login = await fetch(`${url}/api/v1/auth/login`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ email: "first@city.test", password: PASSWORD }),
        });
        expect(login.status).toBe(200);
        // The token went to stdout once, as plain text: never into a structured log line.
        const logLines = server
          .output()
          .split("\n")
          .filter((line) => line.startsWith("{"));
        expect(logLines.length).toBeGreaterThan(0);
        expect(logLines.filter((line) => line.includes(token!))).toEqual([]);
        expect(server.output().split(token!)).toHaveLength(2);

        server.child.kill("SIGTERM");
        expect(await server.exited).toBe(0);
      } finally {
        server.child.kill("SIGKILL");
      }
      expect(existsSync(lockPath(env.DATA_DIR))).toBe(false);
      // The database is whole: it opens, knows the admin, and takes another account.
      const again = await runAviso(
        ["user", "create", "--email", "first@city.test", "--name", "A", "--role", "admin", "--org", "City"],
        { ...env, AVISO_PASSWORD: PASSWORD },
      );
      expect(again.output).toMatch(/exists already/);
      const operator = await runAviso(
        ["user", "create", "--email", "op@city.test", "--name", "Op", "--role", "operator", "--org", "City"],
        { ...env, AVISO_PASSWORD: PASSWORD },
      );
      expect(operator.code).toBe(0);
      // With an admin, a new server prints no link.
      const next = startAviso(["serve"], env);
      try {
        await next.waitForOutput(/Aviso is running at/, 120_000);
        await new Promise((resolve) => setTimeout(resolve, 500));
        expect(next.output()).not.toMatch(/setup\?token=/);
        next.child.kill("SIGTERM");
        expect(await next.exited).toBe(0);
      } finally {
        next.child.kill("SIGKILL");
      }
    },
  );

  it.runIf(!onPglite)("prints the setup link on Postgres too", async () => {
    const database = await createTestDatabase();
    databases.push(database);
    const server = startAviso(["serve"], { DATA_DIR: freshDir(), DATABASE_URL: database.url, PORT: "0" });
    try {
      const [, url] = await server.waitForOutput(/Aviso is running at (http:\/\/\S+)/, 120_000);
      const [link] = await server.waitForOutput(/http:\/\/\S+\/setup\?token=[A-Za-z0-9_-]{43}/, 5_000);
      expect((await useSetupLink(link!, "first@city.test")).status).toBe(303);
      const login = await fetch(`${url}/api/v1/auth/login`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ email: "first@city.test", password: PASSWORD }),
      });
      expect(login.status).toBe(200);
      server.child.kill("SIGTERM");
      expect(await server.exited).toBe(0);
    } finally {
      server.child.kill("SIGKILL");
    }
  });

  it.runIf(onPglite)("takes over a stale lock, and refuses one from another host", async () => {
    const dir = freshDir();
    const dead = spawn(process.execPath, ["-e", ""]);
    const deadPid = dead.pid!;
    await new Promise((resolve) => dead.on("exit", resolve));
    const stale = (host: string) =>
      writeFileSync(
        lockPath(dir),
        JSON.stringify({ pid: deadPid, host, command: "aviso serve", startedAt: "then", nonce: "abc" }),
      );
    stale(hostname());
    const migrated = await runAviso(["migrate"], { DATA_DIR: dir });
    expect(migrated.output).not.toMatch(/in use/);
    expect(migrated.code).toBe(0);
    expect(existsSync(lockPath(dir))).toBe(false);

    stale("another-machine");
    const refused = await runAviso(["migrate"], { DATA_DIR: dir });
    expect(refused.code).toBe(75);
    expect(refused.output).toMatch(/on host another-machine/);
    expect(refused.output).toMatch(/delete .*aviso\.lock/);
  });

  it("releases the lock on SIGINT and SIGTERM, and ends as the signal says", async () => {
    for (const signal of ["SIGINT", "SIGTERM"] as const) {
      const dir = freshDir();
      const holder = holdLock(dir, 60_000);
      await holder.said(/^got/m);
      expect(JSON.parse(readFileSync(lockPath(dir), "utf8"))).toMatchObject({ pid: holder.child.pid });
      holder.child.kill(signal);
      const [code, ended] = await holder.exited;
      expect([code, ended]).toEqual([null, signal]);
      expect(existsSync(lockPath(dir))).toBe(false);
    }
  });

  it("gives the lock to exactly one of several processes starting at once, stale lock or not", async () => {
    for (const withStale of [false, true]) {
      const dir = freshDir();
      if (withStale) {
        writeFileSync(
          lockPath(dir),
          JSON.stringify({ pid: 2 ** 22 + 12345, host: hostname(), command: "aviso serve", nonce: "old" }),
        );
      }
      const racers = Array.from({ length: 6 }, () => holdLock(dir, 3_000));
      await Promise.all(racers.map((racer) => racer.exited));
      const outputs = racers.map((racer) => racer.output());
      expect(
        outputs.filter((output) => output.startsWith("got")),
        outputs.join("\n"),
      ).toHaveLength(1);
      expect(outputs.filter((output) => output.startsWith("refused"))).toHaveLength(5);
      expect(existsSync(lockPath(dir))).toBe(false);
    }
  });
});

describe("development keys in DATA_DIR", { timeout: 120_000 }, () => {
  it("are generated once when several processes start at once on a fresh folder", async () => {
    const dir = freshDir();
    // Every process loads its modules, says "ready" and waits for the go file, which appears once
    // all eight are ready, so their checks and writes overlap (and nobody waits a fixed time).
    const go = join(freshDir(), "go");
    const script = `
      import { existsSync } from "node:fs";
      import { loadConfig } from ${JSON.stringify(CONFIG_MODULE)};
      import { loadKeys } from ${JSON.stringify(KEYS_MODULE)};
      const config = loadConfig({ DATA_DIR: ${JSON.stringify(dir)} });
      console.error("ready");
      const tick = new Int32Array(new SharedArrayBuffer(4));
      while (!existsSync(${JSON.stringify(go)})) Atomics.wait(tick, 0, 0, 1);
      const keys = loadKeys(config, () => {});
      console.log("index " + keys.blindIndexKey.toString("base64"));`;
    const children = Array.from({ length: 8 }, () => {
      const child = spawn(process.execPath, ["--input-type=module", "-e", script]);
      let output = "";
      let errors = "";
      child.stdout.on("data", (chunk: Buffer) => (output += chunk));
      child.stderr.on("data", (chunk: Buffer) => (errors += chunk));
      const exited = new Promise<string>((resolve) =>
        child.on("exit", () => resolve(`${output}${errors.replace("ready\n", "")}`.trim())),
      );
      return { ready: () => errors.includes("ready"), exited };
    });
    await expect.poll(() => children.every((child) => child.ready()), { timeout: 60_000 }).toBe(true);
    writeFileSync(go, "");
    const outputs = await Promise.all(children.map((child) => child.exited));
    const stored = JSON.parse(readFileSync(join(dir, "keys.json"), "utf8")) as { blindIndex: string };
    expect(outputs).toEqual(Array(8).fill(`index ${stored.blindIndex}`));
  });
});

/** A process that takes DATA_DIR's lock, says "got" or "refused", and holds it for `ms`. */
function holdLock(dir: string, ms: number) {
  const script = `
    import { lockDataDir } from ${JSON.stringify(LOCK_MODULE)};
    try {
      lockDataDir(${JSON.stringify(dir)}, "test holder");
      console.log("got");
      setTimeout(() => {}, ${ms});
    } catch (error) {
      console.log("refused " + error.message);
    }`;
  const child: ChildProcess = spawn(process.execPath, ["--input-type=module", "-e", script], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => (output += chunk));
  child.stderr?.on("data", (chunk: Buffer) => (output += chunk));
  const exited = new Promise<[number | null, NodeJS.Signals | null]>((resolve) =>
    child.on("exit", (code, signal) => resolve([code, signal])),
  );
  return {
    child,
    output: () => output,
    exited,
    async said(pattern: RegExp) {
      await expect.poll(() => output, { timeout: 30_000 }).toMatch(pattern);
    },
  };
}
