/**
 * Decision drafts and UNCONFIRMED alerts (issue 16, points 6 and 8), through the HTTP API and the
 * loopback peers: with UNCONFIRMED_ALERTS off an unconfirmed draft is refused and writes nothing;
 * on, an UNCONFIRMED alert from a dispatched sighting reaches the ZIP's residents (labelled in
 * every language and channel), and when the sighting is decided its VERIFIED update or FALSE
 * ALARM cancel, drafted by the decision and approved by a second verifier, reaches exactly those
 * residents and not one who joined since. A plain verified sighting's decision drafts its alert;
 * a false alarm nobody was alerted about gives the hotline its "nothing found" note; a repeated or
 * simultaneous decision drafts nothing more; and no single person gets a responder's words or a
 * dispatch text to residents.
 */
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Alert, ApprovalAnswer, Preview } from "../../src/schemas/alerts.ts";
import { ALL_CHANNELS } from "../../src/schemas/common.ts";
import { Dispatch, Responder } from "../../src/schemas/responders.ts";
import { CreatedSighting, DecidedSighting, Sighting } from "../../src/schemas/sightings.ts";
import { LABELS } from "../../src/services/alerts/compose.ts";
import { startDeliveryWorkers } from "../../workers/deliveries.ts";
import { ConsoleClient } from "../support/console.ts";
import { type DeliveryRig, startDeliveryRig } from "../support/delivery.ts";
import { addSubscriber, settled } from "../support/fanout.ts";
import { appFor, type Caller, ok, PASSWORD, refused, signIn } from "../support/operators.ts";
import { createTestRuntime, type TestRuntime } from "../support/runtime.ts";
import { phone } from "../support/sms-webhook.ts";

const ZIP = "94607";

let rig: DeliveryRig;
let workers: { stop(): Promise<void> };
let app: ReturnType<typeof appFor>;
let admin: Caller;
let operator: Caller;
let verifier: Caller;
let secondVerifier: Caller;
let browser: { id: string; address: string };

beforeAll(async () => {
  rig = await startDeliveryRig({ UNCONFIRMED_ALERTS: "true", SERVICE_AREA: "946*" });
  workers = await startDeliveryWorkers(rig.runtime);
  app = appFor(rig.runtime);
  admin = await signIn(rig.runtime, app, "admin");
  operator = await signIn(rig.runtime, app, "operator");
  verifier = await signIn(rig.runtime, app, "verifier");
  secondVerifier = await signIn(rig.runtime, app, "verifier");
  browser = rig.browser();
  const r = rig.runtime;
  await addSubscriber(r, { channel: "sms", address: "+15105550121", zips: [ZIP] });
  await addSubscriber(r, { channel: "sms", address: "+15105550122", zips: [ZIP], language: "es" });
  await addSubscriber(r, { channel: "email", address: "lin@example.org", zips: [ZIP], language: "zh" });
  await addSubscriber(r, { channel: "push", address: browser.address, zips: [ZIP], language: "vi" });
  await addSubscriber(r, { channel: "sms", address: "+15105550123", zips: ["94601"] }); // elsewhere
}, 60_000);
afterAll(async () => {
  await workers?.stop();
  await rig?.close();
});

/** Who received messages matching `pattern`, per peer ("sms:+1…", "email:…", "push:<id>"). */
function recipientsOf(pattern: RegExp): string[] {
  return [
    ...rig.sms.messages.filter((m) => pattern.test(m.body)).map((m) => `sms:${m.to}`),
    ...rig.smtp.messages
      .filter((m) => pattern.test(m.subject))
      .flatMap((m) => m.to.map((to) => `email:${to}`)),
    ...rig.push.received.filter((p) => pattern.test(p.payload)).map((p) => `push:${p.id}`),
  ].sort();
}

const everyone = () =>
  ["sms:+15105550121", "sms:+15105550122", "email:lin@example.org", `push:${browser.id}`].sort();

async function logSighting(place: string, by = operator): Promise<string> {
  const created = await ok(
    by.request("POST", "sightings", {
      zip: ZIP,
      place,
      observedAt: new Date(Date.now() - 5 * 60_000).toISOString(),
      agency: "ice",
      activity: "sweep",
      source: "hotline_call",
    }),
    CreatedSighting,
    201,
  );
  return created.sighting.id;
}

const alertCount = async () =>
  Number((await sql<{ n: string }>`SELECT count(*) AS n FROM alerts`.execute(rig.runtime.db)).rows[0]!.n);

async function approve(by: Caller, alertId: string) {
  const preview = await ok(by.request("GET", `alerts/${alertId}/preview`), Preview);
  return ok(by.request("POST", `alerts/${alertId}/approve`, { hash: preview.hash }), ApprovalAnswer);
}

/** An UNCONFIRMED alert about a new dispatched sighting, approved by a verifier and received. */
async function publishedUnconfirmed(place: string): Promise<{ sightingId: string; alertId: string }> {
  const sightingId = await logSighting(place);
  // Nobody dispatched yet: nobody is on the way, so no UNCONFIRMED alert.
  await refused(operator.request("POST", "alerts", { sightingId, unconfirmed: true }), 409, "conflict");
  await ok(operator.request("POST", `sightings/${sightingId}/dispatch`), Sighting);
  const draft = await ok(operator.request("POST", "alerts", { sightingId, unconfirmed: true }), Alert, 201);
  expect(draft).toMatchObject({ kind: "sighting", sightingLabel: "unconfirmed", targetZips: [ZIP] });
  expect(Object.keys(draft.texts).sort()).toEqual(["en", "es", "vi", "zh"]);
  const approved = await approve(verifier, draft.id);
  expect(approved.alert.status).toBe("published");
  await settled(rig.runtime, draft.id);
  return { sightingId, alertId: draft.id };
}

describe("UNCONFIRMED_ALERTS off (the default)", () => {
  let runtime: TestRuntime;
  beforeAll(async () => {
    runtime = await createTestRuntime();
  }, 60_000);
  afterAll(() => runtime?.close());

  it("refuses an unconfirmed draft with a clear error and writes nothing", async () => {
    expect(runtime.config.operators.unconfirmedAlerts).toBe(false);
    const offApp = appFor(runtime);
    const op = await signIn(runtime, offApp, "operator");
    const ver = await signIn(runtime, offApp, "verifier");
    const created = await ok(
      op.request("POST", "sightings", {
        zip: ZIP,
        place: "Fruitvale BART",
        observedAt: new Date().toISOString(),
        agency: "ice",
        activity: "sweep",
        source: "hotline_call",
      }),
      CreatedSighting,
      201,
    );
    const id = created.sighting.id;
    await ok(op.request("POST", `sightings/${id}/dispatch`), Sighting);
    const before = await sql<{ n: string }>`SELECT count(*) AS n FROM audit_log`.execute(runtime.db);
    for (const who of [op, ver]) {
      const error = await refused(
        who.request("POST", "alerts", { sightingId: id, unconfirmed: true }),
        403,
        "forbidden",
      );
      expect(error.message).toMatch(/UNCONFIRMED_ALERTS=false/);
    }
    expect(await runtime.db.selectFrom("alerts").select("id").execute()).toEqual([]);
    expect(await runtime.db.selectFrom("alert_texts").select("alert_id").execute()).toEqual([]);
    const after = await sql<{ n: string }>`SELECT count(*) AS n FROM audit_log`.execute(runtime.db);
    expect(after.rows[0]!.n).toBe(before.rows[0]!.n);
    // The sighting page offers no UNCONFIRMED alert either.
    const page = await offApp.request(`/console/sightings/${id}`, { headers: { cookie: op.cookie! } });
    expect(await page.text()).not.toContain("Draft an UNCONFIRMED alert");
  });
});

describe("UNCONFIRMED alerts and their follow-ups", () => {
  it("labels an UNCONFIRMED alert in every language and channel, and only a second person sends it", async () => {
    const sightingId = await logSighting("Fruitvale BART");
    await ok(operator.request("POST", `sightings/${sightingId}/dispatch`), Sighting);
    // The verifier drafts it: they cannot approve their own.
    const draft = await ok(verifier.request("POST", "alerts", { sightingId, unconfirmed: true }), Alert, 201);
    const preview = await ok(verifier.request("GET", `alerts/${draft.id}/preview`), Preview);
    await refused(verifier.request("POST", `alerts/${draft.id}/approve`, { hash: preview.hash }), 403);
    for (const l of preview.languages) {
      expect(l.label).toBe(LABELS.unconfirmed[l.language]);
      expect(l.emailSubject.startsWith(`${LABELS.unconfirmed[l.language]}: `)).toBe(true);
      expect(l.pushTitle.startsWith(LABELS.unconfirmed[l.language])).toBe(true);
    }
    const en = preview.languages.find((l) => l.language === "en")!;
    expect(en.sms.text).toMatch(
      /^UNCONFIRMED: Reported: ICE sweep near Fruitvale BART at .*Responders are on the way to check\. Avoid the area if you can\. https:/,
    );
    expect(en.smsText).not.toMatch(/confirmed/i);
    // The hash covers the label: the same texts labelled otherwise are another approval.
    await rig.runtime.db
      .updateTable("alerts")
      .set({ sighting_label: null })
      .where("id", "=", draft.id)
      .execute();
    const relabelled = await ok(verifier.request("GET", `alerts/${draft.id}/preview`), Preview);
    expect(relabelled.hash).not.toBe(preview.hash);
    expect(relabelled.languages[0]!.label).toBe("VERIFIED");
    await refused(secondVerifier.request("POST", `alerts/${draft.id}/approve`, { hash: preview.hash }), 409);
    await rig.runtime.db
      .updateTable("alerts")
      .set({ sighting_label: "unconfirmed" })
      .where("id", "=", draft.id)
      .execute();

    const approved = await ok(
      secondVerifier.request("POST", `alerts/${draft.id}/approve`, { hash: preview.hash }),
      ApprovalAnswer,
    );
    expect(approved.published?.deliveries).toEqual({ sms: 2, email: 1, push: 1, whatsapp: 0, voice: 0 });
    await settled(rig.runtime, draft.id);
    expect(recipientsOf(/Fruitvale BART/)).toEqual(everyone());
    expect(rig.sms.messages.find((m) => m.to === "+15105550121")!.body).toBe(en.sms.text);
    expect(rig.sms.messages.find((m) => m.to === "+15105550122")!.body).toMatch(/^SIN CONFIRMAR: Reporte: /);
    expect(rig.smtp.messages.find((m) => m.to.includes("lin@example.org"))!.subject).toMatch(/^未证实: /);
    expect(JSON.parse(rig.push.received.find((p) => p.id === browser.id)!.payload).label).toBe(
      "CHƯA XÁC NHẬN",
    );
    expect(recipientsOf(/./).some((r) => r.includes("+15105550123"))).toBe(false);
  });

  it("verified: the VERIFIED update reaches exactly the UNCONFIRMED alert's recipients, not a newcomer", async () => {
    const { sightingId, alertId } = await publishedUnconfirmed("Lake Merritt");
    await addSubscriber(rig.runtime, { channel: "sms", address: "+15105550124", zips: [ZIP] });

    const decided = await ok(
      verifier.request("POST", `sightings/${sightingId}/resolve`, {
        status: "verified",
        verification: { method: "responder_on_scene" },
      }),
      DecidedSighting,
    );
    expect(decided.status).toBe("verified");
    expect(decided.nothingFound).toBeNull();
    expect(decided.drafts).toEqual([{ id: expect.any(String), kind: "update", referencesAlertId: alertId }]);
    const updateId = decided.drafts[0]!.id;
    const update = await ok(verifier.request("GET", `alerts/${updateId}`), Alert);
    expect(update).toMatchObject({ status: "draft", sightingLabel: "verified", authorId: verifier.actor });

    // Deciding again drafts nothing more.
    const count = await alertCount();
    await refused(verifier.request("POST", `sightings/${sightingId}/resolve`, { status: "verified" }), 409);
    expect(await alertCount()).toBe(count);

    // The decider wrote it: someone else approves.
    const preview = await ok(verifier.request("GET", `alerts/${updateId}/preview`), Preview);
    expect(preview.audience).toBe("original_recipients");
    expect(preview.languages.map((l) => l.label)).toEqual(
      preview.languages.map((l) => LABELS.verified[l.language]),
    );
    await refused(verifier.request("POST", `alerts/${updateId}/approve`, { hash: preview.hash }), 403);
    const approved = await approve(secondVerifier, updateId);
    expect(approved.published?.audience).toBe("original_recipients");
    await settled(rig.runtime, updateId);

    // The ledger: the update went to exactly the original's subscribers on the original's channels.
    const ledgerOf = async (id: string) =>
      (
        await sql<{ subscriber_id: string; channel: string }>`
          SELECT subscriber_id, channel FROM deliveries WHERE alert_id = ${id} ORDER BY 1, 2`.execute(
          rig.runtime.db,
        )
      ).rows;
    expect(await ledgerOf(updateId)).toEqual(await ledgerOf(alertId));
    expect(await ledgerOf(updateId)).toHaveLength(4);
    const en = rig.sms.messages.filter((m) => m.to === "+15105550121" && /Lake Merritt/.test(m.body));
    expect(en.map((m) => m.body.split(":")[0])).toEqual(["UNCONFIRMED", "VERIFIED"]);
    expect(en[1]!.body).toMatch(/^VERIFIED: ICE sweep near Lake Merritt/);
    expect(rig.sms.messages.find((m) => m.to === "+15105550122" && /^VERIFICADO/.test(m.body))).toBeDefined();
    expect(
      rig.smtp.messages.filter((m) => m.to.includes("lin@example.org") && /^已核实: /.test(m.subject)),
    ).toHaveLength(1);
    expect(rig.sms.messages.some((m) => m.to === "+15105550124")).toBe(false);
  });

  it("false alarm: the FALSE ALARM cancel reaches exactly the UNCONFIRMED alert's recipients, not a newcomer", async () => {
    const { sightingId, alertId } = await publishedUnconfirmed("Jack London Square");
    const original = recipientsOf(/Jack London/).filter((r) => !r.startsWith("push"));
    expect(original).toHaveLength(4); // three texts (one to an earlier newcomer) and an email
    await addSubscriber(rig.runtime, { channel: "sms", address: "+15105550125", zips: [ZIP] });
    await addSubscriber(rig.runtime, { channel: "email", address: "new@example.org", zips: [ZIP] });

    const decided = await ok(
      verifier.request("POST", `sightings/${sightingId}/resolve`, { status: "false_alarm" }),
      DecidedSighting,
    );
    expect(decided.drafts).toEqual([{ id: expect.any(String), kind: "cancel", referencesAlertId: alertId }]);
    expect(decided.nothingFound).toBeNull(); // residents were told: the cancel tells them
    const cancelId = decided.drafts[0]!.id;
    expect(await ok(verifier.request("GET", `alerts/${cancelId}`), Alert)).toMatchObject({
      status: "draft",
      cancelReason: "false_alarm",
    });
    await approve(secondVerifier, cancelId);
    await settled(rig.runtime, cancelId);

    const cancelled = [
      ...rig.sms.messages
        .filter((m) => /^(FALSE ALARM|FALSA ALARMA|误报|BÁO ĐỘNG GIẢ).*Jack London/.test(m.body))
        .map((m) => `sms:${m.to}`),
      ...rig.smtp.messages
        .filter((m) => /^(FALSE ALARM|FALSA ALARMA|误报|BÁO ĐỘNG GIẢ)/.test(m.subject))
        .flatMap((m) => m.to.map((to) => `email:${to}`)),
    ].sort();
    expect(cancelled).toEqual(original);
    const ledger = await sql<{ subscriber_id: string; channel: string }>`
      SELECT subscriber_id, channel FROM deliveries WHERE alert_id = ${cancelId} ORDER BY 1, 2`.execute(
      rig.runtime.db,
    );
    const first = await sql<{ subscriber_id: string; channel: string }>`
      SELECT subscriber_id, channel FROM deliveries WHERE alert_id = ${alertId} ORDER BY 1, 2`.execute(
      rig.runtime.db,
    );
    expect(ledger.rows).toEqual(first.rows);
    expect(ledger.rows).toHaveLength(5);
    expect(rig.sms.messages.some((m) => m.to === "+15105550125")).toBe(false);
    expect(rig.smtp.messages.some((m) => m.to.includes("new@example.org"))).toBe(false);
    expect((await ok(operator.request("GET", `alerts/${alertId}`), Alert)).status).toBe("cancelled");
  });

  it("an UNCONFIRMED draft not sent before the decision can no longer go out", async () => {
    const sightingId = await logSighting("West Oakland BART");
    await ok(operator.request("POST", `sightings/${sightingId}/dispatch`), Sighting);
    const draft = await ok(operator.request("POST", "alerts", { sightingId, unconfirmed: true }), Alert, 201);
    const decided = await ok(
      verifier.request("POST", `sightings/${sightingId}/resolve`, {
        status: "verified",
        verification: { method: "photo" },
      }),
      DecidedSighting,
    );
    // Nothing UNCONFIRMED went out: the decision drafts the VERIFIED alert itself.
    expect(decided.drafts).toEqual([{ id: expect.any(String), kind: "sighting", referencesAlertId: null }]);
    const preview = await ok(secondVerifier.request("GET", `alerts/${draft.id}/preview`), Preview);
    const error = await refused(
      secondVerifier.request("POST", `alerts/${draft.id}/approve`, { hash: preview.hash }),
      409,
    );
    expect(error.message).toMatch(/cannot go out as unconfirmed/);
  });
});

describe("decision drafts", () => {
  it("a verified sighting drafts its alert from the templates, for a second verifier to approve", async () => {
    const sightingId = await logSighting("Telegraph Ave");
    const decided = await ok(
      verifier.request("POST", `sightings/${sightingId}/resolve`, {
        status: "verified",
        verification: { method: "independent_reports" },
      }),
      DecidedSighting,
    );
    expect(decided.drafts).toEqual([{ id: expect.any(String), kind: "sighting", referencesAlertId: null }]);
    const draft = await ok(verifier.request("GET", `alerts/${decided.drafts[0]!.id}`), Alert);
    expect(draft).toMatchObject({
      status: "draft",
      kind: "sighting",
      sightingId,
      sightingLabel: null,
      targetZips: [ZIP],
      channels: ALL_CHANNELS,
      authorId: verifier.actor,
      drill: false,
    });
    expect(Object.keys(draft.texts).sort()).toEqual(["en", "es", "vi", "zh"]);
    expect(draft.texts.en!.smsText).toMatch(/^ICE sweep near Telegraph Ave at /);
    const preview = await ok(verifier.request("GET", `alerts/${draft.id}/preview`), Preview);
    expect(preview.languages.map((l) => l.label)).toEqual(
      preview.languages.map((l) => LABELS.verified[l.language]),
    );
    await refused(verifier.request("POST", `alerts/${draft.id}/approve`, { hash: preview.hash }), 403);
    await ok(
      secondVerifier.request("POST", `alerts/${draft.id}/approve`, { hash: preview.hash, publishNow: false }),
      ApprovalAnswer,
    );
  });

  it("two verifiers deciding at once draft one alert", async () => {
    const sightingId = await logSighting("Grand Ave");
    await ok(
      operator.request("POST", `sightings/${sightingId}/verifications`, { method: "responder_on_scene" }),
      Sighting,
      201,
    );
    const answers = await Promise.all(
      [verifier, secondVerifier].map((v) =>
        v.request("POST", `sightings/${sightingId}/resolve`, { status: "verified" }),
      ),
    );
    expect(answers.map((a) => a.status).sort()).toEqual([200, 409]);
    const alerts = await rig.runtime.db
      .selectFrom("alerts")
      .select("id")
      .where("sighting_id", "=", sightingId)
      .execute();
    expect(alerts).toHaveLength(1);
  });

  it("a false alarm nobody was alerted about gives the hotline its 'nothing found' note", async () => {
    const sightingId = await logSighting("International Blvd");
    const before = await alertCount();
    const decided = await ok(
      verifier.request("POST", `sightings/${sightingId}/resolve`, { status: "false_alarm" }),
      DecidedSighting,
    );
    expect(decided.drafts).toEqual([]);
    expect(await alertCount()).toBe(before);
    expect(Object.keys(decided.nothingFound ?? {}).sort()).toEqual(["en", "es", "vi", "zh"]);
    expect(decided.nothingFound!.en!.body).toMatch(
      /^Responders checked the report of ICE sweep near International Blvd at .*They found no enforcement activity, and no alert was sent/,
    );
    expect(decided.nothingFound!.es!.body).toMatch(/No encontraron actividad de inmigración/);
    const page = await app.request(`/console/sightings/${sightingId}`, {
      headers: { cookie: operator.cookie! },
    });
    const html = await page.text();
    expect(html).toContain("Nothing found: what to tell callers");
    expect(html).toContain("No encontraron actividad de inmigración");
  });

  it("the console takes the verifier from the decision to the draft", async () => {
    const email = `console.verifier.${Date.now()}@hotline.test`;
    await signIn(rig.runtime, app, "verifier", { email });
    const console_ = new ConsoleClient(app);
    expect((await console_.signIn(email, PASSWORD)).status).toBe(303);
    const sightingId = await logSighting("Broadway & 14th");
    await ok(
      operator.request("POST", `sightings/${sightingId}/verifications`, { method: "photo" }),
      Sighting,
      201,
    );
    await console_.get(`/console/sightings/${sightingId}`);
    const res = await console_.post(`/console/sightings/${sightingId}/resolve`, { status: "verified" });
    expect(res.status).toBe(303);
    const draft = await rig.runtime.db
      .selectFrom("alerts")
      .select("id")
      .where("sighting_id", "=", sightingId)
      .executeTakeFirstOrThrow();
    expect(res.headers.get("location")).toBe(`/console/alerts/${draft.id}`);
    await console_.get(`/console/sightings/${sightingId}`);
    expect(console_.lastPage).toContain("Alerts about this sighting");
    expect(console_.lastPage).toContain(`/console/alerts/${draft.id}`);

    // With UNCONFIRMED_ALERTS on, a dispatched sighting's page offers the UNCONFIRMED alert.
    const dispatched = await logSighting("Brooklyn Ave");
    await ok(operator.request("POST", `sightings/${dispatched}/dispatch`), Sighting);
    await console_.get(`/console/sightings/${dispatched}`);
    expect(console_.lastPage).toContain("Draft an UNCONFIRMED alert");
    const drafted = await console_.post(`/console/sightings/${dispatched}/alert`, { unconfirmed: "on" });
    expect(drafted.status).toBe(303);
    const unconfirmed = await rig.runtime.db
      .selectFrom("alerts")
      .select(["id", "sighting_label"])
      .where("sighting_id", "=", dispatched)
      .executeTakeFirstOrThrow();
    expect(unconfirmed.sighting_label).toBe("unconfirmed");
    expect(drafted.headers.get("location")).toBe(`/console/alerts/${unconfirmed.id}`);
    await console_.get(`/console/alerts/${unconfirmed.id}`);
    expect(console_.lastPage).toContain("UNCONFIRMED");
  });
});

describe("no single person gets a responder's words or a dispatch text to residents", () => {
  it("the decision drafts from the sighting's facts only, and its author cannot approve it", async () => {
    const responderPhone = "+15105550181";
    const responder = await ok(
      admin.request("POST", "responders", {
        name: "Rosa",
        phone: responderPhone,
        languages: ["en"],
        zips: [ZIP],
      }),
      Responder,
      201,
    );
    const text = phone(app, rig.runtime, responderPhone);
    await text.send("YES");
    await text.send("ON");
    const sightingId = await logSighting("San Pablo Ave");
    await ok(operator.request("POST", `sightings/${sightingId}/dispatch`), Sighting);
    const dispatch = await ok(operator.request("GET", `sightings/${sightingId}/responders`), Dispatch);
    expect(dispatch.requests.map((r) => r.responderId)).toContain(responder.id);
    expect(dispatch.caseCode).not.toBeNull();
    const caseCode = dispatch.caseCode!;
    const dispatchText = rig.sms.messages.find((m) => m.to === responderPhone && /CASE/.test(m.body))!.body;
    await text.send(`${caseCode} CONFIRM PLATE7XK9 two vans call Maria at 5551234`);

    // With UNCONFIRMED_ALERTS on, an UNCONFIRMED draft carries the template, not the answer.
    const unconfirmed = await ok(
      verifier.request("POST", "alerts", { sightingId, unconfirmed: true }),
      Alert,
      201,
    );
    const decided = await ok(
      verifier.request("POST", `sightings/${sightingId}/resolve`, { status: "verified" }),
      DecidedSighting,
    );
    for (const id of [unconfirmed.id, decided.drafts[0]!.id]) {
      const preview = await ok(verifier.request("GET", `alerts/${id}/preview`), Preview);
      const all = JSON.stringify(preview.languages);
      expect(all).not.toContain("PLATE7XK9");
      expect(all).not.toContain("Maria");
      expect(all).not.toContain(caseCode);
      expect(all).not.toContain(dispatchText);
      await refused(verifier.request("POST", `alerts/${id}/approve`, { hash: preview.hash }), 403);
    }
    // Nothing of it reached a resident.
    expect(
      rig.sms.messages.filter((m) => m.to !== responderPhone).some((m) => /PLATE7XK9|CASE/.test(m.body)),
    ).toBe(false);
    expect(rig.smtp.messages.some((m) => /PLATE7XK9/.test(m.text ?? ""))).toBe(false);
  });
});
