/**
 * What a stolen dump would show: after canary numbers and emails pass through the system, a text
 * dump of every table in every schema (ours and the job queue's) holds none of them, in any form.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sealAddress } from "../../src/security/addresses.ts";
import { addressForms, dumpEverything } from "../support/privacy.ts";
import { createTestRuntime, type TestRuntime } from "../support/runtime.ts";

const PHONES = ["+15105550142", "+13235550177"];
const EMAILS = ["canary.one@example.org", "Canary.Two@Example.net"];

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
    expect(dump).toContain("-- pgboss.job");
    expect(dump).toContain("Test alert");
    for (const canary of [...PHONES, ...EMAILS]) {
      for (const form of addressForms(canary)) {
        expect(dump, `dump contains ${form}`).not.toContain(form);
        expect(runtime.logs.text, `logs contain ${form}`).not.toContain(form);
      }
    }
  });
});
