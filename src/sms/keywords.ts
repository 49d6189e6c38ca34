/**
 * The SMS keyword grammar: what a resident's text message asks for.
 *
 * parseInbound() turns a message body into one InboundCommand. It is pure: whether a ZIP exists or
 * is in the service area, whether the sender is subscribed, and what to reply are decided by the
 * SMS service. Words are matched after folding (see normalize.ts), so case, accents, full-width
 * forms, punctuation and extra spaces never matter. The tables below are the grammar; they are
 * written the way people type them and folded once at start-up.
 *
 * Rules, tried in this order (the first that applies wins):
 *   1. Empty → unknown. Longer than MAX_BODY_LENGTH (not a command, whatever its length) →
 *      stop_all if its first word is an opt-out word or an opt-out word stands anywhere in it
 *      (rule 4), otherwise unknown.
 *   2. An email address, alone or as "email: …" / "my email is …" → email.
 *   3. A ZIP command: an optional verb, then ZIPs, with nothing else but ZIP_WORDS, POLITE words
 *      and GREETINGS ("zip: 94607", "94607, 94601", "ADD 94606", "STOP 94601"). No verb → subscribe.
 *   4. An opt-out → stop_all (see OPT_OUT: a missed opt-out is never acceptable). A message whose
 *      first word (after greetings and "please") is an opt-out word opts out whatever follows (the
 *      FCC's 2024 reasonable-means rule); elsewhere an opt-out word counts unless a negation stands
 *      right before it ("don't stop", "不要退订").
 *   5. A help word anywhere ("I need help") → help; its reply carries the hotline.
 *   6. A whole-message keyword: START, LIST, or a language.
 *   7. A single "word" with an @ that is not a valid address → invalid_email.
 *   8. Anything else → unknown, answered with a short help. In particular a ZIP inside a sentence
 *      ("ICE on Broadway in 94607") is unknown: a false subscription is worse than a help reply.
 *
 * Every command may carry languageHint, the language the sender seems to write in: from the
 * keyword (ALTO → es, 退订 → zh, DỪNG → vi) or the words around the ZIPs ("94607 y 94601"), else
 * from the script (Han → zh, Vietnamese letters → vi, ñ á ¿ … → es), else from an everyday word
 * (HOLA, GRACIAS, XIN CHÀO). English words give no hint: STOP and HELP are printed in every
 * language's replies, so they say nothing about the sender.
 */
import { LANGUAGES, type Language } from "../i18n/languages.ts";
import { isHanWord, isZipWord, normalizeEmail, tokenize } from "./normalize.ts";

/** Messages longer than this are not commands (a carrier splits long texts; commands are short),
 * but they are still read for an opt-out, whatever their length. */
export const MAX_BODY_LENGTH = 320;
/** ZIPs taken from one subscribe or add message; further ones are returned in ignoredZips. */
export const MAX_ZIPS_PER_MESSAGE = 10;

interface Hinted {
  languageHint?: Language;
}
export interface SubscribeCommand extends Hinted {
  kind: "subscribe";
  zips: string[];
  /** ZIPs beyond MAX_ZIPS_PER_MESSAGE, not subscribed; present only when there were some. */
  ignoredZips?: string[];
}
export interface AddZipCommand extends Hinted {
  kind: "add_zip";
  zips: string[];
  ignoredZips?: string[];
}
export interface RemoveZipCommand extends Hinted {
  kind: "remove_zip";
  zips: string[];
}
export interface LanguageCommand extends Hinted {
  kind: "language";
  language: Language;
}
export interface EmailCommand extends Hinted {
  kind: "email";
  email: string;
}
export interface SimpleCommand extends Hinted {
  kind: "stop_all" | "start" | "help" | "list" | "invalid_email" | "unknown";
}
export type InboundCommand =
  | SubscribeCommand
  | AddZipCommand
  | RemoveZipCommand
  | LanguageCommand
  | EmailCommand
  | SimpleCommand;
export type InboundKind = InboundCommand["kind"];

/** Keywords grouped by the language they signal (English ones signal none). */
type KeywordTable = Partial<Record<Language, readonly string[]>>;

/**
 * Opt-out. A missed opt-out breaks the law (TCPA, CTIA) and a resident's trust; a false one costs
 * a "Reply START to resubscribe". So opt-out words are honoured generously, in tiers by how often
 * the word means something else in the reports people also text us.
 */
export const OPT_OUT = {
  /** Anywhere: "please stop texting me", "I want to unsubscribe", "我要退订". The FCC's 2024 rule
   * treats these words in a reply as a revocation of consent. */
  anywhere: {
    en: [
      "STOP",
      "STOPALL",
      "UNSUBSCRIBE",
      "REVOKE",
      "OPTOUT",
      "OPT OUT",
      "REMOVE ME",
      "TAKE ME OFF",
      "DON'T TEXT",
      "DONT TEXT",
      "DO NOT TEXT",
      "NO MORE TEXTS",
      "NO MORE MESSAGES",
      "LEAVE ME ALONE",
    ],
    es: [
      "DESUSCRIBIR",
      "DESUSCRIBIRME",
      "DARME DE BAJA",
      "YA NO QUIERO",
      "NO QUIERO MÁS",
      "NO MÁS MENSAJES",
      "NO ME MANDEN",
      "NO ME ENVÍEN",
      "NO ME ESCRIBAN",
    ],
    zh: ["退订", "取消订阅", "停止发送", "不要再发", "别再发"],
    vi: ["HỦY ĐĂNG KÝ", "NGỪNG GỬI", "DỪNG GỬI", "ĐỪNG NHẮN"],
  },
  /** First or last word: "cancel my alerts", "I want to cancel" (but "at the end of 5th St"). */
  edge: { en: ["CANCEL", "END", "QUIT"], es: ["CANCELAR"] },
  /** First word: "Alto, ya no quiero mensajes" (but "un hombre alto", a tall man); a Chinese one
   * opens the message ("停止这些短信"). Every word of the tiers above counts as a first word too. */
  leading: { es: ["ALTO", "PARAR", "BASTA", "DETENER"], zh: ["停止", "取消"] },
  /** The whole message: elsewhere these are everyday words ("para" = for; "đúng", right, folds to
   * "dung"). */
  whole: {
    es: ["PARA", "BAJA"],
    zh: ["停止", "取消", "TD"],
    vi: ["DỪNG", "NGỪNG", "HỦY", "THOÁT", "DỪNG LẠI", "NGỪNG LẠI"],
  },
} as const satisfies Record<string, KeywordTable>;

/** Places and events in a report, not opt-outs: "ICE at the bus stop on 14th". */
const NOT_OPT_OUT: KeywordTable = { en: ["BUS STOP", "TRAFFIC STOP", "TRUCK STOP", "STOP SIGN"] };

/**
 * Right before an opt-out word, these say the opposite: "don't stop", "never cancel", "不要退订".
 * Only unmistakable ones: Spanish "no" is not here ("No, alto", "no más mensajes" are opt-outs).
 * Chinese ones are also matched as the end of the text before a Chinese keyword ("我不想退订").
 */
const NEGATIONS: KeywordTable = {
  en: ["DON'T", "DONT", "DO NOT", "DOESN'T", "NEVER", "NOT"],
  zh: ["不", "不要", "不想", "不用", "别", "勿"],
};

/** Verbs that may open a ZIP command. "STOP 94601" removes one ZIP; "STOP" alone removes all. */
export const ZIP_VERBS = {
  subscribe: {
    en: ["SUBSCRIBE", "JOIN", "START", "SIGN UP"],
    es: ["SUSCRIBIR", "SUSCRIBIRME", "INICIO"],
    zh: ["订阅", "开始"],
    vi: ["ĐĂNG KÝ", "BẮT ĐẦU"],
  },
  add_zip: { en: ["ADD"], es: ["AGREGAR", "AÑADIR"], zh: ["添加", "增加"], vi: ["THÊM"] },
  remove_zip: {
    en: ["STOP", "REMOVE", "DELETE", "UNSUBSCRIBE", "CANCEL"],
    es: ["ALTO", "QUITAR", "ELIMINAR", "BORRAR", "CANCELAR"],
    zh: ["删除", "退订", "取消", "停止"],
    vi: ["XÓA", "DỪNG", "NGỪNG", "HỦY", "HỦY ĐĂNG KÝ"],
  },
} as const satisfies Record<string, KeywordTable>;

/** Words allowed around the ZIPs of a ZIP command. */
const ZIP_WORDS: KeywordTable = {
  en: ["ZIP", "ZIPS", "ZIPCODE", "ZIP CODE", "ZIP CODES", "CODE", "IS", "AND", "FOR", "FROM", "ALERTS"],
  es: ["CÓDIGO POSTAL", "CÓDIGO", "CP", "ES", "Y", "DE", "ALERTAS"],
  zh: ["邮编", "邮政编码", "和"],
  vi: ["MÃ ZIP", "MÃ BƯU CHÍNH", "MÃ", "VÀ", "CẢNH BÁO"],
};

/** Politeness and greetings, ignored around any command. */
const POLITE: KeywordTable = {
  // Vietnamese "ạ" folds to the English-looking "a", so it is listed here, where it signals nothing.
  en: ["PLEASE", "PLS", "PLZ", "THANKS", "THANK YOU", "THX", "TY", "NOW", "ME", "MY", "Ạ"],
  es: ["POR FAVOR", "PORFAVOR", "GRACIAS", "YA", "MI", "MIS"],
  vi: ["XIN", "VUI LÒNG", "CẢM ƠN", "CỦA TÔI"],
};
const GREETINGS: KeywordTable = { en: ["HI", "HELLO", "HEY", "OK"], es: ["HOLA"], vi: ["XIN CHÀO", "CHÀO"] };
/** Chinese is written without spaces, so these are removed from inside words: "请停止" → "停止". */
const HAN_POLITE = ["请", "谢谢", "你好", "您好", "吧", "我要", "我想"];

/** What a whole-message keyword may be about: "cancel all", "para los mensajes", "list my alerts". */
const OBJECTS: KeywordTable = {
  en: ["ALL", "EVERYTHING", "IT", "THE", "MESSAGES", "TEXTS", "ALERTS"],
  es: ["TODO", "TODOS", "LOS", "LAS", "MENSAJES", "ALERTAS"],
  vi: ["TẤT CẢ", "TIN NHẮN", "CẢNH BÁO"],
};

/** Everyday words that show which language a sender writes in, when no keyword says. */
const HINT_WORDS: KeywordTable = {
  es: [
    "HOLA",
    "GRACIAS",
    "POR FAVOR",
    "PORFAVOR",
    "QUIERO",
    "NECESITO",
    "CÓDIGO POSTAL",
    "MIS",
    "ALERTAS",
    "MENSAJES",
  ],
  vi: ["XIN CHÀO", "CẢM ƠN", "VUI LÒNG", "TÔI", "TIN NHẮN", "CẢNH BÁO", "MÃ ZIP", "MÃ BƯU CHÍNH"],
};

export const HELP = {
  /** Anywhere: someone writing "help" in any sentence should get the hotline. */
  anywhere: {
    en: ["HELP"],
    es: ["AYUDA", "AUXILIO", "SOCORRO"],
    zh: ["帮助", "幫助", "求助"],
    vi: ["TRỢ GIÚP", "GIÚP", "CỨU"],
  },
  whole: { en: ["INFO", "INFORMATION"], es: ["INFORMACIÓN"], vi: ["HƯỚNG DẪN", "THÔNG TIN"] },
} as const satisfies Record<string, KeywordTable>;

/** Resubscribe (the carrier-standard START, UNSTOP, YES), or subscribe with no ZIP yet. */
export const START: KeywordTable = {
  en: ["START", "UNSTOP", "YES", "SUBSCRIBE", "JOIN"],
  es: ["INICIO", "COMENZAR", "SUSCRIBIR", "SUSCRIBIRME"],
  zh: ["开始", "订阅"],
  vi: ["BẮT ĐẦU", "ĐĂNG KÝ"],
};

export const LIST: KeywordTable = {
  en: ["LIST", "STATUS", "ZIPS"],
  es: ["LISTA", "ESTADO"],
  zh: ["列表", "状态", "我的邮编"],
  vi: ["DANH SÁCH", "TRẠNG THÁI"],
};

/** Language choices; the hint of a language command is the language chosen. */
export const LANGUAGE_WORDS: Record<Language, readonly string[]> = {
  en: ["EN", "ENGLISH", "INGLÉS", "英文", "英语", "TIẾNG ANH"],
  es: ["ES", "ESPAÑOL", "SPANISH", "CASTELLANO", "西班牙语", "TIẾNG TÂY BAN NHA"],
  zh: ["ZH", "中文", "CHINESE", "CHINO", "汉语", "华语", "華語", "普通话", "TIẾNG TRUNG", "TIẾNG HOA"],
  vi: ["VI", "TIẾNG VIỆT", "VIỆT", "VIETNAMESE", "VIETNAMITA", "越南语"],
};
/** May precede a language: "LANGUAGE ES", "en español", "bằng tiếng Việt". */
const LANGUAGE_PREFIXES: KeywordTable = {
  en: ["LANGUAGE", "LANG", "IN"],
  es: ["IDIOMA", "EN"],
  zh: ["语言"],
  vi: ["NGÔN NGỮ", "BẰNG"],
};

// ---------------------------------------------------------------------------------------------
// Matching. A keyword is a sequence of folded words; Chinese keywords are single words matched by
// substring where a keyword may appear anywhere, since Chinese is written without spaces.

interface Keyword {
  words: readonly string[];
  hint: Language | undefined;
}

function compile(...tables: KeywordTable[]): Keyword[] {
  const keywords: Keyword[] = [];
  for (const table of tables) {
    for (const language of LANGUAGES) {
      for (const text of table[language] ?? []) {
        keywords.push({ words: tokenize(text), hint: language === "en" ? undefined : language });
      }
    }
  }
  // Longest first, so "ZIP CODE" wins over "ZIP" and "HỦY ĐĂNG KÝ" over "HỦY".
  return keywords.sort((a, b) => b.words.length - a.words.length);
}

const K = {
  optOutAnywhere: compile(OPT_OUT.anywhere),
  optOutEdge: compile(OPT_OUT.edge),
  optOutLeading: compile(OPT_OUT.anywhere, OPT_OUT.edge, OPT_OUT.leading),
  optOutWhole: compile(OPT_OUT.whole),
  notOptOut: compile(NOT_OPT_OUT),
  negations: compile(NEGATIONS),
  subscribe: compile(ZIP_VERBS.subscribe),
  add: compile(ZIP_VERBS.add_zip),
  remove: compile(ZIP_VERBS.remove_zip),
  zipContext: compile(ZIP_WORDS, POLITE, GREETINGS),
  polite: compile(POLITE, GREETINGS),
  fillers: compile(POLITE, GREETINGS, OBJECTS),
  hintWords: compile(HINT_WORDS),
  helpAnywhere: compile(HELP.anywhere),
  helpWhole: compile(HELP.whole),
  start: compile(START),
  list: compile(LIST),
  languagePrefixes: compile(LANGUAGE_PREFIXES),
  languages: LANGUAGES.flatMap((language) =>
    LANGUAGE_WORDS[language].map((text) => ({ words: tokenize(text), hint: language })),
  ),
};

function matchesAt(words: readonly string[], at: number, keyword: Keyword): boolean {
  return keyword.words.every((word, i) => words[at + i] === word);
}

function findAt(words: readonly string[], at: number, keywords: Keyword[]): Keyword | undefined {
  return keywords.find((keyword) => matchesAt(words, at, keyword));
}

/** A Chinese keyword: one word, matched inside words (Chinese is written without spaces). */
function hanKeyword(keyword: Keyword): string | undefined {
  const [only] = keyword.words;
  return keyword.words.length === 1 && only !== undefined && isHanWord(only) ? only : undefined;
}

function findAnywhere(words: readonly string[], keywords: Keyword[]): Keyword | undefined {
  return keywords.find((keyword) => {
    const han = hanKeyword(keyword);
    if (han !== undefined) return words.some((word) => word.includes(han));
    return words.some((_, at) => matchesAt(words, at, keyword));
  });
}

/** The keyword the words open with; a Chinese one may open the first word. */
function findOpening(words: readonly string[], keywords: Keyword[]): Keyword | undefined {
  return keywords.find((keyword) => {
    const han = hanKeyword(keyword);
    return han !== undefined ? (words[0]?.startsWith(han) ?? false) : matchesAt(words, 0, keyword);
  });
}

/** Whether a negation ends right before position `at` ("don't" before "stop"). */
function negatedAt(words: readonly string[], at: number): boolean {
  return K.negations.some(
    (negation) => negation.words.length <= at && matchesAt(words, at - negation.words.length, negation),
  );
}

/** Whether `word` holds the Chinese keyword somewhere not right after a negation (不要退订). */
function hanUnnegated(words: readonly string[], index: number, han: string): boolean {
  const word = words[index] ?? "";
  for (let at = word.indexOf(han); at !== -1; at = word.indexOf(han, at + 1)) {
    const before = word.slice(0, at);
    const negated =
      before === ""
        ? negatedAt(words, index)
        : K.negations.some((negation) => negation.words.length === 1 && before.endsWith(negation.words[0]!));
    if (!negated) return true;
  }
  return false;
}

/** Like findAnywhere, skipping occurrences right after a negation. */
function findUnnegated(words: readonly string[], keywords: Keyword[]): Keyword | undefined {
  return keywords.find((keyword) => {
    const han = hanKeyword(keyword);
    if (han !== undefined) return words.some((_, index) => hanUnnegated(words, index, han));
    return words.some((_, at) => matchesAt(words, at, keyword) && !negatedAt(words, at));
  });
}

function findAtEnd(words: readonly string[], keywords: Keyword[]): Keyword | undefined {
  return keywords.find((keyword) => matchesAt(words, words.length - keyword.words.length, keyword));
}

function findWhole(words: readonly string[], keywords: Keyword[]): Keyword | undefined {
  return keywords.find((keyword) => keyword.words.length === words.length && matchesAt(words, 0, keyword));
}

/** The words with every occurrence of the given keywords taken out. */
function without(words: readonly string[], keywords: Keyword[]): string[] {
  const kept: string[] = [];
  for (let at = 0; at < words.length; ) {
    const found = findAt(words, at, keywords);
    if (found) {
      at += found.words.length;
    } else {
      kept.push(words[at] ?? "");
      at += 1;
    }
  }
  return kept;
}

function hinted<T extends InboundCommand>(command: T, keyword: Keyword): T {
  return keyword.hint ? { ...command, languageHint: keyword.hint } : command;
}

// ---------------------------------------------------------------------------------------------
// The rules.

function zipCommand(words: readonly string[]): InboundCommand | undefined {
  if (!words.some(isZipWord)) return undefined;
  let at = 0;
  let hint: Language | undefined;
  for (let polite = findAt(words, at, K.polite); polite; polite = findAt(words, at, K.polite)) {
    hint ??= polite.hint;
    at += polite.words.length;
  }
  const verbs = [
    ["remove_zip", findAt(words, at, K.remove)],
    ["add_zip", findAt(words, at, K.add)],
    ["subscribe", findAt(words, at, K.subscribe)],
  ] as const;
  const [kind, verb] = verbs.find(([, found]) => found !== undefined) ?? ["subscribe", undefined];
  at += verb?.words.length ?? 0;
  const zips: string[] = [];
  while (at < words.length) {
    const word = words[at] ?? "";
    if (isZipWord(word)) {
      if (!zips.includes(word)) zips.push(word);
      at += 1;
      continue;
    }
    const filler = findAt(words, at, K.zipContext);
    if (!filler) return undefined;
    hint ??= filler.hint;
    at += filler.words.length;
  }
  if (zips.length === 0) return undefined;
  const languageHint = verb?.hint ?? hint;
  const hintField = languageHint ? { languageHint } : {};
  if (kind === "remove_zip") return { kind, zips, ...hintField };
  const kept = zips.slice(0, MAX_ZIPS_PER_MESSAGE);
  const ignored = zips.slice(MAX_ZIPS_PER_MESSAGE);
  return { kind, zips: kept, ...(ignored.length > 0 ? { ignoredZips: ignored } : {}), ...hintField };
}

const STOP: InboundCommand = { kind: "stop_all" };

/** The first word, after greetings and "please", is an opt-out word: whatever follows, it opts out.
 * A word spelled out letter by letter ("S.T.O.P", "s t o p") counts as that word. */
function firstWordOptOut(words: readonly string[]): InboundCommand | undefined {
  let at = 0;
  for (let polite = findAt(words, at, K.polite); polite; polite = findAt(words, at, K.polite)) {
    at += polite.words.length;
  }
  let spelled = "";
  for (let i = at; /^\p{L}$/u.test(words[i] ?? "") && !isHanWord(words[i]!) && spelled.length < 16; i += 1) {
    spelled += words[i];
  }
  const found =
    findOpening(words.slice(at, at + 8), K.optOutLeading) ??
    (spelled.length >= 3 ? findOpening([spelled], K.optOutLeading) : undefined);
  return found ? hinted(STOP, found) : undefined;
}

/** An opt-out word anywhere, not negated and not part of a place ("bus stop"). */
function optOutAnywhere(allWords: readonly string[]): InboundCommand | undefined {
  const found = findUnnegated(without(allWords, K.notOptOut), K.optOutAnywhere);
  return found ? hinted(STOP, found) : undefined;
}

function optOut(allWords: readonly string[]): InboundCommand | undefined {
  const first = firstWordOptOut(allWords) ?? optOutAnywhere(allWords);
  if (first) return first;
  const core = without(without(allWords, K.notOptOut), K.fillers);
  if (core.length === 0) return undefined;
  const last = findAtEnd(core, K.optOutEdge);
  const found =
    findOpening(core, K.optOutLeading) ??
    (last && !negatedAt(core, core.length - last.words.length) ? last : undefined) ??
    findWhole(core, K.optOutWhole);
  return found ? hinted(STOP, found) : undefined;
}

function help(words: readonly string[]): InboundCommand | undefined {
  const found = findAnywhere(words, K.helpAnywhere) ?? findWhole(without(words, K.fillers), K.helpWhole);
  return found ? hinted({ kind: "help" }, found) : undefined;
}

function wholeMessage(words: readonly string[]): InboundCommand | undefined {
  const core = without(words, K.fillers);
  const start = findWhole(core, K.start);
  if (start) return hinted({ kind: "start" }, start);
  const list = findWhole(core, K.list);
  if (list) return hinted({ kind: "list" }, list);
  const prefix = findAt(core, 0, K.languagePrefixes);
  const language =
    findWhole(core, K.languages) ??
    (prefix ? findWhole(core.slice(prefix.words.length), K.languages) : undefined);
  if (language?.hint) return { kind: "language", language: language.hint, languageHint: language.hint };
  return undefined;
}

const EMAIL_INTRO = /^(?:(?:my|mi)\s+)?(?:e-?mail|correo|邮箱)(?:\s+(?:is|es))?\s*:?\s*/iu;

function emailCommand(text: string): InboundCommand | undefined {
  const candidate = text
    .normalize("NFKC")
    .replace(EMAIL_INTRO, "")
    .replace(/^<(.*)>$/, "$1")
    .replace(/[.,;!]+$/, "");
  if (!candidate.includes("@") || /\s/.test(candidate)) return undefined;
  const email = normalizeEmail(candidate);
  return email ? { kind: "email", email } : { kind: "invalid_email" };
}

const VIETNAMESE_LETTERS = /[ăđơưĂĐƠƯ\u1EA0-\u1EF9]/u;
const SPANISH_LETTERS = /[ñÑ¿¡áíóúÁÍÓÚ]/u;
const HAN = /\p{Script=Han}/u;

/** The language a message seems written in, when no keyword said. */
function guessLanguage(text: string, words: readonly string[]): Language | undefined {
  if (HAN.test(text)) return "zh";
  const composed = text.normalize("NFC");
  if (VIETNAMESE_LETTERS.test(composed)) return "vi";
  if (SPANISH_LETTERS.test(composed)) return "es";
  return findAnywhere(words, K.hintWords)?.hint;
}

function withHint(command: InboundCommand, text: string, words: readonly string[]): InboundCommand {
  if (command.languageHint) return command;
  const hint = guessLanguage(text, words);
  return hint ? { ...command, languageHint: hint } : command;
}

/** Chinese politeness is removed from inside words ("请停止" → "停止"); emptied words disappear. */
function wordsOf(text: string): string[] {
  return tokenize(text)
    .map((word) =>
      isHanWord(word) ? HAN_POLITE.reduce((w, polite) => w.replaceAll(polite, ""), word) : word,
    )
    .filter((word) => word !== "");
}

/** What a resident's text message asks for. Never throws. */
export function parseInbound(body: string): InboundCommand {
  const text = typeof body === "string" ? body.trim() : "";
  if (text === "") return { kind: "unknown" };
  if (text.length > MAX_BODY_LENGTH) {
    // Not a command, but still an opt-out ("STOP" and a page of emoji, "…please unsubscribe me").
    const words = wordsOf(text);
    return firstWordOptOut(words) ?? optOutAnywhere(words) ?? { kind: "unknown" };
  }
  const email = emailCommand(text);
  if (email?.kind === "email") return email;
  const words = wordsOf(text);
  const command = zipCommand(words) ?? optOut(words) ?? help(words) ?? wholeMessage(words);
  return withHint(command ?? email ?? { kind: "unknown" }, text, words);
}
