/**
 * What a stolen dump would show: after canary numbers and emails pass through the system, a text
 * dump of every table in every schema (ours and the job queue's) holds none of them, in any form.
 */
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sealAddress } from "../../src/security/addresses.ts";
import { createTestRuntime, type TestRuntime } from "../support/runtime.ts";

const PHONES = ["+15105550142", "+13235550177"];
const EMAILS = ["canary.one@example.org", "Canary.Two@Example.net"];

function forms(address: string): string[] {
  const digits = address.replace(/\D/g, "");
  const national = digits.slice(-10);
  return address.includes("@")
    ? [
        address,
        address.toLowerCase(),
        Buffer.from(address).toString("hex"),
        Buffer.from(address).toString("base64"),
      ]
    : [
        address,
        national,
        `(${national.slice(0, 3)}) ${national.slice(3, 6)}-${national.slice(6)}`,
        `${national.slice(0, 3)}-${national.slice(3, 6)}-${national.slice(6)}`,
        Buffer.from(address).toString("hex"),
      ];
}

async function dumpEverything(runtime: TestRuntime): Promise<string> {
  const { rows: tables } = await sql<{ schema: string; name: string }>`
    SELECT schemaname AS schema, tablename AS name FROM pg_tables
    WHERE schemaname NOT IN ('pg_catalog', 'information_schema')`.execute(runtime.db);
  expect(tables.length).toBeGreaterThan(8);
  const parts: string[] = [];
  for (const { schema, name } of tables) {
    const { rows } = await sql<{
      row: string;
    }>`SELECT t::text AS row FROM ${sql.table(`${schema}.${name}`)} t`.execute(runtime.db);
    parts.push(`-- ${schema}.${name}`, ...rows.map((r) => r.row));
  }
  return parts.join("\n");
}

let runtime: TestRuntime;
beforeAll(async () => {
  runtime = await createTestRuntime();
});
afterAll(() => runtime.close());

describe("a database dump holds no address in clear", () => {
  it("after canaries are subscribed, messaged through the outbox, and logged about", async () => {
    for (const [channel, address] of [
      ...PHONES.map((p) => ["sms", p] as const),
      ...EMAILS.map((e) => ["email", e.toLowerCase()] as const),
    ]) {
      const subscriber = await runtime.db
        .insertInto("subscribers")
        .values({
          channel,
          ...sealAddress(runtime.pii, channel, address),
          language: "es",
          status: "active",
          updated_at: new Date(),
          stopped_at: null,
        })
        .returning("id")
        .executeTakeFirstOrThrow();
      await runtime.db
        .insertInto("subscriptions")
        .values({ subscriber_id: subscriber.id, zip: "94607" })
        .execute();
      await runtime.senders[channel].send({
        channel,
        to: address,
        subscriberId: subscriber.id,
        text: "Test alert",
      });
      runtime.log.info({ to: address, subscriber: subscriber.id }, `sent test alert to ${address}`);
    }
    await runtime.boss.send("housekeeping", { task: "purge-outbox" });

    const dump = await dumpEverything(runtime);
    expect(dump).toContain("Test alert");
    for (const canary of [...PHONES, ...EMAILS]) {
      for (const form of forms(canary)) {
        expect(dump, `dump contains ${form}`).not.toContain(form);
        expect(runtime.logs.text, `logs contain ${form}`).not.toContain(form);
      }
    }
  });
});
