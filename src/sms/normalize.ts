/**
 * Text folding for the SMS keyword grammar: what "STOP", "Stop.", "ＳＴＯＰ" and "  stop!! " have in
 * common, and what "94607-1234", "９４６０７" and "zip: 94607" have in common.
 *
 * Folding is deliberately lossy (it is only ever used to *match*, never to store or display):
 * compatibility forms are unified (full-width Latin and digits become ASCII), accents and other
 * combining marks are dropped ("ESPAÑOL" → "espanol", "TIẾNG VIỆT" → "tieng viet"), case is
 * dropped, and invisible format characters (zero-width spaces, byte-order marks) disappear. CJK
 * ideographs have no decomposition, so they pass through untouched.
 */

const COMBINING_MARKS = /\p{M}/gu;
// Zero-width spaces, joiners, BOM, direction marks: invisible, so never part of what someone meant.
const FORMAT_CHARACTERS = /\p{Cf}/gu;
// Vietnamese đ is a letter of its own, not d + mark, so NFKD leaves it alone; people typing
// without a Vietnamese keyboard write it as d.
const VIETNAMESE_D = /đ/g;
// ZIP+4 ("94607-1234", any dash) is the ZIP it starts with; a run of more digits is not a ZIP+4.
const ZIP_PLUS_FOUR = /(?<![0-9])([0-9]{5})[-\u2010-\u2015\u2212][0-9]{4}(?![0-9])/g;
const NOT_LETTER_OR_DIGIT = /[^\p{L}\p{N}]+/gu;
// "zip94607", "stop94601", "退订94601": people (and CJK writers especially) skip the space.
const LETTER_DIGIT_BOUNDARY = /(?<=\p{L})(?=\p{N})|(?<=\p{N})(?=\p{L})/gu;
// "STOP谢谢", "我要TD": a Chinese run and the Latin (or other) letters written against it are words
// of their own, so "STOP" is still the first word.
const HAN_BOUNDARY = /(?<=\p{Script=Han})(?=[^\p{Script=Han} ])|(?<=[^\p{Script=Han} ])(?=\p{Script=Han})/gu;
const HAN = /\p{Script=Han}/u;

/** Fold text for matching: NFKD, lower case, no combining marks, no invisible format characters. */
export function fold(text: string): string {
  return text
    .normalize("NFKD")
    .toLowerCase()
    .replace(COMBINING_MARKS, "")
    .replace(FORMAT_CHARACTERS, "")
    .replace(VIETNAMESE_D, "d");
}

/**
 * Split a message into folded words. Punctuation, symbols, emoji, control characters (NUL) and
 * lone surrogates separate words and are otherwise ignored; invisible format characters (RTL marks,
 * zero-width spaces) are dropped, even inside a word; a ZIP+4 becomes its 5-digit ZIP; letters and
 * digits written together are split ("zip94607" → ["zip", "94607"]), and so are Chinese and other
 * letters ("STOP谢谢" → ["stop", "谢谢"]).
 */
export function tokenize(text: string): string[] {
  return fold(text)
    .replace(ZIP_PLUS_FOUR, "$1")
    .replace(NOT_LETTER_OR_DIGIT, " ")
    .replace(LETTER_DIGIT_BOUNDARY, " ")
    .replace(HAN_BOUNDARY, " ")
    .split(" ")
    .filter((word) => word !== "");
}

/** Whether a folded word contains a CJK ideograph (such words are matched by substring). */
export function isHanWord(word: string): boolean {
  return HAN.test(word);
}

/** A 5-digit ZIP after folding. Whether it exists or is in the service area is not decided here. */
export function isZipWord(word: string): boolean {
  return /^[0-9]{5}$/.test(word);
}

const LOCAL_PART = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;
const DOMAIN_LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const TOP_LEVEL_DOMAIN = /^(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})$/;

/**
 * A plausible, deliverable-looking email address, or undefined. The domain is lower-cased (domains
 * are case-insensitive); the local part is kept as written (strictly it is case-sensitive). ASCII
 * only: no quoted local parts, IP-literal domains or single-label domains, which a resident texting
 * their address never means. Whether it really exists is settled by the confirmation mail.
 */
export function normalizeEmail(input: string): string | undefined {
  const address = input.normalize("NFKC").trim();
  if (address.length > 254) return undefined;
  const at = address.lastIndexOf("@");
  if (at <= 0 || address.indexOf("@") !== at) return undefined;
  const local = address.slice(0, at);
  const domain = address.slice(at + 1).toLowerCase();
  if (local.length > 64 || !LOCAL_PART.test(local)) return undefined;
  const labels = domain.split(".");
  const tld = labels.at(-1) ?? "";
  if (labels.length < 2 || !labels.every((label) => DOMAIN_LABEL.test(label))) return undefined;
  if (!TOP_LEVEL_DOMAIN.test(tld)) return undefined;
  return `${local}@${domain}`;
}
