/**
 * A large alert's ledger in two waves (issue 20, point 3; 2026-12-05T1510-ledger-waves): publish
 * writes the sighting ZIP's first batch per channel and commits, a job writes the rest. Still every
 * recipient exactly once per channel, every row in exactly one job, whatever runs twice or dies.
 */
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Channel } from "../../src/db/database.ts";
import { QUEUES } from "../../src/jobs/queues.ts";
import { DELIVERY_BATCH_SIZE, ledgerBatches } from "../../src/ledger/batches.ts";
import { FIRST_WAVE, ONE_WAVE_MAX_SUBSCRIPTIONS } from "../../src/ledger/rows.ts";
import { sealAddress } from "../../src/security/addresses.ts";
import { completeLedger } from "../../src/services/alerts/complete-ledger.ts";
import { PublishRefusedError, publishAlert } from "../../src/services/alerts/publish.ts";
import { publishRestrictedAlert } from "../../src/services/alerts/publish-restricted.ts";
import { sweepDeliveries } from "../../src/services/deliveries/sweep.ts";
import { startDeliveryWorkers } from "../../workers/deliveries.ts";
import { type DeliveryRig, receivedCounts, startDeliveryRig } from "../support/delivery.ts";
import { addAlert, ledger, settled } from "../support/fanout.ts";

let rig: DeliveryRig;
beforeAll(async () => {
  // Mail is counted by recipient here, never read: 900 parsed mails took this file's one process
  // over a minute on a slow machine, and the end-to-end test's wait ran out.
  rig = await startDeliveryRig({}, { parseMail: false });
});
afterAll(() => rig.close());

let numbers = 0;
/** `n` active subscribers on `channel` following `zip`, inserted at once; returns their addresses. */
async function followers(channel: "sms" | "email", zip: string, n: number): Promise<string[]> {
  const addresses = Array.from({ length: n }, () => {
    numbers += 1;
    return channel === "sms"
      ? `+1510${String(3_000_000 + numbers).padStart(7, "0")}`
      : `wave${numbers}@example.org`;
  });
  const ids = await rig.runtime.db
    .insertInto("subscribers")
    .values(
      addresses.map((address) => ({
        channel,
        ...sealAddress(rig.runtime.pii, channel, address),
        language: "en" as const,
        status: "active" as const,
        updated_at: new Date(),
        stopped_at: null,
      })),
    )
    .returning("id")
    .execute();
  await rig.runtime.db
    .insertInto("subscriptions")
    .values(ids.map(({ id }) => ({ subscriber_id: id, zip })))
    .execute();
  return addresses;
}

type JobRow = { id: string; name: string; data: Record<string, string>; priority: number };
async function jobsFor(alertId: string): Promise<JobRow[]> {
  const { rows } = await sql<JobRow>`
    SELECT id::text AS id, name, data, priority FROM pgboss.job
    WHERE data->>'alertId' = ${alertId} ORDER BY priority DESC, created_on`.execute(rig.runtime.db);
  return rows;
}

/** Each delivery job's rows, by id range; every row must be in exactly one. */
async function rowsPerJob(alertId: string, channel: Channel) {
  const rows = (await ledger(rig.runtime, alertId)).filter((row) => row.channel === channel);
  const jobs = (await jobsFor(alertId)).filter((job) => job.name === `deliver-${channel}`);
  const covered = jobs.map((job) =>
    rows.filter(
      (row) => BigInt(row.id) >= BigInt(job.data.firstId!) && BigInt(row.id) <= BigInt(job.data.lastId!),
    ),
  );
  expect(covered.flat().map((row) => row.id)).toHaveLength(rows.length);
  expect(new Set(covered.flat().map((row) => row.id)).size).toBe(rows.length);
  return { rows, jobs, covered };
}

const pending = async (alertId: string) =>
  (
    await rig.runtime.db
      .selectFrom("alerts")
      .select(["ledger_pending", "ledger_first_wave_last_id"])
      .where("id", "=", alertId)
      .executeTakeFirstOrThrow()
  ).ledger_pending;

describe("a target over ONE_WAVE_MAX_SUBSCRIPTIONS is written in two waves", () => {
  // First: the later tests leave unsent rows and jobs that running workers would take up.
  it("end to end: the workers send the first wave, write the second and reach everyone once", async () => {
    const sms = await followers("sms", "94610", 1200);
    const email = await followers("email", "94611", 900);
    const alertId = await addAlert(rig.runtime, { zips: ["94610", "94611"] });
    const workers = await startDeliveryWorkers(rig.runtime);
    try {
      const published = await publishAlert({ ctx: rig.runtime, input: { alertId } });
      expect(published.ledgerComplete).toBe(false);
      await expect.poll(() => pending(alertId), { timeout: 30_000 }).toBe(false);
      const rows = await settled(rig.runtime, alertId, 60_000);
      expect(rows).toHaveLength(2100);
      expect(rows.every((row) => row.status === "sent")).toBe(true);
    } finally {
      await workers.stop();
    }
    const received = receivedCounts(rig);
    for (const address of [...sms, ...email]) expect(received.get(address)).toBe(1);
  }, 90_000);

  it("publishes the sighting ZIP's first batch per channel, then the rest exactly once", async () => {
    // 94605 is the sighting's ZIP: 900 SMS and 100 email there, 1,500 SMS and 200 email in 94603.
    await followers("sms", "94605", 900);
    await followers("email", "94605", 100);
    await followers("sms", "94603", 1500);
    await followers("email", "94603", 200);
    const { n } = await rig.runtime.db
      .selectFrom("subscriptions")
      .select((eb) => eb.fn.countAll<string>().as("n"))
      .where("zip", "in", ["94605", "94603"])
      .executeTakeFirstOrThrow();
    expect(Number(n)).toBe(2700);
    expect(Number(n)).toBeGreaterThan(ONE_WAVE_MAX_SUBSCRIPTIONS);
    const alertId = await addAlert(rig.runtime, { zips: ["94605", "94603"] });

    const published = await publishAlert({ ctx: rig.runtime, input: { alertId } });
    expect(published.ledgerComplete).toBe(false);
    expect(published.deliveries).toEqual({
      sms: DELIVERY_BATCH_SIZE,
      email: 100,
      push: 0,
      whatsapp: 0,
      voice: 0,
    });
    expect(published.jobs).toBe(2);
    const first = await ledger(rig.runtime, alertId);
    expect(first).toHaveLength(DELIVERY_BATCH_SIZE + 100);
    expect(first.every((row) => row.zip === "94605")).toBe(true);
    expect(await pending(alertId)).toBe(true);
    const waveJobs = (await jobsFor(alertId)).filter((job) => job.name === QUEUES.ledgerSecondWave);
    expect(waveJobs.map((job) => job.data)).toEqual([{ alertId }]);
    const audit = await rig.runtime.db
      .selectFrom("audit_log")
      .select(["action", "details"])
      .where("target_id", "=", alertId)
      .execute();
    expect(audit.map((entry) => entry.action)).toEqual(["alert.published"]);

    const completed = await completeLedger({ ctx: rig.runtime, input: { alertId } });
    expect(completed?.deliveries).toEqual({ sms: 1900, email: 200, push: 0, whatsapp: 0, voice: 0 });
    expect(await pending(alertId)).toBe(false);

    const all = await ledger(rig.runtime, alertId);
    expect(all).toHaveLength(2700);
    const perRecipient = new Set(all.map((row) => `${row.subscriber_id}:${row.channel}`));
    expect(perRecipient.size).toBe(2700);

    const sms = await rowsPerJob(alertId, "sms");
    expect(sms.covered.map((rows) => rows.length)).toEqual([500, 500, 500, 500, 400]);
    // The rest of the sighting's ZIP still comes before the other ZIP, and in the next job.
    expect(sms.covered[1]!.slice(0, 400).every((row) => row.zip === "94605")).toBe(true);
    expect(sms.covered[1]!.slice(400).every((row) => row.zip === "94603")).toBe(true);
    const priorities = sms.jobs.map((job) => job.priority);
    expect(priorities).toEqual([...priorities].sort((a, b) => b - a));
    expect(new Set(priorities).size).toBe(priorities.length);
    const email = await rowsPerJob(alertId, "email");
    expect(email.covered.map((rows) => rows.length)).toEqual([100, 200]);

    // The sweep recomputes exactly the jobs enqueued, so a job it enqueues again overlaps none.
    const batches = (await ledgerBatches(rig.runtime.db, { alertId })).map(
      (b) => `${b.channel}:${b.firstId}-${b.lastId}`,
    );
    const jobs = [...sms.jobs, ...email.jobs].map(
      (j) => `${j.data.channel}:${j.data.firstId}-${j.data.lastId}`,
    );
    expect(batches.sort()).toEqual(jobs.sort());

    // Done is done: a second completion (a retried job, the sweep) writes and enqueues nothing.
    expect(await completeLedger({ ctx: rig.runtime, input: { alertId } })).toBeNull();
    expect(await ledger(rig.runtime, alertId)).toHaveLength(2700);
    expect((await rowsPerJob(alertId, "sms")).jobs).toHaveLength(5);
  });

  it("the first wave looks no further than the sighting ZIP's first FIRST_WAVE.subscriptions", async () => {
    // 300 SMS among 2,000 email: in subscriber order, the first 1,000 subscriptions hold about 140
    // of the SMS ones, and only those may go in the first wave (all 300 would without the bound).
    await followers("email", "94618", 2000);
    await followers("sms", "94618", 300);
    const alertId = await addAlert(rig.runtime, { zips: ["94618"] });
    const published = await publishAlert({ ctx: rig.runtime, input: { alertId } });
    const { rows } = await sql<{ channel: Channel; n: string }>`
      SELECT s.channel, count(*)::text AS n
      FROM (SELECT subscriber_id FROM subscriptions WHERE zip = '94618'
            ORDER BY subscriber_id LIMIT ${FIRST_WAVE.subscriptions}) m
      JOIN subscribers s ON s.id = m.subscriber_id
      GROUP BY s.channel`.execute(rig.runtime.db);
    const within = Object.fromEntries(rows.map((row) => [row.channel, Number(row.n)]));
    expect(within.sms).toBeLessThan(300);
    expect(published.deliveries.sms).toBe(within.sms);
    expect(published.deliveries.email).toBe(Math.min(within.email!, FIRST_WAVE.perChannel));
    // Leave no ledger pending for the sweep test below.
    await completeLedger({ ctx: rig.runtime, input: { alertId } });
    expect(await ledger(rig.runtime, alertId)).toHaveLength(2300);
  });

  it("two completions at once: one writes the rest, the other nothing", async () => {
    await followers("sms", "94606", 2100);
    const alertId = await addAlert(rig.runtime, { zips: ["94606"] });
    await publishAlert({ ctx: rig.runtime, input: { alertId } });
    const results = await Promise.all([
      completeLedger({ ctx: rig.runtime, input: { alertId } }),
      completeLedger({ ctx: rig.runtime, input: { alertId } }),
    ]);
    expect(results.filter((result) => result !== null)).toHaveLength(1);
    expect(await ledger(rig.runtime, alertId)).toHaveLength(2100);
    const sms = await rowsPerJob(alertId, "sms");
    expect(sms.covered.map((rows) => rows.length)).toEqual([500, 500, 500, 500, 100]);
  });

  it("an update is refused while the original's second wave is unwritten, then reaches everyone", async () => {
    await followers("sms", "94612", 2200);
    const original = await addAlert(rig.runtime, { zips: ["94612"] });
    await publishAlert({ ctx: rig.runtime, input: { alertId: original } });
    const update = await addAlert(rig.runtime, { zips: ["94612"], kind: "update", references: original });
    const refused = await publishRestrictedAlert({ ctx: rig.runtime, input: { alertId: update } }).catch(
      (error: unknown) => error,
    );
    expect(refused).toBeInstanceOf(PublishRefusedError);
    expect((refused as PublishRefusedError).reason).toBe("original_ledger_pending");
    expect(await ledger(rig.runtime, update)).toHaveLength(0);
    const row = await rig.runtime.db
      .selectFrom("alerts")
      .select("status")
      .where("id", "=", update)
      .executeTakeFirstOrThrow();
    expect(row.status).toBe("approved");

    await completeLedger({ ctx: rig.runtime, input: { alertId: original } });
    const published = await publishRestrictedAlert({ ctx: rig.runtime, input: { alertId: update } });
    expect(published.deliveries.sms).toBe(2200);
  });

  it("the sweep finishes a ledger whose second-wave job was lost", async () => {
    await followers("email", "94609", 2050);
    const alertId = await addAlert(rig.runtime, { zips: ["94609"] });
    await publishAlert({ ctx: rig.runtime, input: { alertId } });
    await sql`DELETE FROM pgboss.job WHERE name = ${QUEUES.ledgerSecondWave} AND data->>'alertId' = ${alertId}`.execute(
      rig.runtime.db,
    );
    expect(await ledger(rig.runtime, alertId)).toHaveLength(500);
    // Not before it is stale: the job may still be on its way.
    expect((await sweepDeliveries({ ctx: rig.runtime })).completedLedgers).toBe(0);
    expect(await sweepDeliveries({ ctx: rig.runtime, input: { staleAfterMs: 0 } })).toMatchObject({
      completedLedgers: 1,
    });
    expect(await pending(alertId)).toBe(false);
    expect(await ledger(rig.runtime, alertId)).toHaveLength(2050);
    await rowsPerJob(alertId, "email");
  });
});
