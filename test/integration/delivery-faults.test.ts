/**
 * The ledger invariant under faults: each subscriber in the target ends with exactly one ledger row
 * per channel, in a final state, and receives the alert once — except rows counted as possible
 * duplicates (a worker lost after a hand-off, a provider that timed out), which receive it at most
 * twice. Checked after provider 500s and 429s, permanent errors, a worker lost between claim and
 * record, a timeout, expiry, an opt-out mid-fan-out, and (on Postgres) two workers at once, a
 * dropped database connection, and a worker process killed with SIGKILL.
 */
import { sql } from "kysely";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { loadConfig } from "../../src/config.ts";
import { connectPostgres } from "../../src/db/connect.ts";
import { createPushAgent } from "../../src/delivery/webpush-sender.ts";
import { DELIVERY_QUEUES } from "../../src/jobs/queues.ts";
import { claimRows } from "../../src/ledger/claim.ts";
import { deliveryJobPayload } from "../../src/ledger/jobs.ts";
import { createLogger } from "../../src/log.ts";
import { createRuntime } from "../../src/runtime.ts";
import { sealAddress } from "../../src/security/addresses.ts";
import { deliveryFigures } from "../../src/services/alerts/delivery-figures.ts";
import { publishAlert } from "../../src/services/alerts/publish.ts";
import { sweepDeliveries } from "../../src/services/deliveries/sweep.ts";
import { startDeliveryWorkers } from "../../workers/deliveries.ts";
import { TWILIO_ERRORS } from "../peers/twilio-peer.ts";
import { backend } from "../support/db.ts";
import { type DeliveryRig, receivedCounts, startDeliveryRig } from "../support/delivery.ts";
import { addAlert, addSubscriber, type LedgerRow, settled } from "../support/fanout.ts";
import { startAviso } from "../support/process.ts";
import { CapturedLog, testEnv } from "../support/runtime.ts";

let rig: DeliveryRig;
let workers: { stop(): Promise<void> } | undefined;
let zipCounter = 0;
// Each test gets its own ZIP, so alerts never reach another test's subscribers.
const ZIPS =
  "94601 94602 94603 94605 94606 94607 94608 94609 94610 94611 94612 94613 94618 94619 94621".split(" ");
const nextZip = () => ZIPS[zipCounter++]!;
// The runtime's clock: expiry tests move it forward instead of sleeping until an alert expires.
const clock = { offset: 0, now: () => new Date(Date.now() + clock.offset) };

beforeAll(async () => {
  rig = await startDeliveryRig({}, { timeoutMs: 1_000, clock });
});
afterAll(async () => {
  await workers?.stop();
  await rig.close();
});
beforeEach(async () => {
  await workers?.stop();
  workers = undefined;
  rig.sms.delayMs = 0;
  clock.offset = 0;
});

const startWorkers = async () => {
  workers = await startDeliveryWorkers(rig.runtime);
};

/** Subscribers on every channel in one ZIP; returns the recipient key each is counted under. */
async function residents(zip: string, n: { sms?: number; email?: number; push?: number }) {
  const out: { id: string; channel: string; key: string; address: string }[] = [];
  for (let i = 0; i < (n.sms ?? 0); i++) {
    const address = `+1510${zip.slice(-3)}${String(i).padStart(4, "0")}`;
    out.push({
      id: await addSubscriber(rig.runtime, { channel: "sms", address, zips: [zip] }),
      channel: "sms",
      key: address,
      address,
    });
  }
  for (let i = 0; i < (n.email ?? 0); i++) {
    const address = `r${i}.${zip}@example.org`;
    out.push({
      id: await addSubscriber(rig.runtime, { channel: "email", address, zips: [zip] }),
      channel: "email",
      key: address,
      address,
    });
  }
  for (let i = 0; i < (n.push ?? 0); i++) {
    const browser = rig.browser();
    out.push({
      id: await addSubscriber(rig.runtime, { channel: "push", address: browser.address, zips: [zip] }),
      channel: "push",
      key: `push:${browser.id}`,
      address: browser.address,
    });
  }
  return out;
}

/**
 * The invariant: one final row per resident and channel; sent rows were received once, or at most
 * twice when counted as possible duplicates; rows not sent were received only if counted.
 */
function expectInvariant(rows: LedgerRow[], people: { id: string; key: string }[]) {
  expect(rows).toHaveLength(people.length);
  const counts = receivedCounts(rig);
  for (const person of people) {
    const row = rows.find((r) => r.subscriber_id === person.id);
    expect(row, `a ledger row for ${person.key}`).toBeDefined();
    expect(["sent", "delivered", "undelivered", "failed", "skipped"]).toContain(row!.status);
    const received = counts.get(person.key) ?? 0;
    if (row!.status === "sent" || row!.status === "delivered") {
      expect(received, person.key).toBeGreaterThanOrEqual(1);
      expect(received, person.key).toBeLessThanOrEqual(row!.possible_duplicate ? 2 : 1);
    } else {
      expect(received, person.key).toBeLessThanOrEqual(row!.possible_duplicate ? 1 : 0);
    }
  }
}

describe("provider errors", () => {
  it("500s, 429s and SMTP 451s are retried with backoff and nothing is doubled", async () => {
    const zip = nextZip();
    const people = await residents(zip, { sms: 8, email: 4, push: 4 });
    const alertId = await addAlert(rig.runtime, { zips: [zip] });
    rig.sms.failNext(3, TWILIO_ERRORS.serverError);
    rig.push.rateLimitNext(2, 1);
    rig.smtp.failNext(2, 451);
    await startWorkers();
    await publishAlert({ ctx: rig.runtime, input: { alertId } });
    const rows = await settled(rig.runtime, alertId, 25_000);

    expect(rows.every((row) => row.status === "sent")).toBe(true);
    expect(rows.some((row) => row.attempts > 1)).toBe(true);
    expect(rows.some((row) => row.possible_duplicate)).toBe(false);
    expectInvariant(rows, people);
    for (const person of people) expect(receivedCounts(rig).get(person.key)).toBe(1);

    rig.sms.failNext(4, TWILIO_ERRORS.tooManyRequests);
    const again = await addAlert(rig.runtime, { zips: [zip], kind: "update" });
    await publishAlert({ ctx: rig.runtime, input: { alertId: again } });
    const second = await settled(rig.runtime, again, 25_000);
    expect(second.every((row) => row.status === "sent")).toBe(true);
    for (const person of people) expect(receivedCounts(rig).get(person.key)).toBe(2);
  });

  it("a retry takes a full chunk, not one row an attempt", async () => {
    // The first attempt begins with one row, which fails; the retry claims all six at once, two of
    // them fail, and the third attempt sends those. Retries of one row each would send the first
    // resident's row four times before any other row went out.
    const zip = nextZip();
    const people = await residents(zip, { sms: 6 });
    const alertId = await addAlert(rig.runtime, { zips: [zip] });
    rig.sms.failNext(3, TWILIO_ERRORS.serverError);
    await startWorkers();
    await publishAlert({ ctx: rig.runtime, input: { alertId } });
    const rows = await settled(rig.runtime, alertId, 25_000);
    expect(rows.every((row) => row.status === "sent")).toBe(true);
    expect(Math.max(...rows.map((row) => row.attempts))).toBeLessThanOrEqual(3);
    expectInvariant(rows, people);
    for (const person of people) expect(receivedCounts(rig).get(person.key)).toBe(1);
  });

  it("permanent errors fail the row without retry and stop the subscriber", async () => {
    const zip = nextZip();
    const people = await residents(zip, { sms: 3, push: 2 });
    const [unsubscribed, landline, , gone] = [people[0]!, people[1]!, people[2]!, people[3]!];
    rig.sms.failFor(unsubscribed.address, TWILIO_ERRORS.unsubscribed);
    rig.sms.failFor(landline.address, TWILIO_ERRORS.notMobile);
    rig.push.gone(gone.key.replace("push:", ""));
    const alertId = await addAlert(rig.runtime, { zips: [zip] });
    await startWorkers();
    await publishAlert({ ctx: rig.runtime, input: { alertId } });
    const rows = await settled(rig.runtime, alertId);

    const row = (id: string) => rows.find((r) => r.subscriber_id === id)!;
    expect(row(unsubscribed.id)).toMatchObject({ status: "failed", attempts: 1 });
    expect(row(unsubscribed.id).last_error).toMatch(/^twilio 21610: recipient unsubscribed/);
    expect(row(landline.id).last_error).toMatch(/^twilio 21614/);
    expect(row(gone.id)).toMatchObject({ status: "failed", last_error: "push 410: subscription gone" });
    expect(rig.sms.rejected.filter((r) => r.to === unsubscribed.address)).toHaveLength(1);
    const statuses = await rig.runtime.db
      .selectFrom("subscribers")
      .select(["id", "status"])
      .where(
        "id",
        "in",
        people.map((p) => p.id),
      )
      .execute();
    const stopped = statuses.filter((s) => s.status === "stopped").map((s) => s.id);
    expect(stopped.sort()).toEqual([unsubscribed.id, landline.id, gone.id].sort());
    expectInvariant(rows, people);
    for (const person of people) expect(JSON.stringify(rows)).not.toContain(person.address);
    rig.sms.failFor(unsubscribed.address, null);
    rig.sms.failFor(landline.address, null);
  });

  it("a provider timeout is retried and the resend counted as a possible duplicate", async () => {
    const zip = nextZip();
    const people = await residents(zip, { sms: 2 });
    const alertId = await addAlert(rig.runtime, { zips: [zip] });
    rig.sms.delayMs = 1_500; // longer than the senders' 1 s timeout: Twilio accepts, we never hear
    await startWorkers();
    await publishAlert({ ctx: rig.runtime, input: { alertId } });
    // A wait, not an assertion: up to 5 s for the first message to reach the peer, which holds its
    // answer past the timeout; the retry then finds the provider answering again.
    await vi
      .waitFor(() => expect(people.some((person) => receivedCounts(rig).has(person.key))).toBe(true), {
        timeout: 5_000,
        interval: 10,
      })
      .catch(() => {});
    rig.sms.delayMs = 0;
    const rows = await settled(rig.runtime, alertId, 25_000);
    expect(rows.every((row) => row.status === "sent")).toBe(true);
    expectInvariant(rows, people);
    // A row whose request timed out went to the peer twice and is counted as a possible duplicate;
    // a row first claimed after the timeouts went once and is not (the first attempt's first
    // chunk is one row, and the attempt stops at the first timeout).
    const counts = receivedCounts(rig);
    const doubled = people.filter((person) => counts.get(person.key) === 2);
    expect(doubled.length).toBeGreaterThanOrEqual(1);
    for (const person of people) {
      const row = rows.find((r) => r.subscriber_id === person.id)!;
      expect(row.possible_duplicate, person.key).toBe(doubled.includes(person));
    }
    const figures = await deliveryFigures({ ctx: rig.runtime, input: { alertId } });
    expect(figures.possibleDuplicates).toBe(doubled.length);
  });
});

describe("a worker lost between claim and record", () => {
  it("its in-flight rows are re-sent once by the job's next attempt, and counted", async () => {
    const zip = nextZip();
    const people = await residents(zip, { sms: 6 });
    const alertId = await addAlert(rig.runtime, { zips: [zip] });
    await publishAlert({ ctx: rig.runtime, input: { alertId } });

    // The "dead" attempt: fetch the job, claim three rows, hand two to Twilio, then die.
    const [job] = await rig.runtime.boss.fetch(DELIVERY_QUEUES.sms, { includeMetadata: true });
    const payload = deliveryJobPayload.parse(job!.data);
    expect(payload.alertId).toBe(alertId);
    const claimed = await claimRows(rig.runtime.db, payload, `${job!.id}:${job!.retryCount}`, 3, new Date());
    expect(claimed).toHaveLength(3);
    const handedOff = claimed.slice(0, 2).map((row) => people.find((p) => p.id === row.subscriber_id)!);
    for (const person of handedOff) {
      await rig.runtime.senders.sms.send({
        channel: "sms",
        to: person.address,
        text: "VERIFIED: (dead attempt)",
      });
    }
    // What pg-boss's supervisor does when the heartbeat stops: fail the attempt, schedule a retry.
    await rig.runtime.boss.fail(DELIVERY_QUEUES.sms, { id: job!.id, retryCount: job!.retryCount });

    await startWorkers();
    const rows = await settled(rig.runtime, alertId, 20_000);
    expect(rows.every((row) => row.status === "sent")).toBe(true);
    expectInvariant(rows, people);
    const counts = receivedCounts(rig);
    const duplicates = people.filter((p) => counts.get(p.key) === 2);
    expect(duplicates.map((p) => p.id).sort()).toEqual(handedOff.map((p) => p.id).sort());
    const figures = await deliveryFigures({ ctx: rig.runtime, input: { alertId } });
    expect(figures.possibleDuplicates).toBe(3); // the three in flight; two really were doubled
    expect(figures.byChannel.sms.sent).toBe(6);
    expect(rig.runtime.logs.text).toContain("possible duplicates");
  });

  it("a row found abandoned a second time is failed, not sent a third time", async () => {
    const zip = nextZip();
    const people = await residents(zip, { sms: 2 });
    const alertId = await addAlert(rig.runtime, { zips: [zip] });
    await publishAlert({ ctx: rig.runtime, input: { alertId } });
    const [job] = await rig.runtime.boss.fetch(DELIVERY_QUEUES.sms, { includeMetadata: true });
    const payload = deliveryJobPayload.parse(job!.data);
    await claimRows(rig.runtime.db, payload, "dead-attempt-1", 1, new Date()); // first death
    await claimRows(rig.runtime.db, payload, "dead-attempt-2", 1, new Date()); // second death, same row
    await rig.runtime.boss.fail(DELIVERY_QUEUES.sms, { id: job!.id, retryCount: job!.retryCount });
    await startWorkers();
    const rows = await settled(rig.runtime, alertId, 20_000);
    expect(rows.map((row) => row.status).sort()).toEqual(["failed", "sent"]);
    expect(rows.find((row) => row.status === "failed")!.last_error).toBe(
      "unknown outcome after repeated worker loss",
    );
    expectInvariant(rows, people);
  });
});

describe("the sweep, when no job is finishing a batch", () => {
  const ago = (ms: number) => new Date(Date.now() - ms);

  it("enqueues the batch again (once), and the rows are delivered", async () => {
    const zip = nextZip();
    const people = await residents(zip, { sms: 3 });
    const alertId = await addAlert(rig.runtime, { zips: [zip] });
    await publishAlert({ ctx: rig.runtime, input: { alertId } });
    // The job's last attempt claimed a row and died; the job is gone.
    const [job] = await rig.runtime.boss.fetch(DELIVERY_QUEUES.sms, { includeMetadata: true });
    const payload = deliveryJobPayload.parse(job!.data);
    expect(payload.alertId).toBe(alertId);
    await claimRows(rig.runtime.db, payload, `${job!.id}:${job!.retryCount}`, 1, new Date());
    await rig.runtime.boss.deleteJob(DELIVERY_QUEUES.sms, job!.id);
    // Fresh rows are left alone; rows untouched for ten minutes are not.
    expect(await sweepDeliveries({ ctx: rig.runtime })).toEqual({
      closed: 0,
      completedLedgers: 0,
      requeuedBatches: 0,
      requeuedRows: 0,
    });
    await rig.runtime.db
      .updateTable("deliveries")
      .set({ updated_at: ago(11 * 60_000) })
      .where("alert_id", "=", alertId)
      .execute();
    expect(await sweepDeliveries({ ctx: rig.runtime })).toEqual({
      closed: 0,
      completedLedgers: 0,
      requeuedBatches: 1,
      requeuedRows: 3,
    });
    expect((await sweepDeliveries({ ctx: rig.runtime })).requeuedBatches).toBe(0); // a live job covers it now

    await startWorkers();
    const rows = await settled(rig.runtime, alertId);
    expect(rows.every((row) => row.status === "sent")).toBe(true);
    expect(rows.filter((row) => row.possible_duplicate)).toHaveLength(1);
    expectInvariant(rows, people);
  });

  it("closes the open rows of an alert that expired meanwhile", async () => {
    const zip = nextZip();
    const people = await residents(zip, { sms: 2 });
    const alertId = await addAlert(rig.runtime, { zips: [zip], expiresInMs: 400 });
    await publishAlert({ ctx: rig.runtime, input: { alertId } });
    const [job] = await rig.runtime.boss.fetch(DELIVERY_QUEUES.sms, { includeMetadata: true });
    await claimRows(rig.runtime.db, deliveryJobPayload.parse(job!.data), "dead", 1, new Date());
    await rig.runtime.boss.deleteJob(DELIVERY_QUEUES.sms, job!.id);
    clock.offset = 500; // the alert has expired
    await rig.runtime.db
      .updateTable("deliveries")
      .set({ updated_at: ago(3 * 60_000) })
      .where("alert_id", "=", alertId)
      .execute();
    expect(await sweepDeliveries({ ctx: rig.runtime })).toMatchObject({ closed: 2, requeuedBatches: 0 });
    const rows = await settled(rig.runtime, alertId, 1000);
    expect(rows.map((row) => [row.status, row.last_error]).sort()).toEqual([
      ["failed", "unknown outcome: the worker was lost and the alert expired"],
      ["skipped", "expired"],
    ]);
    expectInvariant(rows, people);
  });
});

describe("nothing is sent that should not be", () => {
  it("after the alert expires", async () => {
    const zip = nextZip();
    const people = await residents(zip, { sms: 2, email: 1 });
    const alertId = await addAlert(rig.runtime, { zips: [zip], expiresInMs: 700 });
    await publishAlert({ ctx: rig.runtime, input: { alertId } });
    clock.offset = 900; // the alert has expired
    await startWorkers();
    const rows = await settled(rig.runtime, alertId);
    expect(rows.map((row) => [row.status, row.last_error])).toEqual([
      ["skipped", "expired"],
      ["skipped", "expired"],
      ["skipped", "expired"],
    ]);
    for (const person of people) expect(receivedCounts(rig).get(person.key)).toBeUndefined();
  });

  it("to a resident who opted out after publish", async () => {
    const zip = nextZip();
    const people = await residents(zip, { sms: 2 });
    const alertId = await addAlert(rig.runtime, { zips: [zip] });
    await publishAlert({ ctx: rig.runtime, input: { alertId } });
    await rig.runtime.db
      .updateTable("subscribers")
      .set({ status: "stopped" })
      .where("id", "=", people[0]!.id)
      .execute();
    await startWorkers();
    const rows = await settled(rig.runtime, alertId);
    expect(rows.find((row) => row.subscriber_id === people[0]!.id)).toMatchObject({
      status: "skipped",
      last_error: "opted_out",
    });
    expectInvariant(rows, people);
  });
});

describe.skipIf(backend() !== "postgres")("on Postgres, several workers", () => {
  async function bulkResidents(zip: string, n: number) {
    const values = Array.from({ length: n }, (_, i) => ({
      channel: "sms" as const,
      ...sealAddress(rig.runtime.pii, "sms", `+1415${zip.slice(-3)}${String(i).padStart(4, "0")}`),
      language: "en" as const,
      status: "active" as const,
      updated_at: new Date(),
      stopped_at: null,
    }));
    const ids = await rig.runtime.db.insertInto("subscribers").values(values).returning("id").execute();
    await rig.runtime.db
      .insertInto("subscriptions")
      .values(ids.map(({ id }) => ({ subscriber_id: id, zip })))
      .execute();
    return ids.map(({ id }, i) => ({ id, key: `+1415${zip.slice(-3)}${String(i).padStart(4, "0")}` }));
  }

  it("two workers at once deliver each message once", async () => {
    const zip = nextZip();
    const people = await bulkResidents(zip, 1600);
    const config = loadConfig(testEnv({ ...rig.env, DATABASE_URL: rig.runtime.database.url! }));
    const other = await createRuntime(
      config,
      createLogger({ level: "silent", destination: new CapturedLog() }),
      {
        handle: await connectPostgres(rig.runtime.database.url!, 5),
        senders: { pushAgent: createPushAgent({ ca: rig.push.ca! }) },
      },
    );
    const otherWorkers = await startDeliveryWorkers(other);
    await startWorkers();
    try {
      const alertId = await addAlert(rig.runtime, { zips: [zip] });
      await publishAlert({ ctx: rig.runtime, input: { alertId } });
      const rows = await settled(rig.runtime, alertId, 30_000);
      // (attempts may exceed 1 on a loaded machine: the rig's 1 s provider timeout, counted)
      expect(rows.every((row) => row.status === "sent")).toBe(true);
      expectInvariant(rows, people);
      const { rows: claims } = await sql<{ n: string }>`
        SELECT count(DISTINCT split_part(claim, ':', 1))::text AS n FROM deliveries WHERE alert_id = ${alertId}`.execute(
        rig.runtime.db,
      );
      expect(Number(claims[0]!.n)).toBe(4); // four batches, each claimed by one attempt
    } finally {
      await otherWorkers.stop();
      await other.close();
    }
  });

  it("a dropped database connection mid-fan-out loses and doubles nothing uncounted", async () => {
    const zip = nextZip();
    const people = await bulkResidents(zip, 600);
    rig.sms.delayMs = 5;
    await startWorkers();
    const alertId = await addAlert(rig.runtime, { zips: [zip] });
    await publishAlert({ ctx: rig.runtime, input: { alertId } });
    await rig.sms.waitFor(rig.sms.messages.length + 50, 10_000).catch(() => {});
    const admin = await connectPostgres(process.env.DATABASE_URL!, 1);
    const database = new URL(rig.runtime.database.url!).pathname.slice(1);
    // Every connection of the test database but pg-boss's LISTEN connection: pg-boss 12 takes all
    // listeners off that client when it drops and then ends it, so its second 'error' event is
    // uncaught (an upstream bug; in production the worker process would die and be restarted,
    // which the SIGKILL test below covers).
    const { rows: killed } = await sql<{ terminated: boolean }>`
      SELECT pg_terminate_backend(pid) AS terminated FROM pg_stat_activity
      WHERE datname = ${database} AND pid <> pg_backend_pid()
        AND query NOT ILIKE 'LISTEN %' AND query NOT ILIKE '%pg_listening_channels%'`.execute(admin.db);
    await admin.close();
    expect(killed.length).toBeGreaterThan(0);
    const rows = await settled(rig.runtime, alertId, 45_000);
    expectInvariant(rows, people);
    expect(rows.every((row) => row.status === "sent")).toBe(true);
  }, 60_000);

  it("a worker process killed with SIGKILL mid-dispatch: its batch is taken over, duplicates counted", async () => {
    const zip = nextZip();
    const people = await bulkResidents(zip, 300);
    const alertId = await addAlert(rig.runtime, { zips: [zip] });
    rig.sms.delayMs = 20; // slow enough that the child is mid-batch when it dies
    const child = startAviso(["worker"], {
      ...testEnv({ ...rig.env, DATABASE_URL: rig.runtime.database.url!, SMS_RATE_PER_SECOND: "40" }),
      LOG_LEVEL: "info",
    });
    try {
      await child.waitForOutput(/worker started/, 20_000);
      const before = rig.sms.messages.length;
      await publishAlert({ ctx: rig.runtime, input: { alertId } });
      await rig.sms.waitFor(before + 40, 15_000);
      child.child.kill("SIGKILL");
      await child.exited;
    } finally {
      child.child.kill("SIGKILL");
    }
    const open = (await settled(rig.runtime, alertId, 100).catch((error: Error) => error)) as Error;
    expect(open).toBeInstanceOf(Error); // the kill left work behind
    rig.sms.delayMs = 0;
    const killedAt = Date.now();
    await startWorkers();
    const rows = await settled(rig.runtime, alertId, 60_000);
    expect(Date.now() - killedAt).toBeLessThan(60_000);
    expect(rows.every((row) => row.status === "sent")).toBe(true);
    expectInvariant(rows, people);
    const counts = receivedCounts(rig);
    const doubled = people.filter((p) => (counts.get(p.key) ?? 0) > 1).length;
    const figures = await deliveryFigures({ ctx: rig.runtime, input: { alertId } });
    expect(doubled).toBeLessThanOrEqual(figures.possibleDuplicates);
    expect(figures.possibleDuplicates).toBeLessThanOrEqual(40); // at most a chunk per batch in flight
  }, 90_000);
});
