/**
 * Every text Aviso sends a responder, in each of the four languages (issue 16): how many SMS
 * segments it may take (Chinese and Vietnamese go as UCS-2, 70 characters a segment) and what it
 * must carry so that it means the same as the English: the case code, and the keywords the
 * responder grammar reads, which the Chinese and Vietnamese texts name as typed (YES, ON, 4821 Y…).
 */
import { describe, expect, it } from "vitest";
import type { Language } from "../../src/i18n/languages.ts";
import {
  answerThanksText,
  caseRefusalText,
  dispatchText,
  dutyListText,
  invitationText,
  responderLanguage,
  responderReply,
  whichCaseText,
} from "../../src/sms/responder-replies.ts";
import { countSegments } from "../../src/sms/segments.ts";

const LANGS: Language[] = ["en", "es", "zh", "vi"];
const P = "Aviso";
type Row = {
  text: (l: Language) => string;
  /** Most segments: en, es, zh, vi. */
  segments: [number, number, number, number];
  /** What every language but Spanish (which has its own keywords) carries, as typed. */
  carries: string[];
};
const REPLY: Row["segments"] = [1, 1, 1, 2];
const facts = {
  program: P,
  code: "4821",
  activity: "workplace" as const,
  place: "8th St",
  crossStreets: "Market St",
  zip: "94607",
  time: "12:06 PM",
};

const TABLE: Record<string, Row> = {
  invitation: {
    text: (l) => invitationText(l, { program: P, organisation: "Rapid Response Hotline" }),
    segments: [2, 2, 2, 3],
    carries: ["Rapid Response Hotline", "YES", "STOP"],
  },
  dispatch: {
    text: (l) => dispatchText(l, facts),
    segments: [1, 1, 2, 2],
    carries: ["4821", "8th St & Market St", "94607", "12:06 PM", "4821 Y", "4821 N"],
  },
  joined: { text: (l) => responderReply(l, P, "joined"), segments: REPLY, carries: ["ON", "OFF", "STOP"] },
  joinFirst: { text: (l) => responderReply(l, P, "joinFirst"), segments: REPLY, carries: ["YES"] },
  on: { text: (l) => responderReply(l, P, "on"), segments: REPLY, carries: ["OFF"] },
  off: { text: (l) => responderReply(l, P, "off"), segments: REPLY, carries: ["ON"] },
  notOnRoster: { text: (l) => responderReply(l, P, "notOnRoster"), segments: REPLY, carries: [] },
  noOpenCase: { text: (l) => responderReply(l, P, "noOpenCase"), segments: REPLY, carries: [] },
  "LIST, on duty": {
    text: (l) => dutyListText(l, { program: P, onDuty: true, openCodes: ["4821", "1234"] }),
    segments: REPLY,
    carries: ["OFF", "4821, 1234"],
  },
  "LIST, off duty": {
    text: (l) => dutyListText(l, { program: P, onDuty: false, openCodes: [] }),
    segments: REPLY,
    carries: ["ON"],
  },
  ...Object.fromEntries(
    (["unknown", "not_asked", "closed"] as const).map((why) => [
      `refusal ${why}`,
      {
        text: (l: Language) => caseRefusalText(l, { program: P, code: "4821", why }),
        segments: REPLY,
        carries: ["4821"],
      },
    ]),
  ),
  "which case": {
    text: (l) => whichCaseText(l, { program: P, codes: ["4821", "1234", "5678"] }),
    segments: [1, 1, 1, 2],
    carries: ["4821, 1234, 5678", "4821 Y"],
  },
  "thanks yes": {
    text: (l) => answerThanksText(l, { program: P, code: "4821", answer: "yes" }),
    segments: [1, 1, 1, 2],
    carries: ["4821 CONFIRM", "4821 NOTHING", "4821 GONE"],
  },
  ...Object.fromEntries(
    (["no", "confirm", "nothing", "gone"] as const).map((answer) => [
      `thanks ${answer}`,
      {
        text: (l: Language) => answerThanksText(l, { program: P, code: "4821", answer }),
        segments: REPLY,
        carries: ["4821"],
      },
    ]),
  ),
};

const cases = Object.entries(TABLE).flatMap(([name, row]) =>
  LANGS.map((lang, i) => ({ name, lang, row, max: row.segments[i]! })),
);

describe("every responder text, in every language", () => {
  it.each(cases)(
    "$name ($lang): within its segments, carrying what the English does",
    ({ lang, row, max }) => {
      const text = row.text(lang);
      expect(countSegments(text).segments, text).toBeLessThanOrEqual(max);
      expect(text.startsWith("Aviso: ") || text.startsWith("AVISO "), text).toBe(true);
      if (lang !== "es") for (const part of row.carries) expect(text, lang).toContain(part);
      // Written in its own language: never the English text.
      if (lang !== "en") expect(text).not.toBe(row.text("en"));
    },
  );

  it("writes to a responder in the first language they speak", () => {
    expect(responderLanguage(["zh", "en"])).toBe("zh");
    expect(responderLanguage(["vi"])).toBe("vi");
    expect(responderLanguage(["es", "en"])).toBe("es");
    expect(responderLanguage([])).toBe("en");
  });
});
