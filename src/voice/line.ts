/**
 * The voice line, one keypad step at a time. Twilio posts the caller's keys (Digits) to the
 * <Gather> action URL; everything the next step needs (language, what the ZIP is for, the ZIP,
 * which alert, how many tries) is in that URL's query, which the webhook signature covers. The
 * caller's number is never put in a URL: it comes in each request's signed From.
 *
 *   language menu (1 English, 2 Español, 3 中文, 4 Tiếng Việt, each said in its own language)
 *   → main menu: 1 hear a ZIP's current alerts (each read, newest first, then 1 repeat, 2 next),
 *                2 that ZIP's alerts on this phone: 1 by text, 2 by phone call (then the ZIP,
 *                  the disclosures, 1 to agree),
 *                3 stop all alerts to this phone, 4 the hotline (said, or dialled).
 *
 * A missing or invalid key is asked for again twice, then the call ends politely. Every <Gather>
 * is followed by a <Redirect> to its own action: when the caller presses nothing, Twilio goes on to
 * the redirect, which posts without Digits, and that counts as a miss like any other.
 */
import { z } from "zod";
import type { AppContext } from "../context.ts";
import { ApiError } from "../errors.ts";
import { formatDateTime } from "../i18n/catalog.ts";
import { LANGUAGES, type Language } from "../i18n/languages.ts";
import { alertLabel, pickText } from "../services/alerts/compose.ts";
import { asMessageAlert, listActiveAlerts } from "../services/public/public-alerts.ts";
import { normalizeUsPhone } from "../services/subscriptions/phone-number.ts";
import { stopByCall, subscribeByCall, subscribeCallsByCall } from "../services/voice/call-subscriptions.ts";
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
} from "./prompts.ts";
import { dial, gather, hangup, redirect, say, type Verb, voiceResponse } from "./twiml.ts";
import { LANGUAGE_KEYS, SPEECH } from "./voices.ts";

export const VOICE_WEBHOOK_PATH = "/webhooks/twilio/voice";
/** A miss is asked again this many times; the next one ends the call. */
export const MAX_RETRIES = 2;
/** Alerts read per ZIP at most (the list is newest first). */
const MAX_ALERTS = 20;
const KEY_TIMEOUT_S = 7;
const ZIP_TIMEOUT_S = 12;

/** The state a step's URL carries. Anything else in the query is refused (400). */
export const callState = z
  .object({
    step: z.enum(["language", "menu", "how", "zip", "alert", "consent"]).optional(),
    lang: z.enum(LANGUAGES).optional(),
    tries: z.coerce.number().int().min(0).max(MAX_RETRIES).default(0),
    /** What the ZIP is for: hearing its alerts, or alerts by text or by phone call (no `for` at consent: text). */
    for: z.enum(["hear", "text", "call"]).optional(),
    zip: z
      .string()
      .regex(/^\d{5}$/)
      .optional(),
    i: z.coerce.number().int().min(0).max(MAX_ALERTS).optional(),
  })
  .strict();
export type CallState = z.infer<typeof callState>;

/**
 * `callerVerified`: the carrier fully attested (SHAKEN/STIR A) that the caller may use `from`.
 * Caller ID is easy to forge, so only such a call may subscribe or stop the number: otherwise a
 * stranger could stop someone's alerts by calling "from" their phone.
 */
export type CallInput = {
  state: CallState;
  digits: string;
  from: string;
  callSid: string;
  callerVerified: boolean;
};
type LineContext = Pick<AppContext, "config" | "db" | "pii" | "clock" | "boss">;

export async function answerCall(ctx: LineContext, input: CallInput): Promise<string> {
  return voiceResponse(await step(ctx, input));
}

async function step(ctx: LineContext, input: CallInput): Promise<Verb[]> {
  const { state, digits } = input;
  const line = new Line(ctx.config.publicUrl, ctx.config.program.name);
  if (!state.step) return line.languageMenu(0);
  if (state.step === "language") {
    const chosen = LANGUAGE_KEYS[digits];
    if (chosen) return line.mainMenu(chosen, 0);
    return line.missed(undefined, state.tries, (tries) => line.languageMenu(tries));
  }
  const lang = state.lang;
  if (!lang) throw new ApiError("validation_failed", "A voice line step needs lang");
  switch (state.step) {
    case "menu":
      return mainMenuChoice(ctx, line, lang, input);
    case "zip":
      return zipEntered(ctx, line, lang, input);
    case "alert": {
      const { zip, i } = state;
      if (!zip || i === undefined) throw new ApiError("validation_failed", "An alert step needs zip and i");
      if (digits === "1") return readAlert(ctx, line, lang, zip, i);
      if (digits === "2") return readAlert(ctx, line, lang, zip, i + 1);
      return line.missed(lang, state.tries, (tries) => [line.alertOptions(lang, zip, i, tries, [])]);
    }
    case "how": {
      if (digits === "1") return line.askZip(lang, "text", 0);
      if (digits === "2") return line.askZip(lang, "call", 0);
      return line.missed(lang, state.tries, (tries) => line.textOrCall(lang, tries));
    }
    case "consent": {
      const zip = state.zip;
      if (!zip) throw new ApiError("validation_failed", "A consent step needs zip");
      const by = state.for === "call" ? "call" : "text";
      if (digits === "2") return line.mainMenu(lang, 0);
      if (digits !== "1")
        return line.missed(lang, state.tries, (tries) => line.consent(ctx, lang, zip, by, tries));
      if (!input.callerVerified) return line.mainMenu(lang, 0, [line.say(lang, UNVERIFIED_CALLER[lang])]);
      const subscribe = by === "call" ? subscribeCallsByCall : subscribeByCall;
      const done = await subscribe({
        ctx,
        input: { callSid: input.callSid, from: input.from, language: lang, zip },
      });
      if (done.kind === "no_number") return line.mainMenu(lang, 0, [line.say(lang, NO_CALLER_NUMBER[lang])]);
      if (done.kind === "unknown_zip")
        return line.mainMenu(lang, 0, [line.say(lang, UNKNOWN_ZIP[lang]({ zip }))]);
      if (done.kind === "too_many_zips")
        return line.mainMenu(lang, 0, [line.say(lang, TOO_MANY_CALL_ZIPS[lang])]);
      if (by === "call") return [line.say(lang, CALL_SUBSCRIBED[lang]({ zip })), ...line.goodbye(lang)];
      const textSent = done.kind === "subscribed" && done.textQueued;
      return [line.say(lang, SUBSCRIBED[lang]({ zip, textSent })), ...line.goodbye(lang)];
    }
  }
}

async function mainMenuChoice(
  ctx: LineContext,
  line: Line,
  lang: Language,
  input: CallInput,
): Promise<Verb[]> {
  const hasNumber = normalizeUsPhone(input.from) !== undefined;
  switch (input.digits) {
    case "1":
      return line.askZip(lang, "hear", 0);
    case "2":
      if (!hasNumber) return line.mainMenu(lang, 0, [line.say(lang, NO_CALLER_NUMBER[lang])]);
      return line.textOrCall(lang, 0);
    case "3": {
      if (!hasNumber) return line.mainMenu(lang, 0, [line.say(lang, NO_CALLER_NUMBER[lang])]);
      if (!input.callerVerified) return line.mainMenu(lang, 0, [line.say(lang, UNVERIFIED_CALLER[lang])]);
      const done = await stopByCall({
        ctx,
        input: { callSid: input.callSid, from: input.from, language: lang },
      });
      if (done.kind === "no_number") return line.mainMenu(lang, 0, [line.say(lang, NO_CALLER_NUMBER[lang])]);
      return [line.say(lang, STOPPED[lang]), ...line.goodbye(lang)];
    }
    case "4": {
      const { hotline, hotlineDial } = ctx.config.program;
      const dialled = hotlineDial ? normalizeUsPhone(hotline) : undefined;
      if (dialled) return [line.say(lang, CONNECTING[lang]), dial(dialled), ...line.goodbye(lang)];
      return line.mainMenu(lang, 0, [line.say(lang, HOTLINE[lang]({ number: hotline }))]);
    }
    default:
      return line.missed(lang, input.state.tries, (tries) => line.mainMenu(lang, tries));
  }
}

async function zipEntered(ctx: LineContext, line: Line, lang: Language, input: CallInput): Promise<Verb[]> {
  const purpose = input.state.for ?? "hear";
  const zip = input.digits;
  if (!/^\d{5}$/.test(zip))
    return line.missed(lang, input.state.tries, (tries) => line.askZip(lang, purpose, tries));
  if (purpose !== "hear") return line.consent(ctx, lang, zip, purpose, 0);
  return readAlert(ctx, line, lang, zip, 0);
}

/** Alert `i` of the ZIP's current alerts (as the public pages list them: live, not drills, newest first). */
async function readAlert(
  ctx: LineContext,
  line: Line,
  lang: Language,
  zip: string,
  i: number,
): Promise<Verb[]> {
  const alerts = await listActiveAlerts({ ctx, input: { zip, now: ctx.clock.now(), limit: MAX_ALERTS } });
  if (alerts.length === 0) return line.mainMenu(lang, 0, [line.say(lang, NO_ALERTS[lang]({ zip }))]);
  const alert = alerts[i];
  if (!alert) return line.mainMenu(lang, 0, [line.say(lang, NO_MORE_ALERTS[lang])]);
  // The alert in the caller's language if it has one, else English: spoken in its own language.
  const text = pickText(alert.texts, lang);
  const spoken = [
    alertLabel(asMessageAlert(alert), text.language),
    formatDateTime(alert.publishedAt, text.language, ctx.config.operators.timeZone),
    text.headline,
    text.body,
  ].map((part) => part.trim().replace(/[.。]$/, ""));
  const reading = [
    line.say(lang, ALERT_COUNT[lang]({ n: i + 1, total: alerts.length })),
    line.say(
      text.language,
      `${spoken.join(text.language === "zh" ? "。" : ". ")}${text.language === "zh" ? "。" : "."}`,
    ),
  ];
  return [line.alertOptions(lang, zip, i, 0, reading)];
}

/** Builds each step's TwiML; the URLs it writes are PUBLIC_URL's, as Twilio will sign them. */
class Line {
  private readonly publicUrl: string;
  private readonly program: string;

  constructor(publicUrl: string, program: string) {
    this.publicUrl = publicUrl;
    this.program = program;
  }

  url(state: Record<string, string | number>): string {
    const query = new URLSearchParams(Object.entries(state).map(([k, v]) => [k, String(v)]));
    return `${this.publicUrl}${VOICE_WEBHOOK_PATH}?${query}`;
  }

  say(lang: Language, text: string): Verb {
    return say(text, SPEECH[lang]);
  }

  /** A <Gather> and, for when nothing is pressed, the redirect to its own action. */
  ask(action: string, verbs: Verb[], options: { numDigits: number; timeoutSeconds: number }): Verb[] {
    return [gather({ action, ...options }, verbs), redirect(action)];
  }

  languageMenu(tries: number): Verb[] {
    const verbs = LANGUAGES.map((lang) => this.say(lang, CHOOSE_LANGUAGE[lang]({ program: this.program })));
    return this.ask(this.url({ step: "language", tries }), verbs, {
      numDigits: 1,
      timeoutSeconds: KEY_TIMEOUT_S,
    });
  }

  mainMenu(lang: Language, tries: number, before: Verb[] = []): Verb[] {
    return [
      ...before,
      ...this.ask(this.url({ step: "menu", lang, tries }), [this.say(lang, MAIN_MENU[lang])], {
        numDigits: 1,
        timeoutSeconds: KEY_TIMEOUT_S,
      }),
    ];
  }

  textOrCall(lang: Language, tries: number): Verb[] {
    return this.ask(this.url({ step: "how", lang, tries }), [this.say(lang, TEXT_OR_CALL[lang])], {
      numDigits: 1,
      timeoutSeconds: KEY_TIMEOUT_S,
    });
  }

  askZip(lang: Language, purpose: "hear" | "text" | "call", tries: number): Verb[] {
    return this.ask(this.url({ step: "zip", lang, for: purpose, tries }), [this.say(lang, ASK_ZIP[lang])], {
      numDigits: 5,
      timeoutSeconds: ZIP_TIMEOUT_S,
    });
  }

  alertOptions(lang: Language, zip: string, i: number, tries: number, before: Verb[]): Verb {
    // One verb: the reading and the options are inside the <Gather>, so a key can cut them short.
    const action = this.url({ step: "alert", lang, zip, i, tries });
    const [gathered, again] = this.ask(action, [...before, this.say(lang, ALERT_OPTIONS[lang])], {
      numDigits: 1,
      timeoutSeconds: KEY_TIMEOUT_S,
    });
    return { xml: gathered!.xml + again!.xml };
  }

  consent(ctx: LineContext, lang: Language, zip: string, by: "text" | "call", tries: number): Verb[] {
    if (by === "call") {
      const prompt = CALL_CONSENT[lang]({ program: this.program, zip });
      const action = this.url({ step: "consent", lang, zip, for: "call", tries });
      return this.ask(action, [this.say(lang, prompt)], { numDigits: 1, timeoutSeconds: KEY_TIMEOUT_S });
    }
    const frequency = (ctx.config.program.messageFrequency[lang] ?? SPOKEN_FREQUENCY[lang]).replace(
      /[.。]$/,
      "",
    );
    const prompt = TEXT_CONSENT[lang]({ program: this.program, zip, frequency });
    return this.ask(this.url({ step: "consent", lang, zip, tries }), [this.say(lang, prompt)], {
      numDigits: 1,
      timeoutSeconds: KEY_TIMEOUT_S,
    });
  }

  /** A miss: asked again (MAX_RETRIES times), then goodbye. No language yet: said in all four. */
  missed(lang: Language | undefined, tries: number, again: (tries: number) => Verb[]): Verb[] {
    const langs = lang ? [lang] : LANGUAGES;
    const sorry = langs.map((l) => this.say(l, NOT_UNDERSTOOD[l]));
    if (tries >= MAX_RETRIES) return [...sorry, ...langs.map((l) => this.say(l, GOODBYE[l])), hangup()];
    return [...sorry, ...again(tries + 1)];
  }

  goodbye(lang: Language): Verb[] {
    return [this.say(lang, GOODBYE[lang]), hangup()];
  }
}
