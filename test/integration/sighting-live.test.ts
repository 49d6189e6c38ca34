/**
 * The verifier sees it live (issue 16, point 6): over real HTTP (the app served on a loopback
 * port), a verifier's console and API streams of a dispatched sighting get the responder's answer,
 * sent through the signed Twilio webhook, within a bound; nobody else gets anything (signed out,
 * another organisation, a role without sightings:read); a person holds at most
 * LIVE_STREAMS_PER_USER streams, and a closed one gives its place back; a stream ends after
 * LIVE_STREAM_SECONDS; and no event carries a phone number, the responder's or the reporter's.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../../src/app.ts";
import { startServer } from "../../src/entry/node.ts";
import { openStreamCount } from "../../src/routes/sighting-events.ts";
import { CreatedKey } from "../../src/schemas/accounts.ts";
import { DispatchedSighting, Responder, SightingEvent } from "../../src/schemas/responders.ts";
import { CreatedSighting, Sighting } from "../../src/schemas/sightings.ts";
import { freePort } from "../support/free-port.ts";
import { appFor, type Caller, ok, signIn } from "../support/operators.ts";
import { createTestRuntime, type TestRuntime } from "../support/runtime.ts";
import { phone, signedSmsRequest, smsParams } from "../support/sms-webhook.ts";
import { openSse, type SseReader } from "../support/sse.ts";

const ORG = "Rapid Response Hotline";
const RESPONDER = "+15105550191";
const CALLER = "+15105550192";
/** What a number looks like in any of the ways it could be written into an event. */
const DIGITS = ["5550191", "555-0191", "5550192", "555-0192", "0199"];
const STREAM_SECONDS = 8;

let runtime: TestRuntime;
let server: Awaited<ReturnType<typeof startServer>>;
let app: ReturnType<typeof appFor>;
let admin: Caller;
let operator: Caller;
let verifier: Caller;
let comms: Caller;
let outsider: Caller;
let verifierKey: string;
let sightingId: string;
let caseCode: string;
const open: SseReader[] = [];
let stopped = false;

const url = (path: string) => `${server.url}${path}`;
const consoleEvents = (id = sightingId) => `/console/sightings/${id}/events`;
const apiEvents = (id = sightingId) => `/api/v1/sightings/${id}/events`;
async function stream(path: string, headers: Record<string, string>) {
  const reader = await openSse(url(path), headers);
  open.push(reader);
  return reader;
}
const noNumbers = (text: string) => {
  for (const d of DIGITS) expect(text, `an event carries ${d}`).not.toContain(d);
};

beforeAll(async () => {
  runtime = await createTestRuntime({
    env: {
      LIVE_STREAMS_PER_USER: "2",
      LIVE_STREAM_SECONDS: String(STREAM_SECONDS),
      PORT: String(await freePort()),
    },
  });
  server = await startServer(runtime, { workers: false });
  // The API calls that set the scene go through the app in-process; the streams and the webhook
  // go over HTTP to the served one.
  app = appFor(runtime);
  admin = await signIn(runtime, app, "admin", { organisation: ORG });
  operator = await signIn(runtime, app, "operator", { organisation: ORG });
  verifier = await signIn(runtime, app, "verifier", { organisation: ORG });
  comms = await signIn(runtime, app, "comms", { organisation: ORG });
  outsider = await signIn(runtime, app, "verifier", { organisation: "Westside Rapid Response" });
  verifierKey = (await ok(admin.request("POST", "keys", { name: "live", role: "verifier" }), CreatedKey, 201))
    .key;

  await ok(
    admin.request("POST", "responders", {
      name: "Ana",
      phone: RESPONDER,
      languages: ["en"],
      zips: ["94607"],
    }),
    Responder,
    201,
  );
  const ana = phone(app, runtime, RESPONDER);
  await ana.send("YES");
  await ana.send("ON");
  const created = await ok(
    operator.request("POST", "sightings", {
      zip: "94607",
      place: "8th St",
      crossStreets: "Market St",
      observedAt: new Date(Date.now() - 5 * 60_000).toISOString(),
      agency: "ice",
      activity: "other",
      source: "hotline_call",
      reporterCallback: CALLER,
    }),
    CreatedSighting,
    201,
  );
  sightingId = created.sighting.id;
  const { dispatch } = await ok(
    operator.request("POST", `sightings/${sightingId}/dispatch`),
    DispatchedSighting,
  );
  expect(dispatch.requests.map((r) => r.responderName)).toEqual(["Ana"]);
  caseCode = dispatch.caseCode!;
}, 60_000);

afterAll(async () => {
  for (const reader of open) reader.close();
  if (!stopped) await server?.close();
  await runtime?.close();
});

/** The responder texts, through the signed webhook, over HTTP to the served app. */
async function answer(body: string) {
  const res = await fetch(signedSmsRequest(runtime, smsParams(RESPONDER, body), { origin: server.url }));
  expect(res.status).toBe(200);
}

const parsed = (e: { data: string }) => SightingEvent.parse(JSON.parse(e.data));
const answers = (e: { data: string }) => parsed(e).dispatch.requests.flatMap((r) => r.answers);

describe("the live view of a sighting", () => {
  it("sends the dispatch on connect and a responder's answer within seconds, to the console and the API", async () => {
    const page = await stream(consoleEvents(), { cookie: verifier.cookie! });
    const api = await stream(apiEvents(), { authorization: `Bearer ${verifierKey}` });
    for (const s of [page, api]) {
      expect(s.status).toBe(200);
      expect(s.headers.get("content-type")).toContain("text/event-stream");
      expect(s.headers.get("cache-control")).toContain("no-store");
    }
    const first = parsed(await api.next((e) => e.event === "sighting", 5_000));
    expect(first.sighting.status).toBe("dispatched");
    expect(first.dispatch.requests).toMatchObject([{ responderName: "Ana", caseCode, answers: [] }]);
    await page.next((e) => e.event === "sighting", 5_000);

    const sent = Date.now();
    await answer(`${caseCode} Y`);
    const going = await api.next((e) => e.event === "sighting" && answers(e).length === 1, 5_000);
    expect(answers(going)[0]!.answer).toBe("yes");
    expect(Date.now() - sent).toBeLessThan(5_000);

    // From the scene, with a number in the words: kept out of the event.
    await answer(`${caseCode} CONFIRM two vans at the corner, call me 510 555 0199`);
    const confirmed = await api.next((e) => e.event === "sighting" && answers(e).length === 2, 5_000);
    const confirm = answers(confirmed)[1]!;
    expect(confirm).toMatchObject({ answer: "confirm" });
    expect(confirm.notes).toContain("two vans at the corner");
    expect(confirm.notes).toContain("[phone]");
    // A CONFIRM is a verification record, responder on scene: the verifier may now decide.
    expect(parsed(confirmed).sighting.verifications.map((v) => v.method)).toContain("responder_on_scene");

    const html = await page.next(
      (e) => e.event === "sighting" && (JSON.parse(e.data) as { answers: unknown[] }).answers.length === 2,
      5_000,
    );
    const fragments = JSON.parse(html.data) as {
      statusLabel: string;
      html: { responders: string; verifications: string };
      answers: { key: string; text: string }[];
    };
    expect(fragments.html.responders).toContain("Ana");
    expect(fragments.html.responders).toContain("confirmed");
    expect(fragments.html.verifications).toContain("Responder on scene by Ana (responder)");
    expect(fragments.answers.map((a) => a.text)).toEqual([
      "Ana: going",
      "Ana: confirmed (two vans at the corner, call me [phone])",
    ]);

    // The verifier decides through the API; the status follows on both streams.
    await ok(verifier.request("POST", `sightings/${sightingId}/resolve`, { status: "verified" }), Sighting);
    await api.next((e) => e.event === "sighting" && parsed(e).sighting.status === "verified", 5_000);
    const decided = await page.next(
      (e) => e.event === "sighting" && parsed(e).sighting.status === "verified",
      5_000,
    );
    expect((JSON.parse(decided.data) as { statusLabel: string }).statusLabel).toBe("Verified");

    for (const s of [page, api]) {
      noNumbers(s.raw());
      expect(s.raw()).not.toContain("reporterCallback");
      s.close();
    }
  }, 30_000);

  it("gives nothing to the signed out, to another organisation, or to a role that may not read sightings", async () => {
    const signedOut = await fetch(url(consoleEvents()), { headers: { accept: "text/event-stream" } });
    expect(signedOut.status).toBe(403);
    expect(await signedOut.text()).not.toContain("Ana");
    const noKey = await fetch(url(apiEvents()), { headers: { accept: "text/event-stream" } });
    expect(noKey.status).toBe(401);
    expect(await noKey.text()).not.toContain("Ana");
    const badKey = await fetch(url(apiEvents()), { headers: { authorization: "Bearer nonsense" } });
    expect(badKey.status).toBe(401);

    // Another organisation's verifier: "No such sighting", as for the page itself.
    for (const path of [consoleEvents(), apiEvents()]) {
      const res = await fetch(url(path), {
        headers: { cookie: outsider.cookie!, accept: "text/event-stream" },
      });
      expect(res.status, path).toBe(404);
      const body = await res.text();
      expect(body).not.toContain("Ana");
      expect(body).not.toContain(caseCode);
      expect(res.headers.get("content-type")).not.toContain("text/event-stream");
    }
    for (const path of [consoleEvents(), apiEvents()]) {
      const res = await fetch(url(path), { headers: { cookie: comms.cookie!, accept: "text/event-stream" } });
      expect(res.status, path).toBe(403);
      expect(await res.text()).not.toContain("Ana");
    }
    expect(openStreamCount(outsider.actor)).toBe(0);
  });

  it("holds at most LIVE_STREAMS_PER_USER streams per person, across the console and the API, and frees a place on disconnect", async () => {
    const one = await stream(consoleEvents(), { cookie: operator.cookie! });
    const two = await stream(apiEvents(), { cookie: operator.cookie! });
    expect([one.status, two.status]).toEqual([200, 200]);
    expect(openStreamCount(operator.actor)).toBe(2);
    const third = await fetch(url(apiEvents()), { headers: { cookie: operator.cookie! } });
    expect(third.status).toBe(429);
    expect(((await third.json()) as { error: { code: string } }).error.code).toBe("rate_limited");
    const thirdPage = await fetch(url(consoleEvents()), { headers: { cookie: operator.cookie! } });
    expect(thirdPage.status).toBe(429);
    await thirdPage.text();
    // Someone else is not held back by it.
    const theirs = await stream(apiEvents(), { cookie: verifier.cookie! });
    expect(theirs.status).toBe(200);
    theirs.close();

    one.close();
    const deadline = Date.now() + 5_000;
    while (openStreamCount(operator.actor) > 1 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 50));
    expect(openStreamCount(operator.actor)).toBe(1);
    const again = await stream(consoleEvents(), { cookie: operator.cookie! });
    expect(again.status).toBe(200);
    again.close();
    two.close();
  }, 20_000);

  it("ends a stream after LIVE_STREAM_SECONDS, with a retry for the browser to reconnect, and gives its place back", async () => {
    const started = Date.now();
    const s = await stream(apiEvents(), { cookie: verifier.cookie! });
    await s.next((e) => e.event === "sighting", 5_000);
    expect(s.raw()).toMatch(/^retry: \d+$/m);
    await s.ended;
    const lasted = Date.now() - started;
    expect(lasted).toBeGreaterThanOrEqual(STREAM_SECONDS * 1000 - 500);
    expect(lasted).toBeLessThan(STREAM_SECONDS * 1000 + 5_000);
    expect(openStreamCount(verifier.actor)).toBe(0);
  }, 30_000);

  it("in the Worker (a database closed once the response is out) answers one snapshot and ends, for the browser to ask again", async () => {
    const worker = createApp({ ...runtime, requestScopedDatabase: true });
    const res = await worker.request(apiEvents(), { headers: { authorization: `Bearer ${verifierKey}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/event-stream");
    const body = await res.text(); // ends by itself: nothing queries the database after the answer
    expect(body).toMatch(/^retry: 5000$/m);
    expect(body.match(/^event: sighting$/gm)).toHaveLength(1);
    noNumbers(body);
  });

  // Last: it stops the server.
  it("ends open streams when the server shuts down, so the shutdown does not wait for them", async () => {
    const s = await stream(apiEvents(), { cookie: verifier.cookie! });
    await s.next((e) => e.event === "sighting", 5_000);
    const started = Date.now();
    const closing = server.close();
    stopped = true;
    await s.ended;
    expect(Date.now() - started).toBeLessThan(3_000);
    // The close itself then waits for idle keep-alive connections (Node's keepAliveTimeout, 5 s).
    await closing;
    expect(Date.now() - started).toBeLessThan(STREAM_SECONDS * 1000);
    expect(openStreamCount(verifier.actor)).toBe(0);
  }, 20_000);
});
