// The voice line end to end: every call goes through POST /webhooks/twilio/voice and the <Gather>
// and <Redirect> URLs its answers give, each request signed with the twilio package's own signature
// function over PUBLIC_URL + path + query. Every menu path, in English, Spanish, Chinese and
// Vietnamese: the current alerts of a ZIP, alerts by text (consent, the same SMS subscription as a
// texted ZIP, a confirmation text), alerts by phone call (the number's voice subscription; that an
// alert then calls it is in voice-calls.test.ts), stop (texts and calls), the hotline, and asking
// again on a miss.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listOutbox } from "../../src/delivery/local-outbox.ts";
import type { Language } from "../../src/i18n/languages.ts";
import { LABELS } from "../../src/services/alerts/compose.ts";
import { stoppedReply, subscribedReply } from "../../src/sms/replies.ts";
import {
  ALERT_COUNT,
  ALERT_OPTIONS,
  ASK_ZIP,
  CALL_CONSENT,
  CALL_SUBSCRIBED,
  CHOOSE_LANGUAGE,
  CONNECTING,
  GOODBYE,
  HOTLINE,
  MAIN_MENU,
  NO_ALERTS,
  NO_CALLER_NUMBER,
  NO_MORE_ALERTS,
  NOT_UNDERSTOOD,
  SPOKEN_FREQUENCY,
  STOPPED,
  SUBSCRIBED,
  TEXT_CONSENT,
  TEXT_OR_CALL,
  TOO_MANY_CALL_ZIPS,
  UNKNOWN_ZIP,
  UNVERIFIED_CALLER,
} from "../../src/voice/prompts.ts";
import { SPEECH } from "../../src/voice/voices.ts";
import { runHousekeeping } from "../../workers/housekeeping.ts";
import { type RunningWorkers, startWorkers } from "../../workers/index.ts";
import { TEXTS } from "../support/fanout.ts";
import { appFor } from "../support/operators.ts";
import { addressForms, dumpEverything } from "../support/privacy.ts";
import { createTestRuntime, type TestRuntime } from "../support/runtime.ts";
import { countRows, subscriberState } from "../support/subscribers.ts";
import { type Answer, caller, callParams, signedVoiceRequest, VOICE_PATH } from "../support/voice-webhook.ts";
import { publishAlert, publishers } from "../support/web.ts";

const program = "Oakland Rapid Response";
const hotline = "(510) 555-0111";
const LANGS: Language[] = ["en", "es", "zh", "vi"];
const KEY: Record<Language, string> = { en: "1", es: "2", zh: "3", vi: "4" };
const NEWEST = "Second sighting at the library";
/** Every number this file calls from; none may be left in clear anywhere. */
const used = new Set<string>();
let runtime: TestRuntime;
let app: ReturnType<typeof appFor>;
let workers: RunningWorkers;
let next = 120;

function newCaller(application = app) {
  const number = `+1510555${String(next++).padStart(4, "0")}`;
  used.add(number);
  return caller(application, runtime, number);
}

const texts = (answer: Answer) => answer.said.map((s) => s.text);
/** Everything said, checking it is said in `lang`'s voice. */
function saidIn(answer: Answer, lang: Language): string[] {
  expect(answer.status, answer.xml).toBe(200);
  for (const s of answer.said) expect({ language: s.language, voice: s.voice }).toEqual(SPEECH[lang]);
  return texts(answer);
}

async function inLanguage(lang: Language, application = app) {
  const phone = newCaller(application);
  await phone.dialIn();
  expect(saidIn(await phone.press(KEY[lang]), lang)).toEqual([MAIN_MENU[lang]]);
  return phone;
}

async function textsTo(number: string) {
  return (await listOutbox(runtime.db, runtime.pii, { channel: "sms", recipient: number })).map(
    (m) => m.body,
  );
}

beforeAll(async () => {
  runtime = await createTestRuntime({
    env: { PROGRAM_NAME: program, PROGRAM_HOTLINE: hotline, SERVICE_AREA: "94601,94606,94607,94612" },
  });
  app = appFor(runtime);
  const p = await publishers(runtime, app);
  await publishAlert(p, { zips: ["94607"] });
  await publishAlert(p, { zips: ["94607"], drill: true, headline: "Drill at the library" });
  await publishAlert(p, { zips: ["94607", "94612"], headline: NEWEST });
  workers = await startWorkers(runtime);
}, 60_000);
afterAll(async () => {
  await workers?.stop();
  await runtime?.close();
});

describe("the language menu", () => {
  it("answers with each language's line in its own voice, keys only, and a redirect for silence", async () => {
    const phone = newCaller();
    const answer = await phone.dialIn();
    expect(answer.status).toBe(200);
    expect(answer.said).toEqual(
      LANGS.map((lang) => ({ ...SPEECH[lang], text: CHOOSE_LANGUAGE[lang]({ program }) })),
    );
    expect(answer.gather).toEqual({
      action: `https://aviso.test${VOICE_PATH}?step=language&tries=0`,
      numDigits: 1,
    });
    expect(answer.redirect).toBe(answer.gather!.action);
    expect(answer.xml).toContain('input="dtmf"');
    expect(answer.xml).not.toMatch(/<Record|transcribe|<Stream/i);
  });

  it("asks again twice after a wrong key or silence, then says goodbye in all four languages", async () => {
    const phone = newCaller();
    await phone.dialIn();
    const first = await phone.press("9");
    expect(texts(first).slice(0, 4)).toEqual(LANGS.map((lang) => NOT_UNDERSTOOD[lang]));
    expect(first.gather!.action).toContain("tries=1");
    const second = await phone.silence();
    expect(second.gather!.action).toContain("tries=2");
    const last = await phone.press("*");
    expect(texts(last)).toEqual([...LANGS.map((l) => NOT_UNDERSTOOD[l]), ...LANGS.map((l) => GOODBYE[l])]);
    expect(last.hangup).toBe(true);
    expect(last.gather).toBeUndefined();
  });
});

describe.each(LANGS)("the main menu in %s", (lang) => {
  it("1: reads the ZIP's current alerts newest first (no drills), repeats on 1, moves on with 2", async () => {
    const phone = await inLanguage(lang);
    const ask = await phone.press("1");
    expect(saidIn(ask, lang)).toEqual([ASK_ZIP[lang]]);
    expect(ask.gather!.numDigits).toBe(5);
    const first = await phone.press("94607");
    const [count, reading, options] = saidIn(first, lang);
    expect(count).toBe(ALERT_COUNT[lang]({ n: 1, total: 2 }));
    expect(reading!.startsWith(LABELS.advisory[lang])).toBe(true);
    expect(reading).toContain(lang === "en" ? NEWEST : TEXTS[lang].headline);
    expect(reading).toContain(TEXTS[lang].body.split("\n")[0]);
    expect(options).toBe(ALERT_OPTIONS[lang]);
    expect(first.xml).not.toContain("Drill at the library");

    expect(texts(await phone.press("1"))).toEqual(texts(first));
    const second = await phone.press("2");
    expect(texts(second)[0]).toBe(ALERT_COUNT[lang]({ n: 2, total: 2 }));
    expect(texts(second)[1]).toContain(TEXTS[lang].headline);
    const end = await phone.press("2");
    expect(saidIn(end, lang)).toEqual([NO_MORE_ALERTS[lang], MAIN_MENU[lang]]);
    expect(end.gather!.action).toContain("step=menu");
  });

  it("1: a ZIP with no current alerts says so; a short ZIP is asked for again", async () => {
    const phone = await inLanguage(lang);
    await phone.press("1");
    const short = await phone.press("946");
    expect(saidIn(short, lang)).toEqual([NOT_UNDERSTOOD[lang], ASK_ZIP[lang]]);
    expect(saidIn(await phone.press("94601"), lang)).toEqual([
      NO_ALERTS[lang]({ zip: "94601" }),
      MAIN_MENU[lang],
    ]);
  });

  it("1: after an alert, silence asks for 1 or 2 again twice, then the call ends", async () => {
    const phone = await inLanguage(lang);
    await phone.press("1");
    await phone.press("94612");
    expect(saidIn(await phone.silence(), lang)).toEqual([NOT_UNDERSTOOD[lang], ALERT_OPTIONS[lang]]);
    expect(saidIn(await phone.press("7"), lang)).toEqual([NOT_UNDERSTOOD[lang], ALERT_OPTIONS[lang]]);
    const last = await phone.silence();
    expect(saidIn(last, lang)).toEqual([NOT_UNDERSTOOD[lang], GOODBYE[lang]]);
    expect(last.hangup).toBe(true);
  });

  it("2: reads the disclosures, and on 1 subscribes the number by text like a texted ZIP, with a confirmation text", async () => {
    const phone = await inLanguage(lang);
    const before = await countRows(runtime, "consent_events");
    expect(saidIn(await phone.press("2"), lang)).toEqual([TEXT_OR_CALL[lang]]);
    expect(saidIn(await phone.press("1"), lang)).toEqual([ASK_ZIP[lang]]);
    const consent = await phone.press("94607");
    expect(saidIn(consent, lang)).toEqual([
      TEXT_CONSENT[lang]({ program, zip: "94607", frequency: SPOKEN_FREQUENCY[lang] }),
    ]);
    expect(await subscriberState(runtime, phone.number)).toBeUndefined(); // nothing before the 1
    const done = await phone.press("1");
    expect(saidIn(done, lang)).toEqual([SUBSCRIBED[lang]({ zip: "94607", textSent: true }), GOODBYE[lang]]);
    expect(done.hangup).toBe(true);
    expect(await subscriberState(runtime, phone.number)).toMatchObject({
      status: "active",
      language: lang,
      zips: ["94607"],
    });
    expect(await countRows(runtime, "consent_events")).toBe(before + 1);
    const event = await runtime.db
      .selectFrom("consent_events")
      .selectAll()
      .orderBy("at", "desc")
      .executeTakeFirstOrThrow();
    expect(event).toMatchObject({
      kind: "opt_in",
      channel: "sms",
      keyword: "voice_subscribe",
      language: lang,
    });
    const confirmation = subscribedReply(lang, { program, zips: ["94607"] });
    await expect.poll(() => textsTo(phone.number), { timeout: 15_000 }).toEqual([confirmation]);

    // Twilio retrying the same step changes nothing and sends nothing more.
    const again = await app.fetch(
      signedVoiceRequest(
        runtime,
        done.gather?.action ?? consent.gather!.action,
        callParams(phone.number, phone.callSid, "1"),
      ),
    );
    expect(again.status).toBe(200);
    expect(await countRows(runtime, "consent_events")).toBe(before + 1);
  });

  it("2: a ZIP outside the area subscribes nothing and goes back to the menu; 2 at the disclosures goes back too", async () => {
    const phone = await inLanguage(lang);
    await phone.press("2");
    await phone.press("1");
    await phone.press("90210");
    expect(saidIn(await phone.press("1"), lang)).toEqual([
      UNKNOWN_ZIP[lang]({ zip: "90210" }),
      MAIN_MENU[lang],
    ]);
    await phone.press("2");
    await phone.press("1");
    await phone.press("94607");
    expect(saidIn(await phone.press("2"), lang)).toEqual([MAIN_MENU[lang]]);
    expect(await subscriberState(runtime, phone.number)).toBeUndefined();
  });

  it("3: stops every alert to the number, as STOP by text does, with STOP's confirmation text", async () => {
    const phone = await inLanguage(lang);
    await phone.press("2");
    await phone.press("1");
    await phone.press("94612");
    await phone.press("1");
    await expect.poll(async () => (await textsTo(phone.number)).length, { timeout: 15_000 }).toBe(1);

    const again = await inLanguageFrom(phone.number, lang);
    const stopped = await again.press("3");
    expect(saidIn(stopped, lang)).toEqual([STOPPED[lang], GOODBYE[lang]]);
    expect(stopped.hangup).toBe(true);
    expect(await subscriberState(runtime, phone.number)).toMatchObject({
      status: "stopped",
      zips: ["94612"],
    });
    const event = await runtime.db
      .selectFrom("consent_events")
      .selectAll()
      .orderBy("at", "desc")
      .executeTakeFirstOrThrow();
    expect(event).toMatchObject({ kind: "opt_out", channel: "sms", keyword: "voice_stop", language: lang });
    await expect
      .poll(async () => (await textsTo(phone.number))[0], { timeout: 15_000 })
      .toBe(stoppedReply(lang, { program }));
  });

  it("2, 2: reads the call disclosures, and on 1 subscribes the number to alert calls for the ZIP, said aloud, no text", async () => {
    const phone = await inLanguage(lang);
    const before = await countRows(runtime, "consent_events");
    expect(saidIn(await phone.press("2"), lang)).toEqual([TEXT_OR_CALL[lang]]);
    expect(saidIn(await phone.press("2"), lang)).toEqual([ASK_ZIP[lang]]);
    const consent = await phone.press("94607");
    expect(saidIn(consent, lang)).toEqual([CALL_CONSENT[lang]({ program, zip: "94607" })]);
    expect(consent.gather!.action).toContain("for=call");
    expect(await subscriberState(runtime, phone.number, "voice")).toBeUndefined(); // nothing before the 1
    const done = await phone.press("1");
    expect(saidIn(done, lang)).toEqual([CALL_SUBSCRIBED[lang]({ zip: "94607" }), GOODBYE[lang]]);
    expect(done.hangup).toBe(true);
    expect(await subscriberState(runtime, phone.number, "voice")).toMatchObject({
      status: "active",
      language: lang,
      zips: ["94607"],
    });
    // Calls only: the number's texts are a subscription of their own, untouched.
    expect(await subscriberState(runtime, phone.number, "sms")).toBeUndefined();
    expect(await countRows(runtime, "consent_events")).toBe(before + 1);
    const event = await runtime.db
      .selectFrom("consent_events")
      .selectAll()
      .orderBy("at", "desc")
      .executeTakeFirstOrThrow();
    expect(event).toMatchObject({
      kind: "opt_in",
      channel: "voice",
      keyword: "voice_subscribe",
      language: lang,
    });

    // Twilio retrying the same step changes nothing.
    const again = await app.fetch(
      signedVoiceRequest(runtime, consent.gather!.action, callParams(phone.number, phone.callSid, "1")),
    );
    expect(again.status).toBe(200);
    expect(await countRows(runtime, "consent_events")).toBe(before + 1);

    // A second call adds a ZIP to the same voice subscription.
    const second = await inLanguageFrom(phone.number, lang);
    await second.press("2");
    await second.press("2");
    await second.press("94612");
    expect(saidIn(await second.press("1"), lang)).toEqual([
      CALL_SUBSCRIBED[lang]({ zip: "94612" }),
      GOODBYE[lang],
    ]);
    expect(await subscriberState(runtime, phone.number, "voice")).toMatchObject({
      status: "active",
      zips: ["94607", "94612"],
    });
    expect(await textsTo(phone.number)).toEqual([]);
  });

  it("2, 2: a ZIP outside the area subscribes nothing; a wrong key at text-or-call is asked again", async () => {
    const phone = await inLanguage(lang);
    await phone.press("2");
    expect(saidIn(await phone.press("7"), lang)).toEqual([NOT_UNDERSTOOD[lang], TEXT_OR_CALL[lang]]);
    await phone.press("2");
    await phone.press("90210");
    expect(saidIn(await phone.press("1"), lang)).toEqual([
      UNKNOWN_ZIP[lang]({ zip: "90210" }),
      MAIN_MENU[lang],
    ]);
    expect(await subscriberState(runtime, phone.number, "voice")).toBeUndefined();
  });

  it("3: stops the number's alert calls too, recorded as a voice opt-out", async () => {
    const phone = await inLanguage(lang);
    await phone.press("2");
    await phone.press("2");
    await phone.press("94607");
    await phone.press("1");
    const again = await inLanguageFrom(phone.number, lang);
    expect(saidIn(await again.press("3"), lang)).toEqual([STOPPED[lang], GOODBYE[lang]]);
    expect(await subscriberState(runtime, phone.number, "voice")).toMatchObject({ status: "stopped" });
    const event = await runtime.db
      .selectFrom("consent_events")
      .selectAll()
      .where("channel", "=", "voice")
      .orderBy("at", "desc")
      .executeTakeFirstOrThrow();
    expect(event).toMatchObject({ kind: "opt_out", keyword: "voice_stop", language: lang });

    // Calling in again for calls opts back in with exactly that ZIP.
    const back = await inLanguageFrom(phone.number, lang);
    await back.press("2");
    await back.press("2");
    await back.press("94612");
    await back.press("1");
    expect(await subscriberState(runtime, phone.number, "voice")).toMatchObject({
      status: "active",
      zips: ["94612"],
    });
  });

  it("3: a number we do not know is told it is stopped, and nothing is stored about it", async () => {
    const phone = await inLanguage(lang);
    const subscribers = await countRows(runtime, "subscribers");
    expect(saidIn(await phone.press("3"), lang)).toEqual([STOPPED[lang], GOODBYE[lang]]);
    expect(await countRows(runtime, "subscribers")).toBe(subscribers);
  });

  it("4: says the hotline number digit by digit, then the menu again", async () => {
    const phone = await inLanguage(lang);
    const answer = await phone.press("4");
    expect(saidIn(answer, lang)).toEqual([HOTLINE[lang]({ number: hotline }), MAIN_MENU[lang]]);
    expect(texts(answer)[0]).toContain("5 1 0, 5 5 5, 0 1 1 1");
    expect(answer.dial).toBeUndefined();
  });

  it("4: with PROGRAM_HOTLINE_DIAL, connects the caller to the hotline", async () => {
    const program_ = runtime.config.program;
    const dialling = appFor({
      ...runtime,
      config: { ...runtime.config, program: { ...program_, hotlineDial: true } },
    });
    const phone = await inLanguage(lang, dialling);
    const answer = await phone.press("4");
    expect(saidIn(answer, lang)).toEqual([CONNECTING[lang], GOODBYE[lang]]);
    expect(answer.dial).toBe("+15105550111");
  });

  it("a wrong key is asked for again twice, then the call ends politely", async () => {
    const phone = await inLanguage(lang);
    const first = await phone.press("8");
    expect(saidIn(first, lang)).toEqual([NOT_UNDERSTOOD[lang], MAIN_MENU[lang]]);
    expect(saidIn(await phone.silence(), lang)).toEqual([NOT_UNDERSTOOD[lang], MAIN_MENU[lang]]);
    const last = await phone.press("0");
    expect(saidIn(last, lang)).toEqual([NOT_UNDERSTOOD[lang], GOODBYE[lang]]);
    expect(last.hangup).toBe(true);
  });

  it("a forged caller ID (no full SHAKEN/STIR attestation) can neither stop nor subscribe the number", async () => {
    // The resident's own phone subscribes, verified by its carrier.
    const own = await inLanguage(lang);
    await own.press("2");
    await own.press("1");
    await own.press("94607");
    await own.press("1");
    const subscribed = await subscriberState(runtime, own.number);
    expect(subscribed).toMatchObject({ status: "active", zips: ["94607"] });
    const rows = await countRows(runtime, "inbound_messages");
    const consents = await countRows(runtime, "consent_events");
    for (const verstat of ["", "TN-Validation-Passed-C", "TN-Validation-Failed-A", "No-TN-Validation"]) {
      const forged = caller(app, runtime, own.number, verstat);
      await forged.dialIn();
      await forged.press(KEY[lang]);
      expect(saidIn(await forged.press("3"), lang), verstat).toEqual([
        UNVERIFIED_CALLER[lang],
        MAIN_MENU[lang],
      ]);
      await forged.press("2");
      await forged.press("2");
      await forged.press("94601");
      expect(saidIn(await forged.press("1"), lang), verstat).toEqual([
        UNVERIFIED_CALLER[lang],
        MAIN_MENU[lang],
      ]);
    }
    expect(await subscriberState(runtime, own.number)).toEqual(subscribed);
    expect(await countRows(runtime, "inbound_messages")).toBe(rows);
    expect(await countRows(runtime, "consent_events")).toBe(consents);
  });

  it("2 and 3 from a hidden number change nothing and say why", async () => {
    const hidden = caller(app, runtime, "anonymous");
    await hidden.dialIn();
    await hidden.press(KEY[lang]);
    const rows = await countRows(runtime, "inbound_messages");
    expect(saidIn(await hidden.press("2"), lang)).toEqual([NO_CALLER_NUMBER[lang], MAIN_MENU[lang]]);
    expect(saidIn(await hidden.press("3"), lang)).toEqual([NO_CALLER_NUMBER[lang], MAIN_MENU[lang]]);
    expect(await countRows(runtime, "inbound_messages")).toBe(rows);
  });
});

/** A second call from the same number, in `lang`. */
async function inLanguageFrom(number: string, lang: Language) {
  const phone = caller(app, runtime, number);
  await phone.dialIn();
  await phone.press(KEY[lang]);
  return phone;
}

describe("limits and retention", () => {
  it("a phone already called for as many ZIPs as allowed is told so, and nothing changes", async () => {
    const limited = appFor({
      ...runtime,
      config: { ...runtime.config, inboundSms: { ...runtime.config.inboundSms, maxZipsPerSubscriber: 1 } },
    });
    const phone = newCaller(limited);
    await phone.dialIn();
    await phone.press(KEY.vi);
    await phone.press("2");
    await phone.press("2");
    await phone.press("94607");
    await phone.press("1");
    const again = caller(limited, runtime, phone.number);
    await again.dialIn();
    await again.press(KEY.vi);
    await again.press("2");
    await again.press("2");
    await again.press("94612");
    expect(saidIn(await again.press("1"), "vi")).toEqual([TOO_MANY_CALL_ZIPS.vi, MAIN_MENU.vi]);
    expect(await subscriberState(runtime, phone.number, "voice")).toMatchObject({ zips: ["94607"] });
  });

  it("sends the confirmation text only within the number's SMS reply limit, and says so", async () => {
    const limited = appFor({
      ...runtime,
      config: {
        ...runtime.config,
        inboundSms: { ...runtime.config.inboundSms, perNumber: { limit: 1, windowSeconds: 600 } },
      },
    });
    const phone = await inLanguage("en", limited);
    await phone.press("2");
    await phone.press("1");
    await phone.press("94607");
    expect(texts(await phone.press("1"))[0]).toBe(SUBSCRIBED.en({ zip: "94607", textSent: true }));
    const again = caller(limited, runtime, phone.number);
    await again.dialIn();
    await again.press("1");
    await again.press("2");
    await again.press("1");
    await again.press("94612");
    // Subscribed all the same, but over the limit: no second text, and the line does not promise one.
    expect(texts(await again.press("1"))[0]).toBe(SUBSCRIBED.en({ zip: "94612", textSent: false }));
    expect(await subscriberState(runtime, phone.number)).toMatchObject({ zips: ["94607", "94612"] });
    await expect.poll(async () => (await textsTo(phone.number)).length, { timeout: 15_000 }).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(await textsTo(phone.number)).toHaveLength(1);
  });

  it("erases the call's records with the inbound texts (INBOUND_MESSAGE_RETENTION_DAYS)", async () => {
    const phone = await inLanguage("es");
    await phone.press("2");
    await phone.press("1");
    await phone.press("94601");
    await phone.press("1");
    const byCall = await inLanguageFrom(phone.number, "es");
    await byCall.press("2");
    await byCall.press("2");
    await byCall.press("94601");
    await byCall.press("1");
    const claims = () =>
      runtime.db
        .selectFrom("inbound_messages")
        .select("message_sid")
        .where((eb) =>
          eb.or([
            eb("message_sid", "like", `${phone.callSid}-%`),
            eb("message_sid", "like", `${byCall.callSid}-%`),
          ]),
        )
        .orderBy("message_sid")
        .execute();
    expect((await claims()).map((c) => c.message_sid).sort()).toEqual(
      [`${phone.callSid}-text-94601`, `${byCall.callSid}-call-94601`].sort(),
    );
    const later = { ...runtime, clock: { now: () => new Date(Date.now() + 8 * 86_400_000) } };
    await runHousekeeping(later, { task: "purge-text-a-zip" });
    expect(await claims()).toEqual([]);
    expect(await subscriberState(runtime, phone.number)).toMatchObject({ status: "active", zips: ["94601"] });
  });
});

describe("the webhook", () => {
  it("refuses a missing signature, or one over another step's URL, and changes nothing", async () => {
    const number = `+1510555${String(next++).padStart(4, "0")}`;
    used.add(number);
    const before = await countRows(runtime, "inbound_messages");
    const stopUrl = `https://aviso.test${VOICE_PATH}?step=menu&lang=en&tries=0`;
    const params = callParams(number, "CA0123456789abcdef0123456789abcdef", "3");
    const unsigned = await app.fetch(signedVoiceRequest(runtime, stopUrl, params, { signature: null }));
    expect(unsigned.status).toBe(403);
    // Signed for the language step, sent to the menu step: the query is part of what is signed.
    const signedElsewhere = signedVoiceRequest(
      runtime,
      `https://aviso.test${VOICE_PATH}?step=language&tries=0`,
      params,
    );
    const moved = new Request(
      signedElsewhere.url.replace("step=language&tries=0", "step=menu&lang=en&tries=0"),
      {
        method: "POST",
        headers: signedElsewhere.headers,
        body: new URLSearchParams(params).toString(),
      },
    );
    expect((await app.fetch(moved)).status).toBe(403);
    expect(await countRows(runtime, "inbound_messages")).toBe(before);
  });

  it("refuses a step the line never gives (400)", async () => {
    const url = `https://aviso.test${VOICE_PATH}?step=menu&tries=0`;
    const res = await app.fetch(signedVoiceRequest(runtime, url, callParams("+15105550199", "CAfeed", "1")));
    expect(res.status).toBe(400);
    const extra = `https://aviso.test${VOICE_PATH}?step=language&tries=0&from=%2B15105550199`;
    expect(
      (await app.fetch(signedVoiceRequest(runtime, extra, callParams("+15105550199", "CAfeed")))).status,
    ).toBe(400);
  });

  it("keeps no caller's number in clear anywhere, nor in the logs or the step URLs", async () => {
    const dump = await dumpEverything(runtime);
    for (const number of used) {
      for (const form of addressForms(number)) {
        expect(dump).not.toContain(form);
        expect(runtime.logs.text).not.toContain(form);
      }
    }
  });
});
