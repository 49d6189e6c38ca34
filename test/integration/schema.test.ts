import { readdirSync } from "node:fs";
import { sql } from "kysely";
import { Migrator } from "kysely/migration";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migrations } from "../../migrations/index.ts";
import { sealAddress } from "../../src/security/addresses.ts";
import { createTestRuntime, type TestRuntime } from "../support/runtime.ts";

let runtime: TestRuntime;
beforeAll(async () => {
  runtime = await createTestRuntime();
});
afterAll(() => runtime.close());

async function newAlert() {
  return runtime.db
    .insertInto("alerts")
    .values({
      kind: "sighting",
      priority: "alert",
      target_zips: ["94607"],
      sender_org: "Test hotline",
      author_id: null,
      approver_id: null,
      references_alert_id: null,
      expires_at: new Date(Date.now() + 3_600_000),
      updated_at: new Date(),
      published_at: null,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
}

async function newSubscriber(phone: string) {
  return runtime.db
    .insertInto("subscribers")
    .values({
      channel: "sms",
      ...sealAddress(runtime.pii, "sms", phone),
      language: "en",
      status: "active",
      updated_at: new Date(),
      stopped_at: null,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
}

describe("migrations", () => {
  it("lists every file in migrations/ in migrations/index.ts", () => {
    const files = readdirSync(new URL("../../migrations/", import.meta.url))
      .filter((file) => /^\d{4}-.*\.ts$/.test(file))
      .map((file) => file.replace(/\.ts$/, ""));
    expect(Object.keys(migrations).sort()).toEqual(files.sort());
  });

  it("rolls back a failing migration completely", async () => {
    const migrator = new Migrator({
      db: runtime.db,
      provider: {
        getMigrations: async () => ({
          ...migrations,
          "9999-broken": {
            async up(db) {
              await sql`CREATE TABLE half_done (id int)`.execute(db);
              await sql`SELECT * FROM no_such_table`.execute(db);
            },
          },
        }),
      },
    });
    const result = await migrator.migrateToLatest();
    expect(result.error).toBeDefined();
    const { rows } = await sql<{
      n: number;
    }>`SELECT count(*)::int AS n FROM pg_tables WHERE tablename = 'half_done'`.execute(runtime.db);
    expect(rows[0]?.n).toBe(0);
  });
});

describe("core schema", () => {
  it("holds the US ZIP reference data", async () => {
    const oakland = await runtime.db
      .selectFrom("zip_codes")
      .selectAll()
      .where("zip", "=", "94607")
      .executeTakeFirst();
    expect(oakland).toMatchObject({ city: "Oakland", state: "CA" });
    expect(oakland?.latitude).toBeCloseTo(37.8, 0);
    const { count } = await runtime.db
      .selectFrom("zip_codes")
      .select((eb) => eb.fn.countAll<string>().as("count"))
      .executeTakeFirstOrThrow();
    expect(Number(count)).toBeGreaterThan(40_000);
  });

  it("keeps one ledger row per alert, subscriber and channel", async () => {
    const alert = await newAlert();
    const subscriber = await newSubscriber("+15105550111");
    const row = {
      alert_id: alert.id,
      subscriber_id: subscriber.id,
      channel: "sms" as const,
      updated_at: new Date(),
    };
    await runtime.db.insertInto("deliveries").values(row).execute();
    await expect(runtime.db.insertInto("deliveries").values(row).execute()).rejects.toThrow(/duplicate key/);
    const again = await runtime.db
      .insertInto("deliveries")
      .values(row)
      .onConflict((oc) => oc.columns(["alert_id", "subscriber_id", "channel"]).doNothing())
      .executeTakeFirst();
    expect(Number(again.numInsertedOrUpdatedRows)).toBe(0);
  });

  it("refuses a second subscriber with the same address on the same channel", async () => {
    await newSubscriber("+15105550112");
    await expect(newSubscriber("+15105550112")).rejects.toThrow(/duplicate key/);
  });

  it("keeps the audit log append-only", async () => {
    await runtime.db.insertInto("audit_log").values({ actor: "test", action: "test.append" }).execute();
    await expect(
      runtime.db.updateTable("audit_log").set({ actor: "someone else" }).execute(),
    ).rejects.toThrow(/append-only/);
    await expect(runtime.db.deleteFrom("audit_log").execute()).rejects.toThrow(/append-only/);
  });

  it("rejects alerts with no target ZIPs and texts in unknown languages", async () => {
    await expect(
      runtime.db
        .insertInto("alerts")
        .values({
          kind: "sighting",
          priority: "alert",
          target_zips: [],
          sender_org: "x",
          author_id: null,
          approver_id: null,
          references_alert_id: null,
          expires_at: new Date(),
          updated_at: new Date(),
          published_at: null,
        })
        .execute(),
    ).rejects.toThrow(/check constraint/);
    const alert = await newAlert();
    await expect(
      sql`INSERT INTO alert_texts (alert_id, language, headline, body, sms_text) VALUES (${alert.id}, 'fr', 'h', 'b', 's')`.execute(
        runtime.db,
      ),
    ).rejects.toThrow(/check constraint/);
  });
});
