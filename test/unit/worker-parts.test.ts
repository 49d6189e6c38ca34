/**
 * The pieces the Cloudflare Worker swaps in for Node-only ones, checked on Node against the
 * originals: argon2id in plain JavaScript against @node-rs/argon2 (hashes verify both ways), the
 * list of web/ files the Worker fetches from its assets binding against the directory, the cron
 * triggers in wrangler.toml (as wrangler parses it) against the housekeeping schedule, and the Worker build of the logger.
 * (test/e2e/worker.test.ts runs the Worker itself.)
 */
import { readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { hash as nativeHash, verify as nativeVerify } from "@node-rs/argon2";
import { describe, expect, it } from "vitest";
import * as wrangler from "wrangler";
import { HOUSEKEEPING_CRONS } from "../../src/entry/worker.ts";
import { HOUSEKEEPING_SCHEDULE } from "../../src/jobs/housekeeping-schedule.ts";
import { consoleLine } from "../../src/log.ts";
import { hash, verify } from "../../src/security/argon2-portable.ts";
import { ARGON2_PARAMS } from "../../src/security/passwords.ts";
import { WEB_FILE_NAMES } from "../../src/web/files-worker.ts";
import { housekeepingPayload } from "../../workers/housekeeping.ts";

const ROOT = new URL("../../", import.meta.url);

/** wrangler's own reading of wrangler.toml (its types for it come from a package it does not ship). */
const readRawConfig = wrangler.experimental_readRawConfig as (args: { config: string }) => {
  rawConfig: { triggers?: { crons?: string[] }; send_metrics?: boolean; compatibility_flags?: string[] };
};

describe("argon2id without native code (the Worker's)", { timeout: 60_000 }, () => {
  it("verifies what @node-rs/argon2 hashed, and the other way round, with the same parameters", async () => {
    const password = "correct horse battery staple";
    const native = await nativeHash(password, { algorithm: 2, ...ARGON2_PARAMS });
    expect(await verify(native, password)).toBe(true);
    expect(await verify(native, `${password}!`)).toBe(false);

    const portable = await hash(password, { algorithm: 2, ...ARGON2_PARAMS });
    expect(portable).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
    expect(await nativeVerify(portable, password)).toBe(true);
    expect(await nativeVerify(portable, "wrong")).toBe(false);
  });

  it("refuses what is not an argon2id PHC string, or would cost more memory than a Worker has", async () => {
    await expect(verify("$2b$10$abcdefghijklmnopqrstuu", "x")).rejects.toThrow();
    await expect(verify("$argon2id$v=19$m=4194304,t=2,p=1$c2FsdHNhbHRzYWx0$aGFzaA", "x")).rejects.toThrow();
  });
});

describe("the Worker's configuration", () => {
  it("lists every file in web/ that the app serves, and only those", () => {
    const served = readdirSync(new URL("web/", ROOT), { withFileTypes: true })
      .filter((entry) => entry.isFile() && /\.(css|js|json|svg|png|ico|webmanifest)$/.test(entry.name))
      .map((entry) => entry.name)
      .sort();
    expect([...WEB_FILE_NAMES].sort()).toEqual(served);
  });

  it("has a cron trigger for each housekeeping schedule, enqueueing tasks the Node workers know", () => {
    // wrangler.toml as wrangler itself reads it (it cannot import the schedule, so it is compared).
    const { rawConfig } = readRawConfig({
      config: fileURLToPath(new URL("wrangler.toml", ROOT)),
    });
    const crons = [...(rawConfig.triggers?.crons ?? [])];
    expect(crons.sort()).toEqual(Object.keys(HOUSEKEEPING_CRONS).sort());
    const known = housekeepingPayload.shape.task.options as readonly string[];
    for (const tasks of Object.values(HOUSEKEEPING_CRONS))
      for (const task of tasks) expect(known).toContain(task);
    // …and every task the Node workers run has its trigger, on the Node workers' schedule.
    for (const [task, cron] of Object.entries(HOUSEKEEPING_SCHEDULE))
      expect(HOUSEKEEPING_CRONS[cron], task).toContain(task);
    expect(Object.values(HOUSEKEEPING_CRONS).flat().sort()).toEqual([...known].sort());
    expect(rawConfig.send_metrics).toBe(false);
    expect(rawConfig.compatibility_flags).toEqual(["nodejs_compat"]);
  });

  it("logs without addresses in pino's browser build too (what the Worker bundles)", () => {
    const line = consoleLine({
      level: 30,
      phone: "+15105550123",
      nested: { email: "someone@example.org", kept: "yes" },
      msg: "text from +1 510 555 0123 and someone@example.org",
    });
    expect(line).not.toMatch(/555|example\.org/);
    const error = JSON.parse(consoleLine({ err: new TypeError("no route to +15105550123") }));
    expect(error.err).toMatchObject({ type: "TypeError", message: "no route to [phone]" });
    expect(JSON.parse(line)).toMatchObject({
      phone: "[redacted]",
      nested: { email: "[redacted]", kept: "yes" },
    });
  });
});
