/**
 * The templates read as if a person wrote them, for every activity, language and shape of place:
 * a place that starts with a preposition ("Outside the laundromat") is not put after "near", one
 * that ends with punctuation ("Fruitvale BART.") or a time that does ("8:06 p.m.") does not make
 * "..", an empty place says the ZIP, and a cancel says what its reason means.
 */
import { describe, expect, it } from "vitest";
import type { SightingActivity, SightingAgency } from "../../src/db/database.ts";
import { LANGUAGES, type Language } from "../../src/i18n/languages.ts";
import { cancelTemplate, formatTime, sightingTemplate } from "../../src/services/alerts/templates.ts";
import { cheapestSms } from "../../src/sms/gsm-fold.ts";
import { countSegments } from "../../src/sms/segments.ts";

const TZ = "America/Los_Angeles";
const EVENING = new Date("2026-12-06T04:06:00Z"); // 8:06 p.m. in Oakland
const ONE_PM = new Date("2026-12-05T21:06:00Z"); // 1:06 p.m.: "a la 1:06", not "a las"
const ACTIVITIES: SightingActivity[] = [
  "sweep",
  "targeted_arrest",
  "checkpoint",
  "traffic_stop",
  "workplace",
  "other",
];
const AGENCIES: SightingAgency[] = ["ice", "cbp", "unknown", "other"];

/** The place shapes, each with the cleaned place the texts must name (or null: the ZIP). */
const PLACES: { name: string; place: string | null; named: string | null }[] = [
  { name: "a plain place", place: "Lake Merritt", named: "Lake Merritt" },
  { name: "an intersection", place: "8th St & Market St", named: "8th St & Market St" },
  { name: "trailing punctuation", place: "Fruitvale BART.", named: "Fruitvale BART" },
  { name: "an English preposition", place: "Outside the laundromat", named: "utside the laundromat" },
  { name: "a lower-case preposition", place: "near the school", named: "the school" },
  { name: "a Spanish preposition", place: "cerca de la escuela", named: "la escuela" },
  { name: "a Chinese place", place: "在学校附近", named: "学校" },
  { name: "spaces and exclamation marks", place: "  Lake   Merritt!!  ", named: "Lake Merritt" },
  { name: "no place (erased)", place: null, named: null },
  { name: "an empty place", place: "", named: null },
];

/** What a person would not write, in any of the four languages. */
const CLUMSY = [
  /\.\./, // "8:06 p.m.."
  /[.!?]\s*[.!?。]/,
  / {2,}/,
  /\s[.,;:)）]/,
  /[(（]\s/,
  /\(\)|（）/,
  /\b(near|cerca de|gần)\s+(near|outside|at|in|on|by|cerca|afuera|fuera|frente|en|gần|ngoài|trước|tại|ở)\b/iu,
  /在在|附近附近|附近[^。，（]*附近/u,
  /undefined|null|NaN/,
];

const texts = (t: { headline: string; body: string; smsText: string }) => [t.headline, t.smsText, t.body];

describe("sightingTemplate: activity × language × place shape", () => {
  const cases = ACTIVITIES.flatMap((activity) =>
    LANGUAGES.flatMap((language) => PLACES.map((place) => ({ activity, language, ...place }))),
  );
  it.each(cases)("$activity in $language with $name", ({ activity, language, place, named }) => {
    for (const agency of AGENCIES) {
      for (const at of [EVENING, ONE_PM]) {
        const t = sightingTemplate(
          { zip: "94601", place, crossStreets: null, observedAt: at, agency, activity },
          language,
          TZ,
        );
        for (const text of texts(t)) {
          for (const clumsy of CLUMSY)
            expect(text, `${clumsy} in ${JSON.stringify(text)}`).not.toMatch(clumsy);
          if (named) expect(text).toContain(named);
          else expect(text).toContain("94601");
        }
        expect(t.smsText).toContain(formatTime(at, language, TZ));
        expect(t.smsText).toMatch(/[.。]$/u);
        if (language !== "zh") expect(t.headline.charAt(0)).toBe(t.headline.charAt(0).toLocaleUpperCase());
        // In English and Spanish a plain place leaves the SMS in GSM-7 (Spanish once folded): the
        // time's invisible narrow no-break space, which newer ICU writes, is not in it.
        if (language === "en" && /^[\x20-\x7e]*$/.test(place ?? "")) {
          expect(countSegments(t.smsText).encoding).toBe("GSM-7");
        }
        if (language === "es" && /^[\x20-\x7e]*$/.test(place ?? "")) {
          expect(cheapestSms(t.smsText, "es").count.encoding).toBe("GSM-7");
        }
      }
    }
  });

  const headline = (place: string | null, language: Language, crossStreets: string | null = null) =>
    sightingTemplate(
      { zip: "94601", place, crossStreets, observedAt: EVENING, agency: "ice", activity: "targeted_arrest" },
      language,
      TZ,
    ).headline;

  it.each([
    ["Outside the laundromat", "en", "ICE arrest outside the laundromat"],
    ["near the school", "en", "ICE arrest near the school"],
    ["8th St & Market St", "en", "ICE arrest near 8th St & Market St"],
    ["Fruitvale BART.", "en", "ICE arrest near Fruitvale BART"],
    ["cerca de la escuela", "en", "ICE arrest (place: cerca de la escuela)"],
    ["", "en", "ICE arrest in ZIP 94601"],
    ["Outside the laundromat", "es", "Arresto de ICE (lugar: Outside the laundromat)"],
    ["Cerca de la escuela", "es", "Arresto de ICE cerca de la escuela"],
    ["Fruitvale BART.", "es", "Arresto de ICE cerca de Fruitvale BART"],
    ["", "es", "Arresto de ICE en el código postal 94601"],
    ["Fruitvale BART.", "zh", "在Fruitvale BART附近发现ICE逮捕行动"],
    ["在学校附近", "zh", "在学校附近发现ICE逮捕行动"],
    ["Outside the laundromat", "zh", "发现ICE逮捕行动（地点：Outside the laundromat）"],
    ["", "zh", "在邮政编码94601区域发现ICE逮捕行动"],
    ["Fruitvale BART.", "vi", "Bắt giữ của ICE gần Fruitvale BART"],
    ["Trước chợ", "vi", "Bắt giữ của ICE trước chợ"],
    ["Outside the laundromat", "vi", "Bắt giữ của ICE (địa điểm: Outside the laundromat)"],
    ["", "vi", "Bắt giữ của ICE tại mã ZIP 94601"],
  ] as const)("%j in %s: %s", (place, language, expected) => {
    expect(headline(place, language)).toBe(expected);
  });

  it("puts cross streets after the place, cleaned", () => {
    expect(headline("Fruitvale BART.", "en", "E 12th St.")).toBe(
      "ICE arrest near Fruitvale BART (E 12th St)",
    );
  });

  it("writes the Spanish time once and its article by the hour", () => {
    const sms = (at: Date) =>
      sightingTemplate(
        {
          zip: "94601",
          place: "Fruitvale BART",
          crossStreets: null,
          observedAt: at,
          agency: "ice",
          activity: "sweep",
        },
        "es",
        TZ,
      ).smsText;
    expect(sms(EVENING)).toBe(
      "Redada de ICE cerca de Fruitvale BART a las 8:06 p.m. Tiene derecho a guardar silencio. No abra la puerta.",
    );
    expect(sms(ONE_PM)).toContain("a la 1:06 p.m. Tiene");
  });

  it("puts the article an English sentence needs", () => {
    const body = (agency: SightingAgency, activity: SightingActivity) =>
      sightingTemplate(
        { zip: "94601", place: "Fruitvale BART", crossStreets: null, observedAt: EVENING, agency, activity },
        "en",
        TZ,
      ).body.split("\n")[0];
    expect(body("ice", "targeted_arrest")).toBe(
      "Responders confirmed an ICE arrest near Fruitvale BART at 8:06 PM (ZIP 94601).",
    );
    expect(body("cbp", "checkpoint")).toMatch(/^Responders confirmed a CBP checkpoint/);
    expect(body("unknown", "other")).toMatch(/^Responders confirmed immigration activity near/);
  });
});

describe("cancelTemplate: reason × language × place", () => {
  const WORDS: Record<"false_alarm" | "all_clear", Record<Language, RegExp>> = {
    false_alarm: { en: /false alarm/, es: /falsa alarma/, zh: /误报/, vi: /báo động giả/ },
    all_clear: { en: /has ended/, es: /terminó/, zh: /已结束/, vi: /đã kết thúc/ },
  };
  /** An all clear withdraws nothing: the alert was true. */
  const NOT_ALL_CLEAR: Record<Language, RegExp> = {
    en: /withdrawn|false alarm/i,
    es: /retirad|falsa alarma/i,
    zh: /撤回|误报/,
    vi: /rút lại|báo động giả/i,
  };
  const cases = (["false_alarm", "all_clear"] as const).flatMap((reason) =>
    LANGUAGES.flatMap((language) => PLACES.map((place) => ({ reason, language, ...place }))),
  );
  it.each(cases)("$reason in $language with $name", ({ reason, language, place, named }) => {
    for (const at of [EVENING, ONE_PM]) {
      const t = cancelTemplate(reason, { publishedAt: at, place }, language, TZ);
      for (const text of texts(t)) {
        for (const clumsy of CLUMSY) expect(text, `${clumsy} in ${JSON.stringify(text)}`).not.toMatch(clumsy);
        expect(text).toMatch(WORDS[reason][language]);
        if (reason === "all_clear") expect(text).not.toMatch(NOT_ALL_CLEAR[language]);
      }
      expect(t.smsText).toContain(formatTime(at, language, TZ));
      if (named) expect(t.smsText).toContain(named);
    }
  });

  it.each([
    [
      "false_alarm",
      "en",
      "The alert sent at 8:06 PM about activity outside the laundromat was a false alarm.",
    ],
    ["all_clear", "en", "The activity reported outside the laundromat at 8:06 PM has ended."],
    [
      "false_alarm",
      "es",
      "La alerta enviada a las 8:06 p.m. sobre actividad (lugar: Outside the laundromat) fue una falsa alarma.",
    ],
    ["all_clear", "es", "La actividad reportada (lugar: Outside the laundromat) a las 8:06 p.m. terminó."],
  ] as const)("%s in %s: %s", (reason, language, expected) => {
    const t = cancelTemplate(reason, { publishedAt: EVENING, place: "Outside the laundromat" }, language, TZ);
    expect(t.smsText.startsWith(expected), t.smsText).toBe(true);
  });
});
