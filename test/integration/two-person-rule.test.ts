/**
 * Nobody alone puts their own words or link in front of residents. Every route of the app that
 * changes something is listed below as either reaching residents (with the lone-person attacks
 * that try it through that route) or not (and why); a route added later fails the first test until
 * it is placed. Each attack is made by one person (or one API key) with every door open to them,
 * and the last test looks for the attackers' words and link anywhere residents could meet them:
 * an approved or published alert, a delivery, the public pages and the feeds.
 *
 * The one thing a person may publish alone is a verifier's cancel (VERIFIER_MAY_CANCEL_ALONE), and
 * then only its pre-written text for its reason, built from the original's own facts.
 */
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CreatedKey } from "../../src/schemas/accounts.ts";
import { Alert, ApprovalAnswer, Preview } from "../../src/schemas/alerts.ts";
import { Sighting } from "../../src/schemas/sightings.ts";
import { createUser } from "../../src/services/users/create-user.ts";
import { ConsoleClient } from "../support/console.ts";
import { addSubscriber } from "../support/fanout.ts";
import {
  apiClient,
  appFor,
  type Caller,
  ok,
  PASSWORD,
  verifiedSighting as sightingVerified,
  signIn,
} from "../support/operators.ts";
import { createTestRuntime, type TestRuntime } from "../support/runtime.ts";

/** What an attacker wants residents to read or follow. */
const WORDS = "CANARY call 555-0100 for help";
const LINK = "https://canary.example/help";
const texts = { en: { headline: WORDS, body: `${WORDS} ${LINK}`, smsText: `${WORDS} ${LINK}` } };

type Placement = { reaches: true; attacks: string[] } | { reaches: false; why: string };
const reaches = (...attacks: string[]): Placement => ({ reaches: true, attacks });
const not = (why: string): Placement => ({ reaches: false, why });

const SIGHTING_FACTS =
  "feeds alert templates: reaches residents only inside an alert a second person approves";

/** Every route that changes something, placed. */
const ROUTES: Record<string, Placement> = {
  "POST /api/v1/alerts": reaches("api: scratch alert approved by its author", "api key: draft and approve"),
  "POST /api/v1/statements": reaches("api: statement with a link approved by its author"),
  "PATCH /api/v1/alerts/:id": reaches(
    "api: cancel drafted alone, words edited in, approved alone",
    "api: cancel drafted alone, link edited in, approved alone",
    "api: verifier edits an operator's worded cancel and approves it",
  ),
  "POST /api/v1/alerts/:id/approve": reaches(
    "api: cancel drafted with words, approved alone",
    "api: scratch alert approved by its author",
  ),
  "POST /api/v1/alerts/:id/publish": reaches("api: publish a draft nobody approved"),
  "POST /api/v1/alerts/:id/updates": reaches("api: update approved by its author"),
  "POST /api/v1/alerts/:id/cancel": reaches(
    "api: cancel published at once with own texts",
    "api: cancel of a statement published at once with own texts",
    "api key: cancel published at once with own texts",
  ),
  "POST /console/alerts": reaches("console: scratch alert approved by its author"),
  "POST /console/statements": reaches("console: statement approved by its author"),
  "POST /console/alerts/:id": reaches("console: edit a cancel's words, approve alone"),
  "POST /console/alerts/:id/approve": reaches(
    "console: scratch alert approved by its author",
    "console: edit a cancel's words, approve alone",
  ),
  "POST /console/alerts/:id/publish": reaches("console: publish a draft nobody approved"),
  "POST /console/alerts/:id/cancel": reaches("console: cancel published at once with typed texts"),
  "POST /console/alerts/:id/updates": reaches("console: update approved by its author"),
  "POST /console/sightings/:id/alert": reaches("console: alert from a sighting approved by its author"),
  "POST /api/v1/sightings": not(SIGHTING_FACTS),
  "PATCH /api/v1/sightings/:id": reaches("api: sighting place rewritten, then a lone cancel"),
  "POST /api/v1/sightings/:id/dispatch": not(
    "texts responders (the roster) a fixed template of the sighting's facts, never residents",
  ),
  "POST /api/v1/responders": not("the roster: texts the new responder a fixed invitation, not residents"),
  "PATCH /api/v1/responders/:id": not("the roster; no text"),
  "DELETE /api/v1/responders/:id": not("the roster; no text"),
  "POST /console/responders": not("the roster: texts the new responder a fixed invitation, not residents"),
  "POST /console/responders/:id": not("the roster: on or off duty; no text"),
  "POST /console/responders/:id/remove": not("the roster; no text"),
  "POST /api/v1/sightings/:id/verifications": not(SIGHTING_FACTS),
  "POST /api/v1/sightings/:id/resolve": not("a status; an alert still needs drafting and approval"),
  "POST /api/v1/sightings/:id/merge": not("groups sightings; no text"),
  "POST /console/sightings": not(SIGHTING_FACTS),
  "POST /console/sightings/:id/dispatch": not(
    "texts responders (the roster) a fixed template of the sighting's facts, never residents",
  ),
  "POST /console/sightings/:id/verifications": not(SIGHTING_FACTS),
  "POST /console/sightings/:id/resolve": not("a status; an alert still needs drafting and approval"),
  "POST /console/sightings/:id/merge": not("groups sightings; no text"),
  "POST /console/sightings/:id/callback": not("reads a callback number (audited)"),
  "POST /console/preview-sms": not("composes a preview for the composer; stores and sends nothing"),
  "POST /console/login": not("signs in"),
  "POST /console/logout": not("signs out"),
  "POST /api/v1/auth/login": not("signs in"),
  "POST /api/v1/auth/logout": not("signs out"),
  "POST /api/v1/me/password": not("one's own password"),
  "POST /api/v1/auth/login/code": not("signs in (second factor)"),
  "POST /console/login/code": not("signs in (second factor)"),
  "POST /setup": not("creates the first admin, once, while none exists"),
  "POST /api/v1/me/second-factor/totp": not("one's own second factor"),
  "POST /api/v1/me/second-factor/totp/confirm": not("one's own second factor"),
  "POST /api/v1/me/second-factor/recovery-codes": not("one's own recovery codes"),
  "POST /console/account/second-factor/start": not("one's own second factor"),
  "POST /console/account/second-factor/confirm": not("one's own second factor"),
  "POST /console/account/second-factor/recovery-codes": not("one's own recovery codes"),
  "POST /console/account/paging/push": not("one's own approval pages (a browser)"),
  "POST /console/account/paging/push/remove": not("one's own approval pages (a browser)"),
  "POST /console/account/paging/phone": not("one's own approval pages (texts a code to the number)"),
  "POST /console/account/paging/phone/verify": not("one's own approval pages (proves the number)"),
  "POST /console/account/paging/phone/remove": not("one's own approval pages"),
  "DELETE /api/v1/users/:id/second-factor": not("accounts (admin): resets a second factor"),
  "POST /console/users/:id/second-factor/reset": not("accounts (admin): resets a second factor"),
  "POST /console/users": not("accounts (admin)"),
  "POST /console/users/:id": not("accounts (admin)"),
  "POST /api/v1/users": not("accounts (admin)"),
  "PATCH /api/v1/users/:id": not("accounts (admin)"),
  "POST /console/keys": not("API keys (admin); keys can never approve or publish"),
  "POST /console/keys/:id/revoke": not("API keys (admin)"),
  "POST /api/v1/keys": not("API keys (admin); keys can never approve or publish"),
  "DELETE /api/v1/keys/:id": not("API keys (admin)"),
  "POST /subscribe": not("a resident's own sign-up; replies are fixed texts"),
  "POST /manage": not("a resident's own settings; replies are fixed texts"),
  "POST /email/confirm": not("a resident confirms their own address"),
  "POST /unsubscribe/:token": not("a resident leaves"),
  "POST /api/v1/push-subscriptions": not("a browser subscribes itself"),
  "POST /api/v1/push-subscriptions/remove": not("a browser unsubscribes itself"),
  "POST /webhooks/twilio/sms": not(
    "a resident's or responder's text; replies are fixed texts; a responder's answer is a record for staff, whom an alert still needs two of",
  ),
  "POST /webhooks/twilio/voice": not(
    "a resident's call: fixed prompts in four languages, public alerts read as published",
  ),
  "POST /webhooks/twilio/status": not("Twilio's delivery reports (signed)"),
  "POST /webhooks/twilio/call-status": not("Twilio's reports on alert calls (signed)"),
  "POST /webhooks/twilio/alert-call/keypad": not(
    "a key pressed in an alert call: replay, or stop calls (signed)",
  ),
  "POST /dev/phone/send": not("local mode's phone simulator: signs a text into /webhooks/twilio/sms"),
  "POST /dev/phone/call": not(
    "local mode's phone simulator: signs a call's keys into /webhooks/twilio/voice",
  ),
};

const ATTACKS = new Set(Object.values(ROUTES).flatMap((p) => (p.reaches ? p.attacks : [])));
const ran = new Set<string>();

let runtime: TestRuntime;
let app: ReturnType<typeof appFor>;
let operator: Caller;
let verifier: Caller;
let secondVerifier: Caller;
let comms: Caller;
let secondComms: Caller;
let verifierKey: ReturnType<typeof apiClient>;
let commsKey: ReturnType<typeof apiClient>;
const consoleAccounts = { verifier: "lone.verifier@hotline.test", comms: "lone.comms@city.test" };

beforeAll(async () => {
  runtime = await createTestRuntime();
  app = appFor(runtime);
  operator = await signIn(runtime, app, "operator");
  verifier = await signIn(runtime, app, "verifier");
  secondVerifier = await signIn(runtime, app, "verifier");
  comms = await signIn(runtime, app, "comms");
  secondComms = await signIn(runtime, app, "comms");
  // An admin issues keys in their own organisation only: one admin each.
  const key = async (role: "verifier" | "comms", organisation: string) => {
    const admin = await signIn(runtime, app, "admin", { organisation });
    return apiClient(app, {
      apiKey: (
        await ok(admin.request("POST", "keys", { name: `${role} key`, role, organisation }), CreatedKey, 201)
      ).key,
    });
  };
  verifierKey = await key("verifier", "Rapid Response Hotline");
  commsKey = await key("comms", "City of Oakland");
  for (const [role, email] of Object.entries(consoleAccounts)) {
    await createUser({
      ctx: runtime,
      input: {
        email,
        name: `Lone ${role}`,
        role: role as "verifier" | "comms",
        organisation: role === "comms" ? "City of Oakland" : "Rapid Response Hotline",
        password: PASSWORD,
        actor: "system",
      },
    });
  }
  await addSubscriber(runtime, { channel: "sms", address: "+15105550141", zips: ["94607"] });
  await addSubscriber(runtime, {
    channel: "email",
    address: "r@example.org",
    zips: ["94607"],
    language: "es",
  });
}, 60_000);
afterAll(async () => {
  await runtime?.close();
});

async function consoleAs(role: keyof typeof consoleAccounts): Promise<ConsoleClient> {
  const client = new ConsoleClient(app);
  const res = await client.signIn(consoleAccounts[role], PASSWORD);
  expect(res.status).toBe(303);
  return client;
}

const verifiedSighting = (place = "7th St & Broadway") =>
  sightingVerified({ operator, verifier: secondVerifier }, { place });

/** A live alert, drafted by the operator and approved by the second verifier: what attackers follow up. */
async function publishedAlert(): Promise<string> {
  const sightingId = await verifiedSighting();
  const draft = await ok(operator.request("POST", "alerts", { sightingId }), Alert, 201);
  const preview = await ok(secondVerifier.request("GET", `alerts/${draft.id}/preview`), Preview);
  await ok(
    secondVerifier.request("POST", `alerts/${draft.id}/approve`, { hash: preview.hash }),
    ApprovalAnswer,
  );
  return draft.id;
}

async function publishedStatement(): Promise<string> {
  const draft = await ok(
    comms.request("POST", "statements", {
      texts: { en: { headline: "City offices open", body: "All offices are open." } },
      target: { zips: ["94607"] },
    }),
    Alert,
    201,
  );
  const preview = await ok(secondComms.request("GET", `alerts/${draft.id}/preview`), Preview);
  await ok(secondComms.request("POST", `alerts/${draft.id}/approve`, { hash: preview.hash }), ApprovalAnswer);
  return draft.id;
}

/** The refusal or success status of an answer, for the attacks' own checks. */
async function status(answer: Promise<{ status: number }>): Promise<number> {
  return (await answer).status;
}

/** Approve as `caller` with the current preview's hash: what a lone person would do next. */
async function approveOwn(caller: ReturnType<typeof apiClient>, alertId: string) {
  const preview = await ok(caller("GET", `/api/v1/alerts/${alertId}/preview`), Preview);
  return caller("POST", `/api/v1/alerts/${alertId}/approve`, { hash: preview.hash });
}

function attack(name: string, run: () => Promise<void>) {
  it(name, async () => {
    expect(ATTACKS, `"${name}" is not listed under any route`).toContain(name);
    await run();
    ran.add(name);
  });
}

describe("every route that changes something is placed", () => {
  it("lists exactly the app's mutating routes, each reaching residents or saying why not", () => {
    const mutating = new Set(
      app.routes.filter((r) => r.method !== "GET" && r.method !== "ALL").map((r) => `${r.method} ${r.path}`),
    );
    expect([...mutating].sort()).toEqual(Object.keys(ROUTES).sort());
  });
});

describe("one person alone, through each route", () => {
  attack("api: cancel published at once with own texts", async () => {
    const original = await publishedAlert();
    const answer = await verifier.request("POST", `alerts/${original}/cancel`, {
      reason: "false_alarm",
      texts,
      publishNow: true,
    });
    expect(answer.status, JSON.stringify(answer.body)).toBeGreaterThanOrEqual(400);
    // Nothing was written: the original is still live and has no cancel.
    expect((await ok(operator.request("GET", `alerts/${original}`), Alert)).status).toBe("published");
    const followUps = await runtime.db
      .selectFrom("alerts")
      .select("id")
      .where("references_alert_id", "=", original)
      .execute();
    expect(followUps).toEqual([]);
  });

  attack("api: cancel of a statement published at once with own texts", async () => {
    const original = await publishedStatement();
    expect(
      await status(
        comms.request("POST", `alerts/${original}/cancel`, { reason: "all_clear", texts, publishNow: true }),
      ),
    ).toBeGreaterThanOrEqual(400);
  });

  attack("api key: cancel published at once with own texts", async () => {
    const original = await publishedAlert();
    expect(
      await status(
        verifierKey("POST", `/api/v1/alerts/${original}/cancel`, {
          reason: "false_alarm",
          texts,
          publishNow: true,
        }),
      ),
    ).toBeGreaterThanOrEqual(400);
    const original2 = await publishedStatement();
    expect(
      await status(
        commsKey("POST", `/api/v1/alerts/${original2}/cancel`, { reason: "all_clear", publishNow: true }),
      ),
    ).toBe(403);
  });

  attack("api: cancel drafted with words, approved alone", async () => {
    const original = await publishedAlert();
    const draft = await ok(
      verifier.request("POST", `alerts/${original}/cancel`, { reason: "all_clear", texts }),
      ApprovalAnswer,
      201,
    );
    expect(await status(approveOwn(verifier.request, draft.alert.id))).toBe(403);
  });

  attack("api: cancel drafted alone, words edited in, approved alone", async () => {
    const original = await publishedAlert();
    const draft = await ok(
      verifier.request("POST", `alerts/${original}/cancel`, { reason: "false_alarm" }),
      ApprovalAnswer,
      201,
    );
    await ok(
      verifier.request("PATCH", `alerts/${draft.alert.id}`, { texts: { en: { smsText: WORDS } } }),
      Alert,
    );
    expect(await status(approveOwn(verifier.request, draft.alert.id))).toBe(403);
  });

  attack("api: cancel drafted alone, link edited in, approved alone", async () => {
    const original = await publishedAlert();
    const draft = await ok(
      verifier.request("POST", `alerts/${original}/cancel`, { reason: "false_alarm" }),
      ApprovalAnswer,
      201,
    );
    await ok(verifier.request("PATCH", `alerts/${draft.alert.id}`, { link: LINK }), Alert);
    expect(await status(approveOwn(verifier.request, draft.alert.id))).toBe(403);
  });

  attack("api: verifier edits an operator's worded cancel and approves it", async () => {
    // The operator's words, and the verifier joins as an editor: editors never approve, and the
    // lone-cancel exception does not stretch to words someone typed.
    const original = await publishedAlert();
    const draft = await ok(
      operator.request("POST", `alerts/${original}/cancel`, { reason: "all_clear", texts }),
      ApprovalAnswer,
      201,
    );
    await ok(verifier.request("PATCH", `alerts/${draft.alert.id}`, { priority: "advisory" }), Alert);
    expect(await status(approveOwn(verifier.request, draft.alert.id))).toBe(403);
  });

  attack("api: scratch alert approved by its author", async () => {
    const draft = await ok(
      verifier.request("POST", "alerts", { texts, target: { zips: ["94607"] } }),
      Alert,
      201,
    );
    expect(await status(approveOwn(verifier.request, draft.id))).toBe(403);
  });

  attack("api key: draft and approve", async () => {
    const draft = await ok(
      verifierKey("POST", "/api/v1/alerts", { texts, target: { zips: ["94607"] } }),
      Alert,
      201,
    );
    expect(await status(approveOwn(verifierKey, draft.id))).toBe(403);
    expect(await status(verifierKey("POST", `/api/v1/alerts/${draft.id}/publish`))).toBe(403);
  });

  attack("api: statement with a link approved by its author", async () => {
    const draft = await ok(
      comms.request("POST", "statements", { texts, link: LINK, target: { zips: ["94607"] } }),
      Alert,
      201,
    );
    expect(await status(approveOwn(comms.request, draft.id))).toBe(403);
  });

  attack("api: update approved by its author", async () => {
    const original = await publishedAlert();
    const update = await ok(verifier.request("POST", `alerts/${original}/updates`, { texts }), Alert, 201);
    expect(await status(approveOwn(verifier.request, update.id))).toBe(403);
  });

  attack("api: publish a draft nobody approved", async () => {
    const draft = await ok(
      verifier.request("POST", "alerts", { texts, target: { zips: ["94607"] } }),
      Alert,
      201,
    );
    expect(await status(verifier.request("POST", `alerts/${draft.id}/publish`))).toBe(409);
  });

  attack("api: sighting place rewritten, then a lone cancel", async () => {
    // The original said "7th St & Broadway". Someone rewrites the sighting's place afterwards; a
    // verifier's lone cancel, which nobody previews, must not carry what the original never said.
    const original = await publishedAlert();
    const sightingId = (await ok(operator.request("GET", `alerts/${original}`), Alert)).sightingId!;
    await ok(operator.request("PATCH", `sightings/${sightingId}`, { place: WORDS }), Sighting);
    const cancel = await ok(
      verifier.request("POST", `alerts/${original}/cancel`, { reason: "false_alarm", publishNow: true }),
      ApprovalAnswer,
      201,
    );
    expect(JSON.stringify(cancel.alert.texts)).not.toContain("CANARY");
    expect(cancel.alert.status).toBe("published");
  });

  attack("console: scratch alert approved by its author", async () => {
    const me = await consoleAs("verifier");
    await me.get("/console/alerts/new");
    const res = await me.post("/console/alerts", {
      "texts.en.headline": texts.en.headline,
      "texts.en.body": texts.en.body,
      "texts.en.smsText": texts.en.smsText,
      zips: "94607",
      priority: "alert",
      channels: ["sms", "email", "push"],
    });
    expect(res.status).toBe(303);
    const id = res.headers.get("location")!.split("/").at(-1)!;
    await me.get(`/console/alerts/${id}`);
    const hash = /name="hash" value="([0-9a-f]{64})"/.exec(me.lastPage)?.[1] ?? "0".repeat(64);
    expect((await me.post(`/console/alerts/${id}/approve`, { hash, publishNow: "on" })).status).toBe(403);
  });

  attack("console: statement approved by its author", async () => {
    const me = await consoleAs("comms");
    await me.get("/console/statements/new");
    const res = await me.post("/console/statements", {
      "texts.en.headline": texts.en.headline,
      "texts.en.body": texts.en.body,
      link: LINK,
      zips: "94607",
      priority: "advisory",
      channels: ["sms", "email", "push"],
    });
    expect(res.status).toBe(303);
    const id = res.headers.get("location")!.split("/").at(-1)!;
    const preview = await ok(comms.request("GET", `alerts/${id}/preview`), Preview);
    expect(
      (await me.post(`/console/alerts/${id}/approve`, { hash: preview.hash, publishNow: "on" })).status,
    ).toBe(403);
  });

  attack("console: cancel published at once with typed texts", async () => {
    // The form has no text fields for a cancel; typed ones are ignored, and what goes out is the
    // pre-written text.
    const original = await publishedAlert();
    const me = await consoleAs("verifier");
    await me.get(`/console/alerts/${original}`);
    const res = await me.post(`/console/alerts/${original}/cancel`, {
      reason: "false_alarm",
      publishNow: "on",
      "texts.en.headline": WORDS,
      "texts.en.body": WORDS,
      "texts.en.smsText": WORDS,
      link: LINK,
    });
    expect(res.status).toBe(303);
    const cancelId = res.headers.get("location")!.split("/").at(-1)!;
    const cancel = await ok(operator.request("GET", `alerts/${cancelId}`), Alert);
    expect(cancel.status).toBe("published");
    expect(JSON.stringify(cancel)).not.toContain("CANARY");
  });

  attack("console: edit a cancel's words, approve alone", async () => {
    const original = await publishedAlert();
    const me = await consoleAs("verifier");
    await me.get(`/console/alerts/${original}`);
    const res = await me.post(`/console/alerts/${original}/cancel`, { reason: "all_clear" });
    expect(res.status).toBe(303);
    const cancelId = res.headers.get("location")!.split("/").at(-1)!;
    await me.get(`/console/alerts/${cancelId}`);
    const current = await ok(operator.request("GET", `alerts/${cancelId}`), Alert);
    const fields: Record<string, string> = {};
    for (const [language, t] of Object.entries(current.texts)) {
      fields[`texts.${language}.headline`] = t.headline;
      fields[`texts.${language}.body`] = t.body;
      fields[`texts.${language}.smsText`] = t.smsText;
    }
    fields["texts.en.smsText"] = WORDS;
    expect(
      (
        await me.post(`/console/alerts/${cancelId}`, {
          ...fields,
          priority: "alert",
          zips: "94607",
          channels: ["sms"],
        })
      ).status,
    ).toBe(303);
    expect((await ok(operator.request("GET", `alerts/${cancelId}`), Alert)).texts.en!.smsText).toBe(WORDS);
    await me.get(`/console/alerts/${cancelId}`);
    const preview = await ok(operator.request("GET", `alerts/${cancelId}/preview`), Preview);
    expect(
      (await me.post(`/console/alerts/${cancelId}/approve`, { hash: preview.hash, publishNow: "on" })).status,
    ).toBe(403);
  });

  attack("console: update approved by its author", async () => {
    const original = await publishedAlert();
    const me = await consoleAs("verifier");
    await me.get(`/console/alerts/${original}`);
    const res = await me.post(`/console/alerts/${original}/updates`, {
      "texts.en.headline": texts.en.headline,
      "texts.en.body": texts.en.body,
      "texts.en.smsText": texts.en.smsText,
    });
    expect(res.status).toBe(303);
    const id = res.headers.get("location")!.split("/").at(-1)!;
    const preview = await ok(operator.request("GET", `alerts/${id}/preview`), Preview);
    await me.get(`/console/alerts/${id}`);
    expect(
      (await me.post(`/console/alerts/${id}/approve`, { hash: preview.hash, publishNow: "on" })).status,
    ).toBe(403);
  });

  attack("console: alert from a sighting approved by its author", async () => {
    const sightingId = await verifiedSighting(WORDS);
    const me = await consoleAs("verifier");
    await me.get(`/console/sightings/${sightingId}`);
    const res = await me.post(`/console/sightings/${sightingId}/alert`, {});
    expect(res.status).toBe(303);
    const id = res.headers.get("location")!.split("/").at(-1)!;
    const preview = await ok(operator.request("GET", `alerts/${id}/preview`), Preview);
    await me.get(`/console/alerts/${id}`);
    expect(
      (await me.post(`/console/alerts/${id}/approve`, { hash: preview.hash, publishNow: "on" })).status,
    ).toBe(403);
  });

  attack("console: publish a draft nobody approved", async () => {
    const me = await consoleAs("verifier");
    const draft = await ok(
      verifier.request("POST", "alerts", { texts, target: { zips: ["94607"] } }),
      Alert,
      201,
    );
    await me.get(`/console/alerts/${draft.id}`);
    expect((await me.post(`/console/alerts/${draft.id}/publish`, {})).status).toBe(409);
  });

  it("a verifier still withdraws an alert alone in one request, with the pre-written text", async () => {
    const original = await publishedAlert();
    const cancel = await ok(
      verifier.request("POST", `alerts/${original}/cancel`, { reason: "false_alarm", publishNow: true }),
      ApprovalAnswer,
      201,
    );
    expect(cancel.alert.status).toBe("published");
    expect(cancel.alert.texts.en!.smsText).toMatch(
      /^The alert sent at .* about activity near 7th St & Broadway was a false alarm/,
    );
    expect((await ok(operator.request("GET", `alerts/${original}`), Alert)).status).toBe("cancelled");
    // And drafted first, then approved alone, unchanged: the same.
    const second = await publishedAlert();
    const draft = await ok(
      verifier.request("POST", `alerts/${second}/cancel`, { reason: "all_clear" }),
      ApprovalAnswer,
      201,
    );
    const approved = await ok(approveOwn(verifier.request, draft.alert.id), ApprovalAnswer);
    expect(approved.alert.status).toBe("published");
  });

  it("a cancel with words of its own goes out once a second verifier approves it", async () => {
    const original = await publishedAlert();
    const draft = await ok(
      verifier.request("POST", `alerts/${original}/cancel`, {
        reason: "all_clear",
        texts: {
          en: { headline: "Agents left", body: "Agents left the area.", smsText: "Agents left the area." },
        },
      }),
      ApprovalAnswer,
      201,
    );
    const approved = await ok(approveOwn(secondVerifier.request, draft.alert.id), ApprovalAnswer);
    expect(approved.alert.status).toBe("published");
  });
});

describe("after every attack", () => {
  it("ran each attack the table lists", () => {
    expect([...ran].sort()).toEqual([...ATTACKS].sort());
  });

  it("no resident can meet the attackers' words or link anywhere", async () => {
    const { rows } = await sql<{ id: string; status: string; deliveries: string }>`
      SELECT a.id, a.status, (SELECT count(*) FROM deliveries d WHERE d.alert_id = a.id)::text AS deliveries
      FROM alerts a
      WHERE (a.link LIKE '%canary%' OR EXISTS (
        SELECT 1 FROM alert_texts t WHERE t.alert_id = a.id
          AND (t.headline || t.body || t.sms_text) LIKE '%CANARY%'))
        AND (a.status <> 'draft' OR EXISTS (SELECT 1 FROM deliveries d WHERE d.alert_id = a.id))`.execute(
      runtime.db,
    );
    expect(rows).toEqual([]);
    const anonymous = apiClient(app);
    for (const path of ["/", "/feeds/alerts.atom", "/feeds/alerts.json", "/feeds/cap.xml"]) {
      const page = await anonymous("GET", path);
      expect(JSON.stringify(page.body), path).not.toMatch(/CANARY|canary\.example/);
    }
  });
});
