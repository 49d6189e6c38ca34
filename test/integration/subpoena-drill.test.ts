/**
 * The subpoena drill (docs/privacy.md, "What a subpoena served on the operator would obtain"). A
 * canary number does everything a person can do with Aviso: subscribes by texting the signed SMS
 * webhook, receives alerts through the Twilio peer (and Twilio's signed status callbacks come
 * back), texts LIST, calls the hotline and leaves the same number as a callback (which an operator
 * reads), then texts STOP. After every retention window has passed and housekeeping has run
 * through the job queue, a full dump of the database (every schema, the job tables included) and
 * the captured logs hold the number in no form, nor its blind index; the alerts' figures are intact.
 */
import { serve } from "@hono/node-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../../src/app.ts";
import { QUEUES } from "../../src/jobs/queues.ts";
import { addressIndex } from "../../src/security/addresses.ts";
import { type RunningWorkers, startWorkers } from "../../workers/index.ts";
import { startTwilioPeer, type TwilioPeer } from "../peers/twilio-peer.ts";
import { settled } from "../support/fanout.ts";
import { freePort } from "../support/free-port.ts";
import { signIn } from "../support/operators.ts";
import { addressForms, dumpEverything } from "../support/privacy.ts";
import { createTestRuntime, type TestRuntime } from "../support/runtime.ts";
import { phone } from "../support/sms-webhook.ts";

const CANARY = "+15105550188";
const DAY = 86_400_000;

/** Real time plus an offset the test moves forward. */
const clock = { offset: 0, now: () => new Date(Date.now() + clock.offset) };

let runtime: TestRuntime;
let twilio: TwilioPeer;
let server: ReturnType<typeof serve>;
let workers: RunningWorkers;

beforeAll(async () => {
  twilio = await startTwilioPeer();
  const port = await freePort();
  runtime = await createTestRuntime({
    clock,
    env: {
      PUBLIC_URL: `http://127.0.0.1:${port}`,
      TWILIO_ACCOUNT_SID: twilio.accountSid,
      TWILIO_AUTH_TOKEN: twilio.authToken,
      TWILIO_MESSAGING_SERVICE_SID: "MG00000000000000000000000000000000",
      TWILIO_API_URL: twilio.url,
      SMS_RATE_PER_SECOND: "500",
    },
  });
  server = serve({ fetch: createApp(runtime).fetch, port, hostname: "127.0.0.1" });
  workers = await startWorkers(runtime);
});
afterAll(async () => {
  await workers?.stop();
  await new Promise((resolve) => server?.close(resolve));
  await runtime?.close();
  await twilio?.close();
});

/** Every way the canary could be written down, and its blind index as the dump would show it. */
function traces(): string[] {
  const national = CANARY.slice(2);
  const index = addressIndex(runtime.pii, "sms", CANARY);
  return [
    ...addressForms(CANARY),
    CANARY.slice(1),
    `${national.slice(0, 3)}.${national.slice(3, 6)}.${national.slice(6)}`,
    `+1 ${national.slice(0, 3)}-${national.slice(3, 6)}-${national.slice(6)}`,
    `${national.slice(0, 3)} ${national.slice(3, 6)} ${national.slice(6)}`,
    index.toString("hex"),
    index.toString("base64"),
  ];
}

async function housekeepingThroughTheQueue(task: string) {
  const id = await runtime.boss.send(QUEUES.housekeeping, { task });
  const job = () => runtime.boss.getJobById(QUEUES.housekeeping, id!);
  await expect
    .poll(async () => (await job())?.state, { timeout: 20_000, message: task })
    .toMatch(/^(completed|failed)$/);
  const done = await job();
  if (done?.state !== "completed") throw new Error(`${task}: ${done?.state}`);
  return done.output;
}

describe("the subpoena drill", () => {
  it("leaves no trace of a canary number that subscribed, received alerts, called in and stopped", async () => {
    const app = createApp(runtime);
    const canary = phone(app, runtime, CANARY);
    const neighbour = phone(app, runtime, "+15105550199");
    const operator = await signIn(runtime, app, "operator");
    const verifier = await signIn(runtime, app, "verifier");

    // Subscribes by text, as does a neighbour who stays.
    expect((await canary.send("94607")).messages[0]).toMatch(/94607/);
    await neighbour.send("94607");

    // Calls the hotline: the operator logs the sighting with the canary as the callback number,
    // and reads it back once (audited).
    const sighting = await operator.request("POST", "sightings", {
      zip: "94607",
      place: "International Blvd & 23rd Ave",
      observedAt: new Date().toISOString(),
      agency: "ice",
      activity: "targeted_arrest",
      source: "hotline_call",
      reporterCallback: "(510) 555-0188",
    });
    expect(sighting.status, JSON.stringify(sighting.body)).toBe(201);
    const sightingId = (sighting.body as { sighting: { id: string } }).sighting.id;
    const callback = await operator.request("GET", `sightings/${sightingId}/callback`);
    expect((callback.body as { phone: string }).phone).toBe(CANARY);
    await operator.request("POST", `sightings/${sightingId}/verifications`, {
      method: "responder_on_scene",
      notes: "Two responders saw it",
    });
    await verifier.request("POST", `sightings/${sightingId}/resolve`, { status: "verified" });

    // Receives two alerts through Twilio; Twilio calls back that they were delivered.
    const alertIds: string[] = [];
    for (const body of [{ sightingId }, { sightingId, target: { zips: ["94607", "94606"] } }]) {
      const draft = await operator.request("POST", "alerts", body);
      expect(draft.status, JSON.stringify(draft.body)).toBe(201);
      const id = (draft.body as { id: string }).id;
      const preview = await verifier.request("GET", `alerts/${id}/preview`);
      const approved = await verifier.request("POST", `alerts/${id}/approve`, {
        hash: (preview.body as { hash: string }).hash,
      });
      expect(approved.status, JSON.stringify(approved.body)).toBe(200);
      await settled(runtime, id);
      alertIds.push(id);
    }
    expect(twilio.messages.filter((m) => m.to === CANARY)).toHaveLength(2);
    const callbacks = await twilio.deliverAll("delivered");
    expect(callbacks.every((c) => c.status === 204)).toBe(true);
    const figures = async () =>
      runtime.db
        .selectFrom("deliveries")
        .select(["alert_id", "channel", "status", "zip"])
        .where("alert_id", "in", alertIds)
        .orderBy("id")
        .execute();
    const before = await figures();
    expect(before.filter((row) => row.status === "delivered")).toHaveLength(4);

    // Lists, then stops.
    expect((await canary.send("LIST")).messages[0]).toMatch(/94607/);
    expect((await canary.send("STOP")).messages).toHaveLength(1);
    runtime.log.info({ to: CANARY, note: `canary ${CANARY} stopped` }, "a careless log line");

    // Before the windows pass, the number is still held (sealed) and found by its index.
    expect((await dumpEverything(runtime)).includes(traces().at(-2)!)).toBe(true);

    // Every window passes; housekeeping runs through pg-boss.
    clock.offset = 31 * DAY;
    for (const task of [
      "erase-stopped-subscribers",
      "detach-deliveries",
      "purge-operators",
      "purge-text-a-zip",
      "purge-outbox",
    ]) {
      await housekeepingThroughTheQueue(task);
    }

    const dump = await dumpEverything(runtime);
    expect(dump).toContain("-- pgboss.job");
    expect(dump).toContain("International Blvd & 23rd Ave"); // the sighting itself stays
    for (const form of traces()) {
      expect(dump, `the dump holds ${form}`).not.toContain(form);
      expect(runtime.logs.text, `the logs hold ${form}`).not.toContain(form);
    }

    // Nothing ties a ledger row to anyone any more; the figures are what they were.
    const ledger = await runtime.db
      .selectFrom("deliveries")
      .select(["subscriber_id", "provider_id"])
      .where("alert_id", "in", alertIds)
      .execute();
    expect(ledger.every((row) => row.subscriber_id === null && row.provider_id === null)).toBe(true);
    expect(await figures()).toEqual(before);

    // The neighbour who stayed is still subscribed; the canary is a stranger again.
    const subscribers = await runtime.db.selectFrom("subscribers").select("status").execute();
    expect(subscribers.map((row) => row.status)).toEqual(["active"]);
    expect((await canary.send("START")).messages[0]).toMatch(/not signed up/);
  });
});
