/**
 * WhatsApp as a resident channel (issue 18), end to end against the loopback Twilio peer: the
 * keyword grammar on "whatsapp:" senders (a subscription apart from the same number's SMS one,
 * consent with the channel, the Meta notice once); alerts as the language's approved template
 * outside the 24-hour window, English's when a language has none, free-form inside it; the
 * preview and its hash; status callbacks (read as a figure) and WhatsApp's error codes.
 */
import { type ServerType, serve } from "@hono/node-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../../src/app.ts";
import { addressIndexes } from "../../src/security/addresses.ts";
import { loadAlertRecord } from "../../src/services/alerts/alert-record.ts";
import { deliveryFigures } from "../../src/services/alerts/delivery-figures.ts";
import { buildPreview } from "../../src/services/alerts/preview-alert.ts";
import { publishAlert } from "../../src/services/alerts/publish.ts";
import { publishRestrictedAlert } from "../../src/services/alerts/publish-restricted.ts";
import { shortAlertUrl } from "../../src/services/alerts/short-link.ts";
import { eraseStoppedSubscribers } from "../../src/services/retention/erase-stopped-subscribers.ts";
import { twimlMessages } from "../../src/sms/twiml.ts";
import { whatsappPrivacyNotice } from "../../src/whatsapp/replies.ts";
import { startDeliveryWorkers } from "../../workers/deliveries.ts";
import { TWILIO_ERRORS } from "../peers/twilio-peer.ts";
import { type DeliveryRig, startDeliveryRig } from "../support/delivery.ts";
import { addAlert, addSubscriber, ledger, settled, TEXTS } from "../support/fanout.ts";
import { freePort } from "../support/free-port.ts";
import { createTestRuntime } from "../support/runtime.ts";
import { signedSmsRequest, smsParams } from "../support/sms-webhook.ts";
import { subscriberState } from "../support/subscribers.ts";

const EN_TEMPLATE = `HX${"e0".repeat(16)}`;
const ES_TEMPLATE = `HX${"5a".repeat(16)}`;
const SENDER = "+15105550100";

let rig: DeliveryRig;
let workers: { stop(): Promise<void> };
let server: ServerType;
let app: ReturnType<typeof createApp>;

beforeAll(async () => {
  const port = await freePort();
  rig = await startDeliveryRig({
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    TWILIO_WHATSAPP_FROM: `whatsapp:${SENDER}`,
    WHATSAPP_ALERT_TEMPLATE_EN: EN_TEMPLATE,
    WHATSAPP_ALERT_TEMPLATE_ES: ES_TEMPLATE,
    WHATSAPP_RATE_PER_SECOND: "500",
    SMS_REPLY_LIMIT_PER_NUMBER: "1000",
    DRILL_ALLOWLIST: "+15105550178",
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

/** A phone writing to the program: on WhatsApp ("whatsapp:+1…") or by SMS. */
function phoneOn(channel: "sms" | "whatsapp", number: string) {
  return async (body: string) => {
    const from = channel === "whatsapp" ? `whatsapp:${number}` : number;
    const res = await app.fetch(signedSmsRequest(rig.runtime, smsParams(from, body)));
    expect(res.status).toBe(200);
    return twimlMessages(await res.text());
  };
}

const consentOf = (subscriberId: string) =>
  rig.runtime.db
    .selectFrom("consent_events")
    .select(["kind", "channel", "keyword"])
    .where("subscriber_id", "=", subscriberId)
    .orderBy("id")
    .execute();

const whatsappSent = (to: string) => rig.sms.messages.filter((m) => m.to === `whatsapp:${to}`);

async function setLastInbound(subscriberId: string, at: Date | null) {
  await rig.runtime.db
    .updateTable("subscribers")
    .set({ last_inbound_at: at })
    .where("id", "=", subscriberId)
    .execute();
}

describe("inbound WhatsApp", () => {
  it("subscribes apart from the same number's SMS, says the Meta notice once, and STOP leaves SMS alone", async () => {
    const number = "+15105550161";
    const sms = phoneOn("sms", number);
    const whatsapp = phoneOn("whatsapp", number);

    expect(await sms("94607")).toHaveLength(1);
    const first = await whatsapp("94607");
    expect(first[0]).toContain("94607");
    expect(first).toContain(whatsappPrivacyNotice("en"));

    const onWhatsApp = await subscriberState(rig.runtime, number, "whatsapp");
    const onSms = await subscriberState(rig.runtime, number, "sms");
    expect(onWhatsApp).toMatchObject({ status: "active", zips: ["94607"] });
    expect(onSms).toMatchObject({ status: "active", zips: ["94607"] });
    expect(onWhatsApp!.id).not.toBe(onSms!.id);

    // The same grammar: ADD, LIST, a language. The notice is not said again.
    const added = await whatsapp("ADD 94601");
    expect(added.join("\n")).toContain("94601");
    expect(added).not.toContain(whatsappPrivacyNotice("en"));
    expect((await whatsapp("LIST")).join("\n")).toMatch(/94601[\s\S]*94607|94607[\s\S]*94601/);
    await whatsapp("ESPAÑOL");
    expect(await subscriberState(rig.runtime, number, "whatsapp")).toMatchObject({ language: "es" });
    expect(await subscriberState(rig.runtime, number, "sms")).toMatchObject({
      language: "en",
      zips: ["94607"],
    });

    // The 24-hour window is noted on the WhatsApp row only.
    const rows = await rig.runtime.db
      .selectFrom("subscribers")
      .select(["id", "last_inbound_at"])
      .where("id", "in", [onWhatsApp!.id, onSms!.id])
      .execute();
    expect(rows.find((r) => r.id === onWhatsApp!.id)?.last_inbound_at).toBeInstanceOf(Date);
    expect(rows.find((r) => r.id === onSms!.id)?.last_inbound_at).toBeNull();

    expect(await whatsapp("STOP")).toHaveLength(1);
    expect(await subscriberState(rig.runtime, number, "whatsapp")).toMatchObject({ status: "stopped" });
    expect(await subscriberState(rig.runtime, number, "sms")).toMatchObject({ status: "active" });

    expect(await consentOf(onWhatsApp!.id)).toEqual([
      { kind: "opt_in", channel: "whatsapp", keyword: "subscribe" },
      { kind: "opt_out", channel: "whatsapp", keyword: "stop_all" },
    ]);
    expect(await consentOf(onSms!.id)).toEqual([{ kind: "opt_in", channel: "sms", keyword: "subscribe" }]);
  });

  it("a stopped WhatsApp subscriber is erased like an SMS one, with the records of their messages", async () => {
    const number = "+15105550163";
    await phoneOn("whatsapp", number)("94607");
    await phoneOn("sms", number)("94607");
    await phoneOn("whatsapp", number)("STOP");
    const indexes = addressIndexes(rig.runtime.pii, "whatsapp", number);
    const inbound = () =>
      rig.runtime.db
        .selectFrom("inbound_messages")
        .select("command")
        .where("sender_index", "in", indexes)
        .execute();
    expect(await inbound()).toHaveLength(2);

    const later = new Date(Date.now() + 25 * 3_600_000);
    await eraseStoppedSubscribers({ ...rig.runtime, clock: { now: () => later } });
    expect(await subscriberState(rig.runtime, number, "whatsapp")).toBeUndefined();
    expect(await inbound()).toEqual([]);
    expect(await subscriberState(rig.runtime, number, "sms")).toMatchObject({ status: "active" });
  });

  it("is refused, with nothing stored, where a Twilio account has no WhatsApp sender", async () => {
    const runtime = await createTestRuntime({
      env: {
        TWILIO_ACCOUNT_SID: rig.sms.accountSid,
        TWILIO_AUTH_TOKEN: rig.sms.authToken,
        TWILIO_FROM: SENDER,
        TWILIO_API_URL: rig.sms.url,
      },
    });
    try {
      const res = await createApp(runtime).fetch(
        signedSmsRequest(runtime, smsParams("whatsapp:+15105550162", "94607")),
      );
      expect(res.status).toBe(200);
      expect(await subscriberState(runtime, "+15105550162", "whatsapp")).toBeUndefined();
      expect(await subscriberState(runtime, "+15105550162", "sms")).toBeUndefined();
    } finally {
      await runtime.close();
    }
  });
});

describe("alerts on WhatsApp", () => {
  it("go as the language's template outside the 24-hour window, English's when it has none, free-form inside", async () => {
    const zip = "94620";
    const en = await addSubscriber(rig.runtime, {
      channel: "whatsapp",
      address: "+15105550171",
      zips: [zip],
    });
    await addSubscriber(rig.runtime, {
      channel: "whatsapp",
      address: "+15105550172",
      zips: [zip],
      language: "es",
    });
    await addSubscriber(rig.runtime, {
      channel: "whatsapp",
      address: "+15105550173",
      zips: [zip],
      language: "zh",
    });
    const inside = await addSubscriber(rig.runtime, {
      channel: "whatsapp",
      address: "+15105550174",
      zips: [zip],
    });
    const lapsed = await addSubscriber(rig.runtime, {
      channel: "whatsapp",
      address: "+15105550175",
      zips: [zip],
    });
    await setLastInbound(inside, new Date(Date.now() - 3_600_000));
    await setLastInbound(lapsed, new Date(Date.now() - 25 * 3_600_000));
    const alertId = await addAlert(rig.runtime, { zips: [zip] });
    const published = await publishAlert({ ctx: rig.runtime, input: { alertId } });
    expect(published.deliveries.whatsapp).toBe(5);
    const rows = await settled(rig.runtime, alertId);
    expect(rows.map((r) => [r.channel, r.status])).toEqual(Array(5).fill(["whatsapp", "sent"]));

    const link = shortAlertUrl(rig.runtime.config.publicUrl, alertId);
    const [toEn] = whatsappSent("+15105550171");
    expect(toEn).toMatchObject({
      from: `whatsapp:${SENDER}`,
      body: "",
      contentSid: EN_TEMPLATE,
      contentVariables: { "1": "ADVISORY", "2": TEXTS.en.sms_text, "3": link },
    });
    expect(toEn!.statusCallback).toContain("/webhooks/twilio/status?d=");
    expect(whatsappSent("+15105550172")[0]).toMatchObject({
      contentSid: ES_TEMPLATE,
      contentVariables: { "1": "AVISO", "2": TEXTS.es.sms_text, "3": link },
    });
    // No Chinese template: English's, with the Chinese text in its variables.
    expect(whatsappSent("+15105550173")[0]).toMatchObject({
      contentSid: EN_TEMPLATE,
      contentVariables: { "1": "提示", "2": TEXTS.zh.sms_text, "3": link },
    });
    const [free] = whatsappSent("+15105550174");
    expect(free!.contentSid).toBeNull();
    expect(free!.body).toBe(`*ADVISORY*\n${TEXTS.en.headline}\n\n${TEXTS.en.body}\n\n${link}`);
    expect(whatsappSent("+15105550175")[0]).toMatchObject({ contentSid: EN_TEMPLATE, body: "" });
    expect(en).toBeTruthy();
  });

  it("an update goes to exactly the original's WhatsApp recipients, whoever has subscribed since", async () => {
    await addSubscriber(rig.runtime, { channel: "whatsapp", address: "+15105550176", zips: ["94622"] });
    const original = await addAlert(rig.runtime, { zips: ["94622"] });
    await publishAlert({ ctx: rig.runtime, input: { alertId: original } });
    await settled(rig.runtime, original);
    await addSubscriber(rig.runtime, { channel: "whatsapp", address: "+15105550177", zips: ["94622"] });

    const update = await addAlert(rig.runtime, { zips: ["94622"], kind: "update" });
    await rig.runtime.db
      .updateTable("alerts")
      .set({ references_alert_id: original })
      .where("id", "=", update)
      .execute();
    const published = await publishRestrictedAlert({ ctx: rig.runtime, input: { alertId: update } });
    expect(published.deliveries.whatsapp).toBe(1);
    await settled(rig.runtime, update);
    expect(whatsappSent("+15105550176")).toHaveLength(2);
    expect(whatsappSent("+15105550176")[1]!.contentVariables?.["1"]).toBe("UPDATE");
    expect(whatsappSent("+15105550177")).toEqual([]);
  });

  it("a drill reaches an allowlisted number on WhatsApp too, and nobody else", async () => {
    await addSubscriber(rig.runtime, { channel: "whatsapp", address: "+15105550178", zips: ["94623"] });
    await addSubscriber(rig.runtime, { channel: "sms", address: "+15105550178", zips: ["94623"] });
    await addSubscriber(rig.runtime, { channel: "whatsapp", address: "+15105550179", zips: ["94623"] });
    const drill = await addAlert(rig.runtime, { zips: ["94623"], drill: true });
    const published = await publishRestrictedAlert({ ctx: rig.runtime, input: { alertId: drill } });
    expect(published.deliveries).toMatchObject({ sms: 1, whatsapp: 1 });
    await settled(rig.runtime, drill);
    expect(whatsappSent("+15105550178")[0]!.contentVariables?.["1"]).toMatch(/^DRILL/);
    expect(whatsappSent("+15105550179")).toEqual([]);
  });

  it("the preview shows each language's WhatsApp template, says when English's stands in, and the hash covers it", async () => {
    const alertId = await addAlert(rig.runtime, { zips: ["94621"], status: "draft" });
    const ctx = rig.runtime;
    const preview = await buildPreview(ctx.db, ctx, await loadAlertRecord(ctx.db, alertId));
    const byLanguage = Object.fromEntries(preview.languages.map((l) => [l.language, l.whatsapp]));
    expect(byLanguage.es?.template).toMatchObject({
      contentSid: ES_TEMPLATE,
      language: "es",
      fallback: false,
    });
    expect(byLanguage.zh?.template).toMatchObject({
      contentSid: EN_TEMPLATE,
      language: "en",
      fallback: true,
    });
    expect(byLanguage.en?.freeForm).toContain(TEXTS.en.headline);
    expect(preview.channels).toContain("whatsapp");

    // A Chinese template configured since: what residents get changes, so the hash does.
    const withZh = {
      ...ctx,
      config: {
        ...ctx.config,
        whatsapp: {
          ...ctx.config.whatsapp!,
          templates: { ...ctx.config.whatsapp!.templates, zh: `HX${"7c".repeat(16)}` },
        },
      },
    };
    const again = await buildPreview(ctx.db, withZh, await loadAlertRecord(ctx.db, alertId));
    expect(again.languages.find((l) => l.language === "zh")?.whatsapp.template?.fallback).toBe(false);
    expect(again.hash).not.toBe(preview.hash);
  });
});

describe("the web", () => {
  it("the subscribe page and an alert page link to a WhatsApp chat with a ZIP typed, saying what Meta learns", async () => {
    const subscribe = await (await app.request("/subscribe")).text();
    expect(subscribe).toMatch(/href="https:\/\/wa\.me\/15105550100\?text=\d{5}"/);
    expect(subscribe).toContain("Get alerts on WhatsApp");
    expect(subscribe).toContain("WhatsApp shares with Meta");

    const alertId = await addAlert(rig.runtime, { zips: ["94606"] });
    await publishAlert({ ctx: rig.runtime, input: { alertId } });
    const page = await (await app.request(`/alerts/${alertId}`)).text();
    expect(page).toContain('href="https://wa.me/15105550100?text=94606"');
  });

  it("shows no WhatsApp link when no WhatsApp sender is configured", async () => {
    const runtime = await createTestRuntime();
    try {
      const page = await (await createApp(runtime).request("/subscribe")).text();
      expect(page).not.toContain("wa.me");
    } finally {
      await runtime.close();
    }
  });
});

describe("WhatsApp deliveries", () => {
  it("status callbacks move the row forward, and 'read' is a figure", async () => {
    await addSubscriber(rig.runtime, { channel: "whatsapp", address: "+15105550181", zips: ["94701"] });
    const alertId = await addAlert(rig.runtime, { zips: ["94701"] });
    await publishAlert({ ctx: rig.runtime, input: { alertId } });
    await settled(rig.runtime, alertId);
    const [message] = whatsappSent("+15105550181");
    expect((await rig.sms.deliver(message!.sid, "delivered")).status).toBe(204);
    expect((await rig.sms.deliver(message!.sid, "read")).status).toBe(204);
    expect((await ledger(rig.runtime, alertId)).map((r) => r.status)).toEqual(["delivered"]);
    const figures = await deliveryFigures({ ctx: rig.runtime, input: { alertId } });
    expect(figures.reads).toBe(1);
    expect(figures.byChannel.whatsapp.delivered).toBe(1);
  });

  it("a callback saying the number is not on WhatsApp stops that subscriber only", async () => {
    const id = await addSubscriber(rig.runtime, {
      channel: "whatsapp",
      address: "+15105550182",
      zips: ["94702"],
    });
    const sms = await addSubscriber(rig.runtime, {
      channel: "sms",
      address: "+15105550182",
      zips: ["94702"],
    });
    const alertId = await addAlert(rig.runtime, { zips: ["94702"] });
    await publishAlert({ ctx: rig.runtime, input: { alertId } });
    await settled(rig.runtime, alertId);
    const [message] = whatsappSent("+15105550182");
    await rig.sms.deliver(message!.sid, "undelivered", 63003);
    const row = (await ledger(rig.runtime, alertId)).find((r) => r.channel === "whatsapp");
    expect(row).toMatchObject({
      status: "undelivered",
      last_error: "twilio 63003: the number is not on WhatsApp",
    });
    expect((await subscriberState(rig.runtime, "+15105550182", "whatsapp"))?.status).toBe("stopped");
    expect((await subscriberState(rig.runtime, "+15105550182", "sms"))?.status).toBe("active");
    expect([id, sms]).toHaveLength(2);
  });

  it("maps WhatsApp's errors: not on WhatsApp stops, outside the window re-sends the template, a rate limit retries", async () => {
    const dead = await addSubscriber(rig.runtime, {
      channel: "whatsapp",
      address: "+15105550183",
      zips: ["94703"],
    });
    rig.sms.failFor("whatsapp:+15105550183", TWILIO_ERRORS.whatsappNotOnWhatsApp);
    const first = await addAlert(rig.runtime, { zips: ["94703"] });
    await publishAlert({ ctx: rig.runtime, input: { alertId: first } });
    expect(await settled(rig.runtime, first)).toMatchObject([
      { status: "failed", last_error: "twilio 63003: the number is not on WhatsApp" },
    ]);
    expect(
      (
        await rig.runtime.db
          .selectFrom("subscribers")
          .select("status")
          .where("id", "=", dead)
          .executeTakeFirst()
      )?.status,
    ).toBe("stopped");
    rig.sms.failFor("whatsapp:+15105550183", null);

    // Our record said the window was open; WhatsApp says it is not: the template goes at once.
    const windowed = await addSubscriber(rig.runtime, {
      channel: "whatsapp",
      address: "+15105550184",
      zips: ["94704"],
    });
    await setLastInbound(windowed, new Date(Date.now() - 60_000));
    const second = await addAlert(rig.runtime, { zips: ["94704"] });
    rig.sms.failNext(1, TWILIO_ERRORS.whatsappOutsideWindow);
    await publishAlert({ ctx: rig.runtime, input: { alertId: second } });
    expect(await settled(rig.runtime, second)).toMatchObject([{ status: "sent" }]);
    expect(whatsappSent("+15105550184")).toMatchObject([{ contentSid: EN_TEMPLATE }]);

    await addSubscriber(rig.runtime, { channel: "whatsapp", address: "+15105550185", zips: ["94705"] });
    const third = await addAlert(rig.runtime, { zips: ["94705"] });
    rig.sms.failNext(1, TWILIO_ERRORS.whatsappRateLimit);
    await publishAlert({ ctx: rig.runtime, input: { alertId: third } });
    const [retried] = await settled(rig.runtime, third, 30_000);
    expect(retried).toMatchObject({ status: "sent", attempts: 2 });
    expect(whatsappSent("+15105550185")).toHaveLength(1);
  });
});
