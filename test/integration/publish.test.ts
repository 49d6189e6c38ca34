/**
 * publishAlert, as a specification: which ledger rows an alert gets, which jobs carry them, and
 * what is refused with nothing written.
 */
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DELIVERY_BATCH_SIZE } from "../../src/ledger/batches.ts";
import { sealAddress } from "../../src/security/addresses.ts";
import { PublishRefusedError, publishAlert } from "../../src/services/alerts/publish.ts";
import { addAlert, addSubscriber, ledger } from "../support/fanout.ts";
import { createTestRuntime, type TestRuntime } from "../support/runtime.ts";

let runtime: TestRuntime;
beforeAll(async () => {
  runtime = await createTestRuntime();
});
afterAll(() => runtime.close());

type JobRow = { name: string; data: Record<string, string>; priority: number };
async function jobsFor(alertId: string): Promise<JobRow[]> {
  const { rows } = await sql<JobRow>`
    SELECT name, data, priority FROM pgboss.job
    WHERE name LIKE 'deliver-%' AND data->>'alertId' = ${alertId}
    ORDER BY priority DESC`.execute(runtime.db);
  return rows;
}

async function counts() {
  const { rows } = await sql<{ deliveries: string; jobs: string }>`
    SELECT (SELECT count(*) FROM deliveries)::text AS deliveries,
           (SELECT count(*) FROM pgboss.job WHERE name LIKE 'deliver-%')::text AS jobs`.execute(runtime.db);
  return rows[0];
}

describe("publishAlert writes one ledger row per subscriber and channel in the target", () => {
  it("covers several ZIPs once each, only active subscribers, own ZIP recorded", async () => {
    const both = await addSubscriber(runtime, {
      channel: "sms",
      address: "+15105550101",
      zips: ["94607", "94612"],
    });
    const other = await addSubscriber(runtime, {
      channel: "email",
      address: "a@example.org",
      zips: ["94612"],
    });
    const push = await addSubscriber(runtime, {
      channel: "push",
      address: '{"endpoint":"https://push.example/1","keys":{"p256dh":"x","auth":"y"}}',
      zips: ["94607"],
    });
    await addSubscriber(runtime, {
      channel: "sms",
      address: "+15105550102",
      zips: ["94607"],
      status: "stopped",
    });
    await addSubscriber(runtime, {
      channel: "sms",
      address: "+15105550103",
      zips: ["94607"],
      status: "pending",
    });
    await addSubscriber(runtime, { channel: "sms", address: "+15105550104", zips: ["94601"] });
    const alertId = await addAlert(runtime, { zips: ["94607", "94612"] });

    const result = await publishAlert({ ctx: runtime, input: { alertId } });

    expect(result.deliveries).toEqual({ sms: 1, email: 1, push: 1, whatsapp: 0, voice: 0 });
    const rows = await ledger(runtime, alertId);
    expect(rows.map((r) => [r.subscriber_id, r.channel, r.zip, r.status]).sort()).toEqual(
      [
        [both, "sms", "94607", "queued"],
        [other, "email", "94612", "queued"],
        [push, "push", "94607", "queued"],
      ].sort(),
    );
    const alert = await runtime.db
      .selectFrom("alerts")
      .select(["status", "published_at"])
      .where("id", "=", alertId)
      .executeTakeFirstOrThrow();
    expect(alert.status).toBe("published");
    expect(alert.published_at).toBeInstanceOf(Date);
  });

  it("sends Community priority by email and push only, unless COMMUNITY_SMS is on", async () => {
    await addSubscriber(runtime, { channel: "sms", address: "+15105550201", zips: ["94621"] });
    await addSubscriber(runtime, { channel: "email", address: "c@example.org", zips: ["94621"] });
    const community = await addAlert(runtime, { zips: ["94621"], priority: "community" });
    const result = await publishAlert({ ctx: runtime, input: { alertId: community } });
    expect(result.deliveries).toEqual({ sms: 0, email: 1, push: 0, whatsapp: 0, voice: 0 });
    expect((await jobsFor(community)).map((job) => job.name)).toEqual(["deliver-email"]);

    const withSms = {
      ...runtime,
      config: { ...runtime.config, delivery: { ...runtime.config.delivery, communitySms: true } },
    };
    const again = await addAlert(runtime, { zips: ["94621"], priority: "community" });
    expect((await publishAlert({ ctx: withSms, input: { alertId: again } })).deliveries).toEqual({
      sms: 1,
      email: 1,
      push: 0,
      whatsapp: 0,
      voice: 0,
    });
  });
});

describe("delivery jobs", () => {
  it("carry batches of ledger ids, never an address, own ZIP first, Alert before Advisory before Community", async () => {
    // 1,100 SMS subscribers in 94603 and 94605; 94605 is the sighting's ZIP (first target).
    const values = Array.from({ length: 1100 }, (_, i) => ({
      channel: "sms" as const,
      ...sealAddress(runtime.pii, "sms", `+1510556${String(i).padStart(4, "0")}`),
      language: "en" as const,
      status: "active" as const,
      updated_at: new Date(),
      stopped_at: null,
    }));
    const ids = await runtime.db.insertInto("subscribers").values(values).returning("id").execute();
    await runtime.db
      .insertInto("subscriptions")
      .values(ids.map(({ id }, i) => ({ subscriber_id: id, zip: i % 4 === 0 ? "94605" : "94603" })))
      .execute();

    // Community notices skip SMS: give them someone to reach.
    await addSubscriber(runtime, { channel: "email", address: "community@example.org", zips: ["94605"] });
    const alertId = await addAlert(runtime, { zips: ["94605", "94603"] });
    const advisory = await addAlert(runtime, { zips: ["94605"], priority: "advisory" });
    const community = await addAlert(runtime, { zips: ["94605"], priority: "community", kind: "statement" });
    const result = await publishAlert({ ctx: runtime, input: { alertId } });
    await publishAlert({ ctx: runtime, input: { alertId: advisory } });
    await publishAlert({ ctx: runtime, input: { alertId: community } });

    expect(result.deliveries).toEqual({ sms: 1100, email: 1, push: 0, whatsapp: 0, voice: 0 });
    const jobs = (await jobsFor(alertId)).filter((job) => job.name === "deliver-sms");
    expect(jobs).toHaveLength(Math.ceil(1100 / DELIVERY_BATCH_SIZE));
    const rows = (await ledger(runtime, alertId)).filter((row) => row.channel === "sms");
    const covered = jobs.map((job) =>
      rows.filter(
        (row) => BigInt(row.id) >= BigInt(job.data.firstId!) && BigInt(row.id) <= BigInt(job.data.lastId!),
      ),
    );
    expect(covered.map((c) => c.length)).toEqual([500, 500, 100]);
    expect(
      covered
        .flat()
        .map((row) => row.id)
        .sort(),
    ).toEqual(rows.map((row) => row.id).sort());
    for (const job of jobs)
      expect(Object.keys(job.data).sort()).toEqual(["alertId", "channel", "firstId", "lastId"]);
    expect(JSON.stringify(jobs)).not.toMatch(/\+1510|ciphertext/);
    // The 275 subscribers of 94605 come first: all in the highest-priority batch.
    expect(covered[0]!.slice(0, 275).every((row) => row.zip === "94605")).toBe(true);
    expect(rows.filter((row) => row.zip === "94605")).toHaveLength(275);

    const alertPriority = Math.min(...jobs.map((job) => job.priority));
    const advisoryPriority = Math.max(...(await jobsFor(advisory)).map((job) => job.priority));
    const communityJobs = await jobsFor(community);
    expect(alertPriority).toBeGreaterThan(advisoryPriority);
    expect(communityJobs.length).toBeGreaterThan(0);
    expect(advisoryPriority).toBeGreaterThan(Math.max(...communityJobs.map((job) => job.priority)));
  });
});

describe("publishAlert refuses, writing nothing", () => {
  const refused = async (alertId: string, reason: string) => {
    const before = await counts();
    const error = await publishAlert({ ctx: runtime, input: { alertId } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PublishRefusedError);
    expect((error as PublishRefusedError).reason).toBe(reason);
    expect(await counts()).toEqual(before);
  };

  it("an alert published already (publishing twice)", async () => {
    await addSubscriber(runtime, { channel: "email", address: "twice@example.org", zips: ["94606"] });
    const alertId = await addAlert(runtime, { zips: ["94606"] });
    await publishAlert({ ctx: runtime, input: { alertId } });
    await refused(alertId, "already_published");
    expect(await ledger(runtime, alertId)).toHaveLength(1);
  });

  it("two publishes at once: one wins", async () => {
    await addSubscriber(runtime, { channel: "email", address: "race@example.org", zips: ["94610"] });
    const alertId = await addAlert(runtime, { zips: ["94610"] });
    const results = await Promise.allSettled([
      publishAlert({ ctx: runtime, input: { alertId } }),
      publishAlert({ ctx: runtime, input: { alertId } }),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual(["fulfilled", "rejected"]);
    expect(await ledger(runtime, alertId)).toHaveLength(1);
    expect(await jobsFor(alertId)).toHaveLength(1);
  });

  it("a draft, an expired alert, one without texts, and one that does not exist", async () => {
    await refused(await addAlert(runtime, { zips: ["94607"], status: "draft" }), "not_approved");
    await refused(await addAlert(runtime, { zips: ["94607"], expiresInMs: -1000 }), "expired");
    await refused(await addAlert(runtime, { zips: ["94607"], languages: [] }), "no_texts");
    await refused("00000000-0000-4000-8000-000000000000", "not_found");
  });
});
