// The phone simulator without a browser: plain form posts, redirects, and what the page shows,
// including an alert published to the number's ZIP, and nothing at all after STOP.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../../src/app.ts";
import { publishAlert } from "../../src/services/alerts/publish.ts";
import { stoppedReply, subscribedReply } from "../../src/sms/replies.ts";
import { whatsappPrivacyNotice } from "../../src/whatsapp/replies.ts";
import { type RunningWorkers, startWorkers } from "../../workers/index.ts";
import { addAlert, settled, TEXTS } from "../support/fanout.ts";
import { addressForms, dumpEverything } from "../support/privacy.ts";
import { createTestRuntime, type TestRuntime } from "../support/runtime.ts";
import { subscriberState } from "../support/subscribers.ts";

let runtime: TestRuntime;
let app: ReturnType<typeof createApp>;
let workers: RunningWorkers;

beforeAll(async () => {
  runtime = await createTestRuntime();
  app = createApp(runtime);
  workers = await startWorkers(runtime);
});
afterAll(async () => {
  await workers.stop();
  await runtime.close();
});

/** Posts the simulator's form like a browser without JavaScript, and follows the redirect. */
async function text(number: string, body: string): Promise<string> {
  const res = await app.request("/dev/phone/send", {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ number, body }).toString(),
  });
  expect(res.status).toBe(303);
  const location = res.headers.get("Location")!;
  expect(location).toMatch(/^\/dev\/phone\?number=%2B1\d{10}#latest$/);
  const page = await app.request(location.replace(/#.*$/, ""));
  expect(page.status).toBe(200);
  return page.text();
}

const escaped = (s: string) => s.replaceAll("&", "&amp;").replaceAll("'", "&#39;").replaceAll('"', "&quot;");

describe("/dev/phone", () => {
  it("lets a person pick a fictional number, and says it is a simulator", async () => {
    const res = await app.request("/dev/phone");
    expect(res.status).toBe(200);
    expect(res.headers.get("Cache-Control")).toBe("no-store");
    const page = await res.text();
    expect(page).toContain("Local mode.");
    expect(page).toContain("<strong>Simulator.</strong>");
    expect(page).toContain('<form method="get" action="/dev/phone">');
    expect(page).not.toContain("<script");
    for (const number of ["+442071234567", "+15105551234", "not a number"]) {
      expect((await app.request(`/dev/phone?number=${encodeURIComponent(number)}`)).status).toBe(400);
    }
  });

  it("texts Aviso through the signed webhook and shows the replies", async () => {
    const page = await text("(510) 555-0142", "94607 94601");
    expect(page).toContain("Phone simulator: +15105550142");
    expect(page).toContain(escaped(subscribedReply("en", { program: "Aviso", zips: ["94601", "94607"] })));
    expect(await subscriberState(runtime, "+15105550142")).toMatchObject({
      status: "active",
      zips: ["94601", "94607"],
    });
    // It went through the webhook, as a request of its own.
    const requests = runtime.logs.lines
      .map((line) => JSON.parse(line) as { msg?: string; path?: string; status?: number })
      .filter((line) => line.msg === "request" && line.path === "/webhooks/twilio/sms");
    expect(requests.at(-1)?.status).toBe(200);
    expect(await runtime.db.selectFrom("inbound_messages").select("command").execute()).toEqual([
      { command: "subscribe" },
    ]);
  });

  it("escapes what is typed", async () => {
    const page = await text("+15105550143", "<b>hi</b> & bye");
    expect(page).toContain("&lt;b&gt;hi&lt;/b&gt; &amp; bye");
    expect(page).not.toContain("<b>hi</b>");
  });

  it("shows the alerts the number receives, and none after STOP", async () => {
    await text("+15105550144", "94612");
    const stopped = await text("+15105550145", "94612");
    expect(stopped).toContain("94612");
    expect(await text("+15105550145", "STOP")).toContain(escaped(stoppedReply("en", { program: "Aviso" })));

    const alertId = await addAlert(runtime, { zips: ["94612"] });
    await publishAlert({ ctx: runtime, input: { alertId } });
    await settled(runtime, alertId);

    const subscribed = await (await app.request("/dev/phone?number=%2B15105550144")).text();
    expect(subscribed).toContain('class="alert"');
    expect(subscribed).toContain(TEXTS.en.sms_text.replaceAll("&", "&amp;"));
    const silent = await (await app.request("/dev/phone?number=%2B15105550145")).text();
    expect(silent).not.toContain('class="alert"');
  });

  it("can be a WhatsApp phone: a subscription of its own, with its own thread and its alerts", async () => {
    const number = "+15105550146";
    const res = await app.request("/dev/phone/send", {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ number, body: "94608", app: "whatsapp" }).toString(),
    });
    expect(res.status).toBe(303);
    const location = res.headers.get("Location")!;
    expect(location).toBe("/dev/phone?number=%2B15105550146&app=whatsapp#latest");
    const page = await (await app.request(location.replace(/#.*$/, ""))).text();
    expect(page).toContain("Phone simulator: +15105550146 (WhatsApp)");
    expect(page).toContain(escaped(whatsappPrivacyNotice("en")));
    expect(await subscriberState(runtime, number, "whatsapp")).toMatchObject({
      status: "active",
      zips: ["94608"],
    });
    expect(await subscriberState(runtime, number, "sms")).toBeUndefined();
    // The SMS thread of the same number is another conversation.
    expect(await (await app.request("/dev/phone?number=%2B15105550146")).text()).not.toContain("94608");

    const alertId = await addAlert(runtime, { zips: ["94608"] });
    await publishAlert({ ctx: runtime, input: { alertId } });
    await settled(runtime, alertId);
    const withAlert = await (await app.request("/dev/phone?number=%2B15105550146&app=whatsapp")).text();
    expect(withAlert).toContain('class="alert"');
    expect(withAlert).toContain(escaped(TEXTS.en.headline));
  });

  it("is not mounted outside local mode", async () => {
    const live = createApp({ ...runtime, config: { ...runtime.config, localMode: false } });
    expect((await live.request("/dev/phone")).status).toBe(404);
    expect(
      (
        await live.request("/dev/phone/send", {
          method: "POST",
          headers: { "Content-Type": "application/x-www-form-urlencoded" },
          body: "number=%2B15105550142&body=STOP",
        })
      ).status,
    ).toBe(404);
  });

  it("keeps no simulated number in clear in the database", async () => {
    const dump = await dumpEverything(runtime);
    for (const number of ["+15105550142", "+15105550143", "+15105550144", "+15105550145", "+15105550146"]) {
      for (const form of addressForms(number)) expect(dump, form).not.toContain(form);
    }
  });
});
