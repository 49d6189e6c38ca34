/**
 * What a responder texts (issue 16, points 2 and 4), in English and Spanish:
 *
 * - duty: ON / OFF (ACTIVO, ACTIVA, EN SERVICIO, DISPONIBLE / INACTIVO, INACTIVA, FUERA, FUERA DE
 *   SERVICIO), LIST / LISTA;
 * - answers about a case, its 4-digit code first or last ("4821 Y", "Y 4821") or left out (a lone
 *   "Y" answers the responder's only open case): Y, YES, SI, SÍ, VOY (on my way); N, NO; CONFIRM or
 *   CONFIRMO followed by what they see; NOTHING, NADA; GONE, SE FUE, SE FUERON.
 *
 * Only texts that are wholly one of these match; anything else is left to the resident grammar
 * (keywords.ts), so a responder still subscribes to ZIPs, asks for HELP and texts STOP as anyone.
 * A 4-digit code never looks like a ZIP (5 digits), so "4821 Y" cannot be a subscription.
 */
import type { ResponderAnswer } from "../db/database.ts";
import type { Language } from "../i18n/languages.ts";
import { tokenize } from "./normalize.ts";

export type ResponderText =
  | { kind: "on" | "off" | "list"; language: Language }
  | { kind: "answer"; answer: ResponderAnswer; code?: string; notes?: string; language: Language };

type Phrase = { words: string[]; language: Language };
const phrases = (language: Language, ...list: string[]): Phrase[] =>
  list.map((p) => ({ words: p.split(" "), language }));

const DUTY: Record<"on" | "off" | "list", Phrase[]> = {
  on: [...phrases("en", "on", "on duty"), ...phrases("es", "activo", "activa", "en servicio", "disponible")],
  off: [
    ...phrases("en", "off", "off duty"),
    ...phrases("es", "inactivo", "inactiva", "fuera", "fuera de servicio", "no disponible"),
  ],
  list: [...phrases("en", "list", "status"), ...phrases("es", "lista", "estado")],
};

// CONFIRM is matched apart: it is followed by free text.
const ANSWERS: Record<Exclude<ResponderAnswer, "confirm">, Phrase[]> = {
  yes: [...phrases("en", "y", "yes", "yes omw", "on my way"), ...phrases("es", "si", "voy", "si voy")],
  no: [...phrases("en", "n", "no", "cant", "can t"), ...phrases("es", "no puedo")],
  nothing: [...phrases("en", "nothing", "nothing found", "nothing here"), ...phrases("es", "nada")],
  gone: [
    ...phrases("en", "gone", "left", "they left"),
    ...phrases("es", "se fue", "se fueron", "ya se fueron"),
  ],
};
const CONFIRM = [...phrases("en", "confirm", "confirmed"), ...phrases("es", "confirmo", "confirmado")];

const CODE = /^[0-9]{4}$/;
// The original text of a CONFIRM after its keyword (and a leading code), for the notes.
const CONFIRM_PREFIX =
  /^\s*(?:[0-9]{4}\s*)?(?:confirm(?:ed)?|confirm(?:[oó]|ado))(?![\p{L}\p{N}])[\s:,.;-]*/iu;

const same = (a: string[], b: string[]) => a.length === b.length && a.every((w, i) => w === b[i]);

export function parseResponderText(body: string): ResponderText | undefined {
  const words = tokenize(body);
  if (words.length === 0) return undefined;
  for (const kind of ["on", "off", "list"] as const) {
    const found = DUTY[kind].find((p) => same(p.words, words));
    if (found) return { kind, language: found.language };
  }
  // CONFIRM, its code before it ("4821 CONFIRM 2 vans") or alone after it ("CONFIRM 4821").
  const confirmAt = CODE.test(words[0]!) ? 1 : 0;
  const confirm = CONFIRM.find((p) => p.words[0] === words[confirmAt]);
  if (confirm) {
    let code = confirmAt === 1 ? words[0] : undefined;
    let notes = body.normalize("NFKC").replace(CONFIRM_PREFIX, "").trim();
    if (!code && words.length === 2 && CODE.test(words[1]!)) {
      code = words[1];
      notes = "";
    }
    return {
      kind: "answer",
      answer: "confirm",
      code,
      notes: notes === "" ? undefined : notes.slice(0, 2000),
      language: confirm.language,
    };
  }
  // Any other answer: a code first or last, and the rest one answer.
  let code: string | undefined;
  let rest = words;
  if (CODE.test(words[0]!)) {
    code = words[0];
    rest = words.slice(1);
  } else if (CODE.test(words.at(-1)!)) {
    code = words.at(-1);
    rest = words.slice(0, -1);
  }
  if (rest.length === 0) return undefined;
  for (const answer of ["yes", "no", "nothing", "gone"] as const) {
    const found = ANSWERS[answer].find((p) => same(p.words, rest));
    if (found) return { kind: "answer", answer, code, language: found.language };
  }
  return undefined;
}
