/**
 * Every text Aviso sends a responder (issue 16): the invitation, the dispatch, and the replies to
 * duty and answers, in English, Spanish, Chinese and Vietnamese: the first of the responder's
 * languages. The Chinese and Vietnamese texts name the keywords the grammar reads (YES, ON, OFF,
 * 4821 Y, CONFIRM…, responder-grammar.ts) as they are typed, and are kept short: they go as UCS-2,
 * 70 characters a segment (test/unit/responder-texts.test.ts tables every text's segments). Like
 * the residents' replies (replies.ts), each opens with the program's name.
 *
 * A dispatch text says what the responder needs to go and look (place, cross streets, activity,
 * ZIP, time) and never who called or from what number: the sighting's reporter fields are not
 * even passed in.
 */
import type { SightingActivity } from "../db/database.ts";
import type { Language } from "../i18n/languages.ts";

export type ResponderLanguage = Language;
/** The first language they speak: every roster language has its texts. */
export const responderLanguage = (languages: readonly Language[]): ResponderLanguage => languages[0] ?? "en";

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
  zh: {
    sweep: "ICE搜捕",
    targeted_arrest: "ICE逮捕",
    checkpoint: "检查站",
    traffic_stop: "交通拦截",
    workplace: "工作场所突袭",
    other: "ICE活动",
  },
  vi: {
    sweep: "ICE truy quét",
    targeted_arrest: "ICE bắt người",
    checkpoint: "trạm kiểm soát",
    traffic_stop: "chặn xe",
    workplace: "đột kích nơi làm",
    other: "hoạt động ICE",
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
  const near = where ? `${where}, ` : "";
  const program = f.program.toUpperCase();
  const what = ACTIVITY[lang][f.activity];
  switch (lang) {
    case "es":
      return `${program} CASO ${f.code}: reportan ${what} cerca de ${near}${f.zip}, ${f.time}. Responda ${f.code} SI si puede ir, ${f.code} NO si no.`;
    case "zh":
      return `${program} 案件${f.code}：报告${what}，${near}${f.zip}，${f.time}。能去回${f.code} Y，不能回${f.code} N。`;
    case "vi":
      return `${program} VỤ ${f.code}: báo ${what} gần ${near}${f.zip}, ${f.time}. Đi được nhắn ${f.code} Y, không thì ${f.code} N.`;
    default:
      return `${program} CASE ${f.code}: reported ${what} near ${near}${f.zip}, ${f.time}. Reply ${f.code} Y if you can go, ${f.code} N if not.`;
  }
}

const INVITATION: Record<ResponderLanguage, (organisation: string) => string> = {
  en: (o) =>
    `${o} invites you to its responder roster: we'll text you to check reports near you. Reply YES to join, STOP to opt out. Msg & data rates may apply.`,
  es: (o) =>
    `${o} le invita a su lista de observadores: le pediremos por texto ir a ver reportes cerca de usted. Responda SI para unirse, STOP para no recibir mas. Pueden aplicar tarifas.`,
  zh: (o) =>
    `${o}邀请您加入应急观察员名单，附近有报告时短信请您查看。回复YES加入，STOP退订。可能产生短信费用。`,
  vi: (o) =>
    `${o} mời bạn vào danh sách ứng phó: sẽ nhắn nhờ bạn xem báo cáo gần bạn. Nhắn YES để tham gia, STOP để hủy. Có thể tính cước.`,
};

export function invitationText(lang: ResponderLanguage, p: { program: string; organisation: string }) {
  return brand(p.program, INVITATION[lang](p.organisation));
}

const TEXTS = {
  joined: {
    en: "You're on the responder roster. Text ON when you can respond, OFF when you can't, STOP to leave.",
    es: "Ya esta en la lista de observadores. Mande ACTIVO cuando pueda responder, INACTIVO cuando no, STOP para salir.",
    zh: "您已加入应急名单。能出动时发ON，不能时发OFF，发STOP退出。",
    vi: "Bạn đã vào danh sách ứng phó. Nhắn ON khi sẵn sàng, OFF khi bận, STOP để rời.",
  },
  joinFirst: {
    en: "Reply YES to join the responder roster first.",
    es: "Primero responda SI para unirse a la lista de observadores.",
    zh: "请先回复YES加入应急名单。",
    vi: "Hãy nhắn YES để vào danh sách ứng phó trước.",
  },
  on: {
    en: "You're on duty. Text OFF to go off duty.",
    es: "Esta en servicio. Mande INACTIVO para salir de servicio.",
    zh: "您正在值班。发OFF结束值班。",
    vi: "Bạn đang trực. Nhắn OFF để nghỉ trực.",
  },
  off: {
    en: "You're off duty. Text ON to go on duty.",
    es: "Esta fuera de servicio. Mande ACTIVO para volver.",
    zh: "您已结束值班。发ON开始值班。",
    vi: "Bạn đã nghỉ trực. Nhắn ON để trực lại.",
  },
  notOnRoster: {
    en: "This number is not on a responder roster. Nothing was recorded.",
    es: "Este numero no esta en una lista de observadores. No se registro nada.",
    zh: "此号码不在应急名单上。未记录任何内容。",
    vi: "Số này không có trong danh sách ứng phó. Chưa ghi nhận gì.",
  },
  noOpenCase: {
    en: "You have no open case. Nothing was recorded.",
    es: "No tiene ningun caso abierto. No se registro nada.",
    zh: "您没有未结案件。未记录任何内容。",
    vi: "Bạn không có vụ nào đang mở. Chưa ghi nhận gì.",
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
  const text: Record<ResponderLanguage, () => string> = {
    en: () =>
      `You're ${p.onDuty ? "on duty (OFF to go off duty)" : "off duty (ON to go on duty)"}. ${cases ? `Open cases: ${cases}.` : "No open cases."}`,
    es: () =>
      `${p.onDuty ? "Esta en servicio (INACTIVO para salir)" : "Esta fuera de servicio (ACTIVO para volver)"}. ${cases ? `Casos abiertos: ${cases}.` : "Ningun caso abierto."}`,
    zh: () =>
      `${p.onDuty ? "您正在值班（发OFF结束）" : "您未值班（发ON开始）"}。${cases ? `未结案件：${cases}。` : "没有未结案件。"}`,
    vi: () =>
      `${p.onDuty ? "Bạn đang trực (OFF để nghỉ)" : "Bạn đang nghỉ trực (ON để trực)"}. ${cases ? `Vụ đang mở: ${cases}.` : "Không có vụ nào đang mở."}`,
  };
  return brand(p.program, text[lang]());
}

export type CaseRefusal = "unknown" | "not_asked" | "closed";

export function caseRefusalText(
  lang: ResponderLanguage,
  p: { program: string; code: string; why: CaseRefusal },
) {
  const c = p.code;
  const text: Record<ResponderLanguage, Record<CaseRefusal, string>> = {
    en: {
      unknown: `There is no case ${c}. Nothing was recorded.`,
      not_asked: `You were not asked about case ${c}. Nothing was recorded.`,
      closed: `Case ${c} is closed already. Nothing was recorded.`,
    },
    es: {
      unknown: `No hay ningun caso ${c}. No se registro nada.`,
      not_asked: `No le pedimos ir al caso ${c}. No se registro nada.`,
      closed: `El caso ${c} ya esta cerrado. No se registro nada.`,
    },
    zh: {
      unknown: `没有案件${c}。未记录任何内容。`,
      not_asked: `您未被派往案件${c}。未记录任何内容。`,
      closed: `案件${c}已结案。未记录任何内容。`,
    },
    vi: {
      unknown: `Không có vụ ${c}. Chưa ghi nhận gì.`,
      not_asked: `Bạn không được nhờ đến vụ ${c}. Chưa ghi nhận gì.`,
      closed: `Vụ ${c} đã đóng. Chưa ghi nhận gì.`,
    },
  };
  return brand(p.program, text[lang][p.why]);
}

export function whichCaseText(lang: ResponderLanguage, p: { program: string; codes: string[] }) {
  const list = p.codes.join(", ");
  const example = p.codes[0];
  const text: Record<ResponderLanguage, string> = {
    en: `You have several open cases (${list}). Put the code first, like ${example} Y. Nothing was recorded.`,
    es: `Tiene varios casos abiertos (${list}). Ponga el codigo, por ejemplo ${example} SI. No se registro nada.`,
    zh: `您有多个未结案件（${list}）。请先写案件号，例如${example} Y。未记录任何内容。`,
    vi: `Bạn có nhiều vụ đang mở (${list}). Ghi mã trước, ví dụ ${example} Y. Chưa ghi nhận gì.`,
  };
  return brand(p.program, text[lang]);
}

export function answerThanksText(
  lang: ResponderLanguage,
  p: { program: string; code: string; answer: "yes" | "no" | "confirm" | "nothing" | "gone" },
) {
  const c = p.code;
  const text: Record<ResponderLanguage, Record<typeof p.answer, string>> = {
    en: {
      yes: `Thanks, you're going to case ${c}. From the scene text ${c} CONFIRM and what you see, ${c} NOTHING or ${c} GONE.`,
      no: `Thanks, noted that you can't go to case ${c}.`,
      confirm: `Thanks, your confirmation of case ${c} is recorded.`,
      nothing: `Thanks, noted that you found nothing for case ${c}.`,
      gone: `Thanks, noted that they had left (case ${c}).`,
    },
    es: {
      yes: `Gracias, va al caso ${c}. Desde el lugar mande ${c} CONFIRMO y lo que ve, ${c} NADA o ${c} SE FUE.`,
      no: `Gracias, anotamos que no puede ir al caso ${c}.`,
      confirm: `Gracias, su confirmacion del caso ${c} quedo registrada.`,
      nothing: `Gracias, anotamos que no encontro nada en el caso ${c}.`,
      gone: `Gracias, anotamos que ya se fueron (caso ${c}).`,
    },
    zh: {
      yes: `谢谢，您前往案件${c}。到场后发${c} CONFIRM加所见，或${c} NOTHING、${c} GONE。`,
      no: `谢谢，已记录您不能前往案件${c}。`,
      confirm: `谢谢，您对案件${c}的确认已记录。`,
      nothing: `谢谢，已记录您在案件${c}未发现任何情况。`,
      gone: `谢谢，已记录他们已离开（案件${c}）。`,
    },
    vi: {
      yes: `Cảm ơn, bạn đến vụ ${c}. Tại chỗ nhắn ${c} CONFIRM và điều bạn thấy, ${c} NOTHING hoặc ${c} GONE.`,
      no: `Cảm ơn, đã ghi nhận bạn không đến được vụ ${c}.`,
      confirm: `Cảm ơn, xác nhận vụ ${c} của bạn đã được ghi nhận.`,
      nothing: `Cảm ơn, đã ghi nhận bạn không thấy gì ở vụ ${c}.`,
      gone: `Cảm ơn, đã ghi nhận họ đã rời đi (vụ ${c}).`,
    },
  };
  return brand(p.program, text[lang][p.answer]);
}
