// The phone simulator placing a call (local mode): plain form posts through the signed voice
// webhook, what the line says shown as text, a keypad, and the line's effects (a subscription by
// text, with its confirmation text on the phone's page; a subscription by phone call, whose alert
// calls the phone's page then shows as text: local mode keeps them in the outbox, no Twilio).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../../src/app.ts";
import { publishAlert } from "../../src/services/alerts/publish.ts";
import { subscribedReply } from "../../src/sms/replies.ts";
import {
  ASK_ZIP,
  CALL_SUBSCRIBED,
  CHOOSE_LANGUAGE,
  MAIN_MENU,
  SUBSCRIBED,
  TEXT_OR_CALL,
} from "../../src/voice/prompts.ts";
import { type RunningWorkers, startWorkers } from "../../workers/index.ts";
import { addAlert, settled, TEXTS } from "../support/fanout.ts";
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

const escaped = (s: string) => s.replaceAll("&", "&amp;").replaceAll("'", "&#39;").replaceAll('"', "&quot;");
const unescaped = (s: string) =>
  s.replaceAll("&amp;", "&").replaceAll("&#39;", "'").replaceAll("&quot;", '"');

async function call(fields: Record<string, string>, status = 200): Promise<string> {
  const res = await app.request("/dev/phone/call", {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(fields).toString(),
  });
  const page = await res.text();
  expect(res.status, page).toBe(status);
  expect(res.headers.get("Cache-Control")).toBe("no-store");
  expect(page).not.toContain("<script");
  return page;
}

/** The keypad form's hidden fields: the call and where keys go. */
function keypadOf(page: string): Record<string, string> {
  const form = /<form method="post" action="\/dev\/phone\/call" aria-label="Keypad">([\s\S]*?)<\/form>/.exec(
    page,
  );
  expect(form, page).not.toBeNull();
  const fields: Record<string, string> = {};
  for (const m of form![1]!.matchAll(/<input type="hidden" name="(\w+)" value="([^"]*)">/g))
    fields[m[1]!] = unescaped(m[2]!);
  return fields;
}

describe("/dev/phone/call", () => {
  it("calls the line, shows what it says, and walks the keypad to a subscription by text", async () => {
    const number = "+15105550151";
    const phonePage = await (await app.request(`/dev/phone?number=${encodeURIComponent(number)}`)).text();
    expect(phonePage).toContain('<form method="post" action="/dev/phone/call">');

    const welcome = await call({ number });
    for (const lang of ["en", "es", "zh", "vi"] as const)
      expect(welcome).toContain(escaped(CHOOSE_LANGUAGE[lang]({ program: "Aviso" })));
    expect(welcome).toContain('<button type="submit" name="digits" value="2">2</button>');
    const menu = await call({ ...keypadOf(welcome), digits: "2" });
    expect(menu).toContain(escaped(MAIN_MENU.es));
    const how = await call({ ...keypadOf(menu), digits: "2" });
    expect(how).toContain(escaped(TEXT_OR_CALL.es));
    const ask = await call({ ...keypadOf(how), digits: "1" });
    expect(ask).toContain(escaped(ASK_ZIP.es));
    expect(ask).toContain('<input id="digits" name="digits"');
    const consent = await call({ ...keypadOf(ask), digits: "94607" });
    const done = await call({ ...keypadOf(consent), digits: "1" });
    expect(done).toContain(escaped(SUBSCRIBED.es({ zip: "94607", textSent: true })));
    expect(done).toContain("Call ended.");
    expect(await subscriberState(runtime, number)).toMatchObject({
      status: "active",
      language: "es",
      zips: ["94607"],
    });

    const confirmation = escaped(subscribedReply("es", { program: "Aviso", zips: ["94607"] }));
    await expect
      .poll(
        async () =>
          (await (await app.request(`/dev/phone?number=${encodeURIComponent(number)}`)).text()).includes(
            confirmation,
          ),
        {
          timeout: 15_000,
        },
      )
      .toBe(true);
  });

  it("subscribes to alert calls by keypad, and the phone's page shows an alert call as text", async () => {
    const number = "+15105550154";
    const phonePage = async () =>
      (await app.request(`/dev/phone?number=${encodeURIComponent(number)}`)).text();
    const welcome = await call({ number });
    const menu = await call({ ...keypadOf(welcome), digits: "1" });
    const how = await call({ ...keypadOf(menu), digits: "2" });
    const ask = await call({ ...keypadOf(how), digits: "2" });
    const consent = await call({ ...keypadOf(ask), digits: "94607" });
    const done = await call({ ...keypadOf(consent), digits: "1" });
    expect(done).toContain(escaped(CALL_SUBSCRIBED.en({ zip: "94607" })));
    expect(await subscriberState(runtime, number, "voice")).toMatchObject({
      status: "active",
      zips: ["94607"],
    });
    expect(await phonePage()).not.toContain("Alert call");

    const alertId = await addAlert(runtime, { zips: ["94607"], languages: ["en"] });
    await publishAlert({ ctx: runtime, input: { alertId } });
    const rows = await settled(runtime, alertId);
    expect(rows.filter((row) => row.channel === "voice").map((row) => row.status)).toEqual(["sent"]);
    const page = await phonePage();
    expect(page).toContain("Alert call (spoken)");
    expect(page).toContain(escaped(TEXTS.en.headline));
    // The WhatsApp phone of the same number gets no calls.
    const whatsapp = await (
      await app.request(`/dev/phone?number=${encodeURIComponent(number)}&app=whatsapp`)
    ).text();
    expect(whatsapp).not.toContain("Alert call");
  });

  it("lets the caller press nothing, which the line asks about again", async () => {
    const welcome = await call({ number: "+15105550152" });
    const silence =
      /<input type="hidden" name="url" value="([^"]*)"><button type="submit">Press nothing/.exec(welcome);
    expect(silence).not.toBeNull();
    const again = await call({ ...keypadOf(welcome), url: unescaped(silence![1]!) });
    expect(again).toContain("Sorry, we did not get that.");
    expect(keypadOf(again).url).toContain("tries=1");
  });

  it("refuses real-looking numbers and URLs that are not the voice line's, and posts nothing", async () => {
    await call({ number: "+15105551234" }, 400);
    const welcome = await call({ number: "+15105550153" });
    await call({ ...keypadOf(welcome), url: "https://aviso.test/webhooks/twilio/sms", digits: "1" }, 400);
    await call({ ...keypadOf(welcome), call: "not-a-call", digits: "1" }, 400);
  });
});
