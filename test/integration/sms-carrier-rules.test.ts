// What carriers require of each SMS reply, in every language, through the signed webhook.
//
// The rules are CTIA's (Messaging Principles and Best Practices; the Short Code Monitoring
// Handbook that carriers' audits follow):
// - every reply opens with the program's name;
// - the opt-in confirmations (a first ZIP, START after STOP) say how often messages come, that
//   message and data rates may apply, how to get help (HELP) and how to leave (STOP);
// - HELP gives the support contact (our hotline), the frequency, the rates and STOP;
// - the opt-out confirmation says that no more messages will be sent.
// The table below lists, per reply, what it must carry and how many SMS segments it may take.
//
// Segment limits (GSM-7: 160 characters in one segment, 153 per part; UCS-2, which Chinese and
// Vietnamese always need: 70, then 67), with this file's 22-character program name and 14-character
// hotline: English and Spanish take one segment, two for the replies that carry the carriers'
// wording (opt-ins and HELP); Chinese takes at most two; Vietnamese, whose letters are all UCS-2 and
// whose words are long, at most three. test/unit/sms-replies.test.ts pins each reply's exact count.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../../src/app.ts";
import type { Language } from "../../src/i18n/languages.ts";
import { countSegments } from "../../src/sms/segments.ts";
import { createTestRuntime, type TestRuntime } from "../support/runtime.ts";
import { phone } from "../support/sms-webhook.ts";

const program = "Oakland Rapid Response";
const hotline = "(510) 555-0100";
const LANGS = ["en", "es", "zh", "vi"] as const;

type Element = "frequency" | "rates" | "help" | "stop" | "hotline" | "noMore";

/** How each element reads in each language; a reply must contain every phrase listed. */
const PHRASES: Record<Element, Record<Language, string[]>> = {
  frequency: {
    en: ["Msg frequency varies"],
    es: ["Frecuencia variable"],
    zh: ["信息频率不定"],
    vi: ["Số tin thay đổi"],
  },
  rates: {
    en: ["Msg & data rates may apply"],
    es: ["Pueden aplicarse tarifas de mensajes y datos"],
    zh: ["可能产生短信和数据费用"],
    vi: ["Có thể tính cước tin nhắn và dữ liệu"],
  },
  // The English keywords work in every language, and carriers look for them; Spanish also gets its own.
  help: { en: ["HELP"], es: ["AYUDA", "HELP"], zh: ["HELP"], vi: ["HELP"] },
  stop: { en: ["STOP"], es: ["ALTO", "STOP"], zh: ["STOP"], vi: ["STOP"] },
  hotline: { en: [hotline], es: [hotline], zh: [hotline], vi: [hotline] },
  noMore: {
    en: ["will get no more messages"],
    es: ["no le enviaremos otros mensajes"],
    zh: ["不会再收到任何信息"],
    vi: ["không nhận thêm tin nhắn"],
  },
};

/** What a resident texts, in each language's own words. */
const WORDS: Record<
  Language,
  Record<"subscribe" | "ten" | "stop" | "start" | "help" | "list" | "language" | "chatter", string> & {
    verb: Record<"add" | "remove", string>;
  }
> = {
  en: {
    subscribe: "94607",
    ten: "94601 94602 94603 94604 94605 94606 94607 94608 94609 94610",
    stop: "STOP",
    start: "START",
    help: "HELP",
    list: "LIST",
    language: "ENGLISH",
    chatter: "what is this",
    verb: { add: "ADD", remove: "REMOVE" },
  },
  es: {
    subscribe: "hola 94607",
    ten: "hola 94601 94602 94603 94604 94605 94606 94607 94608 94609 94610",
    stop: "ALTO",
    start: "INICIO",
    help: "AYUDA",
    list: "LISTA",
    language: "ESPAÑOL",
    chatter: "hola que tal",
    verb: { add: "AGREGAR", remove: "QUITAR" },
  },
  zh: {
    subscribe: "邮编 94607",
    ten: "邮编 94601 94602 94603 94604 94605 94606 94607 94608 94609 94610",
    stop: "退订",
    start: "开始",
    help: "帮助",
    list: "列表",
    language: "中文",
    chatter: "你好吗",
    verb: { add: "添加", remove: "删除" },
  },
  vi: {
    subscribe: "ĐĂNG KÝ 94607",
    ten: "ĐĂNG KÝ 94601 94602 94603 94604 94605 94606 94607 94608 94609 94610",
    stop: "DỪNG",
    start: "BẮT ĐẦU",
    help: "TRỢ GIÚP",
    list: "DANH SÁCH",
    language: "TIẾNG VIỆT",
    chatter: "xin chào bạn",
    verb: { add: "THÊM", remove: "XÓA" },
  },
};

type Rule = {
  /** What is texted first, from a fresh number (replies not checked here). */
  before?: (lang: Language) => string[];
  /** The message whose reply is checked. */
  send: (lang: Language) => string;
  /** A number outside the US, for the refusal (one per language: a number is refused once). */
  from?: (lang: Language) => string;
  /** What the reply must carry beyond opening with the program's name. */
  carries: Element[];
  /** Most SMS segments the reply may take: en, es, zh, vi. */
  segments: [number, number, number, number];
};

const OPT_IN: Element[] = ["frequency", "rates", "help", "stop"];
const CARRIERS_WORDING: Rule["segments"] = [2, 2, 2, 3];
const EVERYDAY: Rule["segments"] = [1, 1, 2, 3];
const w = (lang: Language) => WORDS[lang];

const RULES: Record<string, Rule> = {
  "opt-in (a first ZIP)": { send: (l) => w(l).subscribe, carries: OPT_IN, segments: CARRIERS_WORDING },
  "opt-in again (START after STOP)": {
    before: (l) => [w(l).subscribe, w(l).stop],
    send: (l) => w(l).start,
    carries: OPT_IN,
    segments: CARRIERS_WORDING,
  },
  HELP: {
    send: (l) => w(l).help,
    carries: ["hotline", "frequency", "rates", "stop"],
    segments: CARRIERS_WORDING,
  },
  "opt-out (STOP)": {
    before: (l) => [w(l).subscribe],
    send: (l) => w(l).stop,
    carries: ["noMore"],
    segments: EVERYDAY,
  },
  "STOP from a number never subscribed": { send: (l) => w(l).stop, carries: ["noMore"], segments: EVERYDAY },
  LIST: { before: (l) => [w(l).subscribe], send: (l) => w(l).list, carries: [], segments: EVERYDAY },
  "language change": { before: () => ["94607"], send: (l) => w(l).language, carries: [], segments: EVERYDAY },
  "ZIP added": {
    before: (l) => [w(l).subscribe],
    send: (l) => `${w(l).verb.add} 94606`,
    carries: [],
    segments: EVERYDAY,
  },
  "ZIP removed": {
    before: (l) => [w(l).subscribe],
    send: (l) => `${w(l).verb.remove} 94607`,
    carries: [],
    segments: EVERYDAY,
  },
  "ZIP not followed": {
    before: (l) => [w(l).subscribe],
    send: (l) => `${w(l).verb.remove} 94605`,
    carries: [],
    segments: EVERYDAY,
  },
  "ZIP unknown": { send: (l) => w(l).subscribe.replace("94607", "00000"), carries: [], segments: EVERYDAY },
  "too many ZIPs": {
    before: (l) => [w(l).ten],
    send: (l) => `${w(l).verb.add} 94611`,
    carries: [],
    segments: EVERYDAY,
  },
  "START with nothing to start": { send: (l) => w(l).start, carries: [], segments: EVERYDAY },
  "not understood": { send: (l) => w(l).chatter, carries: [], segments: EVERYDAY },
  "email address texted": {
    before: (l) => [w(l).subscribe],
    send: (l) => `resident.${l}@example.org`,
    carries: [],
    segments: EVERYDAY,
  },
  "not an email address": {
    before: (l) => [w(l).subscribe],
    send: () => "resident@example",
    carries: [],
    segments: EVERYDAY,
  },
  "a number outside the US": {
    from: (l) => `+4420712345${LANGS.indexOf(l)}0`,
    send: (l) => w(l).subscribe,
    carries: [],
    segments: EVERYDAY,
  },
};

let runtime: TestRuntime;
let app: ReturnType<typeof createApp>;
let next = 300;

beforeAll(async () => {
  runtime = await createTestRuntime({
    env: { PROGRAM_NAME: program, PROGRAM_HOTLINE: hotline, SMS_REPLY_LIMIT_PER_NUMBER: "100" },
  });
  app = createApp(runtime);
});
afterAll(() => runtime.close());

const cases = Object.entries(RULES).flatMap(([reply, rule]) =>
  LANGS.map((lang, i) => ({ reply, rule, lang, maxSegments: rule.segments[i]! })),
);

describe("every SMS reply carries what carriers require, in every language", () => {
  it.each(cases)("$reply in $lang", async ({ rule, lang, maxSegments }) => {
    const number = rule.from?.(lang) ?? `+1510555${String(next++).padStart(4, "0")}`;
    const texter = phone(app, runtime, number);
    for (const body of rule.before?.(lang) ?? []) await texter.send(body);
    const body = rule.send(lang);
    const { status, messages } = await texter.send(body);
    expect(status).toBe(200);
    expect(messages, body).toHaveLength(1);
    const reply = messages[0]!;
    expect(reply.startsWith(lang === "zh" ? `${program}：` : `${program}: `), reply).toBe(true);
    for (const element of rule.carries) {
      for (const phrase of PHRASES[element][lang]) expect(reply, element).toContain(phrase);
    }
    expect(countSegments(reply).segments, reply).toBeLessThanOrEqual(maxSegments);
  });
});
