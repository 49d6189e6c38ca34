/**
 * Every text Aviso sends a responder (issue 16): the invitation, the dispatch, and the replies to
 * duty and answers. English and Spanish; a responder who speaks neither is written to in English
 * (the Chinese and Vietnamese texts are still to be written). Like the residents' replies
 * (replies.ts), each opens with the program's name.
 *
 * A dispatch text says what the responder needs to go and look (place, cross streets, activity,
 * ZIP, time) and never who called or from what number: the sighting's reporter fields are not
 * even passed in.
 */
import type { SightingActivity } from "../db/database.ts";
import type { Language } from "../i18n/languages.ts";

export type ResponderLanguage = "en" | "es";
export const responderLanguage = (languages: readonly Language[]): ResponderLanguage =>
  languages.find((l): l is ResponderLanguage => l === "en" || l === "es") ?? "en";

const brand = (program: string, text: string) => `${program}: ${text}`;

const ACTIVITY: Record<ResponderLanguage, Record<SightingActivity, string>> = {
  en: {
    sweep: "ICE sweep",
    targeted_arrest: "ICE arrest",
    checkpoint: "checkpoint",
    traffic_stop: "traffic stop",
    workplace: "workplace raid",
    other: "ICE activity",
  },
  es: {
    sweep: "redada de ICE",
    targeted_arrest: "arresto de ICE",
    checkpoint: "retén",
    traffic_stop: "parada de tráfico",
    workplace: "redada en un trabajo",
    other: "actividad de ICE",
  },
};

export type DispatchFacts = {
  program: string;
  code: string;
  activity: SightingActivity;
  place: string | null;
  crossStreets: string | null;
  zip: string;
  /** Already formatted in the program's time zone ("8:06 PM"). */
  time: string;
};

/** `AVISO CASE 4821: reported ICE activity near 8th St & Market St, 94607, 8:06 PM. Reply …` */
export function dispatchText(lang: ResponderLanguage, f: DispatchFacts): string {
  const where = [f.place, f.crossStreets].filter((part): part is string => Boolean(part)).join(" & ");
  const program = f.program.toUpperCase();
  if (lang === "es")
    return `${program} CASO ${f.code}: reportan ${ACTIVITY.es[f.activity]} cerca de ${where ? `${where}, ` : ""}${f.zip}, ${f.time}. Responda ${f.code} SI si puede ir, ${f.code} NO si no.`;
  return `${program} CASE ${f.code}: reported ${ACTIVITY.en[f.activity]} near ${where ? `${where}, ` : ""}${f.zip}, ${f.time}. Reply ${f.code} Y if you can go, ${f.code} N if not.`;
}

export function invitationText(lang: ResponderLanguage, p: { program: string; organisation: string }) {
  return brand(
    p.program,
    lang === "es"
      ? `${p.organisation} le invita a su lista de observadores: le pediremos por texto ir a ver reportes cerca de usted. Responda SI para unirse, STOP para no recibir mas. Pueden aplicar tarifas.`
      : `${p.organisation} invites you to its responder roster: we'll text you to check reports near you. Reply YES to join, STOP to opt out. Msg & data rates may apply.`,
  );
}

const TEXTS = {
  joined: {
    en: "You're on the responder roster. Text ON when you can respond, OFF when you can't, STOP to leave.",
    es: "Ya esta en la lista de observadores. Mande ACTIVO cuando pueda responder, INACTIVO cuando no, STOP para salir.",
  },
  joinFirst: {
    en: "Reply YES to join the responder roster first.",
    es: "Primero responda SI para unirse a la lista de observadores.",
  },
  on: {
    en: "You're on duty. Text OFF to go off duty.",
    es: "Esta en servicio. Mande INACTIVO para salir de servicio.",
  },
  off: {
    en: "You're off duty. Text ON to go on duty.",
    es: "Esta fuera de servicio. Mande ACTIVO para volver.",
  },
  notOnRoster: {
    en: "This number is not on a responder roster. Nothing was recorded.",
    es: "Este numero no esta en una lista de observadores. No se registro nada.",
  },
  noOpenCase: {
    en: "You have no open case. Nothing was recorded.",
    es: "No tiene ningun caso abierto. No se registro nada.",
  },
} as const satisfies Record<string, Record<ResponderLanguage, string>>;

export function responderReply(lang: ResponderLanguage, program: string, key: keyof typeof TEXTS): string {
  return brand(program, TEXTS[key][lang]);
}

export function dutyListText(
  lang: ResponderLanguage,
  p: { program: string; onDuty: boolean; openCodes: string[] },
): string {
  const cases = p.openCodes.join(", ");
  if (lang === "es")
    return brand(
      p.program,
      `${p.onDuty ? "Esta en servicio (INACTIVO para salir)" : "Esta fuera de servicio (ACTIVO para volver)"}. ${cases ? `Casos abiertos: ${cases}.` : "Ningun caso abierto."}`,
    );
  return brand(
    p.program,
    `You're ${p.onDuty ? "on duty (OFF to go off duty)" : "off duty (ON to go on duty)"}. ${cases ? `Open cases: ${cases}.` : "No open cases."}`,
  );
}

export type CaseRefusal = "unknown" | "not_asked" | "closed";

export function caseRefusalText(
  lang: ResponderLanguage,
  p: { program: string; code: string; why: CaseRefusal },
) {
  const es = {
    unknown: `No hay ningun caso ${p.code}. No se registro nada.`,
    not_asked: `No le pedimos ir al caso ${p.code}. No se registro nada.`,
    closed: `El caso ${p.code} ya esta cerrado. No se registro nada.`,
  };
  const en = {
    unknown: `There is no case ${p.code}. Nothing was recorded.`,
    not_asked: `You were not asked about case ${p.code}. Nothing was recorded.`,
    closed: `Case ${p.code} is closed already. Nothing was recorded.`,
  };
  return brand(p.program, (lang === "es" ? es : en)[p.why]);
}

export function whichCaseText(lang: ResponderLanguage, p: { program: string; codes: string[] }) {
  const list = p.codes.join(", ");
  const example = p.codes[0];
  return brand(
    p.program,
    lang === "es"
      ? `Tiene varios casos abiertos (${list}). Ponga el codigo, por ejemplo ${example} SI. No se registro nada.`
      : `You have several open cases (${list}). Put the code first, like ${example} Y. Nothing was recorded.`,
  );
}

export function answerThanksText(
  lang: ResponderLanguage,
  p: { program: string; code: string; answer: "yes" | "no" | "confirm" | "nothing" | "gone" },
) {
  const c = p.code;
  if (lang === "es") {
    const es = {
      yes: `Gracias, va al caso ${c}. Desde el lugar mande ${c} CONFIRMO y lo que ve, ${c} NADA o ${c} SE FUE.`,
      no: `Gracias, anotamos que no puede ir al caso ${c}.`,
      confirm: `Gracias, su confirmacion del caso ${c} quedo registrada.`,
      nothing: `Gracias, anotamos que no encontro nada en el caso ${c}.`,
      gone: `Gracias, anotamos que ya se fueron (caso ${c}).`,
    };
    return brand(p.program, es[p.answer]);
  }
  const en = {
    yes: `Thanks, you're going to case ${c}. From the scene text ${c} CONFIRM and what you see, ${c} NOTHING or ${c} GONE.`,
    no: `Thanks, noted that you can't go to case ${c}.`,
    confirm: `Thanks, your confirmation of case ${c} is recorded.`,
    nothing: `Thanks, noted that you found nothing for case ${c}.`,
    gone: `Thanks, noted that they had left (case ${c}).`,
  };
  return brand(p.program, en[p.answer]);
}
