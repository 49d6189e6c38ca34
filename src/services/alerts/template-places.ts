/**
 * Where, in the templates' words. A sighting's place is whatever a reporter or operator typed, in
 * whatever language: "Fruitvale BART.", "8th St & Market St", "Outside the laundromat", "cerca de
 * la escuela", "" once erased. Pasted after "near", it read "ICE arrest near Outside the
 * laundromat". So the place is cleaned (spaces, trailing punctuation) and placed by its shape:
 *
 * - a plain place: "near …" (cerca de …, 在…附近, gần …);
 * - one that starts with a preposition of the template's own language ("Outside the laundromat"
 *   in English): as written, the preposition in lower case ("outside the laundromat");
 * - one that starts with another language's preposition ("Outside the laundromat" in Spanish):
 *   named, not translated: "(lugar: Outside the laundromat)";
 * - none: the ZIP ("in ZIP 94601").
 */
import type { Language } from "../../i18n/languages.ts";

/** Leading prepositions, per language; longer ones first, each followed by a space. */
const LEADS: Record<Language, RegExp> = {
  en: /^(?:near|outside(?: of)?|at|by|in front of|in|on|inside|behind|across(?: the street)? from|next to|around|along|opposite|beside|between|close to|off|under|corner of)\s/i,
  es: /^(?:cerca|afuera|fuera|frente|enfrente|en|junto|al lado|dentro|delante|detrás|detras|entre|por|sobre|esquina|a la (?:salida|entrada|vuelta))\s/iu,
  zh: /^(?:在|于)|(?:附近|旁边|对面|门口|外面|里面|周围|一带|路口)$/u,
  vi: /^(?:gần|ngoài|bên ngoài|trước|phía trước|trong|bên trong|tại|ở|cạnh|bên cạnh|đối diện|sau|phía sau|khu vực|góc)\s/iu,
};

/** Trailing punctuation and spaces a sentence must not inherit ("Fruitvale BART." → "Fruitvale BART"). */
const TRAILING = /[\s.,;:!?…。，；：！？、]+$/u;

export function cleanPlace(place: string | null | undefined): string {
  return (place ?? "").replace(/\s+/gu, " ").trim().replace(TRAILING, "");
}

export type PlaceShape = "plain" | "own_lead" | "foreign_lead" | "none";

export function placeShape(place: string, language: Language): PlaceShape {
  if (place === "") return "none";
  if (LEADS[language].test(place)) return "own_lead";
  const others = (Object.keys(LEADS) as Language[]).filter((other) => other !== language);
  return others.some((other) => LEADS[other].test(place)) ? "foreign_lead" : "plain";
}

const lowerFirst = (text: string) => text.charAt(0).toLocaleLowerCase() + text.slice(1);

/**
 * The phrase that says where, to follow the activity ("ICE arrest <where>"); for Chinese, to
 * precede it unless `shape` is foreign_lead (then it follows: 发现ICE逮捕行动（地点：…）).
 */
export function where(
  facts: { place: string | null; crossStreets?: string | null; zip?: string },
  language: Language,
): { phrase: string; shape: PlaceShape } {
  const place = cleanPlace(facts.place);
  const cross = cleanPlace(facts.crossStreets);
  const shape = placeShape(place, language);
  const own = language === "en" || language === "es" || language === "vi" ? lowerFirst(place) : place;
  const phrase = (() => {
    switch (language) {
      case "en": {
        const c = cross ? ` (${cross})` : "";
        if (shape === "none") return facts.zip ? `in ZIP ${facts.zip}${c}` : c.trim();
        if (shape === "foreign_lead") return `(place: ${place}${cross ? `; ${cross}` : ""})`;
        return `${shape === "own_lead" ? own : `near ${place}`}${c}`;
      }
      case "es": {
        const c = cross ? ` (${cross})` : "";
        if (shape === "none") return facts.zip ? `en el código postal ${facts.zip}${c}` : c.trim();
        if (shape === "foreign_lead") return `(lugar: ${place}${cross ? `; ${cross}` : ""})`;
        return `${shape === "own_lead" ? own : `cerca de ${place}`}${c}`;
      }
      case "zh": {
        const c = cross ? `（${cross}）` : "";
        if (shape === "none") return facts.zip ? `在邮政编码${facts.zip}区域${c}` : c;
        if (shape === "foreign_lead") return `（地点：${place}${cross ? `；${cross}` : ""}）`;
        if (shape === "own_lead") return `${/^(?:在|于)/u.test(place) ? "" : "在"}${place}${c}`;
        return `在${place}${c}附近`;
      }
      case "vi": {
        const c = cross ? ` (${cross})` : "";
        if (shape === "none") return facts.zip ? `tại mã ZIP ${facts.zip}${c}` : c.trim();
        if (shape === "foreign_lead") return `(địa điểm: ${place}${cross ? `; ${cross}` : ""})`;
        return `${shape === "own_lead" ? own : `gần ${place}`}${c}`;
      }
    }
  })();
  return { phrase, shape };
}

/** Whether `text` names `place` as the templates write it (cleaned, first letter in either case). */
export function namesPlace(text: string, place: string): boolean {
  const cleaned = cleanPlace(place);
  if (cleaned === "") return false;
  return text.includes(cleaned) || text.includes(lowerFirst(cleaned));
}
