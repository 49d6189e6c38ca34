// The SMS keyword grammar as a specification: what residents text, and what Aviso understands.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { LANGUAGES } from "../../src/i18n/languages.ts";
import {
  type InboundCommand,
  MAX_BODY_LENGTH,
  MAX_ZIPS_PER_MESSAGE,
  OPT_OUT,
  parseInbound,
} from "../../src/sms/keywords.ts";
import { REPLY_KEYWORDS } from "../../src/sms/replies.ts";

const unknown: InboundCommand = { kind: "unknown" };
const stop: InboundCommand = { kind: "stop_all" };
const help: InboundCommand = { kind: "help" };
const subscribe = (...zips: string[]): InboundCommand => ({ kind: "subscribe", zips });

// body → command. Where languageHint is absent here, the parser must not set one.
const TABLE: Array<[string, InboundCommand]> = [
  // Subscribing: one or more ZIPs, alone or with "zip", separators and ZIP+4.
  ["94607", subscribe("94607")],
  ["zip 94607", subscribe("94607")],
  ["ZIP: 94607", subscribe("94607")],
  ["Zip code 94607", subscribe("94607")],
  ["zip94607", subscribe("94607")],
  ["94607 94601", subscribe("94607", "94601")],
  ["94607, 94601", subscribe("94607", "94601")],
  ["94607,94601;94606", subscribe("94607", "94601", "94606")],
  ["94607 and 94601", subscribe("94607", "94601")],
  ["94607 94601 94607", subscribe("94607", "94601")],
  ["９４６０７", subscribe("94607")],
  ["94607-1234", subscribe("94607")],
  ["94607–1234", subscribe("94607")],
  ["  94607.  ", subscribe("94607")],
  ["my zip is 94607", subscribe("94607")],
  ["94607 please", subscribe("94607")],
  ["alerts for 94607", subscribe("94607")],
  ["subscribe 94607", subscribe("94607")],
  ["START 94607", subscribe("94607")],
  ["hola 94607", { kind: "subscribe", zips: ["94607"], languageHint: "es" }],
  ["94607 y 94601", { kind: "subscribe", zips: ["94607", "94601"], languageHint: "es" }],
  ["alertas de 94607", { kind: "subscribe", zips: ["94607"], languageHint: "es" }],
  ["mi zip es 94607", { kind: "subscribe", zips: ["94607"], languageHint: "es" }],
  ["94607 và 94601", { kind: "subscribe", zips: ["94607", "94601"], languageHint: "vi" }],
  ["código postal 94607", { kind: "subscribe", zips: ["94607"], languageHint: "es" }],
  ["邮编94607", { kind: "subscribe", zips: ["94607"], languageHint: "zh" }],
  ["订阅 94607", { kind: "subscribe", zips: ["94607"], languageHint: "zh" }],
  ["mã ZIP 94607", { kind: "subscribe", zips: ["94607"], languageHint: "vi" }],
  ["đăng ký 94607", { kind: "subscribe", zips: ["94607"], languageHint: "vi" }],

  // Not a subscription: wrong length, or a ZIP inside a sentence (a report, an address).
  ["1234", unknown],
  ["946071", unknown],
  ["94607 1234", unknown],
  ["9460", unknown],
  ["ICE on Broadway in 94607", unknown],
  ["(510) 555-0100", unknown],
  ["2 vans at 1200 International Blvd 94601", unknown],
  ["alertas para 94607", { kind: "unknown", languageHint: "es" }],

  // Opting out of everything. Never missed.
  ["STOP", stop],
  ["stop", stop],
  ["Stop.", stop],
  ["STOP!!", stop],
  ["  STOP  ", stop],
  ["ＳＴＯＰ", stop],
  ["S\u200BTOP", stop],
  ["stop please", stop],
  ["Please stop", stop],
  ["please stop texting me", stop],
  ["Stop all", stop],
  ["STOPALL", stop],
  ["UNSUBSCRIBE", stop],
  ["unsubscribe me", stop],
  ["I want to unsubscribe", stop],
  ["Don't text me anymore", stop],
  ["remove me from this list", stop],
  ["No more messages!", stop],
  ["CANCEL", stop],
  ["cancel my alerts", stop],
  ["I want to cancel", stop],
  ["END", stop],
  ["end.", stop],
  ["QUIT", stop],
  ["REVOKE", stop],
  ["OPTOUT", stop],
  ["OPT OUT", stop],
  ["opt-out", stop],
  ["stop all 94601", stop],
  ["94601 stop", stop],
  ["STOP START", stop],
  ["stop 🙏", stop],
  ["Stop. Help", stop],
  ["ALTO", { kind: "stop_all", languageHint: "es" }],
  ["Alto", { kind: "stop_all", languageHint: "es" }],
  ["alto!", { kind: "stop_all", languageHint: "es" }],
  ["Alto por favor", { kind: "stop_all", languageHint: "es" }],
  ["Alto, ya no quiero mensajes", { kind: "stop_all", languageHint: "es" }],
  ["PARAR", { kind: "stop_all", languageHint: "es" }],
  ["para", { kind: "stop_all", languageHint: "es" }],
  ["Para los mensajes", { kind: "stop_all", languageHint: "es" }],
  ["cancelar", { kind: "stop_all", languageHint: "es" }],
  ["quiero darme de baja", { kind: "stop_all", languageHint: "es" }],
  ["Ya no quiero recibir estos mensajes", { kind: "stop_all", languageHint: "es" }],
  ["no me manden más mensajes", { kind: "stop_all", languageHint: "es" }],
  ["不要再发了", { kind: "stop_all", languageHint: "zh" }],
  ["停止", { kind: "stop_all", languageHint: "zh" }],
  ["退订", { kind: "stop_all", languageHint: "zh" }],
  ["请停止。", { kind: "stop_all", languageHint: "zh" }],
  ["我要退订", { kind: "stop_all", languageHint: "zh" }],
  ["取消订阅", { kind: "stop_all", languageHint: "zh" }],
  ["TD", { kind: "stop_all", languageHint: "zh" }],
  ["DỪNG", { kind: "stop_all", languageHint: "vi" }],
  ["dung", { kind: "stop_all", languageHint: "vi" }],
  ["NGỪNG", { kind: "stop_all", languageHint: "vi" }],
  ["Hủy", { kind: "stop_all", languageHint: "vi" }],
  ["hủy đăng ký", { kind: "stop_all", languageHint: "vi" }],
  ["Đừng gửi nữa", { kind: "stop_all", languageHint: "vi" }],

  // Opt-out words inside a report are not opt-outs.
  ["ICE at the bus stop on 14th", unknown],
  ["traffic stop 94601", unknown],
  ["agents at the end of 5th St", unknown],
  ["un hombre alto", unknown],
  ["para mi familia", unknown],

  // Removing and adding ZIPs.
  ["STOP 94601", { kind: "remove_zip", zips: ["94601"] }],
  ["stop 94601, 94602", { kind: "remove_zip", zips: ["94601", "94602"] }],
  ["REMOVE 94601", { kind: "remove_zip", zips: ["94601"] }],
  ["remove zip 94601", { kind: "remove_zip", zips: ["94601"] }],
  ["unsubscribe 94601", { kind: "remove_zip", zips: ["94601"] }],
  ["remove me from 94601", { kind: "remove_zip", zips: ["94601"] }],
  ["QUITAR 94601", { kind: "remove_zip", zips: ["94601"], languageHint: "es" }],
  ["quitar 94601", { kind: "remove_zip", zips: ["94601"], languageHint: "es" }],
  ["ALTO 94601", { kind: "remove_zip", zips: ["94601"], languageHint: "es" }],
  ["删除94601", { kind: "remove_zip", zips: ["94601"], languageHint: "zh" }],
  ["退订 94601", { kind: "remove_zip", zips: ["94601"], languageHint: "zh" }],
  ["XÓA 94601", { kind: "remove_zip", zips: ["94601"], languageHint: "vi" }],
  ["ADD 94606", { kind: "add_zip", zips: ["94606"] }],
  ["add 94606 and 94605", { kind: "add_zip", zips: ["94606", "94605"] }],
  ["AGREGAR 94606", { kind: "add_zip", zips: ["94606"], languageHint: "es" }],
  ["agregar 94606", { kind: "add_zip", zips: ["94606"], languageHint: "es" }],
  ["añadir 94606", { kind: "add_zip", zips: ["94606"], languageHint: "es" }],
  ["添加 94606", { kind: "add_zip", zips: ["94606"], languageHint: "zh" }],
  ["thêm 94606", { kind: "add_zip", zips: ["94606"], languageHint: "vi" }],
  ["ADD", unknown],

  // Resubscribing.
  ["START", { kind: "start" }],
  ["start", { kind: "start" }],
  ["UNSTOP", { kind: "start" }],
  ["Yes", { kind: "start" }],
  ["INICIO", { kind: "start", languageHint: "es" }],
  ["comenzar", { kind: "start", languageHint: "es" }],
  ["开始", { kind: "start", languageHint: "zh" }],
  ["bắt đầu", { kind: "start", languageHint: "vi" }],

  // Help, anywhere: the reply carries the hotline.
  ["HELP", help],
  ["help me", help],
  ["I need help", help],
  ["help 94607", help],
  ["INFO", help],
  ["AYUDA", { kind: "help", languageHint: "es" }],
  ["Ayuda", { kind: "help", languageHint: "es" }],
  ["necesito ayuda", { kind: "help", languageHint: "es" }],
  ["帮助", { kind: "help", languageHint: "zh" }],
  ["trợ giúp", { kind: "help", languageHint: "vi" }],
  ["TRO GIUP", { kind: "help", languageHint: "vi" }],

  // The resident's ZIPs.
  ["LIST", { kind: "list" }],
  ["status", { kind: "list" }],
  ["ZIPS", { kind: "list" }],
  ["my zips", { kind: "list" }],
  ["LISTA", { kind: "list", languageHint: "es" }],
  ["列表", { kind: "list", languageHint: "zh" }],
  ["danh sách", { kind: "list", languageHint: "vi" }],

  // Language.
  ["EN", { kind: "language", language: "en", languageHint: "en" }],
  ["English", { kind: "language", language: "en", languageHint: "en" }],
  ["INGLÉS", { kind: "language", language: "en", languageHint: "en" }],
  ["ES", { kind: "language", language: "es", languageHint: "es" }],
  ["ESPAÑOL", { kind: "language", language: "es", languageHint: "es" }],
  ["espanol", { kind: "language", language: "es", languageHint: "es" }],
  ["Spanish", { kind: "language", language: "es", languageHint: "es" }],
  ["en español", { kind: "language", language: "es", languageHint: "es" }],
  ["language es", { kind: "language", language: "es", languageHint: "es" }],
  ["中文", { kind: "language", language: "zh", languageHint: "zh" }],
  ["ZH", { kind: "language", language: "zh", languageHint: "zh" }],
  ["chinese", { kind: "language", language: "zh", languageHint: "zh" }],
  ["VI", { kind: "language", language: "vi", languageHint: "vi" }],
  ["tiếng việt", { kind: "language", language: "vi", languageHint: "vi" }],
  ["TIẾNG VIỆT", { kind: "language", language: "vi", languageHint: "vi" }],
  ["TIENG VIET", { kind: "language", language: "vi", languageHint: "vi" }],
  ["Vietnamese", { kind: "language", language: "vi", languageHint: "vi" }],

  // Email.
  ["me@example.org", { kind: "email", email: "me@example.org" }],
  ["Me.Myself@Example.ORG", { kind: "email", email: "Me.Myself@example.org" }],
  ["  email: ana+alerts@mail.example.com. ", { kind: "email", email: "ana+alerts@mail.example.com" }],
  ["my email is me@example.org", { kind: "email", email: "me@example.org" }],
  ["me＠example.org", { kind: "email", email: "me@example.org" }],
  ["me@example", { kind: "invalid_email" }],
  ["me@@example.org", { kind: "invalid_email" }],
  ["@", { kind: "invalid_email" }],
  ["me@exa_mple.org", { kind: "invalid_email" }],
  [".me@example.org", { kind: "invalid_email" }],
  ["me@example.org and 94607", unknown],

  // Nothing we understand.
  ["", unknown],
  ["   ", unknown],
  ["hello", unknown],
  ["?", unknown],
  ["👍", unknown],
  ["ok thanks", unknown],
  ["hola", { kind: "unknown", languageHint: "es" }],
  ["¿Qué es esto?", { kind: "unknown", languageHint: "es" }],
  ["你好", { kind: "unknown", languageHint: "zh" }],
  ["xin chào", { kind: "unknown", languageHint: "vi" }],
  ["Cảm ơn", { kind: "unknown", languageHint: "vi" }],
];

describe("parseInbound: the keyword table", () => {
  it.each(TABLE)("%j", (body, expected) => {
    expect(parseInbound(body)).toStrictEqual(expected);
  });
});

describe("parseInbound: limits", () => {
  it(`subscribes to the first ${MAX_ZIPS_PER_MESSAGE} ZIPs of a longer list and reports the rest`, () => {
    const zips = Array.from({ length: 12 }, (_, i) => String(94601 + i));
    expect(parseInbound(zips.join(" "))).toStrictEqual({
      kind: "subscribe",
      zips: zips.slice(0, MAX_ZIPS_PER_MESSAGE),
      ignoredZips: zips.slice(MAX_ZIPS_PER_MESSAGE),
    });
  });

  it("removes every listed ZIP, with no cap (removing is always safe)", () => {
    const zips = Array.from({ length: 12 }, (_, i) => String(94601 + i));
    expect(parseInbound(`STOP ${zips.join(" ")}`)).toStrictEqual({ kind: "remove_zip", zips });
  });

  it("treats a long message as unknown, unless it opens with an opt-out", () => {
    const long = `ICE agents at 94607 ${"and more details ".repeat(30)}`;
    expect(parseInbound(long)).toStrictEqual(unknown);
    expect(parseInbound(`STOP. ${long}`)).toStrictEqual(stop);
    expect(parseInbound(`Alto: ${long}`)).toStrictEqual({ kind: "stop_all", languageHint: "es" });
    expect(parseInbound(`94607 ${"x".repeat(400)}`)).toStrictEqual(unknown);
  });
});

describe("every keyword a reply tells residents to send is understood", () => {
  it.each(LANGUAGES)("%s", (lang) => {
    const words = REPLY_KEYWORDS[lang];
    for (const stopWord of [words.stop, "STOP"]) expect(parseInbound(stopWord).kind).toBe("stop_all");
    for (const startWord of [words.start, "START"]) expect(parseInbound(startWord).kind).toBe("start");
    for (const helpWord of [words.help, "HELP"]) expect(parseInbound(helpWord).kind).toBe("help");
    expect(parseInbound(words.list).kind).toBe("list");
    expect(parseInbound(`${words.add} 94606`)).toMatchObject({ kind: "add_zip", zips: ["94606"] });
    expect(parseInbound(`${words.remove} 94601`)).toMatchObject({ kind: "remove_zip", zips: ["94601"] });
    if (lang !== "en") {
      expect(parseInbound(words.stop).languageHint).toBe(lang);
      expect(parseInbound(words.help).languageHint).toBe(lang);
    }
  });
});

// Strings that are neither a ZIP nor a keyword, plus the pieces commands are made of.
const PIECES = ["stop", "STOP", "help", "94607", "9460", "946071", "zip", "-", ",", " ", "é", "中", "@", "."];
const anyText = fc.oneof(
  fc.string(),
  fc.string({ unit: "binary" }),
  fc.string({ unit: "grapheme", maxLength: 400 }),
  fc.string({ unit: fc.constantFrom(...PIECES), maxLength: 30 }),
  fc.string({ unit: fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c)) }),
);

/** A 5-digit run once compatibility forms, marks and invisible characters are set aside. */
const hasFiveDigitRun = (s: string) =>
  /[0-9]{5}/.test(
    s
      .normalize("NFKD")
      .toLowerCase()
      .replace(/[\p{M}\p{Cf}]/gu, ""),
  );

describe("parseInbound: properties", () => {
  it("never throws and always returns a well-formed command", () => {
    fc.assert(
      fc.property(anyText, (body) => {
        const command = parseInbound(body);
        if ("zips" in command) {
          expect(command.zips.length).toBeGreaterThan(0);
          expect(new Set(command.zips).size).toBe(command.zips.length);
          for (const zip of command.zips) expect(zip).toMatch(/^[0-9]{5}$/);
        }
        if (command.kind === "subscribe" || command.kind === "add_zip") {
          expect(command.zips.length).toBeLessThanOrEqual(MAX_ZIPS_PER_MESSAGE);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it("never subscribes without a 5-digit run in the message", () => {
    fc.assert(
      fc.property(anyText, (body) => {
        fc.pre(!hasFiveDigitRun(body));
        const { kind } = parseInbound(body);
        expect(kind).not.toBe("subscribe");
        expect(kind).not.toBe("add_zip");
      }),
      { numRuns: 2000 },
    );
  });

  it("handles huge messages quickly", () => {
    const started = performance.now();
    for (const body of ["9".repeat(1_000_000), "STOP ".repeat(200_000), "中".repeat(1_000_000)]) {
      parseInbound(body);
    }
    fc.assert(fc.property(fc.string({ minLength: 300, maxLength: 5000 }), (body) => void parseInbound(body)));
    expect(performance.now() - started).toBeLessThan(5000);
  });

  it("understands an opt-out word however it is dressed", () => {
    const word = fc.constantFrom(
      "stop",
      "stopall",
      "unsubscribe",
      "cancel",
      "end",
      "quit",
      "revoke",
      "optout",
    );
    const casing = fc.array(fc.boolean(), { minLength: 12, maxLength: 12 });
    const around = fc.constantFrom("", " ", "  ", ".", "!", "!!", "\n", "?", "...", " 🙏", "\u00A0");
    fc.assert(
      fc.property(word, casing, around, around, (w, upper, before, after) => {
        const cased = [...w].map((c, i) => (upper[i] ? c.toUpperCase() : c)).join("");
        expect(parseInbound(`${before}${cased}${after}`).kind).toBe("stop_all");
        expect(parseInbound(`${before}${cased} please${after}`).kind).toBe("stop_all");
      }),
    );
  });
});

// Issue 14, point 9: the FCC's 2024 "reasonable means" rule. A message whose first word is an
// opt-out word opts out, whatever follows and however long it is; a word that merely comes later
// under a negation ("don't stop") does not.
describe("opting out wherever it is written", () => {
  const EMOJI = "😀🙏🚫💔🇺🇸👍🏽";
  const emojiTail = (length: number) =>
    [...EMOJI.repeat(Math.ceil(length / EMOJI.length))].join("").slice(0, length);

  it.each([
    ["STOP followed by emoji past the long-message limit", `STOP ${emojiTail(2 * MAX_BODY_LENGTH)}`],
    ["STOP glued to emoji", `STOP${emojiTail(4000)}`],
    ["emoji before STOP", `${emojiTail(200)}STOP${emojiTail(600)}`],
    ["whitespace before STOP", `${" \n\t".repeat(200)}stop ${"x ".repeat(500)}`],
    ["full-width ＳＴＯＰ, long", `ＳＴＯＰ ${"あ".repeat(1000)}`],
    ["ALTO, long", `Alto. ${"ya no quiero estos mensajes ".repeat(40)}`],
    ["退订 then a long Chinese tail", `退订${"不要再给我发短信了".repeat(100)}`],
    ["UNSUBSCRIBE then a 60,000-character body", `UNSUBSCRIBE ${"a".repeat(60_000)}`],
    ["END with a report after it", `End, ${"agents at the end of 5th St ".repeat(20)}`],
  ])("%s", (_, body) => {
    expect(parseInbound(body).kind).toBe("stop_all");
  });

  // Odd bodies, decided: invisible characters (RTL marks, zero-width spaces) are ignored inside and
  // around words, control characters (NUL) and lone surrogates separate words like punctuation,
  // full-width letters are their ASCII selves, Latin and Han letters written together are two words.
  it.each<[string, InboundCommand["kind"]]>([
    ["STOP\u0000", "stop_all"],
    ["\u0000STOP", "stop_all"],
    ["\u0000\u0000\u0000", "unknown"],
    ["ST\u0000OP", "unknown"],
    ["\uD800STOP\uDC00", "stop_all"],
    ["STOP\uD83D", "stop_all"],
    ["\u200FSTOP\u200F", "stop_all"],
    ["\u202ESTOP", "stop_all"],
    ["\u202EPOTS", "unknown"],
    ["S\u200BT\u200CO\u200DP", "stop_all"],
    ["ＳＴＯＰ", "stop_all"],
    ["ｓｔｏｐ！", "stop_all"],
    ["Ｓｔｏｐ ９４６０１", "remove_zip"],
    ["STOP谢谢", "stop_all"],
    ["请停止发送短信", "stop_all"],
    ["停止这些短信", "stop_all"],
    ["STOPPING by later", "unknown"],
    ["S.T.O.P", "stop_all"],
    ["s t o p please", "stop_all"],
    ["Q-U-I-T", "stop_all"],
    ["S T O P P I N G", "unknown"],
    ["A B C", "unknown"],
    ["STOPALL!!!", "stop_all"],
  ])("%j is %s", (body, kind) => {
    expect(parseInbound(body).kind).toBe(kind);
  });

  it.each([
    "don't stop",
    "Don’t stop!",
    "please don't stop the alerts",
    "do not stop sending these",
    "DONT STOP",
    "never stop",
    "Please don't cancel",
    "do not unsubscribe me",
    "不要退订",
    "我不想退订",
  ])("%j is not an opt-out", (body) => {
    expect(parseInbound(body).kind).not.toBe("stop_all");
  });

  it("still opts out when a negation is not about the opt-out word", () => {
    for (const body of ["Don't text me", "Stop, don't text me", "I don't want these, stop", "no, stop"]) {
      expect(parseInbound(body).kind, body).toBe("stop_all");
    }
  });

  // The first word: any opt-out word the grammar knows for the first word of a message (every
  // language's, except the whole-message tier's everyday words like "para" and "đúng").
  const firstWords = [
    ...Object.values(OPT_OUT.anywhere).flat(),
    ...Object.values(OPT_OUT.edge).flat(),
    ...Object.values(OPT_OUT.leading).flat(),
  ];
  const casing = fc.array(fc.boolean(), { minLength: 20, maxLength: 20 });
  const recase = (word: string, upper: boolean[]) =>
    [...word].map((c, i) => (upper[i] ? c.toUpperCase() : c.toLowerCase())).join("");
  // What may stand before the word and between it and the rest: nothing a word is made of.
  const SPACING = [" ", "  ", "\n", "\t", "\u00A0", "\u3000", "\u200F", "\u202E", "\u0000", "\uD800"];
  const PUNCTUATION = [".", "!", "?", ",", ":", ";", "…", "¡", "¿", "，", "。", "！", "(", '"', "'", "*"];
  const dressing = fc
    .array(fc.constantFrom(...SPACING, ...PUNCTUATION, ...[...EMOJI]), { maxLength: 5 })
    .map((parts) => parts.join(""));
  // Invisible characters join what they stand between ("STOP\u200Bme" is "STOPme"), and a lone
  // high surrogate pairs with a low one after it, so the word ends at something visible.
  const separator = fc
    .tuple(dressing, fc.constantFrom(" ", "\n", ".", "!", ",", "。", "\u0000", "😀"))
    .map(([d, visible]) => d + visible);
  const before = fc.oneof(fc.constant(""), dressing);
  const tail = fc.oneof(
    fc.string({ maxLength: 200 }),
    fc.string({ unit: "binary", maxLength: 400 }),
    fc.string({ unit: "grapheme", maxLength: 400 }),
    fc.string({ unit: "binary", minLength: MAX_BODY_LENGTH, maxLength: 5_000 }),
    // Up to what the webhook accepts (64 KiB of form body; a character takes at least a byte).
    fc.integer({ min: 1, max: 60_000 }).map((n) => emojiTail(n)),
    fc.integer({ min: 1, max: 60_000 }).map((n) => "stop? not really. ".repeat(n / 18)),
  );

  it("fuzz: an opt-out first word, dressed any way, with any tail, opts out", () => {
    fc.assert(
      fc.property(fc.constantFrom(...firstWords), casing, before, separator, tail, (word, upper, b, s, t) => {
        const body = `${b}${recase(word, upper)}${s}${t}`;
        const command = parseInbound(body);
        if (command.kind === "stop_all") return;
        // The two things that may be read first, by design: a ZIP command ("STOP 94601" leaves that
        // ZIP only) and a message that is one email address as a whole ("stop.me@example.org").
        if (command.kind === "remove_zip") {
          expect(body.length).toBeLessThanOrEqual(MAX_BODY_LENGTH);
          return;
        }
        expect(command.kind, JSON.stringify(body.slice(0, 200))).toBe("email");
        expect(body.trim()).not.toMatch(/\s/);
      }),
      { numRuns: 1500 },
    );
  });

  it("fuzz: an opt-out word later in a message, negated, is not an opt-out", () => {
    const negation = fc.constantFrom("don't", "dont", "do not", "DON'T", "never", "Do NOT");
    const lead = fc.constantFrom("", "Please ", "I ", "you can ", "Hi, ");
    const word = fc.constantFrom("stop", "cancel", "unsubscribe", "quit", "end", "STOP", "Opt out");
    const after = fc.constantFrom("", " the alerts", " sending these", " please", "!", " 🙏");
    fc.assert(
      fc.property(lead, negation, word, after, (l, n, w, a) => {
        const body = `${l}${n} ${w}${a}`;
        expect(parseInbound(body).kind, body).not.toBe("stop_all");
      }),
    );
  });
});
