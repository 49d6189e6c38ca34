/**
 * Responders by text (issue 16, points 1–4 and its bad input): an admin invites volunteers through
 * the API and they are texted through the Twilio peer; they join by replying YES and go on and off
 * duty by text through the signed webhook; an operator dispatches the nearest on-duty responders
 * covering a sighting's ZIP; their answers are recorded against the sighting (a CONFIRM as a
 * verification, responder on scene); and every kind of bad answer gets a short reply and changes
 * nothing. Nothing here reaches a resident.
 */
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Dispatch, DispatchedSighting, Responder } from "../../src/schemas/responders.ts";
import { CreatedSighting, Sighting } from "../../src/schemas/sightings.ts";
import { eraseSightingTexts } from "../../src/services/retention/erase-sighting-texts.ts";
import { stoppedReply } from "../../src/sms/replies.ts";
import {
  answerThanksText,
  caseRefusalText,
  dispatchText,
  invitationText,
  responderReply,
  whichCaseText,
} from "../../src/sms/responder-replies.ts";
import { startTwilioPeer, type TwilioPeer } from "../peers/twilio-peer.ts";
import { ConsoleClient } from "../support/console.ts";
import { appFor, type Caller, ok, PASSWORD, refused, signIn } from "../support/operators.ts";
import { createTestRuntime, type TestRuntime } from "../support/runtime.ts";
import { phone } from "../support/sms-webhook.ts";

const ORG = "Rapid Response Hotline";
const OTHER_ORG = "Westside Rapid Response";
const N = {
  ana: "+15105550171", // Spanish, covers 94607
  ben: "+15105550172", // English, home 94612 within 5 miles
  cy: "+15105550173", // covers 94601 only
  dee: "+15105550174", // invited, never says YES
  eve: "+15105550175", // another organisation's, covers 94607
  stranger: "+15105550176", // on no roster
  caller: "+15105550177", // the reporter's callback number
  fay: "+15105550178", // invited through the console
};

let runtime: TestRuntime;
let app: ReturnType<typeof appFor>;
let twilio: TwilioPeer;
let admin: Caller;
let operator: Caller;
let verifier: Caller;
let otherAdmin: Caller;
const ids: Record<string, string> = {};

const text = (n: string) => phone(app, runtime, n);
const lastTo = (to: string) => twilio.messages.filter((m) => m.to === to).at(-1)?.body;
const count = async (table: "responder_answers" | "sighting_verifications" | "responder_requests") =>
  Number(
    (await sql<{ n: string }>`SELECT count(*) AS n FROM ${sql.table(table)}`.execute(runtime.db)).rows[0]!.n,
  );

async function logSighting(observedAt = "2026-12-05T04:06:00Z") {
  const created = await ok(
    operator.request("POST", "sightings", {
      zip: "94607",
      place: "8th St",
      crossStreets: "Market St",
      observedAt,
      agency: "ice",
      activity: "other",
      source: "hotline_call",
      reporterCallback: N.caller,
    }),
    CreatedSighting,
    201,
  );
  return created.sighting.id;
}

async function invite(by: Caller, body: Record<string, unknown>) {
  return ok(by.request("POST", "responders", body), Responder, 201);
}

beforeAll(async () => {
  twilio = await startTwilioPeer();
  runtime = await createTestRuntime({
    env: {
      TWILIO_ACCOUNT_SID: twilio.accountSid,
      TWILIO_AUTH_TOKEN: twilio.authToken,
      TWILIO_MESSAGING_SERVICE_SID: "MG00000000000000000000000000000000",
      TWILIO_API_URL: twilio.url,
      SMS_RATE_PER_SECOND: "500",
      SERVICE_AREA: "946*",
    },
  });
  app = appFor(runtime);
  admin = await signIn(runtime, app, "admin", { organisation: ORG });
  operator = await signIn(runtime, app, "operator", { organisation: ORG });
  verifier = await signIn(runtime, app, "verifier", { organisation: ORG });
  otherAdmin = await signIn(runtime, app, "admin", { organisation: OTHER_ORG });
});
afterAll(async () => {
  await runtime?.close();
  await twilio?.close();
});

describe("the roster", () => {
  it("invites by text, seals the number, and dispatches nobody until they reply YES", async () => {
    const ana = await invite(admin, { name: "Ana", phone: N.ana, languages: ["es", "en"], zips: ["94607"] });
    expect(ana).toMatchObject({
      status: "invited",
      onDuty: false,
      phoneEnding: "71",
      languages: ["es", "en"],
    });
    expect(JSON.stringify(ana)).not.toContain("5550171");
    expect(lastTo(N.ana)).toBe(invitationText("es", { program: "Aviso", organisation: ORG }));
    ids.ana = ana.id;
    ids.ben = (
      await invite(admin, { name: "Ben", phone: N.ben, languages: ["en"], homeZip: "94612", radiusMiles: 5 })
    ).id;
    ids.cy = (await invite(operator, { name: "Cy", phone: N.cy, languages: ["en"], zips: ["94601"] })).id;
    ids.dee = (await invite(admin, { name: "Dee", phone: N.dee, languages: ["en"], zips: ["94607"] })).id;
    ids.eve = (
      await invite(otherAdmin, { name: "Eve", phone: N.eve, languages: ["en"], zips: ["94607"] })
    ).id;
    expect(lastTo(N.ben)).toBe(invitationText("en", { program: "Aviso", organisation: ORG }));

    const { rows } = await sql<{ plain: number }>`
      SELECT count(*)::int AS plain FROM responders
      WHERE encode(phone_ciphertext, 'escape') LIKE '%5550171%'`.execute(runtime.db);
    expect(rows[0]!.plain).toBe(0);

    // Not yet on the roster: no duty, by text or by the API.
    expect((await text(N.ana).send("ACTIVO")).messages).toEqual([responderReply("es", "Aviso", "joinFirst")]);
    await refused(admin.request("PATCH", `responders/${ids.ana}`, { onDuty: true }), 409, "conflict");

    expect((await text(N.ana).send("Sí")).messages).toEqual([responderReply("es", "Aviso", "joined")]);
    for (const n of [N.ben, N.cy, N.eve]) {
      expect((await text(n).send("YES")).messages).toEqual([responderReply("en", "Aviso", "joined")]);
    }
    const consent = await runtime.db
      .selectFrom("responder_consent_events")
      .select(["kind", "keyword"])
      .where("responder_id", "=", ids.ana)
      .execute();
    expect(consent).toEqual([{ kind: "opt_in", keyword: "yes" }]);
  });

  it("refuses what is not a roster entry: a bad number, unknown ZIPs, no coverage, a repeated number", async () => {
    await refused(
      admin.request("POST", "responders", {
        name: "X",
        phone: "+442071234567",
        languages: ["en"],
        zips: ["94607"],
      }),
      400,
    );
    await refused(
      admin.request("POST", "responders", {
        name: "X",
        phone: "+15105550179",
        languages: ["en"],
        zips: ["00000"],
      }),
      400,
    );
    await refused(
      admin.request("POST", "responders", { name: "X", phone: "+15105550179", languages: ["en"] }),
      400,
    );
    await refused(
      admin.request("POST", "responders", {
        name: "Again",
        phone: N.ana,
        languages: ["en"],
        zips: ["94607"],
      }),
      409,
    );
    const roster = (await admin.request("GET", "responders")).body as { items: { name: string }[] };
    expect(roster.items.map((r) => r.name)).toEqual(["Ana", "Ben", "Cy", "Dee"]);
  });

  it("keeps each organisation's roster to itself", async () => {
    await refused(otherAdmin.request("GET", `responders/${ids.ana}`), 404, "not_found");
    await refused(otherAdmin.request("PATCH", `responders/${ids.ana}`, { name: "Mine" }), 404, "not_found");
    await refused(verifier.request("GET", "responders"), 403);
  });
});

describe("duty by text", () => {
  it("ON, OFF and LIST, in English and Spanish, for roster numbers only", async () => {
    expect((await text(N.ana).send("activo")).messages).toEqual([responderReply("es", "Aviso", "on")]);
    expect((await text(N.ben).send("ON")).messages).toEqual([responderReply("en", "Aviso", "on")]);
    expect((await text(N.cy).send("on duty")).messages).toEqual([responderReply("en", "Aviso", "on")]);
    expect((await text(N.eve).send("on")).messages).toEqual([responderReply("en", "Aviso", "on")]);
    expect((await text(N.ben).send("LIST")).messages[0]).toMatch(/^Aviso: You're on duty/);
    expect(await ok(admin.request("GET", `responders/${ids.ben}`), Responder)).toMatchObject({
      onDuty: true,
    });
    // Everyone else keeps the resident grammar: ON is not a keyword there.
    const stranger = (await text(N.stranger).send("ON")).messages;
    expect(stranger).toHaveLength(1);
    expect(stranger[0]).not.toContain("duty");
  });
});

describe("dispatch and answers", () => {
  let code = "";
  let sighting = "";

  it("texts the nearest on-duty responders covering the ZIP, in their language, without the caller", async () => {
    sighting = await logSighting();
    const sent = twilio.messages.length;
    const { dispatch, status } = await ok(
      operator.request("POST", `sightings/${sighting}/dispatch`, { count: 2 }),
      DispatchedSighting,
    );
    expect(status).toBe("dispatched");
    expect(dispatch.requests.map((r) => [r.responderName, r.sendStatus])).toEqual([
      ["Ana", "sent"],
      ["Ben", "sent"],
    ]);
    code = dispatch.caseCode!;
    expect(code).toMatch(/^\d{4}$/);
    const facts = {
      program: "Aviso",
      code,
      activity: "other" as const,
      place: "8th St",
      crossStreets: "Market St",
      zip: "94607",
      time: "8:06 PM",
    };
    expect(lastTo(N.ben)).toBe(
      `AVISO CASE ${code}: reported ICE activity near 8th St & Market St, 94607, 8:06 PM. Reply ${code} Y if you can go, ${code} N if not.`,
    );
    expect(lastTo(N.ana)).toBe(dispatchText("es", facts));
    const fresh = twilio.messages.slice(sent);
    expect(fresh.map((m) => m.to).sort()).toEqual([N.ana, N.ben]);
    for (const m of fresh) expect(m.body).not.toMatch(/5550177|555-0177/);
    expect(await ok(operator.request("GET", `sightings/${sighting}`), Sighting)).toMatchObject({
      status: "dispatched",
    });

    // The next ring: only those not asked yet (Cy covers another ZIP, Dee never joined, Eve is
    // another organisation's): nobody.
    const again = (await ok(operator.request("POST", `sightings/${sighting}/dispatch`), DispatchedSighting))
      .dispatch;
    expect(again.requests).toHaveLength(2);
    expect(twilio.messages.length).toBe(sent + 2);
  });

  it("records Y, CONFIRM (as a verification, responder on scene) and NOTHING against the sighting", async () => {
    expect((await text(N.ben).send(`Y ${code}`)).messages).toEqual([
      answerThanksText("en", { program: "Aviso", code, answer: "yes" }),
    ]);
    expect((await text(N.ana).send(`${code} SI`)).messages).toEqual([
      answerThanksText("es", { program: "Aviso", code, answer: "yes" }),
    ]);
    expect((await text(N.ana).send("CONFIRMO 2 camionetas, 6 agentes")).messages).toEqual([
      answerThanksText("es", { program: "Aviso", code, answer: "confirm" }),
    ]);
    expect((await text(N.ben).send(`${code} nothing`)).messages).toEqual([
      answerThanksText("en", { program: "Aviso", code, answer: "nothing" }),
    ]);
    const view = await ok(operator.request("GET", `sightings/${sighting}/responders`), Dispatch);
    expect(view.requests.map((r) => [r.responderName, r.answers.map((a) => [a.answer, a.notes])])).toEqual([
      [
        "Ana",
        [
          ["yes", null],
          ["confirm", "2 camionetas, 6 agentes"],
        ],
      ],
      [
        "Ben",
        [
          ["yes", null],
          ["nothing", null],
        ],
      ],
    ]);
    const s = await ok(operator.request("GET", `sightings/${sighting}`), Sighting);
    expect(s.verifications).toEqual([
      expect.objectContaining({
        actor: `responder:${ids.ana}`,
        method: "responder_on_scene",
        notes: "2 camionetas, 6 agentes",
      }),
    ]);
  });

  it("answers bad input with a short reply and changes nothing", async () => {
    const before = [await count("responder_answers"), await count("sighting_verifications")];
    const other = code === "1234" ? "4321" : "1234";
    const cases: [string, string, string][] = [
      [N.cy, `${code} Y`, caseRefusalText("en", { program: "Aviso", code, why: "not_asked" })],
      [
        N.eve,
        `${code} CONFIRM they are here`,
        caseRefusalText("en", { program: "Aviso", code, why: "not_asked" }),
      ],
      [N.ben, `${other} Y`, caseRefusalText("en", { program: "Aviso", code: other, why: "unknown" })],
      [N.stranger, `${code} Y`, responderReply("en", "Aviso", "notOnRoster")],
      [N.dee, `${code} Y`, responderReply("en", "Aviso", "notOnRoster")],
      [N.cy, "Y", responderReply("en", "Aviso", "noOpenCase")],
    ];
    for (const [from, body, reply] of cases) {
      expect((await text(from).send(body)).messages, body).toEqual([reply]);
    }
    // Two open cases: a lone answer asks which.
    const second = await logSighting("2026-12-05T04:30:00Z");
    const { dispatch, status } = await ok(
      operator.request("POST", `sightings/${second}/dispatch`, { count: 1 }),
      DispatchedSighting,
    );
    expect(status).toBe("dispatched");
    expect(dispatch.requests.map((r) => r.responderName)).toEqual(["Ana"]);
    const which = (await text(N.ana).send("N")).messages;
    expect(which).toEqual([whichCaseText("es", { program: "Aviso", codes: [dispatch.caseCode!, code] })]);
    // A closed case.
    await ok(verifier.request("POST", `sightings/${sighting}/resolve`, { status: "verified" }), Sighting);
    expect((await text(N.ben).send(`${code} GONE`)).messages).toEqual([
      caseRefusalText("en", { program: "Aviso", code, why: "closed" }),
    ]);
    expect([await count("responder_answers"), await count("sighting_verifications")]).toEqual(before);
    // With the first case closed, Ana's lone answer is for the one still open.
    expect((await text(N.ana).send("se fue")).messages).toEqual([
      answerThanksText("es", { program: "Aviso", code: dispatch.caseCode!, answer: "gone" }),
    ]);
  });

  it("keeps a CONFIRM's words only as long as the sighting's own text", async () => {
    const later = { ...runtime, clock: { now: () => new Date(Date.now() + 40 * 86_400_000) } };
    expect(await eraseSightingTexts(later)).toBeGreaterThanOrEqual(1);
    const answers = await runtime.db
      .selectFrom("responder_answers")
      .select(["answer", "notes"])
      .where("sighting_id", "=", sighting)
      .where("answer", "=", "confirm")
      .execute();
    expect(answers).toEqual([{ answer: "confirm", notes: null }]);
    const view = await ok(operator.request("GET", `sightings/${sighting}/responders`), Dispatch);
    expect(view.requests[0]!.answers.map((a) => a.notes)).toEqual([null, null]);
  });

  it("does not dispatch a responder who went off duty, nor a decided sighting", async () => {
    expect((await text(N.ben).send("OFF")).messages).toEqual([responderReply("en", "Aviso", "off")]);
    const third = await logSighting("2026-12-05T05:00:00Z");
    const dispatch = (await ok(operator.request("POST", `sightings/${third}/dispatch`), DispatchedSighting))
      .dispatch;
    expect(dispatch.requests.map((r) => r.responderName)).toEqual(["Ana"]);
    await refused(operator.request("POST", `sightings/${sighting}/dispatch`), 409, "conflict");
    await refused(
      runtime &&
        (await signIn(runtime, app, "operator", { organisation: OTHER_ORG })).request(
          "POST",
          `sightings/${third}/dispatch`,
        ),
      404,
      "not_found",
    );
  });
});

describe("the console", () => {
  it("keeps the roster, dispatches in one click and shows who was asked and what they answered", async () => {
    const email = `console.operator.${Date.now()}@hotline.test`;
    await signIn(runtime, app, "operator", { organisation: ORG, email });
    const browser = new ConsoleClient(app);
    expect((await browser.signIn(email, PASSWORD)).status).toBe(303);
    await browser.get("/console/responders");
    expect(browser.lastPage).toContain("Ana");
    expect(browser.lastPage).not.toContain("Eve"); // another organisation's
    const invited = await browser.post("/console/responders", {
      name: "Fay",
      phone: N.fay,
      languages: ["es"],
      zips: "94607, 94606",
    });
    expect(invited.status, browser.lastPage.slice(0, 400)).toBe(303);
    expect(lastTo(N.fay)).toBe(invitationText("es", { program: "Aviso", organisation: ORG }));
    const bad = await browser.post("/console/responders", { name: "Gus", phone: "12", languages: ["en"] });
    expect(bad.status).toBe(400);

    const id = await logSighting("2026-12-05T06:00:00Z");
    await browser.get(`/console/sightings/${id}`);
    expect(browser.lastPage).toContain("Nobody asked yet.");
    const dispatched = await browser.post(`/console/sightings/${id}/dispatch`, {});
    expect(dispatched.status).toBe(303);
    await browser.get(`/console/sightings/${id}`);
    const view = await ok(operator.request("GET", `sightings/${id}/responders`), Dispatch);
    expect(browser.lastPage).toContain(`Case code <strong>${view.caseCode}</strong>`);
    expect(browser.lastPage).toMatch(/Ana, 0 mi: texted/);
  });
});

describe("a responder who is also a resident", () => {
  it("keeps both: ZIPs by the resident grammar, duty and cases by the responder one, STOP ends both", async () => {
    const subscribed = (await text(N.ben).send("94607")).messages;
    expect(subscribed[0]).toMatch(/^Aviso: .*94607/);
    const list = (await text(N.ben).send("LIST")).messages;
    expect(list).toHaveLength(2);
    expect(list[0]).toMatch(/^Aviso: You're off duty/);
    expect(list[1]).toContain("94607");
    expect((await text(N.ben).send("STOP")).messages).toEqual([stoppedReply("en", { program: "Aviso" })]);
    expect(await ok(admin.request("GET", `responders/${ids.ben}`), Responder)).toMatchObject({
      status: "stopped",
      onDuty: false,
    });
  });

  it("sent nothing to any number but the responders'", async () => {
    const responders = new Set([N.ana, N.ben, N.cy, N.dee, N.eve, N.fay]);
    expect(twilio.messages.filter((m) => !responders.has(m.to))).toEqual([]);
    expect(await runtime.db.selectFrom("deliveries").select("id").execute()).toEqual([]);
    // And no number, responder's or caller's, in any log line.
    for (const n of Object.values(N)) {
      expect(runtime.logs.text).not.toContain(n.slice(2));
      expect(runtime.logs.text).not.toContain(n.slice(-7));
    }
  });
});
