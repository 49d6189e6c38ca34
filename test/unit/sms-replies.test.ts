// Every reply in every language: complete, carrying what carriers and residents need, and as short
// as claimed. The segment table below is the documentation of what each reply costs.
import { describe, expect, it } from "vitest";
import { LANGUAGES, type Language } from "../../src/i18n/languages.ts";
import {
  addedZipReply,
  emailConfirmationSentReply,
  helpReply,
  invalidEmailReply,
  languageChangedReply,
  listReply,
  nothingToStartReply,
  notSubscribedToZipReply,
  OPT_OUT_LINE,
  removedZipReply,
  startedReply,
  stoppedReply,
  subscribedReply,
  tooManyZipsReply,
  unknownCommandReply,
  unknownZipReply,
  usNumbersOnlyReply,
} from "../../src/sms/replies.ts";
import { countSegments } from "../../src/sms/segments.ts";

const program = "Oakland Rapid Response";
const hotline = "510-555-0100";
const example = "94607";
const one = ["94607"];
const two = ["94607", "94601"];
const three = ["94607", "94601", "94606"];

interface ReplyCase {
  /** Each variant's text, with realistic parameters (1 to 3 ZIPs). */
  variants: (lang: Language) => string[];
  /** Most segments any variant takes, per language: en, es, zh, vi. */
  segments: [number, number, number, number];
  /** What every variant must say (English keywords in every language; local ones per language). */
  says: (lang: Language) => string[];
}

const STOP_WORDS: Record<Language, string[]> = {
  en: ["STOP"],
  es: ["STOP", "ALTO"],
  zh: ["STOP"],
  vi: ["STOP"],
};

/** The default frequency and the rates, which the opt-ins and HELP say. */
const TERMS: Record<Language, string[]> = {
  en: ["Msg frequency varies.", "Msg & data rates may apply."],
  es: ["Frecuencia variable.", "Pueden aplicarse tarifas de mensajes y datos."],
  zh: ["信息频率不定。", "可能产生短信和数据费用。"],
  vi: ["Số tin thay đổi.", "Có thể tính cước tin nhắn và dữ liệu."],
};

const REPLIES: Record<string, ReplyCase> = {
  // Two segments (three in Vietnamese): carriers require program, frequency, rates, HELP and STOP in
  // the opt-in reply; START's renewed opt-in and HELP carry the same wording.
  subscribedReply: {
    variants: (lang) => [
      subscribedReply(lang, { program, zips: one }),
      subscribedReply(lang, { program, zips: three }),
      ...(lang === "en"
        ? [
            subscribedReply(lang, {
              program,
              zips: three,
              frequency: "Alerts as verified, usually under 5/wk",
            }),
          ]
        : []),
    ],
    segments: [2, 2, 2, 3],
    says: (lang) => [program, "94607", "HELP", ...STOP_WORDS[lang], ...(lang === "es" ? ["AYUDA"] : [])],
  },
  unknownZipReply: {
    variants: (lang) => [
      unknownZipReply(lang, { program, zips: ["94999"], example }),
      unknownZipReply(lang, { program, zips: ["94999", "10001"], example }),
    ],
    segments: [1, 1, 1, 3],
    says: () => ["94999", example],
  },
  stoppedReply: {
    variants: (lang) => [stoppedReply(lang, { program })],
    segments: [1, 1, 1, 2],
    says: (lang) => [program, "START", ...(lang === "es" ? ["INICIO"] : [])],
  },
  startedReply: {
    variants: (lang) => [
      startedReply(lang, { program, zips: one }),
      startedReply(lang, { program, zips: three }),
    ],
    segments: [2, 2, 2, 3],
    says: (lang) => [
      program,
      "94607",
      ...TERMS[lang],
      "HELP",
      ...STOP_WORDS[lang],
      ...(lang === "es" ? ["AYUDA"] : []),
    ],
  },
  helpReply: {
    variants: (lang) => [helpReply(lang, { program, hotline })],
    segments: [2, 2, 2, 3],
    says: (lang) => [program, hotline, ...TERMS[lang], ...STOP_WORDS[lang]],
  },
  removedZipReply: {
    variants: (lang) => [
      removedZipReply(lang, { program, zips: ["94601"], remaining: [] }),
      removedZipReply(lang, { program, zips: ["94601"], remaining: two }),
      removedZipReply(lang, { program, zips: two, remaining: ["94606"] }),
    ],
    segments: [1, 1, 1, 2],
    says: (lang) => ["94601", ...STOP_WORDS[lang]],
  },
  addedZipReply: {
    variants: (lang) => [
      addedZipReply(lang, { program, zips: ["94606"], all: three }),
      addedZipReply(lang, { program, zips: two, all: two }),
    ],
    segments: [1, 1, 1, 2],
    says: (lang) => ["94607", ...STOP_WORDS[lang]],
  },
  notSubscribedToZipReply: {
    variants: (lang) => [
      notSubscribedToZipReply(lang, { program, zips: ["94605"], current: three }),
      notSubscribedToZipReply(lang, { program, zips: ["94605", "94603"], current: [] }),
    ],
    segments: [1, 1, 2, 2],
    says: (lang) => ["94605", ...STOP_WORDS[lang]],
  },
  listReply: {
    variants: (lang) => [
      listReply(lang, { program, zips: three, status: "active" }),
      listReply(lang, { program, zips: one, status: "stopped" }),
      listReply(lang, { program, zips: [], status: "pending" }),
    ],
    segments: [1, 1, 2, 3],
    says: (lang) => STOP_WORDS[lang],
  },
  languageChangedReply: {
    variants: (lang) => [languageChangedReply(lang, { program })],
    segments: [1, 1, 1, 2],
    says: (lang) => [{ en: "English", es: "español", zh: "中文", vi: "tiếng Việt" }[lang]],
  },
  emailConfirmationSentReply: {
    variants: (lang) => [emailConfirmationSentReply(lang, { program })],
    segments: [1, 1, 1, 2],
    says: () => [],
  },
  invalidEmailReply: {
    variants: (lang) => [invalidEmailReply(lang, { program })],
    segments: [1, 1, 1, 2],
    says: () => ["@"],
  },
  unknownCommandReply: {
    variants: (lang) => [
      unknownCommandReply(lang, { program, example }),
      unknownCommandReply(lang, { program, example, hotline }),
    ],
    segments: [1, 1, 1, 2],
    says: (lang) => [program, example, ...STOP_WORDS[lang]],
  },
  tooManyZipsReply: {
    variants: (lang) => [
      tooManyZipsReply(lang, { program, max: 10 }),
      tooManyZipsReply(lang, { program, max: 10, ignored: ["94611", "94612"] }),
    ],
    segments: [1, 1, 1, 2],
    says: () => ["10"],
  },
  nothingToStartReply: {
    variants: (lang) => [nothingToStartReply(lang, { program, example })],
    segments: [1, 1, 1, 2],
    says: () => [program, example],
  },
  usNumbersOnlyReply: {
    variants: (lang) => [usNumbersOnlyReply(lang, { program })],
    segments: [1, 1, 1, 1],
    says: () => [program],
  },
};

const cases = Object.entries(REPLIES).flatMap(([name, reply]) =>
  LANGUAGES.map((lang, i) => ({ name, lang, reply, maxSegments: reply.segments[i] ?? 0 })),
);

describe("SMS replies", () => {
  it.each(cases)("$name in $lang", ({ lang, reply, maxSegments }) => {
    const texts = reply.variants(lang);
    for (const text of texts) {
      expect(text.length).toBeGreaterThan(0);
      expect(text).not.toMatch(/undefined|\$\{|\s{2}|\s[.,;:]/);
      expect(text).toBe(text.normalize("NFC"));
      expect(text.startsWith(lang === "zh" ? `${program}：` : `${program}: `), text).toBe(true);
      for (const part of reply.says(lang)) expect(text).toContain(part);
      const { encoding } = countSegments(text);
      expect(encoding).toBe(lang === "en" || lang === "es" ? "GSM-7" : "UCS-2");
    }
    expect(Math.max(...texts.map((text) => countSegments(text).segments))).toBe(maxSegments);
  });

  it("lists every ZIP it is given", () => {
    for (const lang of LANGUAGES) {
      const text = listReply(lang, { program, zips: three, status: "active" });
      for (const zip of three) expect(text).toContain(zip);
    }
  });

  it("says whether alerts are on, pending or off in the LIST reply", () => {
    for (const lang of LANGUAGES) {
      const texts = (["active", "pending", "stopped"] as const).map((status) =>
        listReply(lang, { program, zips: one, status }),
      );
      expect(new Set(texts).size).toBe(3);
    }
  });

  it("uses the program's own frequency text, as a sentence", () => {
    const text = subscribedReply("en", {
      program,
      zips: one,
      frequency: "Alerts as verified, usually under 5/wk",
    });
    expect(text).toContain("usually under 5/wk. Msg & data rates may apply.");
    expect(subscribedReply("en", { program, zips: one })).toContain("Msg frequency varies.");
  });

  it("has a one-segment opt-out line for alerts in every language", () => {
    for (const lang of LANGUAGES) {
      expect(OPT_OUT_LINE[lang]).toContain("STOP");
      expect(countSegments(OPT_OUT_LINE[lang]).segments).toBe(1);
    }
  });
});
