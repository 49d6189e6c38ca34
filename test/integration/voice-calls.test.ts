/**
 * Alerts by phone call (issue 17, points 5-7), end to end against the loopback Twilio peer's
 * Calls API: fan-out to voice subscribers (Alert priority only), the TwiML per language, a drill
 * and an update to exactly the original voice recipients, status callbacks, the one retry after
 * no-answer (with an injected clock), 9 on the keypad stopping the voice subscription, and a
 * number that asked the voice line for calls (option 2, then 2) being called for the next alert.
 */
import { type ServerType, serve } from "@hono/node-server";
import twilio from "twilio";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../../src/app.ts";
import { webhookAuthToken } from "../../src/http/twilio-webhook.ts";
import { channelsFor, publishAlert } from "../../src/services/alerts/publish.ts";
import { publishRestrictedAlert } from "../../src/services/alerts/publish-restricted.ts";
import { startDeliveryWorkers } from "../../workers/deliveries.ts";
import { dispatchBatch } from "../../workers/dispatch.ts";
import { type DeliveryRig, startDeliveryRig } from "../support/delivery.ts";
import { addAlert, addSubscriber, ledger, settled, TEXTS } from "../support/fanout.ts";
import { freePort } from "../support/free-port.ts";
import { subscriberState } from "../support/subscribers.ts";
import { caller } from "../support/voice-webhook.ts";

const CALLER_ID = "+15105550100";
const DRILLED = "+15105550278";

let rig: DeliveryRig;
let workers: { stop(): Promise<void> };
let server: ServerType;
let app: ReturnType<typeof createApp>;

beforeAll(async () => {
  const port = await freePort();
  rig = await startDeliveryRig({
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    TWILIO_VOICE_FROM: CALLER_ID,
    VOICE_CALLS_PER_SECOND: "200",
    DRILL_ALLOWLIST: DRILLED,
  });
  app = createApp(rig.runtime);
  server = serve({ fetch: app.fetch, port, hostname: "127.0.0.1" });
  workers = await startDeliveryWorkers(rig.runtime);
});
afterAll(async () => {
  await workers?.stop();
  if (server) await new Promise((resolve) => server.close(resolve));
  await rig?.close();
});

const callsTo = (to: string) => rig.sms.calls.filter((call) => call.to === to);

async function publish(alertId: string) {
  await publishAlert({ ctx: rig.runtime, input: { alertId } });
  return settled(rig.runtime, alertId);
}

/** The <Gather> action of a call's TwiML, as Twilio would post to it. */
function keypadUrlOf(twiml: string): string {
  const action = /<Gather[^>]* action="([^"]+)"/.exec(twiml)?.[1];
  if (!action) throw new Error("no keypad action in the TwiML");
  return action.replace(/&amp;/g, "&");
}

function pressKey(url: string, digits: string, signedUrl = url) {
  const params = { CallSid: `CA${"1".repeat(32)}`, Digits: digits };
  return app.fetch(
    new Request(url, {
      method: "POST",
      headers: {
        "Content-Type": "application/x-www-form-urlencoded",
        "X-Twilio-Signature": twilio.getExpectedTwilioSignature(
          webhookAuthToken(rig.runtime),
          signedUrl,
          params,
        ),
      },
      body: new URLSearchParams(params).toString(),
    }),
  );
}

describe("alerts by phone call", () => {
  it("calls voice subscribers for an Alert-priority alert, in their language, with the script read twice", async () => {
    const zip = "94621";
    const numbers = { en: "+15105550201", es: "+15105550202", zh: "+15105550203", vi: "+15105550204" };
    for (const [language, address] of Object.entries(numbers)) {
      await addSubscriber(rig.runtime, {
        channel: "voice",
        address,
        zips: [zip],
        language: language as keyof typeof numbers,
      });
    }
    await addSubscriber(rig.runtime, { channel: "sms", address: numbers.en, zips: [zip] });
    const alertId = await addAlert(rig.runtime, { zips: [zip] });
    const rows = await publish(alertId);
    expect(rows.filter((r) => r.channel === "voice").map((r) => r.status)).toEqual([
      "sent",
      "sent",
      "sent",
      "sent",
    ]);
    expect(rows.filter((r) => r.channel === "sms")).toHaveLength(1);

    const expected = { en: "en-US", es: "es-US", zh: "cmn-CN", vi: "vi-VN" } as const;
    for (const [language, address] of Object.entries(numbers) as [keyof typeof numbers, string][]) {
      const [call] = callsTo(address);
      expect(call?.from).toBe(CALLER_ID);
      expect(call?.params.MachineDetection).toBeUndefined();
      expect(call?.statusCallback).toMatch(/\/webhooks\/twilio\/call-status\?d=\d+$/);
      const says = [...call!.twiml.matchAll(/<Say language="([^"]+)"[^>]*>([^<]*)<\/Say>/g)];
      expect(says.map((m) => m[1])).toEqual([expected[language], expected[language], expected[language]]);
      // Headline and body twice (XML-escaped), then the keypad choices.
      const headline = TEXTS[language].headline
        .replace(/&/g, "&amp;")
        .replace(/</g, "&lt;")
        .replace(/>/g, "&gt;")
        .replace(/"/g, "&quot;")
        .replace(/'/g, "&apos;");
      expect(says[0]![2]).toContain(headline);
      expect(says[1]![2]).toContain(headline);
      expect(says[2]![2]).toMatch(/1.*9/);
      expect(call!.twiml).toMatch(/<Gather input="dtmf" numDigits="1"/);
    }
    expect(callsTo(numbers.en)[0]!.twiml).toContain("ADVISORY");
    expect(callsTo(numbers.en)[0]!.twiml).toContain("Press 9 to stop these calls.");

    // Advisory: no calls by default.
    const advisory = await addAlert(rig.runtime, { zips: [zip], priority: "advisory" });
    const advisoryRows = await publish(advisory);
    expect(advisoryRows.filter((r) => r.channel === "voice")).toEqual([]);
  });

  it("moves rows on status callbacks, and places a call that rang out once more 5 minutes later", async () => {
    const zip = "94622";
    const answered = "+15105550211";
    const unanswered = "+15105550212";
    await addSubscriber(rig.runtime, { channel: "voice", address: answered, zips: [zip] });
    await addSubscriber(rig.runtime, { channel: "voice", address: unanswered, zips: [zip] });
    const alertId = await addAlert(rig.runtime, { zips: [zip], languages: ["en"] });
    await publish(alertId);

    expect((await rig.sms.completeCall(callsTo(answered)[0]!.sid, "completed")).status).toBe(204);
    expect((await rig.sms.completeCall(callsTo(unanswered)[0]!.sid, "no-answer")).status).toBe(204);
    const answeredSid = callsTo(answered)[0]!.sid;
    const rowsOf = async () => {
      const rows = await rig.runtime.db
        .selectFrom("deliveries")
        .select(["id", "status", "call_status", "voice_retry_at", "provider_id"])
        .where("alert_id", "=", alertId)
        .execute();
      // The answered call's row first.
      return rows.sort((a) => (a.provider_id === answeredSid ? -1 : 1));
    };
    const [done, waiting] = await rowsOf();
    expect(done).toMatchObject({ status: "delivered", call_status: "completed", voice_retry_at: null });
    expect(waiting).toMatchObject({ status: "queued", call_status: "no-answer" });
    const retryAt = waiting!.voice_retry_at!;
    expect(retryAt.getTime() - Date.now()).toBeGreaterThan(4 * 60_000);

    // Before the 5 minutes, a job finds nothing to call; after them, the call goes once more.
    const job = { alertId, channel: "voice", firstId: String(waiting!.id), lastId: String(waiting!.id) };
    const attempt = { jobId: "retry-test", retryCount: 0, retryLimit: 3 };
    const early = await dispatchBatch(rig.runtime, job, attempt);
    expect(early.sent).toBe(0);
    expect(callsTo(unanswered)).toHaveLength(1);
    const later = { ...rig.runtime, clock: { now: () => new Date(retryAt.getTime() + 1_000) } };
    const retried = await dispatchBatch(later, job, { ...attempt, jobId: "retry-test-2" });
    expect(retried.sent).toBe(1);
    expect(callsTo(unanswered)).toHaveLength(2);

    // Busy again: that was the one retry.
    await rig.sms.completeCall(callsTo(unanswered)[1]!.sid, "busy");
    expect((await rowsOf())[1]).toMatchObject({ status: "undelivered", call_status: "busy" });
    // A replayed callback changes nothing.
    await rig.sms.completeCall(callsTo(answered)[0]!.sid, "failed");
    expect((await rowsOf())[0]).toMatchObject({ status: "delivered", call_status: "completed" });
  });

  it("9 on the keypad stops this phone's alert calls and nothing else; a forged token changes nothing", async () => {
    const zip = "94623";
    const number = "+15105550221";
    const voiceId = await addSubscriber(rig.runtime, {
      channel: "voice",
      address: number,
      zips: [zip],
      language: "es",
    });
    await addSubscriber(rig.runtime, { channel: "sms", address: number, zips: [zip] });
    const alertId = await addAlert(rig.runtime, { zips: [zip] });
    await publish(alertId);
    const url = keypadUrlOf(callsTo(number)[0]!.twiml);

    const forged = url.replace(/t=[^&]+/, `t=${"A".repeat(43)}`);
    expect((await pressKey(forged, "9")).status).toBe(403);
    expect((await pressKey(url, "9", `${url}x`)).status).toBe(403);
    expect(await subscriberState(rig.runtime, number, "voice")).toMatchObject({ status: "active" });

    const again = await pressKey(url, "1");
    expect(again.status).toBe(200);
    expect(await again.text()).toContain(TEXTS.es.headline.slice(0, 20));

    const stop = await pressKey(url, "9");
    expect(stop.status).toBe(200);
    expect(await stop.text()).toContain("Ya no recibirá llamadas");
    expect(await subscriberState(rig.runtime, number, "voice")).toMatchObject({
      id: voiceId,
      status: "stopped",
    });
    expect(await subscriberState(rig.runtime, number, "sms")).toMatchObject({ status: "active" });
  });

  it("a drill says DRILL first and calls only the allowlist; an update calls exactly the original voice recipients", async () => {
    const zip = "94624";
    await addSubscriber(rig.runtime, { channel: "voice", address: DRILLED, zips: [zip] });
    const other = "+15105550231";
    await addSubscriber(rig.runtime, { channel: "voice", address: other, zips: [zip] });

    const drill = await addAlert(rig.runtime, { zips: [zip], drill: true, languages: ["en"] });
    await publishRestrictedAlert({ ctx: rig.runtime, input: { alertId: drill } });
    const drillRows = await settled(rig.runtime, drill);
    expect(drillRows.filter((r) => r.channel === "voice")).toHaveLength(1);
    const drillCall = callsTo(DRILLED).at(-1)!;
    expect(drillCall.twiml).toMatch(/<Say [^>]*>DRILL\. /);
    expect(callsTo(other)).toHaveLength(0);

    const original = await addAlert(rig.runtime, { zips: [zip], languages: ["en"] });
    await publish(original);
    // Someone subscribing after the original gets no call about its update.
    const late = "+15105550232";
    await addSubscriber(rig.runtime, { channel: "voice", address: late, zips: [zip] });
    const update = await addAlert(rig.runtime, { zips: [zip], kind: "update", languages: ["en"] });
    await rig.runtime.db
      .updateTable("alerts")
      .set({ references_alert_id: original })
      .where("id", "=", update)
      .execute();
    await publishRestrictedAlert({ ctx: rig.runtime, input: { alertId: update } });
    const updateRows = await settled(rig.runtime, update);
    const originalRows = await ledger(rig.runtime, original);
    expect(updateRows.map((r) => r.subscriber_id).sort()).toEqual(
      originalRows.map((r) => r.subscriber_id).sort(),
    );
    expect(callsTo(late)).toHaveLength(0);
    expect(callsTo(other).at(-1)!.twiml).toContain("UPDATE");
  });
});

describe("subscribing by calling the line", () => {
  it.each([
    ["en", "1", "+15105550241"],
    ["es", "2", "+15105550242"],
    ["zh", "3", "+15105550243"],
    ["vi", "4", "+15105550244"],
  ] as const)(
    "in %s: 2, then 2 for calls, then a ZIP: the next Alert-priority alert calls the number",
    async (language, key, number) => {
      const zip = "94619";
      const phone = caller(app, rig.runtime, number);
      expect((await phone.dialIn()).status).toBe(200);
      await phone.press(key);
      await phone.press("2");
      await phone.press("2");
      await phone.press(zip);
      const done = await phone.press("1");
      expect(done.status).toBe(200);
      expect(done.hangup).toBe(true);
      expect(await subscriberState(rig.runtime, number, "voice")).toMatchObject({
        status: "active",
        language,
      });

      const before = callsTo(number).length;
      const alertId = await addAlert(rig.runtime, { zips: [zip] });
      const rows = await publish(alertId);
      expect(rows.filter((r) => r.channel === "voice").length).toBeGreaterThanOrEqual(1);
      const calls = callsTo(number);
      expect(calls).toHaveLength(before + 1);
      expect(calls.at(-1)!.twiml).toContain(TEXTS[language].headline.slice(0, 12));
      // No texts: the number asked for calls only.
      expect(rig.sms.messages.filter((m) => m.to === number)).toEqual([]);
    },
  );
});

describe("VOICE_ALL_PRIORITIES", () => {
  it("calls for Advisory and Community alerts too when set, and only for Alert priority when not", () => {
    const delivery = rig.runtime.config.delivery;
    expect(channelsFor("alert", rig.runtime.config)).toContain("voice");
    expect(channelsFor("advisory", rig.runtime.config)).not.toContain("voice");
    expect(channelsFor("community", rig.runtime.config)).not.toContain("voice");
    const all = { delivery: { ...delivery, voiceAllPriorities: true } };
    expect(channelsFor("advisory", all)).toContain("voice");
    expect(channelsFor("community", all)).toContain("voice");
  });
});
