/**
 * Retention, against a clock the test moves: a stopped subscriber is erased by the deadline (and
 * not before, so START still restores their ZIPs); the ledger is detached from people after its
 * window with the figures intact; inbound records and expired email confirmations go; a decided
 * sighting's free text is erased after its window, its facts kept; and every task is scheduled
 * through pg-boss.
 */
import { randomBytes } from "node:crypto";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../../src/app.ts";
import { Alert } from "../../src/schemas/alerts.ts";
import { CreatedSighting, Sighting } from "../../src/schemas/sightings.ts";
import { addressIndex } from "../../src/security/addresses.ts";
import { publishAlert } from "../../src/services/alerts/publish.ts";
import { TEXTER_LOCK_CLASS } from "../../src/services/subscriptions/inbound-messages.ts";
import { runHousekeeping } from "../../workers/housekeeping.ts";
import { startWorkers } from "../../workers/index.ts";
import { backend } from "../support/db.ts";
import { addAlert, ledger } from "../support/fanout.ts";
import { ok, signIn } from "../support/operators.ts";
import { createTestRuntime, type TestRuntime } from "../support/runtime.ts";
import { phone } from "../support/sms-webhook.ts";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** Real time plus an offset the test moves forward. */
const clock = { offset: 0, now: () => new Date(Date.now() + clock.offset) };

let runtime: TestRuntime;
let app: ReturnType<typeof createApp>;
beforeAll(async () => {
  runtime = await createTestRuntime({
    clock,
    env: {
      STOPPED_SUBSCRIBER_ERASURE_HOURS: "24",
      DELIVERY_DETACH_DAYS: "30",
      INBOUND_MESSAGE_RETENTION_DAYS: "7",
      SIGHTING_TEXT_RETENTION_DAYS: "30",
    },
  });
  app = createApp(runtime);
});
afterAll(() => runtime.close());

const housekeeping = (task: string) => runHousekeeping(runtime, { task });

function randomPhone(): string {
  return `+1510${String(2_000_000 + (randomBytes(3).readUIntBE(0, 3) % 7_000_000)).padStart(7, "0")}`;
}

async function subscriberOf(number: string) {
  return runtime.db
    .selectFrom("subscribers")
    .selectAll()
    .where("channel", "=", "sms")
    .where("address_index", "=", addressIndex(runtime.pii, "sms", number))
    .executeTakeFirst();
}

/** Publishes an alert to `zip` and marks its SMS rows sent with provider ids, as a worker would. */
async function alertSentTo(zip: string): Promise<string> {
  const alertId = await addAlert(runtime, { zips: [zip] });
  await publishAlert({ ctx: runtime, input: { alertId } });
  await sql`UPDATE deliveries SET status = 'sent', provider_id = 'SM' || md5(id::text), sent_at = now()
    WHERE alert_id = ${alertId}`.execute(runtime.db);
  return alertId;
}

async function figures(alertId: string) {
  const rows = await ledger(runtime, alertId);
  return rows.map(({ channel, status, zip, attempts }) => ({ channel, status, zip, attempts }));
}

describe("a stopped subscriber", () => {
  it("is erased by the deadline, with its ZIPs, consent, inbound records and ledger links", async () => {
    clock.offset = 0;
    const resident = phone(app, runtime, randomPhone());
    expect((await resident.send("94607 94606")).status).toBe(200);
    const subscriber = (await subscriberOf(resident.number))!;
    const alertId = await alertSentTo("94607");
    const before = await figures(alertId);
    expect(before).toHaveLength(1);
    expect((await resident.send("STOP")).messages).toHaveLength(1);

    // 23 hours on: still there (START would restore the ZIPs).
    clock.offset = 23 * HOUR;
    expect(await housekeeping("erase-stopped-subscribers")).toEqual({ deleted: 0 });
    expect(await subscriberOf(resident.number)).toBeDefined();

    // At the deadline: gone, and nothing that carried its index or its id is left.
    clock.offset = 24 * HOUR;
    expect(await housekeeping("erase-stopped-subscribers")).toEqual({ deleted: 1 });
    expect(await subscriberOf(resident.number)).toBeUndefined();
    const index = addressIndex(runtime.pii, "sms", resident.number);
    const left = await sql<{ n: string }>`
      SELECT (SELECT count(*) FROM subscriptions WHERE subscriber_id = ${subscriber.id})
           + (SELECT count(*) FROM consent_events WHERE subscriber_id = ${subscriber.id})
           + (SELECT count(*) FROM deliveries WHERE subscriber_id = ${subscriber.id})
           + (SELECT count(*) FROM inbound_messages WHERE sender_index = ${index})
           + (SELECT count(*) FROM sms_rate_counters WHERE position(${index} in key) = 1) AS n`.execute(
      runtime.db,
    );
    expect(Number(left.rows[0]!.n)).toBe(0);

    // The ledger keeps its figures, without the person or the provider's message id.
    expect(await figures(alertId)).toEqual(before);
    const rows = await ledger(runtime, alertId);
    expect(rows.every((row) => row.subscriber_id === null && row.provider_id === null)).toBe(true);

    // The erasure is audited as a count, never an id.
    const audit = await runtime.db
      .selectFrom("audit_log")
      .selectAll()
      .where("action", "=", "retention.subscribers_erased")
      .execute();
    expect(audit.at(-1)?.details).toEqual({ count: 1 });
    expect(audit.at(-1)?.target_id).toBeNull();
  });

  it("who texts START before the deadline gets their ZIPs back", async () => {
    clock.offset = 0;
    const resident = phone(app, runtime, randomPhone());
    await resident.send("94601 94602");
    await resident.send("STOP");
    clock.offset = 20 * HOUR;
    await housekeeping("erase-stopped-subscribers");
    const [started] = (await resident.send("START")).messages;
    expect(started).toMatch(/94601/);
    expect(started).toMatch(/94602/);
    clock.offset = 80 * HOUR;
    await housekeeping("erase-stopped-subscribers");
    expect((await subscriberOf(resident.number))?.status).toBe("active");
  });

  it("who texts again after erasure is a stranger: STOP is confirmed, a ZIP subscribes from scratch", async () => {
    clock.offset = 0;
    const resident = phone(app, runtime, randomPhone());
    await resident.send("94603");
    const first = (await subscriberOf(resident.number))!;
    await resident.send("STOP");
    clock.offset = 25 * HOUR;
    await housekeeping("erase-stopped-subscribers");

    // Nothing to resume: START says to text a ZIP; STOP is confirmed again and stores nothing.
    expect((await resident.send("START")).messages[0]).toMatch(/\d{5}/);
    expect(await subscriberOf(resident.number)).toBeUndefined();
    expect((await resident.send("STOP")).messages).toHaveLength(1);
    expect(await subscriberOf(resident.number)).toBeUndefined();

    await resident.send("94605");
    const again = (await subscriberOf(resident.number))!;
    expect(again.id).not.toBe(first.id);
    expect(again.status).toBe("active");
    const zips = await runtime.db
      .selectFrom("subscriptions")
      .select("zip")
      .where("subscriber_id", "=", again.id)
      .execute();
    expect(zips.map((row) => row.zip)).toEqual(["94605"]);
    const consent = await runtime.db
      .selectFrom("consent_events")
      .select(["kind", "keyword"])
      .where("subscriber_id", "=", again.id)
      .execute();
    expect(consent).toEqual([{ kind: "opt_in", keyword: "subscribe" }]);
  });
});

describe("erasure and a text arriving at the same moment", () => {
  // PGlite has one connection: a second transaction cannot run beside the first.
  it.skipIf(backend() === "pglite")(
    "skips a number that is texting right now, and erases it next time",
    async () => {
      clock.offset = 0;
      const resident = phone(app, runtime, randomPhone());
      await resident.send("94611");
      await resident.send("STOP");
      clock.offset = 25 * HOUR;
      await runtime.db.transaction().execute(async (tx) => {
        // The lock a text takes while it is applied (texter_after_lock, inbound-messages.ts).
        const key = addressIndex(runtime.pii, "sms", resident.number).readInt32BE(0);
        await sql`SELECT pg_advisory_xact_lock(${TEXTER_LOCK_CLASS}::int, ${key}::int)`.execute(tx);
        await housekeeping("erase-stopped-subscribers");
        expect(await subscriberOf(resident.number)).toBeDefined();
      });
      await housekeeping("erase-stopped-subscribers");
      expect(await subscriberOf(resident.number)).toBeUndefined();
    },
  );
});

describe("the delivery ledger", () => {
  it("is detached from subscribers after its window; queued rows and the figures stay", async () => {
    clock.offset = 0;
    const resident = phone(app, runtime, randomPhone());
    await resident.send("94609");
    const subscriber = (await subscriberOf(resident.number))!;
    const sent = await alertSentTo("94609");
    const queuedAlert = await addAlert(runtime, { zips: ["94609"] });
    await publishAlert({ ctx: runtime, input: { alertId: queuedAlert } });
    const before = await figures(sent);

    clock.offset = 29 * DAY;
    await housekeeping("detach-deliveries");
    expect((await ledger(runtime, sent)).every((row) => row.subscriber_id === subscriber.id)).toBe(true);

    clock.offset = 30 * DAY + HOUR;
    expect((await housekeeping("detach-deliveries")).deleted).toBeGreaterThan(0);
    const rows = await ledger(runtime, sent);
    expect(rows.every((row) => row.subscriber_id === null && row.provider_id === null)).toBe(true);
    expect(await figures(sent)).toEqual(before);
    // A row nobody has sent yet keeps its subscriber (the worker needs it).
    expect((await ledger(runtime, queuedAlert)).map((row) => row.subscriber_id)).toEqual([subscriber.id]);
    // The subscriber is still subscribed: only the ledger forgot them.
    expect((await subscriberOf(resident.number))?.status).toBe("active");
  });
});

describe("Text-a-ZIP records", () => {
  it("inbound messages go after INBOUND_MESSAGE_RETENTION_DAYS", async () => {
    clock.offset = 0;
    const resident = phone(app, runtime, randomPhone());
    await resident.send("HELP");
    const index = addressIndex(runtime.pii, "sms", resident.number);
    const count = async () =>
      (
        await runtime.db
          .selectFrom("inbound_messages")
          .select("message_sid")
          .where("sender_index", "=", index)
          .execute()
      ).length;
    clock.offset = 6 * DAY;
    await housekeeping("purge-text-a-zip");
    expect(await count()).toBe(1);
    clock.offset = 7 * DAY + HOUR;
    await housekeeping("purge-text-a-zip");
    expect(await count()).toBe(0);
  });

  it("an email confirmation is deleted once expired; a used one a week after use", async () => {
    clock.offset = 0;
    const resident = phone(app, runtime, randomPhone());
    await resident.send("94610");
    await resident.send("EMAIL someone.retention@example.org");
    const subscriber = (await subscriberOf(resident.number))!;
    const open = async () =>
      runtime.db
        .selectFrom("email_confirmations as c")
        .innerJoin("subscribers as s", "s.id", "c.subscriber_id")
        .select(["c.id", "c.expires_at"])
        .where("s.channel", "=", "email")
        .where("c.created_at", ">=", new Date(Date.now() - HOUR))
        .execute();
    const [confirmation] = await open();
    expect(confirmation).toBeDefined();
    expect(subscriber).toBeDefined();
    clock.offset = confirmation!.expires_at.getTime() - Date.now() - HOUR;
    await housekeeping("purge-text-a-zip");
    expect(await open()).toHaveLength(1);
    clock.offset = confirmation!.expires_at.getTime() - Date.now() + 60_000;
    await housekeeping("purge-text-a-zip");
    expect(
      await runtime.db
        .selectFrom("email_confirmations")
        .select("id")
        .where("id", "=", confirmation!.id)
        .execute(),
    ).toHaveLength(0);
  });
});

describe("a sighting's free text", () => {
  it("is erased SIGHTING_TEXT_RETENTION_DAYS after the decision; the facts, open sightings and alerts stay", async () => {
    clock.offset = 0;
    const operator = await signIn(runtime, app, "operator");
    const verifier = await signIn(runtime, app, "verifier");
    const observedAt = new Date(Date.now() - 10 * 60_000).toISOString();
    const log = async (place: string) =>
      (
        await ok(
          operator.request("POST", "sightings", {
            zip: "94607",
            place,
            crossStreets: "behind the laundromat",
            observedAt,
            agency: "ice",
            activity: "targeted_arrest",
            vehicles: 2,
            agents: 3,
            description: "The caller's neighbour Ana was taken",
            source: "hotline_call",
          }),
          CreatedSighting,
          201,
        )
      ).sighting.id;
    const verified = await log("Retention verified corner");
    const falseAlarm = await log("Retention false alarm corner");
    const open = await log("Retention open corner");
    await ok(
      verifier.request("POST", `sightings/${verified}/resolve`, {
        status: "verified",
        verification: { method: "responder_on_scene", notes: "Responder Luis spoke to the family" },
      }),
      Sighting,
    );
    await ok(
      verifier.request("POST", `sightings/${falseAlarm}/resolve`, { status: "false_alarm" }),
      Sighting,
    );
    const draft = await ok(operator.request("POST", "alerts", { sightingId: verified }), Alert, 201);
    const alertTexts = async () =>
      runtime.db
        .selectFrom("alert_texts")
        .select(["language", "headline", "body", "sms_text"])
        .where("alert_id", "=", draft.id)
        .orderBy("language")
        .execute();
    const textsBefore = await alertTexts();
    expect(textsBefore.find((t) => t.language === "en")?.headline).toContain("Retention verified corner");
    const rows = async () =>
      runtime.db
        .selectFrom("sightings")
        .selectAll()
        .where("id", "in", [verified, falseAlarm, open])
        .orderBy("place")
        .execute();
    const notes = async () =>
      (
        await runtime.db
          .selectFrom("sighting_verifications")
          .select("notes")
          .where("sighting_id", "=", verified)
          .execute()
      ).map((v) => v.notes);
    const before = await rows();
    const FACTS = [
      "id",
      "zip",
      "status",
      "observed_at",
      "agency",
      "activity",
      "vehicles",
      "agents",
      "source",
      "created_at",
      "updated_at",
    ] as const;
    const facts = (list: typeof before) =>
      list
        .map((row) => Object.fromEntries(FACTS.map((column) => [column, row[column]])))
        .sort((a, b) => String(a.id).localeCompare(String(b.id)));

    clock.offset = 29 * DAY;
    await housekeeping("erase-sighting-texts");
    expect((await rows()).every((row) => row.place !== null && row.text_erased_at === null)).toBe(true);
    expect(await notes()).toEqual(["Responder Luis spoke to the family"]);

    clock.offset = 30 * DAY + HOUR;
    const erasedFrom = clock.now().getTime();
    expect((await housekeeping("erase-sighting-texts")).deleted).toBeGreaterThanOrEqual(2);
    const erasedBy = clock.now().getTime();
    const after = await rows();
    const byId = new Map(after.map((row) => [row.id, row]));
    for (const id of [verified, falseAlarm]) {
      expect(byId.get(id)).toMatchObject({ place: null, cross_streets: null, description: null });
      const at = byId.get(id)?.text_erased_at?.getTime() ?? 0;
      expect(at).toBeGreaterThanOrEqual(erasedFrom);
      expect(at).toBeLessThanOrEqual(erasedBy);
    }
    expect(await notes()).toEqual([null]);
    // Never decided: still open work, kept as typed.
    expect(byId.get(open)).toMatchObject({
      place: "Retention open corner",
      description: "The caller's neighbour Ana was taken",
      text_erased_at: null,
    });
    // The non-identifying facts stay for the figures, and the alert keeps its reviewed texts.
    expect(facts(after)).toEqual(facts(before));
    expect(await alertTexts()).toEqual(textsBefore);
    const audit = await runtime.db
      .selectFrom("audit_log")
      .select(["details", "target_id"])
      .where("action", "=", "retention.sighting_texts_erased")
      .execute();
    expect(audit.length).toBeGreaterThan(0);
    expect(audit.every((row) => row.target_id === null)).toBe(true);
    // A second run has nothing left to do.
    expect((await housekeeping("erase-sighting-texts")).deleted).toBe(0);

    // Staff see that the text went; an alert drafted from the sighting now names its ZIP.
    const lateOperator = await signIn(runtime, app, "operator");
    const shown = await ok(lateOperator.request("GET", `sightings/${verified}`), Sighting);
    expect(shown).toMatchObject({ place: null, crossStreets: null, description: null, zip: "94607" });
    expect(shown.textErasedAt).not.toBeNull();
    expect(shown.verifications.map((v) => v.notes)).toEqual([null]);
    const page = await app.request(`/console/sightings/${verified}`, {
      headers: { cookie: lateOperator.cookie! },
    });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("erased");
    const late = await ok(lateOperator.request("POST", "alerts", { sightingId: verified }), Alert, 201);
    const lateTexts = await runtime.db
      .selectFrom("alert_texts")
      .select("headline")
      .where("alert_id", "=", late.id)
      .where("language", "=", "en")
      .executeTakeFirstOrThrow();
    expect(lateTexts.headline).toContain("94607");

    // Text typed into it again is kept for its own window after that edit, then goes too.
    await ok(
      lateOperator.request("PATCH", `sightings/${verified}`, { description: "Typed again after erasure" }),
      Sighting,
    );
    await housekeeping("erase-sighting-texts");
    const description = async () =>
      (
        await runtime.db
          .selectFrom("sightings")
          .select("description")
          .where("id", "=", verified)
          .executeTakeFirstOrThrow()
      ).description;
    expect(await description()).toBe("Typed again after erasure");
    clock.offset = 61 * DAY + 2 * HOUR;
    await housekeeping("erase-sighting-texts");
    expect(await description()).toBeNull();
  });
});

describe("scheduling", () => {
  it("puts every retention task on pg-boss's schedule, and runs one through the queue", async () => {
    clock.offset = 0;
    const workers = await startWorkers(runtime);
    try {
      const schedules = await runtime.boss.getSchedules();
      const tasks = schedules.map((s) => (s.data as { task?: string } | undefined)?.task);
      for (const task of [
        "purge-outbox",
        "purge-text-a-zip",
        "purge-operators",
        "erase-stopped-subscribers",
        "detach-deliveries",
        "erase-sighting-texts",
      ]) {
        expect(tasks).toContain(task);
      }
      const erase = schedules.find((s) => (s.data as { task?: string }).task === "erase-stopped-subscribers");
      expect(erase?.cron).toBe("*/5 * * * *");

      const id = await runtime.boss.send("housekeeping", { task: "erase-stopped-subscribers" });
      await expect
        .poll(async () => (await runtime.boss.getJobById("housekeeping", id!))?.state, { timeout: 15_000 })
        .toBe("completed");
    } finally {
      await workers.stop();
    }
  });
});
