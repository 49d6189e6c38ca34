/**
 * Prepared statements (src/db/prepared.ts, src/db/prepared-pool.ts): on Postgres a statement marked
 * PREPARED is prepared once per connection and then reused; no other statement is; and the hot
 * statements the marker was made for (the SMS webhook's claim) really are prepared. On PGlite the
 * marker is a comment and the statement runs as it is.
 */
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../../src/app.ts";
import { loadConfig } from "../../src/config.ts";
import { connectPostgres, type DatabaseHandle } from "../../src/db/connect.ts";
import { PREPARED, PREPARED_MARKER } from "../../src/db/prepared.ts";
import { preparedName } from "../../src/db/prepared-pool.ts";
import { createLogger } from "../../src/log.ts";
import { createRuntime, type Runtime } from "../../src/runtime.ts";
import { backend, createTestDatabase, type TestDatabase } from "../support/db.ts";
import { CapturedLog, testEnv } from "../support/runtime.ts";
import { phone } from "../support/sms-webhook.ts";

let database: TestDatabase;
/** On Postgres, a handle of one connection, so that every statement meets the same session. */
let single: DatabaseHandle | undefined;

beforeAll(async () => {
  database = await createTestDatabase();
  if (database.url) single = await connectPostgres(database.url, 1);
});

afterAll(async () => {
  await single?.close();
  await database.drop();
});

async function preparedStatements(handle: DatabaseHandle): Promise<string[]> {
  const { rows } = await sql<{ statement: string }>`
    SELECT statement FROM pg_prepared_statements ORDER BY prepare_time`.execute(handle.db);
  return rows.map((row) => row.statement);
}

describe("statement names", () => {
  it("names a marked text after its hash: the same text the same name, another text another", () => {
    const a = `${PREPARED_MARKER} SELECT $1::int`;
    const b = `${PREPARED_MARKER} SELECT $1::int + 1`;
    expect(preparedName(a)).toMatch(/^aviso_[0-9a-f]{24}$/);
    expect(preparedName(a)).toBe(preparedName(a));
    expect(preparedName(b)).not.toBe(preparedName(a));
    expect(preparedName("SELECT $1::int")).toBeUndefined();
    expect(preparedName(` ${PREPARED_MARKER} SELECT 1`)).toBeUndefined();
  });
});

describe("marked statements", () => {
  it("answer like any other statement", async () => {
    const { rows } = await sql<{ n: number }>`${PREPARED} SELECT ${41}::int + 1 AS n`.execute(
      database.handle.db,
    );
    expect(rows).toEqual([{ n: 42 }]);
  });

  it.runIf(backend() === "postgres")(
    "are prepared once per connection, and unmarked ones not at all",
    async () => {
      const handle = single!;
      for (const n of [1, 2, 3]) {
        const { rows } = await sql<{ n: number }>`${PREPARED} SELECT ${n}::int * 10 AS n`.execute(handle.db);
        expect(rows).toEqual([{ n: n * 10 }]);
      }
      await sql`SELECT ${1}::int * 20 AS n`.execute(handle.db);
      const other = await sql<{ s: string }>`${PREPARED} SELECT ${"x"}::text AS s`.execute(handle.db);
      expect(other.rows).toEqual([{ s: "x" }]);
      const statements = await preparedStatements(handle);
      expect(statements.filter((s) => s.includes("* 10 AS n"))).toHaveLength(1);
      expect(statements.filter((s) => s.includes("::text AS s"))).toHaveLength(1);
      expect(statements.filter((s) => s.includes("* 20 AS n"))).toHaveLength(0);
      expect(statements.every((s) => s.startsWith(PREPARED_MARKER))).toBe(true);
    },
  );

  it.runIf(backend() === "postgres")("hold inside a transaction and after a failed one", async () => {
    const handle = single!;
    await expect(
      handle.db.transaction().execute(async (trx) => {
        await sql`${PREPARED} SELECT ${1}::int AS one`.execute(trx);
        await sql`SELECT 1 / 0`.execute(trx);
      }),
    ).rejects.toThrow(/division by zero/);
    const { rows } = await sql<{ one: number }>`${PREPARED} SELECT ${1}::int AS one`.execute(handle.db);
    expect(rows).toEqual([{ one: 1 }]);
  });
});

describe.runIf(backend() === "postgres")("the SMS webhook's claim", () => {
  let runtime: Runtime;

  beforeAll(async () => {
    const config = loadConfig(testEnv({ LOG_LEVEL: "warn" }));
    runtime = await createRuntime(config, createLogger({ level: "warn", destination: new CapturedLog() }), {
      handle: { ...single!, close: async () => {} },
    });
  });

  afterAll(async () => {
    await runtime.close();
  });

  it("is prepared once and reused by every later text", async () => {
    const app = createApp(runtime);
    const claims = async () =>
      (await preparedStatements(single!)).filter((s) => s.includes("INSERT INTO inbound_messages"));
    expect((await phone(app, runtime, "+15105550161").send("94607")).messages.join(" ")).toMatch(/94607/);
    expect(await claims()).toHaveLength(1);
    expect((await phone(app, runtime, "+15105550162").send("94601")).messages.join(" ")).toMatch(/94601/);
    expect((await phone(app, runtime, "+15105550161").send("LIST")).messages.join(" ")).toMatch(/94607/);
    expect(await claims()).toHaveLength(1);
  });

  it("a whole conversation prepares fewer than twenty statements a connection (docs/deploy.md's pooler bound)", async () => {
    const app = createApp(runtime);
    const resident = phone(app, runtime, "+15105550163");
    for (const body of [
      "94607 94601",
      "LIST",
      "ADD 94606",
      "REMOVE 94601",
      "HELP",
      "ES",
      "STOP",
      "INICIO",
      "STOP",
    ]) {
      expect((await resident.send(body)).status).toBe(200);
    }
    const statements = await preparedStatements(single!);
    expect(statements.length).toBeGreaterThanOrEqual(5);
    expect(statements.length).toBeLessThan(20);
  });
});
