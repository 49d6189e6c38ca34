/**
 * `aviso keys rotate` as an operator runs it: a process with the new keys in its environment,
 * against the same database (Postgres, or the embedded one in DATA_DIR). It refuses to call the
 * job done while a value is under a key the ring no longer holds, and prints counts, never values.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.ts";
import { connectPglite, connectPostgres, type DatabaseHandle } from "../../src/db/connect.ts";
import { createLogger } from "../../src/log.ts";
import { createRuntime } from "../../src/runtime.ts";
import { openAddress } from "../../src/security/addresses.ts";
import { createPiiCipher } from "../../src/security/pii.ts";
import { backend, createTestDatabase, type TestDatabase } from "../support/db.ts";
import { addSubscriber } from "../support/fanout.ts";
import { runAviso } from "../support/process.ts";
import { CapturedLog } from "../support/runtime.ts";

const k1 = `k1:${randomBytes(32).toString("base64")}`;
const k2 = `k2:${randomBytes(32).toString("base64")}`;
const oldIndex = randomBytes(32).toString("base64");
const newIndex = randomBytes(32).toString("base64");
const NUMBER = "+15105550166";

let where: Record<string, string>;
let database: TestDatabase | undefined;
const open = async (): Promise<DatabaseHandle> =>
  database ? connectPostgres(database.url!, 2) : connectPglite({ dataDir: where.DATA_DIR });

beforeAll(async () => {
  const dataDir = mkdtempSync(join(tmpdir(), "aviso-keys-"));
  if (backend() === "postgres") {
    database = await createTestDatabase();
    where = { DATA_DIR: dataDir, DATABASE_URL: database.url! };
  } else {
    where = { DATA_DIR: dataDir };
  }
  // The service, before: everything under k1 and the old index key.
  const config = loadConfig({
    ...where,
    PII_ENCRYPTION_KEYS: k1,
    BLIND_INDEX_KEY: oldIndex,
    LOG_LEVEL: "warn",
  });
  const runtime = await createRuntime(
    config,
    createLogger({ level: "warn", destination: new CapturedLog() }),
    {
      handle: await open(),
    },
  );
  await addSubscriber(runtime, { channel: "sms", address: NUMBER, zips: ["94607"] });
  await runtime.close();
}, 120_000);
afterAll(() => database?.drop());

describe("aviso keys rotate", () => {
  it("fails, changing nothing, when the ring lacks a key still in use; then rotates with the full ring", async () => {
    const missing = await runAviso(["keys", "rotate"], {
      ...where,
      PII_ENCRYPTION_KEYS: k2,
      BLIND_INDEX_KEY: newIndex,
      BLIND_INDEX_KEY_PREVIOUS: oldIndex,
      LOG_LEVEL: "warn",
    });
    expect(missing.output).toMatch(/could not be decrypted/);
    expect(missing.code).toBe(1);

    const done = await runAviso(["keys", "rotate", "--batch-size", "10"], {
      ...where,
      PII_ENCRYPTION_KEYS: `${k2},${k1}`,
      BLIND_INDEX_KEY: newIndex,
      BLIND_INDEX_KEY_PREVIOUS: oldIndex,
      LOG_LEVEL: "warn",
    });
    expect(done.output).toMatch(/subscribers\s+scanned 1, re-encrypted 1, re-indexed 1/);
    expect(done.code).toBe(0);
    expect(done.output).not.toContain(NUMBER);
    expect(done.output).not.toContain(NUMBER.slice(2));

    const handle = await open();
    try {
      const rows = await handle.db.selectFrom("subscribers").selectAll().execute();
      expect(rows.map((row) => row.address_key_id)).toEqual(["k2"]);
      const [id2, key2] = k2.split(":") as [string, string];
      const pii = createPiiCipher(
        [{ id: id2, key: Buffer.from(key2, "base64") }],
        Buffer.from(newIndex, "base64"),
      );
      expect(openAddress(pii, "sms", rows[0]!)).toBe(NUMBER);
    } finally {
      await handle.close();
    }
  }, 120_000);

  it("explains itself when called wrongly", async () => {
    const wrong = await runAviso(["keys", "spin"], where);
    expect(wrong.code).toBe(2);
    expect(wrong.output).toMatch(/Usage: aviso keys rotate/);
  });
});
