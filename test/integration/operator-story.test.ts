/**
 * The whole story through the HTTP API and the real loopback peers: an operator logs a sighting,
 * a verifier verifies it, the operator drafts the alert, the verifier approves it with the
 * preview's hash, and residents receive it by SMS, email and push; a cancel then reaches exactly
 * the same people on the same channels. Also: an edit voids an approval, drills reach only the
 * allowlist, statements say what they are, and bad input writes nothing.
 */
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Alert, ApprovalAnswer, Preview, Published } from "../../src/schemas/alerts.ts";
import { list } from "../../src/schemas/common.ts";
import { CreatedSighting, Sighting } from "../../src/schemas/sightings.ts";
import { shortAlertPath } from "../../src/services/alerts/short-link.ts";
import { startDeliveryWorkers } from "../../workers/deliveries.ts";
import { runHousekeeping } from "../../workers/housekeeping.ts";
import { type DeliveryRig, startDeliveryRig } from "../support/delivery.ts";
import { addSubscriber, settled } from "../support/fanout.ts";
import { apiClient, appFor, type Caller, ok, refused, signIn } from "../support/operators.ts";

const REPORTER = "+15105550177";

/** A console page as this person sees it (the API's session cookie signs in the console too). */
async function consolePage(caller: Caller, path: string): Promise<string> {
  const res = await app.request(path, { headers: { cookie: caller.cookie! } });
  expect(res.status).toBe(200);
  return res.text();
}

async function nameOf(caller: Caller): Promise<string> {
  const row = await rig.runtime.db
    .selectFrom("users")
    .select("name")
    .where("id", "=", caller.id)
    .executeTakeFirstOrThrow();
  return row.name;
}
let rig: DeliveryRig;
let workers: { stop(): Promise<void> };
let app: ReturnType<typeof appFor>;
let operator: Caller;
let verifier: Caller;
let secondVerifier: Caller;
let comms: Caller;
let secondComms: Caller;
let browser: { id: string; address: string };

beforeAll(async () => {
  rig = await startDeliveryRig({ DRILL_ALLOWLIST: "+15105550199, Drill@Example.org" });
  workers = await startDeliveryWorkers(rig.runtime);
  app = appFor(rig.runtime);
  operator = await signIn(rig.runtime, app, "operator");
  verifier = await signIn(rig.runtime, app, "verifier");
  secondVerifier = await signIn(rig.runtime, app, "verifier");
  comms = await signIn(rig.runtime, app, "comms");
  secondComms = await signIn(rig.runtime, app, "comms");
  browser = rig.browser();
  const r = rig.runtime;
  await addSubscriber(r, { channel: "sms", address: "+15105550111", zips: ["94607"] });
  await addSubscriber(r, { channel: "sms", address: "+15105550112", zips: ["94612"], language: "es" });
  await addSubscriber(r, { channel: "email", address: "lin@example.org", zips: ["94607"], language: "zh" });
  await addSubscriber(r, { channel: "push", address: browser.address, zips: ["94607"], language: "vi" });
  await addSubscriber(r, { channel: "sms", address: "+15105550113", zips: ["94601"] }); // outside the target
  await addSubscriber(r, { channel: "sms", address: "+15105550199", zips: ["94601"] }); // drill allowlist
  await addSubscriber(r, { channel: "email", address: "drill@example.org", zips: ["94601"] }); // drill allowlist
}, 60_000);
afterAll(async () => {
  await workers.stop();
  await rig.close();
});

/** Who received messages whose text matches `pattern`, per peer ("sms:+1…", "email:…", "push:<id>"). */
function recipientsOf(pattern: RegExp): string[] {
  return [
    ...rig.sms.messages.filter((m) => pattern.test(m.body)).map((m) => `sms:${m.to}`),
    ...rig.smtp.messages
      .filter((m) => pattern.test(m.subject))
      .flatMap((m) => m.to.map((to) => `email:${to}`)),
    ...rig.push.received.filter((p) => pattern.test(p.payload)).map((p) => `push:${p.id}`),
  ].sort();
}

async function verifiedSighting(place: string, zip = "94607") {
  const created = await ok(
    operator.request("POST", "sightings", {
      zip,
      place,
      crossStreets: "by the BART entrance",
      observedAt: new Date(Date.now() - 10 * 60_000).toISOString(),
      agency: "ice",
      activity: "targeted_arrest",
      vehicles: 2,
      agents: 4,
      source: "hotline_call",
      reporterCallback: "(510) 555-0177",
    }),
    CreatedSighting,
    201,
  );
  await ok(
    verifier.request("POST", `sightings/${created.sighting.id}/resolve`, {
      status: "verified",
      verification: { method: "responder_on_scene", notes: "Two responders saw the arrest" },
    }),
    Sighting,
  );
  return created.sighting;
}

describe("the whole story", () => {
  let alertId: string;
  let firstRecipients: string[];

  it("sighting → verified → drafted → approved by someone else → received on every channel", async () => {
    const logged = await ok(
      operator.request("POST", "sightings", {
        zip: "94607",
        place: "7th St & Broadway",
        crossStreets: "outside the laundromat",
        observedAt: new Date(Date.now() - 5 * 60_000).toISOString(),
        agency: "ice",
        activity: "targeted_arrest",
        source: "hotline_call",
        reporterCallback: "(510) 555-0177",
      }),
      CreatedSighting,
      201,
    );
    expect(logged.sighting).toMatchObject({ status: "reported", reporterCallback: "held" });
    const id = logged.sighting.id;
    expect((await ok(operator.request("POST", `sightings/${id}/dispatch`), Sighting)).status).toBe(
      "dispatched",
    );

    // Not yet verified: no alert. An operator cannot decide the outcome.
    await refused(operator.request("POST", "alerts", { sightingId: id }), 409, "conflict");
    await refused(
      operator.request("POST", `sightings/${id}/resolve`, { status: "verified" }),
      403,
      "forbidden",
    );
    // Verified needs a verification record.
    await refused(verifier.request("POST", `sightings/${id}/resolve`, { status: "verified" }), 409);
    await ok(
      operator.request("POST", `sightings/${id}/verifications`, {
        method: "responder_on_scene",
        notes: "Responder on scene",
      }),
      Sighting,
      201,
    );
    const verified = await ok(
      verifier.request("POST", `sightings/${id}/resolve`, { status: "verified" }),
      Sighting,
    );
    expect(verified.verifications).toHaveLength(1);

    const draft = await ok(
      operator.request("POST", "alerts", { sightingId: id, target: { zips: ["94612", "94607"] } }),
      Alert,
      201,
    );
    alertId = draft.id;
    expect(draft).toMatchObject({ status: "draft", kind: "sighting", senderOrg: "Rapid Response Hotline" });
    expect(draft.targetZips).toEqual(["94607", "94612"]); // the sighting's own ZIP first
    expect(Object.keys(draft.texts).sort()).toEqual(["en", "es", "vi", "zh"]);
    expect(new Date(draft.expiresAt).getTime() - Date.now()).toBeGreaterThan(3.9 * 3600_000);

    const preview = await ok(verifier.request("GET", `alerts/${alertId}/preview`), Preview);
    const en = preview.languages.find((l) => l.language === "en")!;
    expect(en.sms.text).toMatch(
      /^VERIFIED: ICE arrest near 7th St & Broadway \(outside the laundromat\) at /,
    );
    expect(en.sms.segments).toBeGreaterThanOrEqual(1);
    expect(preview.languages.find((l) => l.language === "zh")!.sms.encoding).toBe("UCS-2");
    expect(preview.recipients.byChannel).toEqual({ sms: 2, email: 1, push: 1, whatsapp: 0, voice: 0 });
    expect(preview.recipients.byZip).toEqual({
      "94607": { sms: 1, email: 1, push: 1, whatsapp: 0, voice: 0 },
      "94612": { sms: 1, email: 0, push: 0, whatsapp: 0, voice: 0 },
    });

    // The drafter cannot approve their own draft, even as a verifier would.
    await refused(operator.request("POST", `alerts/${alertId}/approve`, { hash: preview.hash }), 403);
    const approved = await ok(
      verifier.request("POST", `alerts/${alertId}/approve`, { hash: preview.hash }),
      ApprovalAnswer,
    );
    expect(approved.alert).toMatchObject({ status: "published", approverId: verifier.actor });
    expect(approved.published?.deliveries).toEqual({ sms: 2, email: 1, push: 1, whatsapp: 0, voice: 0 });

    const rows = await settled(rig.runtime, alertId);
    expect(rows.every((row) => row.status === "sent")).toBe(true);
    firstRecipients = recipientsOf(/7th St & Broadway/);
    expect(firstRecipients).toEqual(
      [`email:lin@example.org`, `push:${browser.id}`, "sms:+15105550111", "sms:+15105550112"].sort(),
    );
    // What was approved is what was sent, to the character: the short link to this alert's page last.
    expect(en.sms.text.endsWith(` https://aviso.test${shortAlertPath(alertId, "en")}`)).toBe(true);
    expect(rig.sms.messages.find((m) => m.to === "+15105550111")!.body).toBe(en.sms.text);
    expect(rig.sms.messages.find((m) => m.to === "+15105550112")!.body).toMatch(
      /^VERIFICADO: Arresto de ICE/,
    );
    expect(rig.smtp.messages.find((m) => m.to.includes("lin@example.org"))!.subject).toMatch(/^已核实: /);
    expect(JSON.parse(rig.push.received.find((p) => p.id === browser.id)!.payload).label).toBe("ĐÃ XÁC MINH");
    expect(recipientsOf(/./).some((r) => r.includes("+15105550113"))).toBe(false);

    const audit = await rig.runtime.db
      .selectFrom("audit_log")
      .select(["actor", "action"])
      .where((eb) => eb.or([eb("target_id", "=", alertId), eb("target_id", "=", id)]))
      .orderBy("id")
      .execute();
    expect(audit.map((a) => `${a.action} ${a.actor}`)).toEqual([
      `sighting.created ${operator.actor}`,
      `sighting.status_changed ${operator.actor}`,
      `sighting.verification_added ${operator.actor}`,
      `sighting.status_changed ${verifier.actor}`,
      `alert.drafted ${operator.actor}`,
      `alert.approved ${verifier.actor}`,
      `alert.published ${verifier.actor}`,
    ]);
  });

  it("a false alarm is withdrawn from exactly the same recipients, on the same channels, whatever changed since", async () => {
    // Since the alert: someone new follows 94607, and the Spanish speaker stops following 94612.
    await addSubscriber(rig.runtime, { channel: "sms", address: "+15105550114", zips: ["94607"] });
    await rig.runtime.db.deleteFrom("subscriptions").where("zip", "=", "94612").execute();

    // An operator cannot withdraw it alone; a verifier can (VERIFIER_MAY_CANCEL_ALONE).
    await refused(
      operator.request("POST", `alerts/${alertId}/cancel`, { reason: "false_alarm", publishNow: true }),
      403,
    );
    const cancel = await ok(
      verifier.request("POST", `alerts/${alertId}/cancel`, { reason: "false_alarm", publishNow: true }),
      ApprovalAnswer,
      201,
    );
    expect(cancel.alert).toMatchObject({ kind: "cancel", status: "published", referencesAlertId: alertId });
    expect(cancel.published).toMatchObject({
      audience: "original_recipients",
      deliveries: { sms: 2, email: 1, push: 1, whatsapp: 0, voice: 0 },
    });
    await settled(rig.runtime, cancel.alert.id);

    const cancelled = recipientsOf(/FALSE ALARM|FALSA ALARMA|误报|BÁO ĐỘNG GIẢ/);
    expect(cancelled).toEqual(firstRecipients);
    expect(rig.sms.messages.find((m) => m.to === "+15105550111" && /FALSE/.test(m.body))!.body).toMatch(
      /^FALSE ALARM: The alert sent at .* about activity near 7th St & Broadway was a false alarm/,
    );
    const original = await ok(operator.request("GET", `alerts/${alertId}`), Alert);
    expect(original.status).toBe("cancelled");

    // The console: the original says what was sent and to whom, from the ledger, not from today's
    // subscribers (a recount would now find two English SMS in 94607 and no Spanish one).
    const page = await consolePage(operator, `/console/alerts/${alertId}`);
    expect(page).toContain("What was sent");
    expect(page).not.toContain("Exactly what will be sent");
    expect(page).not.toContain("Recipients now");
    const sent = (channel: string, language: string) =>
      new RegExp(
        `data-channel="${channel}" data-language="${language}">.*?<td data-outcome="handedOff">(\\d+)<`,
      ).exec(page)?.[1];
    expect([sent("sms", "en"), sent("sms", "es"), sent("email", "zh"), sent("push", "vi")]).toEqual([
      "1",
      "1",
      "1",
      "1",
    ]);
    expect(page).toContain("In all 4 (SMS 2, Email 1, Web push 1)");
    // People by name and role, not by id.
    expect(page).toContain(`${await nameOf(operator)} (operator)`);
    expect(page).toContain(`${await nameOf(verifier)} (verifier)`);
    expect(page).not.toContain(operator.actor);
    // …and after its cancel it is still in the console's list, under History.
    const list = await consolePage(operator, "/console/alerts");
    const history = list.slice(list.indexOf('id="history"'));
    expect(history).toMatch(new RegExp(`data-state="cancelled"><td><a href="/console/alerts/${alertId}"`));
    // Its public page says why it was withdrawn.
    const publicPage = await (await app.request(`/alerts/${alertId}`)).text();
    expect(publicPage).toContain("This alert was a false alarm and has been withdrawn.");
  });

  it("an all clear says the activity ended, not that the alert was withdrawn", async () => {
    const sighting = await verifiedSighting("Outside the laundromat.");
    const draft = await ok(operator.request("POST", "alerts", { sightingId: sighting.id }), Alert, 201);
    expect(draft.texts.en!.headline).toBe("ICE arrest outside the laundromat (by the BART entrance)");
    const preview = await ok(verifier.request("GET", `alerts/${draft.id}/preview`), Preview);
    await ok(verifier.request("POST", `alerts/${draft.id}/approve`, { hash: preview.hash }), ApprovalAnswer);
    const cancel = await ok(
      verifier.request("POST", `alerts/${draft.id}/cancel`, { reason: "all_clear", publishNow: true }),
      ApprovalAnswer,
      201,
    );
    expect(cancel.alert.texts.en!.smsText).toMatch(
      /^The activity reported outside the laundromat at .* has ended\./,
    );
    const page = await (await app.request(`/alerts/${draft.id}`)).text();
    expect(page).toContain("All clear: the activity this alert was about has ended.");
    expect(page).not.toContain("withdrawn");
  });

  it("an update goes to the original's recipients too, after a second person approves it", async () => {
    const sighting = await verifiedSighting("International Blvd & 23rd Ave");
    const draft = await ok(operator.request("POST", "alerts", { sightingId: sighting.id }), Alert, 201);
    const preview = await ok(verifier.request("GET", `alerts/${draft.id}/preview`), Preview);
    await ok(verifier.request("POST", `alerts/${draft.id}/approve`, { hash: preview.hash }), ApprovalAnswer);
    await settled(rig.runtime, draft.id);
    const before = recipientsOf(/International Blvd/);

    const texts = {
      en: {
        headline: "Agents still present",
        body: "Agents remain at International Blvd.",
        smsText: "Agents remain at International Blvd & 23rd.",
      },
    };
    const update = await ok(verifier.request("POST", `alerts/${draft.id}/updates`, { texts }), Alert, 201);
    const updatePreview = await ok(operator.request("GET", `alerts/${update.id}/preview`), Preview);
    expect(updatePreview).toMatchObject({ audience: "original_recipients", targetZips: null });
    // Only English was written: before approving, the approver is told who gets it instead of
    // their own language (counts per channel and language, never who).
    expect(updatePreview.fallbacks).toEqual([
      { channel: "email", language: "zh", fallback: "en", recipients: 1 },
      { channel: "push", language: "vi", fallback: "en", recipients: 1 },
    ]);
    const page = await (
      await app.request(`/console/alerts/${update.id}`, { headers: { cookie: secondVerifier.cookie! } })
    ).text();
    const warning = page.slice(
      page.indexOf('id="fallbacks"'),
      page.indexOf("</section>", page.indexOf('id="fallbacks"')),
    );
    expect(warning).toContain("Email: 1 resident reading 中文 will get the English text");
    expect(warning).toContain("Web push: 1 resident reading Tiếng Việt will get the English text");
    expect(warning).not.toMatch(/@|\+1510/);
    await refused(verifier.request("POST", `alerts/${update.id}/approve`, { hash: updatePreview.hash }), 403);
    await ok(
      secondVerifier.request("POST", `alerts/${update.id}/approve`, { hash: updatePreview.hash }),
      ApprovalAnswer,
    );
    await settled(rig.runtime, update.id);
    expect(recipientsOf(/^UPDATE: Agents remain|"label":"UPDATE"|^UPDATE: Agents still/)).toEqual(before);
  });

  it("a Spanish update is sent in GSM-7 when that saves segments: the approver sees, hashes and residents get that text", async () => {
    await addSubscriber(rig.runtime, {
      channel: "sms",
      address: "+15105550115",
      zips: ["94606"],
      language: "es",
    });
    const sighting = await verifiedSighting("Fruitvale BART", "94606");
    const draft = await ok(operator.request("POST", "alerts", { sightingId: sighting.id }), Alert, 201);
    const preview = await ok(verifier.request("GET", `alerts/${draft.id}/preview`), Preview);
    await ok(verifier.request("POST", `alerts/${draft.id}/approve`, { hash: preview.hash }), ApprovalAnswer);
    await settled(rig.runtime, draft.id);

    // 137 characters with its label and link: one ó (in ACTUALIZACIÓN) would make it three UCS-2
    // segments; written as o, one GSM-7 segment. é is GSM-7 and stays.
    const smsText = "Los agentes se fueron de Fruitvale y 35th Ave a las 9:40. Manténganse alerta.";
    const texts = {
      en: { headline: "Agents left", body: "Agents left Fruitvale.", smsText: "Agents left Fruitvale." },
      es: { headline: "Los agentes se fueron", body: "Los agentes se fueron de Fruitvale.", smsText },
    };
    const update = await ok(operator.request("POST", `alerts/${draft.id}/updates`, { texts }), Alert, 201);
    const updatePreview = await ok(verifier.request("GET", `alerts/${update.id}/preview`), Preview);
    const es = updatePreview.languages.find((l) => l.language === "es")!;
    const link = `https://aviso.test${shortAlertPath(update.id, "es")}`;
    expect(es.smsText).toBe(smsText);
    expect(es.sms).toMatchObject({
      text: `ACTUALIZACION: ${smsText} ${link}`,
      encoding: "GSM-7",
      segments: 1,
      characters: 137,
      saving: { before: { encoding: "UCS-2", segments: 3 }, replaced: [{ from: "Ó", to: "O" }] },
    });
    // The approval page shows the saving next to the text it approves.
    const page = await (
      await app.request(`/console/alerts/${update.id}`, { headers: { cookie: verifier.cookie! } })
    ).text();
    expect(page).toContain(`ACTUALIZACION: ${smsText} ${link}`);
    expect(page).toContain("137 characters · 1 segment (GSM-7) · 3 → 1 segments by writing Ó as O");

    await ok(
      verifier.request("POST", `alerts/${update.id}/approve`, { hash: updatePreview.hash }),
      ApprovalAnswer,
    );
    await settled(rig.runtime, update.id);
    // Sent exactly as approved: the dispatcher composes it the same way.
    expect(rig.sms.messages.filter((m) => m.to === "+15105550115").map((m) => m.body)).toContain(es.sms.text);
  });
});

describe("approval", () => {
  it("an edit voids it: the alert cannot be published until approved again", async () => {
    const texts = {
      en: {
        headline: "Checkpoint on Fruitvale Ave",
        body: "A checkpoint was confirmed.",
        smsText: "Checkpoint confirmed on Fruitvale Ave.",
      },
    };
    const draft = await ok(
      operator.request("POST", "alerts", { texts, target: { zips: ["94601"] }, priority: "advisory" }),
      Alert,
      201,
    );
    const preview = await ok(verifier.request("GET", `alerts/${draft.id}/preview`), Preview);
    const approved = await ok(
      verifier.request("POST", `alerts/${draft.id}/approve`, { hash: preview.hash, publishNow: false }),
      ApprovalAnswer,
    );
    expect(approved.alert.status).toBe("approved");

    const edited = await ok(
      operator.request("PATCH", `alerts/${draft.id}`, {
        texts: { en: { smsText: "Checkpoint confirmed on Fruitvale Ave & E 12th." } },
      }),
      Alert,
    );
    expect(edited).toMatchObject({ status: "draft", approverId: null, approvedAt: null });
    await refused(operator.request("POST", `alerts/${draft.id}/publish`), 409, "conflict");
    await refused(
      verifier.request("POST", `alerts/${draft.id}/approve`, { hash: preview.hash }),
      409,
      "conflict",
    );
    expect(
      await rig.runtime.db.selectFrom("deliveries").select("id").where("alert_id", "=", draft.id).execute(),
    ).toEqual([]);

    const again = await ok(verifier.request("GET", `alerts/${draft.id}/preview`), Preview);
    expect(again.hash).not.toBe(preview.hash);
    await ok(
      verifier.request("POST", `alerts/${draft.id}/approve`, { hash: again.hash, publishNow: false }),
      ApprovalAnswer,
    );
    const published = await ok(operator.request("POST", `alerts/${draft.id}/publish`), Published);
    expect(published.deliveries.sms).toBe(2); // the two 94601 SMS subscribers
    await settled(rig.runtime, draft.id);
  });

  it("whoever edits someone else's draft cannot approve it", async () => {
    const texts = {
      en: {
        headline: "Sweep reported",
        body: "A sweep was confirmed.",
        smsText: "Sweep confirmed near the market.",
      },
    };
    const draft = await ok(
      operator.request("POST", "alerts", { texts, target: { zips: ["94601"] } }),
      Alert,
      201,
    );
    const edited = await ok(verifier.request("PATCH", `alerts/${draft.id}`, { priority: "advisory" }), Alert);
    expect(edited.editorIds).toEqual([verifier.actor]);
    const preview = await ok(verifier.request("GET", `alerts/${draft.id}/preview`), Preview);
    await refused(
      verifier.request("POST", `alerts/${draft.id}/approve`, { hash: preview.hash }),
      403,
      "forbidden",
    );
  });
});

describe("drills", () => {
  it("reach only the allowlist, every message starts with DRILL, and stay drills", async () => {
    const sighting = await verifiedSighting("Lake Merritt pergola");
    const draft = await ok(
      operator.request("POST", "alerts", { sightingId: sighting.id, drill: true }),
      Alert,
      201,
    );
    const preview = await ok(verifier.request("GET", `alerts/${draft.id}/preview`), Preview);
    expect(preview.audience).toBe("drill_allowlist");
    expect(preview.recipients.byChannel).toEqual({ sms: 1, email: 1, push: 0, whatsapp: 0, voice: 0 });
    for (const language of preview.languages)
      expect(language.sms.text).toMatch(/^(DRILL|SIMULACRO|演练|DIỄN TẬP) - /);
    const approved = await ok(
      verifier.request("POST", `alerts/${draft.id}/approve`, { hash: preview.hash }),
      ApprovalAnswer,
    );
    expect(approved.published?.audience).toBe("drill_allowlist");
    await settled(rig.runtime, draft.id);

    expect(recipientsOf(/Lake Merritt/)).toEqual(["email:drill@example.org", "sms:+15105550199"]);
    expect(rig.sms.messages.find((m) => /Lake Merritt/.test(m.body))!.body).toMatch(/^DRILL - VERIFIED: /);
    expect(rig.smtp.messages.find((m) => /Lake Merritt/.test(m.subject))!.subject).toMatch(
      /^DRILL · VERIFIED: /,
    );

    // No request can make it live, and neither can the database.
    await refused(
      operator.request("PATCH", `alerts/${draft.id}`, { drill: false }),
      400,
      "validation_failed",
    );
    await expect(
      rig.runtime.db.updateTable("alerts").set({ is_drill: false }).where("id", "=", draft.id).execute(),
    ).rejects.toThrow(/drill/);
    // Its cancel is a drill too, to the same allowlist.
    const cancel = await ok(
      verifier.request("POST", `alerts/${draft.id}/cancel`, { reason: "all_clear", publishNow: true }),
      ApprovalAnswer,
      201,
    );
    expect(cancel.alert.drill).toBe(true);
    await settled(rig.runtime, cancel.alert.id);
    expect(rig.sms.messages.filter((m) => /^DRILL - ALL CLEAR/.test(m.body)).map((m) => m.to)).toEqual([
      "+15105550199",
    ]);
  });
});

describe("statements", () => {
  it("are drafted and approved by two comms users and say OFFICIAL CITY STATEMENT", async () => {
    const draft = await ok(
      comms.request("POST", "statements", {
        texts: {
          en: {
            headline: "City services remain open",
            body: "All city services remain open to every resident.",
          },
          es: {
            headline: "Los servicios de la ciudad siguen abiertos",
            body: "Todos los servicios siguen abiertos.",
          },
        },
        link: "https://city.example/statement",
        target: { zips: ["94612"] },
        priority: "advisory",
      }),
      Alert,
      201,
    );
    expect(draft).toMatchObject({ kind: "statement", family: "statement", senderOrg: "City of Oakland" });
    expect(draft.texts.en!.smsText).toBe("City services remain open https://city.example/statement");
    await refused(
      verifier.request("POST", "statements", { texts: draft.texts, target: { zips: ["94612"] } }),
      403,
    );
    const preview = await ok(comms.request("GET", `alerts/${draft.id}/preview`), Preview);
    expect(preview.languages[0]!.sms.text).toMatch(/^OFFICIAL CITY STATEMENT: City services remain open/);
    await refused(comms.request("POST", `alerts/${draft.id}/approve`, { hash: preview.hash }), 403);
    // A verifier of the city itself may not approve it either (one of another organisation does
    // not even see the draft: operator-organisations.test.ts).
    const cityVerifier = await signIn(rig.runtime, app, "verifier", {
      organisation: "City of Oakland",
    });
    await refused(cityVerifier.request("POST", `alerts/${draft.id}/approve`, { hash: preview.hash }), 403);
    const approved = await ok(
      secondComms.request("POST", `alerts/${draft.id}/approve`, { hash: preview.hash }),
      ApprovalAnswer,
    );
    expect(approved.alert.status).toBe("published");
    await settled(rig.runtime, draft.id);
  });
});

describe("bad input answers 4xx in the envelope and writes nothing", () => {
  async function counts() {
    const { rows } = await sql<{ n: string }>`
      SELECT (SELECT count(*) FROM sightings) || '/' || (SELECT count(*) FROM alerts) || '/' ||
             (SELECT count(*) FROM alert_texts) || '/' || (SELECT count(*) FROM audit_log) AS n`.execute(
      rig.runtime.db,
    );
    return rows[0]!.n;
  }
  const sighting = {
    zip: "94607",
    place: "Somewhere",
    observedAt: new Date().toISOString(),
    agency: "ice",
    activity: "sweep",
    source: "hotline_call",
  };
  const texts = { en: { headline: "H", body: "B", smsText: "S" } };

  it.each([
    ["unknown ZIP", "POST", "sightings", { ...sighting, zip: "00000" }, "zip"],
    ["malformed ZIP", "POST", "sightings", { ...sighting, zip: "9460" }, "zip"],
    [
      "observed in the future",
      "POST",
      "sightings",
      { ...sighting, observedAt: new Date(Date.now() + 3600_000).toISOString() },
      "observedAt",
    ],
    [
      "not a phone number",
      "POST",
      "sightings",
      { ...sighting, reporterCallback: "call me maybe" },
      "reporterCallback",
    ],
    ["an unknown agency", "POST", "sightings", { ...sighting, agency: "fbi" }, "agency"],
    [
      "an expiry in the past",
      "POST",
      "alerts",
      { texts, target: { zips: ["94607"] }, expiresAt: "2020-01-01T00:00:00Z" },
      "expiresAt",
    ],
    [
      "an empty text",
      "POST",
      "alerts",
      { texts: { en: { headline: " ", body: "B", smsText: "S" } }, target: { zips: ["94607"] } },
      "texts.en.headline",
    ],
    [
      "no English text",
      "POST",
      "alerts",
      { texts: { es: texts.en }, target: { zips: ["94607"] } },
      "texts.en",
    ],
    [
      "an unknown target ZIP",
      "POST",
      "alerts",
      { texts, target: { zips: ["94607", "00000"] } },
      "target.zips",
    ],
    [
      "a language that does not exist",
      "POST",
      "alerts",
      { texts: { ...texts, fr: texts.en }, target: { zips: ["94607"] } },
      "texts",
    ],
    [
      "Community by SMS only",
      "POST",
      "alerts",
      { texts, target: { zips: ["94607"] }, priority: "community", channels: ["sms"] },
      "channels",
    ],
  ])("%s", async (_, method, path, body, field) => {
    const before = await counts();
    const error = await refused(operator.request(method, path, body), 400, "validation_failed");
    expect(error.details?.issues?.map((i) => i.path)).toContain(field);
    expect(await counts()).toBe(before);
  });

  it("an SMS text that, with its label and the alert page's link, would take more than 10 segments", async () => {
    const before = await counts();
    // 600 characters (the field's own limit) of UCS-2 Vietnamese, after "DIỄN TẬP - THÔNG BÁO CHÍNH
    // THỨC CỦA THÀNH PHỐ: " (47) and before " https://aviso.test/vi/…" (45): 692, over 670.
    const smsText = "ă".repeat(600);
    const statement = (drill: boolean) =>
      comms.request("POST", "statements", {
        texts: { en: { headline: "H", body: "B" }, vi: { headline: "H", body: "B", smsText } },
        target: { zips: ["94607"] },
        drill,
      });
    const error = await refused(statement(true), 400, "validation_failed");
    expect(error.details?.issues?.map((i) => i.path)).toEqual(["texts.vi.smsText"]);
    expect(error.message).toMatch(/11 segments \(692 characters\); at most 10/);
    expect(await counts()).toBe(before);
    // Without DRILL the label is 36: a text of 670 - 36 - 45 = 589 fills exactly ten segments.
    const fits = await ok(
      comms.request("POST", "statements", {
        texts: {
          en: { headline: "H", body: "B" },
          vi: { headline: "H", body: "B", smsText: "ă".repeat(670 - 36 - 45) },
        },
        target: { zips: ["94607"] },
      }),
      Alert,
      201,
    );
    const preview = await ok(comms.request("GET", `alerts/${fits.id}/preview?language=vi`), Preview);
    expect(preview.languages[0]!.sms).toMatchObject({ characters: 670, segments: 10, encoding: "UCS-2" });
  });

  it("a language the alert lacks, when editing or previewing", async () => {
    const draft = await ok(
      operator.request("POST", "alerts", { texts, target: { zips: ["94607"] } }),
      Alert,
      201,
    );
    const before = await counts();
    const edit = await refused(
      operator.request("PATCH", `alerts/${draft.id}`, { texts: { vi: { smsText: "x" } } }),
      400,
    );
    expect(edit.message).toMatch(/no vi text/);
    const preview = await refused(operator.request("GET", `alerts/${draft.id}/preview?language=zh`), 400);
    expect(preview.message).toMatch(/no zh text/);
    expect(await counts()).toBe(before);
  });

  it("not JSON, or not a body at all", async () => {
    const before = await counts();
    await refused(operator.request("POST", "sightings", "{not json"), 400, "validation_failed");
    await refused(
      operator.request("POST", "sightings", "zip=94607", {
        "content-type": "application/x-www-form-urlencoded",
      }),
      415,
    );
    await refused(operator.request("GET", "sightings/not-a-uuid"), 400, "validation_failed");
    expect(await counts()).toBe(before);
  });
});

describe("sightings", () => {
  it("offers reports in the same ZIP close in time as likely duplicates, and merges them into one incident", async () => {
    const at = new Date(Date.now() - 20 * 60_000).toISOString();
    const base = {
      zip: "94621",
      place: "Hegenberger Rd",
      observedAt: at,
      agency: "unknown",
      activity: "checkpoint",
      source: "text",
    };
    const first = await ok(operator.request("POST", "sightings", base), CreatedSighting, 201);
    const second = await ok(
      operator.request("POST", "sightings", { ...base, place: "Hegenberger & Edes" }),
      CreatedSighting,
      201,
    );
    expect(second.likelyDuplicates.map((s) => s.id)).toEqual([first.sighting.id]);
    const merged = await ok(
      operator.request("POST", `sightings/${first.sighting.id}/merge`, {
        duplicateIds: [second.sighting.id],
      }),
      list(Sighting),
    );
    expect(new Set(merged.items.map((s) => s.incidentId))).toEqual(new Set([first.sighting.id]));
    expect(
      (await ok(operator.request("GET", `sightings/${second.sighting.id}/duplicates`), list(Sighting))).items,
    ).toEqual([]);
  });
});

describe("reporter callback numbers", () => {
  it("are readable on purpose (audited), purged after the window, and never stored or logged in clear", async () => {
    const sighting = await verifiedSighting("Callback corner");
    const callback = await ok(
      operator.request("GET", `sightings/${sighting.id}/callback`),
      Sighting.pick({}).extend({ phone: Sighting.shape.createdBy, purgeAfter: Sighting.shape.observedAt }),
    );
    expect(callback.phone).toBe(REPORTER);
    expect(new Date(callback.purgeAfter).getTime() - Date.now()).toBeGreaterThan(71 * 3600_000);
    const viewed = await rig.runtime.db
      .selectFrom("audit_log")
      .select("actor")
      .where("action", "=", "sighting.callback_viewed")
      .where("target_id", "=", sighting.id)
      .execute();
    expect(viewed).toEqual([{ actor: operator.actor }]);

    const later = { ...rig.runtime, clock: { now: () => new Date(Date.now() + 73 * 3600_000) } };
    const purged = await runHousekeeping(later, { task: "purge-operators" });
    expect(purged.deleted).toBeGreaterThan(0);
    expect((await ok(operator.request("GET", `sightings/${sighting.id}`), Sighting)).reporterCallback).toBe(
      "purged",
    );
    await refused(operator.request("GET", `sightings/${sighting.id}/callback`), 404);

    // No table holds the number in any form, and no log line does.
    const digits = REPORTER.slice(2);
    const forms = [REPORTER, digits, "(510) 555-0177", "510-555-0177", Buffer.from(REPORTER).toString("hex")];
    const { rows: tables } = await sql<{ schema: string; name: string }>`
      SELECT schemaname AS schema, tablename AS name FROM pg_tables
      WHERE schemaname NOT IN ('pg_catalog', 'information_schema')`.execute(rig.runtime.db);
    const dump: string[] = [];
    for (const { schema, name } of tables) {
      const { rows } = await sql<{
        row: string;
      }>`SELECT t::text AS row FROM ${sql.table(`${schema}.${name}`)} t`.execute(rig.runtime.db);
      dump.push(...rows.map((r) => r.row));
    }
    for (const form of forms) {
      expect(dump.join("\n"), form).not.toContain(form);
      expect(rig.runtime.logs.text, form).not.toContain(form);
    }
  });
});

describe("the API describes itself", () => {
  it("serves an OpenAPI 3.1 document and a reference page", async () => {
    const anonymous = apiClient(app);
    const doc = (await anonymous("GET", "/api/v1/openapi.json")).body as {
      openapi: string;
      paths: Record<string, Record<string, { "x-roles": string[]; requestBody?: unknown }>>;
    };
    expect(doc.openapi).toBe("3.1.0");
    expect(doc.paths["/api/v1/alerts/{id}/approve"]!.post!["x-roles"]).toEqual(["verifier", "comms"]);
    expect(doc.paths["/api/v1/sightings"]!.post!.requestBody).toBeDefined();
    const page = await app.request("/api/v1/docs");
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain("POST /api/v1/alerts/{id}/approve");
    expect(html).not.toMatch(/<script/i);
    // Descriptions are Markdown: code spans render as code, never as literal backticks.
    expect(html).toContain("<code>{error: {code, message, requestId}}</code>");
    // (JSON schemas are shown as written, in <pre> blocks.)
    expect(html.replace(/<pre>[\s\S]*?<\/pre>/g, "")).not.toContain("`");
  });
});
