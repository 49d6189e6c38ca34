/**
 * /dev/phone as a responder's phone (issue 16, point 11), in local mode: the invitation and the
 * dispatch text arrive on the simulator (from the local outbox), and the responder's YES, ON and
 * case answer go back through the signed webhook like any text, and are recorded.
 */
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DispatchedSighting, Responder } from "../../src/schemas/responders.ts";
import { CreatedSighting } from "../../src/schemas/sightings.ts";
import { answerThanksText, invitationText, responderReply } from "../../src/sms/responder-replies.ts";
import { appFor, type Caller, ok, signIn } from "../support/operators.ts";
import { createTestRuntime, type TestRuntime } from "../support/runtime.ts";

const ORG = "Rapid Response Hotline";
const NUMBER = "+15105550181";

let runtime: TestRuntime;
let app: ReturnType<typeof appFor>;
let admin: Caller;
let operator: Caller;

beforeAll(async () => {
  runtime = await createTestRuntime();
  app = appFor(runtime);
  admin = await signIn(runtime, app, "admin", { organisation: ORG });
  operator = await signIn(runtime, app, "operator", { organisation: ORG });
}, 60_000);
afterAll(() => runtime.close());

const asText = (page: string) =>
  page.replaceAll("&#39;", "'").replaceAll("&quot;", '"').replaceAll("&amp;", "&");

/** What the simulator's page for the number shows now. */
async function phonePage(): Promise<string> {
  const res = await app.request(`/dev/phone?number=${encodeURIComponent(NUMBER)}`);
  expect(res.status).toBe(200);
  return asText(await res.text());
}

/** Texts from the simulator's form, like a browser without JavaScript. */
async function textFromPhone(body: string): Promise<string> {
  const res = await app.request("/dev/phone/send", {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ number: NUMBER, body }).toString(),
  });
  expect(res.status).toBe(303);
  return phonePage();
}

describe("/dev/phone as a responder's phone", () => {
  it("shows the invitation and the dispatch, and carries YES, ON and the answer back", async () => {
    expect(runtime.config.localMode).toBe(true);
    const gil = await ok(
      admin.request("POST", "responders", { name: "Gil", phone: NUMBER, languages: ["en"], zips: ["94607"] }),
      Responder,
      201,
    );
    expect(gil.status).toBe("invited");
    expect(await phonePage()).toContain(invitationText("en", { program: "Aviso", organisation: ORG }));

    expect(await textFromPhone("YES")).toContain(responderReply("en", "Aviso", "joined"));
    expect(await textFromPhone("ON")).toContain(responderReply("en", "Aviso", "on"));

    const created = await ok(
      operator.request("POST", "sightings", {
        zip: "94607",
        place: "8th St",
        crossStreets: "Market St",
        observedAt: "2026-12-05T04:06:00Z",
        agency: "ice",
        activity: "other",
        source: "hotline_call",
      }),
      CreatedSighting,
      201,
    );
    const { dispatch } = await ok(
      operator.request("POST", `sightings/${created.sighting.id}/dispatch`),
      DispatchedSighting,
    );
    expect(dispatch.requests.map((r) => [r.responderName, r.sendStatus])).toEqual([["Gil", "sent"]]);
    const code = dispatch.caseCode!;
    expect(await phonePage()).toContain(`AVISO CASE ${code}: reported ICE activity near 8th St & Market St`);

    expect(await textFromPhone(`${code} Y`)).toContain(
      answerThanksText("en", { program: "Aviso", code, answer: "yes" }),
    );
    const { rows } = await sql<{ n: string }>`
      SELECT count(*) AS n FROM responder_answers a
      JOIN responder_requests r ON r.id = a.request_id
      WHERE r.sighting_id = ${created.sighting.id}`.execute(runtime.db);
    expect(Number(rows[0]!.n)).toBe(1);
  }, 60_000);
});
