/**
 * Escalation (issue 16, point 5), on a clock the test moves: when nobody answers Y within
 * RESPONDER_ESCALATION_MINUTES of a ring, the next ring (as many as the last, not asked yet,
 * nearest first) is texted by the system, through the loopback Twilio peer, and the console and the
 * API say so. Not a second before; not after a Y; not once the sighting is decided; and when the
 * roster has nobody left, that is said once and never retried. Two sweeps at once send one ring.
 */
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Language } from "../../src/i18n/languages.ts";
import { BOSS_SCHEMA } from "../../src/jobs/boss.ts";
import { QUEUES } from "../../src/jobs/queues.ts";
import { Dispatch, DispatchedSighting, Responder } from "../../src/schemas/responders.ts";
import { CreatedSighting, Sighting } from "../../src/schemas/sightings.ts";
import { escalateDueDispatches } from "../../src/services/responders/escalate-responders.ts";
import {
  answerThanksText,
  dispatchText,
  invitationText,
  responderReply,
} from "../../src/sms/responder-replies.ts";
import { runHousekeeping } from "../../workers/housekeeping.ts";
import { startWorkers } from "../../workers/index.ts";
import { startTwilioPeer, type TwilioPeer } from "../peers/twilio-peer.ts";
import { ConsoleClient } from "../support/console.ts";
import { appFor, type Caller, ok, PASSWORD, signIn } from "../support/operators.ts";
import { createTestRuntime, type TestRuntime } from "../support/runtime.ts";
import { phone } from "../support/sms-webhook.ts";

const ORG = "Eastside Rapid Response";
const MINUTE = 60_000;
/** Seven responders, all on duty, all covering 94607 (a home ZIP and a 20-mile radius). */
const ROSTER = [
  { name: "R1", phone: "+15105550181", homeZip: "94607" },
  { name: "R2", phone: "+15105550182", homeZip: "94607" },
  { name: "R3", phone: "+15105550183", homeZip: "94612" },
  { name: "R4", phone: "+15105550184", homeZip: "94606" },
  { name: "R5", phone: "+15105550185", homeZip: "94610" },
  { name: "R6", phone: "+15105550186", homeZip: "94601", languages: ["vi"] },
  { name: "R7", phone: "+15105550187", homeZip: "94611", languages: ["zh", "en"] },
] as { name: string; phone: string; homeZip: string; languages?: Language[] }[];
const LANGUAGE = Object.fromEntries(ROSTER.map((r) => [r.name, r.languages?.[0] ?? "en"])) as Record<
  string,
  Language
>;
const NUMBER = Object.fromEntries(ROSTER.map((r) => [r.name, r.phone]));

/** Real time plus an offset the test moves forward. */
const clock = { offset: 0, now: () => new Date(Date.now() + clock.offset) };
let runtime: TestRuntime;
let app: ReturnType<typeof appFor>;
let twilio: TwilioPeer;
let operator: Caller;
let verifier: Caller;

const timeOf = (at: Date) =>
  new Intl.DateTimeFormat("en-US", {
    timeZone: "America/Los_Angeles",
    hour: "numeric",
    minute: "2-digit",
  }).format(at);

async function logSighting() {
  const observedAt = new Date(clock.now().getTime() - MINUTE);
  const created = await ok(
    operator.request("POST", "sightings", {
      zip: "94607",
      place: "8th St",
      crossStreets: "Market St",
      observedAt: observedAt.toISOString(),
      agency: "ice",
      activity: "other",
      source: "hotline_call",
    }),
    CreatedSighting,
    201,
  );
  return { id: created.sighting.id, observedAt };
}

async function dispatch(id: string, count: number) {
  return (await ok(operator.request("POST", `sightings/${id}/dispatch`, { count }), DispatchedSighting))
    .dispatch;
}
const view = (id: string) => ok(operator.request("GET", `sightings/${id}/responders`), Dispatch);
const asked = async (id: string) => (await view(id)).requests.map((r) => r.responderName);

beforeAll(async () => {
  twilio = await startTwilioPeer();
  runtime = await createTestRuntime({
    clock,
    env: {
      TWILIO_ACCOUNT_SID: twilio.accountSid,
      TWILIO_AUTH_TOKEN: twilio.authToken,
      TWILIO_MESSAGING_SERVICE_SID: "MG00000000000000000000000000000000",
      TWILIO_API_URL: twilio.url,
      SMS_RATE_PER_SECOND: "500",
      SERVICE_AREA: "946*",
      RESPONDER_ESCALATION_MINUTES: "5",
      // The clock moves by hours in this file; sessions must outlive it.
      SESSION_IDLE_MINUTES: "1440",
      SESSION_ABSOLUTE_HOURS: "168",
    },
  });
  app = appFor(runtime);
  const admin = await signIn(runtime, app, "admin", { organisation: ORG });
  operator = await signIn(runtime, app, "operator", { organisation: ORG });
  verifier = await signIn(runtime, app, "verifier", { organisation: ORG });
  for (const r of ROSTER) {
    await ok(
      admin.request("POST", "responders", {
        name: r.name,
        phone: r.phone,
        languages: r.languages ?? ["en"],
        homeZip: r.homeZip,
        radiusMiles: 20,
      }),
      Responder,
      201,
    );
    // A Chinese or Vietnamese speaker is written to in their language, from the invitation on.
    const lang = LANGUAGE[r.name]!;
    expect(twilio.messages.at(-1)?.body).toBe(invitationText(lang, { program: "Aviso", organisation: ORG }));
    expect((await phone(app, runtime, r.phone).send("YES")).messages).toEqual([
      responderReply(lang, "Aviso", "joined"),
    ]);
    expect((await phone(app, runtime, r.phone).send("ON")).messages).toEqual([
      responderReply(lang, "Aviso", "on"),
    ]);
  }
});
afterAll(async () => {
  await runtime?.close();
  await twilio?.close();
});

describe("escalation on silence", () => {
  // The attack first: two workers sweep at the same moment; one ring goes, not two.
  it("two sweeps at once send one next ring", async () => {
    const { id } = await logSighting();
    await dispatch(id, 2);
    clock.offset += 5 * MINUTE;
    const before = twilio.messages.length;
    const results = await Promise.all([
      escalateDueDispatches(runtime),
      escalateDueDispatches(runtime),
      escalateDueDispatches(runtime),
    ]);
    expect(results.reduce((n, r) => n + r.escalated, 0)).toBe(1);
    const d = await view(id);
    expect(d.requests).toHaveLength(4);
    expect(d.rings.map((g) => [g.escalated, g.asked])).toEqual([
      [false, 2],
      [true, 2],
    ]);
    expect(twilio.messages.length - before).toBe(2);
    // Decided, so it does not escalate in the tests below.
    await ok(verifier.request("POST", `sightings/${id}/resolve`, { status: "false_alarm" }), Sighting);
  });

  it("texts the next ring after the configured minutes of silence, not a second before, and says so", async () => {
    const { id, observedAt } = await logSighting();
    const first = await dispatch(id, 2);
    const code = first.caseCode!;
    expect(first.rings).toEqual([expect.objectContaining({ escalated: false, asked: 2, note: null })]);
    const before = twilio.messages.length;

    clock.offset += 5 * MINUTE - 1_000;
    expect(await escalateDueDispatches(runtime)).toEqual({ escalated: 0, exhausted: 0 });
    expect(await asked(id)).toHaveLength(2);

    clock.offset += 1_000;
    const at = clock.now();
    expect(await escalateDueDispatches(runtime)).toEqual({ escalated: 1, exhausted: 0 });
    const d = await view(id);
    expect(d.requests).toHaveLength(4);
    expect(d.rings[1]).toMatchObject({ by: "system", escalated: true, requested: 2, asked: 2 });
    const note = `Nobody answered Y within 5 minutes; the next 2 were asked at ${timeOf(at)}.`;
    expect(d.rings[1]!.note).toBe(note);
    // Nearest first: everyone in the second ring is at least as far as anyone in the first.
    const [ring1, ring2] = [d.requests.slice(0, 2), d.requests.slice(2)];
    expect(Math.min(...ring2.map((r) => r.distanceMiles))).toBeGreaterThanOrEqual(
      Math.max(...ring1.map((r) => r.distanceMiles)),
    );
    // The texts arrived at the Twilio peer: the same case, to the two newly asked only.
    const fresh = twilio.messages.slice(before);
    const newly = ring2.map((r) => NUMBER[r.responderName!]!);
    expect(fresh.map((m) => m.to).sort()).toEqual([...newly].sort());
    for (const r of ring2) {
      const text = dispatchText(LANGUAGE[r.responderName!]!, {
        program: "Aviso",
        code,
        activity: "other",
        place: "8th St",
        crossStreets: "Market St",
        zip: "94607",
        time: timeOf(observedAt),
      });
      expect(fresh.find((m) => m.to === NUMBER[r.responderName!])?.body).toBe(text);
    }
    expect(ring2.map((r) => r.sendStatus)).toEqual(["sent", "sent"]);

    // Audited as the system's.
    const audit = await runtime.db
      .selectFrom("audit_log")
      .select(["actor", "details"])
      .where("action", "=", "sighting.responders_escalated")
      .where("target_id", "=", id)
      .execute();
    expect(audit).toEqual([{ actor: "system", details: { caseCode: code, asked: 2, afterMinutes: 5 } }]);

    // The console's sighting page says so.
    const email = `escalation.console.${Date.now()}@hotline.test`;
    await signIn(runtime, app, "operator", { organisation: ORG, email });
    const browser = new ConsoleClient(app);
    expect((await browser.signIn(email, PASSWORD)).status).toBe(303);
    await browser.get(`/console/sightings/${id}`);
    expect(browser.lastPage).toContain(note);

    // Running again before the next ring is due does nothing.
    expect(await escalateDueDispatches(runtime)).toEqual({ escalated: 0, exhausted: 0 });
    await ok(verifier.request("POST", `sightings/${id}/resolve`, { status: "false_alarm" }), Sighting);
  });

  it("stops once anyone answered Y", async () => {
    const { id } = await logSighting();
    const first = await dispatch(id, 2);
    const going = first.requests[0]!.responderName!;
    expect((await phone(app, runtime, NUMBER[going]!).send(`${first.caseCode} Y`)).messages).toEqual([
      answerThanksText(LANGUAGE[going]!, { program: "Aviso", code: first.caseCode!, answer: "yes" }),
    ]);
    clock.offset += 30 * MINUTE;
    await escalateDueDispatches(runtime);
    expect(await asked(id)).toHaveLength(2);
    expect((await view(id)).rings).toHaveLength(1);
    await ok(verifier.request("POST", `sightings/${id}/resolve`, { status: "false_alarm" }), Sighting);
  });

  it("stops once the sighting is decided", async () => {
    for (const status of ["false_alarm", "unconfirmed"]) {
      const { id } = await logSighting();
      await dispatch(id, 2);
      await ok(verifier.request("POST", `sightings/${id}/resolve`, { status }), Sighting);
      clock.offset += 10 * MINUTE;
      expect(await escalateDueDispatches(runtime)).toEqual({ escalated: 0, exhausted: 0 });
      expect(await asked(id)).toHaveLength(2);
    }
  });

  it("rings until the roster is exhausted, says so once, and does not retry", async () => {
    const { id } = await logSighting();
    await dispatch(id, 3);
    const rings: number[] = [];
    for (let i = 0; i < 5; i++) {
      clock.offset += 5 * MINUTE;
      // Through the once-a-minute housekeeping task, as the workers run it.
      await runHousekeeping(runtime, { task: "escalate-responders" });
      rings.push((await view(id)).rings.length);
    }
    expect(rings).toEqual([2, 3, 4, 4, 4]);
    const d = await view(id);
    expect(d.requests).toHaveLength(7);
    // Seven on the roster: the third ring asked the last one, the fourth found nobody.
    expect(d.rings.map((g) => [g.escalated, g.requested, g.asked, g.exhausted])).toEqual([
      [false, 3, 3, false],
      [true, 3, 3, false],
      [true, 3, 1, false],
      [true, 3, 0, true],
    ]);
    expect(d.rings[2]!.note).toMatch(/; the next responder was asked at \d/);
    expect(d.rings[3]!.note).toBe("Nobody answered Y within 5 minutes; nobody else on duty covers 94607.");
    const { rows } = await sql<{ n: number }>`
      SELECT count(*)::int AS n FROM audit_log
      WHERE action = 'sighting.responders_escalated' AND target_id = ${id}`.execute(runtime.db);
    expect(rows[0]!.n).toBe(3);
    await ok(verifier.request("POST", `sightings/${id}/resolve`, { status: "false_alarm" }), Sighting);
  });

  it("an exhausted roster is recorded as one ring, said on the page and the API, never retried", async () => {
    const { id, observedAt } = await logSighting();
    const code = (await dispatch(id, 7)).caseCode!;
    const sent = twilio.messages.length;
    // Everyone was asked, the Vietnamese and the Chinese speaker in their language.
    for (const name of ["R6", "R7"]) {
      expect(twilio.messages.filter((m) => m.to === NUMBER[name]).at(-1)?.body).toBe(
        dispatchText(LANGUAGE[name]!, {
          program: "Aviso",
          code,
          activity: "other",
          place: "8th St",
          crossStreets: "Market St",
          zip: "94607",
          time: timeOf(observedAt),
        }),
      );
    }
    clock.offset += 5 * MINUTE;
    expect(await escalateDueDispatches(runtime)).toEqual({ escalated: 0, exhausted: 1 });
    for (let i = 0; i < 3; i++) {
      clock.offset += 5 * MINUTE;
      expect(await escalateDueDispatches(runtime)).toEqual({ escalated: 0, exhausted: 0 });
    }
    const d = await view(id);
    expect(d.rings.map((g) => [g.escalated, g.asked, g.exhausted])).toEqual([
      [false, 7, false],
      [true, 0, true],
    ]);
    expect(d.rings[1]!.note).toBe("Nobody answered Y within 5 minutes; nobody else on duty covers 94607.");
    expect(twilio.messages.length).toBe(sent);
    const email = `exhausted.console.${Date.now()}@hotline.test`;
    await signIn(runtime, app, "operator", { organisation: ORG, email });
    const browser = new ConsoleClient(app);
    expect((await browser.signIn(email, PASSWORD)).status).toBe(303);
    await browser.get(`/console/sightings/${id}`);
    expect(browser.lastPage.split("nobody else on duty covers 94607")).toHaveLength(2);
    await ok(verifier.request("POST", `sightings/${id}/resolve`, { status: "false_alarm" }), Sighting);
  });

  it("each ring schedules its own escalation job, with the sighting's id and nothing else", async () => {
    const { id } = await logSighting();
    await dispatch(id, 1);
    const { rows } = await sql<{ data: unknown; delay: number }>`
      SELECT data, extract(epoch FROM start_after - created_on)::int AS delay
      FROM ${sql.table(`${BOSS_SCHEMA}.job`)}
      WHERE name = ${QUEUES.responderEscalation} AND data->>'sightingId' = ${id}`.execute(runtime.db);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.data).toEqual({ sightingId: id });
    expect(rows[0]!.delay).toBeGreaterThanOrEqual(299);
    expect(rows[0]!.delay).toBeLessThanOrEqual(301);
    // Its handler's call: only this sighting, and only once it is due.
    expect(await escalateDueDispatches(runtime, { sightingId: id })).toEqual({ escalated: 0, exhausted: 0 });
    clock.offset += 5 * MINUTE;
    // The workers' handler, given the same job now (its own waits 5 real minutes).
    const workers = await startWorkers(runtime);
    try {
      const job = await runtime.boss.send(QUEUES.responderEscalation, { sightingId: id });
      await expect
        .poll(async () => (await runtime.boss.getJobById(QUEUES.responderEscalation, job!))?.state, {
          timeout: 15_000,
        })
        .toBe("completed");
    } finally {
      await workers.stop();
    }
    expect(await asked(id)).toHaveLength(2);
    expect(await escalateDueDispatches(runtime, { sightingId: id })).toEqual({ escalated: 0, exhausted: 0 });
  });

  it("sent nothing to anyone but the roster, and no number reached a log line", async () => {
    const roster = new Set(Object.values(NUMBER));
    expect(twilio.messages.filter((m) => !roster.has(m.to))).toEqual([]);
    for (const n of Object.values(NUMBER)) expect(runtime.logs.text).not.toContain(n.slice(-7));
  });
});
