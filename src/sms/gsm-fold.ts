/**
 * Writing an SMS in GSM-7 when it costs fewer segments. One character outside the GSM 03.38
 * alphabet (the ó of ACTUALIZACIÓN, a curly quote, a dash) makes the whole text UCS-2, which holds
 * 70 characters in one segment and 67 per part instead of 160 and 153: a 136-character update
 * takes three segments instead of one, and every segment slows the whole fan-out.
 *
 * The rule, for English and Spanish only: replace each such character with its closest GSM-7 form
 * (á → a, “ → ", — → -, … → ...), and keep the result only if it is all GSM-7 and takes fewer
 * segments or the same number, never more. The accented letters GSM-7 has are kept (é è à ì ò ù
 * É ä ö ü Ä Ö Ü ñ Ñ å Å ø Ø æ Æ Ç ß ¿ ¡). Never for Chinese or Vietnamese: their letters have no
 * GSM-7 form, and stripping Vietnamese tone marks changes the words.
 *
 * composeSms applies it to the SMS as composed (label, text and link), so the preview shows, the
 * approval hash covers and the dispatcher sends the same folded text.
 */
import type { Language } from "../i18n/languages.ts";
import { countSegments, type SegmentCount } from "./segments.ts";

/** The languages whose SMS may be folded to GSM-7. */
export const FOLDABLE_LANGUAGES: readonly Language[] = ["en", "es"];

/**
 * Each character outside GSM-7 a drafter or a template commonly writes in English or Spanish, and
 * its closest GSM-7 form (basic characters only: never an extension character, which costs two).
 */
export const GSM_FOLDS: Readonly<Record<string, string>> = {
  // Vowels with an accent GSM-7 lacks (it has é è à ì ò ù É and ä ö ü Ä Ö Ü).
  á: "a",
  í: "i",
  ó: "o",
  ú: "u",
  Á: "A",
  Í: "I",
  Ó: "O",
  Ú: "U",
  À: "A",
  È: "E",
  Ì: "I",
  Ò: "O",
  Ù: "U",
  â: "a",
  ê: "e",
  î: "i",
  ô: "o",
  û: "u",
  Â: "A",
  Ê: "E",
  Î: "I",
  Ô: "O",
  Û: "U",
  ã: "a",
  õ: "o",
  Ã: "A",
  Õ: "O",
  ë: "e",
  ï: "i",
  ÿ: "y",
  Ë: "E",
  Ï: "I",
  // GSM-7 has only the capital Ç; a lower-case c reads better mid-word than a capital.
  ç: "c",
  // Punctuation that word processors and phones substitute for the plain forms.
  "\u201c": '"', // “
  "\u201d": '"', // ”
  "\u201e": '"', // „
  "\u00ab": '"', // «
  "\u00bb": '"', // »
  "\u2018": "'", // ‘
  "\u2019": "'", // ’
  "\u201a": "'", // ‚
  "\u2032": "'", // ′
  "\u2013": "-", // –
  "\u2014": "-", // —
  "\u2010": "-", // ‐
  "\u2011": "-", // non-breaking hyphen
  "\u2212": "-", // minus sign
  "\u2022": "-", // •
  "\u2026": "...", // …
  "\u00a0": " ", // non-breaking space
  "\u202f": " ", // narrow non-breaking space (some ICU versions put it before AM/PM)
  "\u2009": " ", // thin space
  "\u200b": "", // zero-width space
  "\u00ad": "", // soft hyphen
  "\ufeff": "", // zero-width no-break space
};

export type GsmFold = {
  /** The text to send. */
  text: string;
  count: SegmentCount;
  /** Set when the text was folded: the segments it would have taken, and what was replaced. */
  saving: { before: SegmentCount; replaced: { from: string; to: string }[] } | null;
};

/** Replaces every character GSM_FOLDS knows; the distinct replacements, in order of first use. */
export function foldToGsm(text: string): { text: string; replaced: { from: string; to: string }[] } {
  const replaced = new Map<string, string>();
  let folded = "";
  for (const char of text) {
    const to = GSM_FOLDS[char];
    if (to === undefined) folded += char;
    else {
      folded += to;
      replaced.set(char, to);
    }
  }
  return { text: folded, replaced: [...replaced].map(([from, to]) => ({ from, to })) };
}

/** The SMS to send in `language`: folded to GSM-7 when that is allowed and costs no more segments. */
export function cheapestSms(text: string, language: Language): GsmFold {
  // Remembered: a fan-out composes the same few texts (one per language) for every recipient.
  const key = `${language}:${text}`;
  const known = remembered.get(key);
  if (known) return known;
  const fold = foldIfCheaper(text, language);
  if (remembered.size >= 256) remembered.clear();
  remembered.set(key, fold);
  return fold;
}
const remembered = new Map<string, GsmFold>();

function foldIfCheaper(text: string, language: Language): GsmFold {
  const count = countSegments(text);
  if (count.encoding === "GSM-7" || !FOLDABLE_LANGUAGES.includes(language)) {
    return { text, count, saving: null };
  }
  const folded = foldToGsm(text);
  const foldedCount = countSegments(folded.text);
  // All GSM-7 or nothing: a character left outside it keeps the text UCS-2, and folding then only
  // changes letters without saving anything.
  if (foldedCount.encoding !== "GSM-7" || foldedCount.segments > count.segments) {
    return { text, count, saving: null };
  }
  return { text: folded.text, count: foldedCount, saving: { before: count, replaced: folded.replaced } };
}

/** "3 → 1 segments by writing ó as o, “ as \"": what folding saved, for the composer and preview. */
export function describeSaving(fold: {
  count: Pick<SegmentCount, "segments">;
  saving: GsmFold["saving"];
}): string {
  if (!fold.saving) return "";
  const { before, replaced } = fold.saving;
  const shown = replaced.slice(0, 5).map(({ from, to }) => `${visible(from)} as ${visible(to)}`);
  const more = replaced.length > 5 ? ` and ${replaced.length - 5} more` : "";
  const segments =
    before.segments === fold.count.segments
      ? `${fold.count.segments} ${fold.count.segments === 1 ? "segment" : "segments"}, GSM-7 instead of UCS-2,`
      : `${before.segments} → ${fold.count.segments} segments`;
  return `${segments} by writing ${shown.join(", ")}${more}`;
}

const NAMED: Record<string, string> = {
  "\u00a0": "a non-breaking space",
  "\u202f": "a narrow non-breaking space",
  "\u2009": "a thin space",
  "\u200b": "a zero-width space",
  "\u00ad": "a soft hyphen",
  "\ufeff": "a zero-width no-break space",
  " ": "a space",
  "": "nothing",
};
const visible = (char: string) => NAMED[char] ?? char;
