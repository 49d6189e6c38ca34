/**
 * Alert templates for the common situations, in English, Spanish, Chinese and Vietnamese: a
 * sighting alert per kind of activity, and the two kinds of cancel (false alarm, all clear). They
 * fill a draft; the drafter edits the draft freely before anyone approves it. The label (VERIFIED,
 * FALSE ALARM, DRILL…) is not part of the text: the composer puts it in front of every message.
 *
 * They must read as if a person wrote them whatever the place looks like (template-places.ts) and
 * however the time is written ("8:06 p.m." already ends a sentence): test/unit/templates.test.ts
 * runs every activity, language and place shape through them.
 */
import type { SightingActivity, SightingAgency } from "../../db/database.ts";
import type { Language } from "../../i18n/languages.ts";
import { cleanPlace, where } from "./template-places.ts";

export type TemplateText = { headline: string; body: string; smsText: string };

const AGENCY: Record<SightingAgency, Record<Language, string>> = {
  ice: { en: "ICE", es: "ICE", zh: "ICE", vi: "ICE" },
  cbp: { en: "CBP", es: "CBP", zh: "CBP", vi: "CBP" },
  unknown: {
    en: "Immigration agents",
    es: "agentes de inmigración",
    zh: "移民执法人员",
    vi: "nhân viên di trú",
  },
  other: {
    en: "Law enforcement",
    es: "agentes del orden",
    zh: "执法人员",
    vi: "nhân viên thực thi pháp luật",
  },
};

const ACTIVITY: Record<SightingActivity, Record<Language, string>> = {
  sweep: { en: "sweep", es: "redada", zh: "突击搜捕", vi: "truy quét" },
  targeted_arrest: { en: "arrest", es: "arresto", zh: "逮捕行动", vi: "bắt giữ" },
  checkpoint: { en: "checkpoint", es: "retén", zh: "检查站", vi: "trạm kiểm soát" },
  traffic_stop: { en: "traffic stop", es: "parada de tráfico", zh: "交通拦截", vi: "chặn xe" },
  workplace: {
    en: "workplace operation",
    es: "operativo en un lugar de trabajo",
    zh: "工作场所突击检查",
    vi: "đột kích nơi làm việc",
  },
  other: { en: "activity", es: "actividad", zh: "执法活动", vi: "hoạt động" },
};

const LOCALE: Record<Language, string> = { en: "en-US", es: "es-US", zh: "zh-CN", vi: "vi-VN" };

export function formatTime(at: Date, language: Language, timeZone: string): string {
  return (
    new Intl.DateTimeFormat(LOCALE[language], { hour: "numeric", minute: "2-digit", timeZone })
      .format(at)
      // Newer ICU writes "8:06 PM" with a narrow no-break space: invisible in the text, but
      // outside GSM-7, so it would make an English SMS UCS-2.
      .replace(/[\u00a0\u202f]/gu, " ")
  );
}

/** "at 8:06 PM", "a las 8:06 p.m." (a la 1:06 p.m.), "20:06", "lúc 20:06". */
function atTime(time: string, language: Language): string {
  switch (language) {
    case "en":
      return `at ${time}`;
    case "es":
      return `${/^1:/.test(time) ? "a la" : "a las"} ${time}`;
    case "zh":
      return time;
    case "vi":
      return `lúc ${time}`;
  }
}

/** Ends a sentence with a full stop, unless it ends in one already ("8:06 p.m."). */
const sentence = (text: string) => (/[.!?]$/u.test(text) ? text : `${text}.`);
/** Words joined by spaces, leaving out the empty ones (no place, no cross streets). */
const words = (...parts: string[]) => parts.filter((part) => part !== "").join(" ");

const capitalise = (text: string) => text.charAt(0).toLocaleUpperCase() + text.slice(1);

/** English agency words at the start of a headline and mid-sentence, and the article before them. */
const AGENCY_EN: Record<SightingAgency, { head: string; mid: string; article: "a" | "an" }> = {
  ice: { head: "ICE", mid: "ICE", article: "an" },
  cbp: { head: "CBP", mid: "CBP", article: "a" },
  unknown: { head: "Immigration", mid: "immigration", article: "an" },
  other: { head: "Law enforcement", mid: "law enforcement", article: "a" },
};

/** The Spanish article of each activity ("una redada"); none for "actividad", a mass noun. */
const ARTICLE_ES: Record<SightingActivity, string> = {
  sweep: "una",
  targeted_arrest: "un",
  checkpoint: "un",
  traffic_stop: "una",
  workplace: "un",
  other: "",
};

export type SightingFacts = {
  zip: string;
  /** As typed; empty or null when unknown or erased (the ZIP then says where). */
  place: string | null;
  crossStreets: string | null;
  observedAt: Date;
  agency: SightingAgency;
  activity: SightingActivity;
};

export function sightingTemplate(facts: SightingFacts, language: Language, timeZone: string): TemplateText {
  const agency = AGENCY[facts.agency][language];
  const activity = ACTIVITY[facts.activity][language];
  const time = formatTime(facts.observedAt, language, timeZone);
  const at = atTime(time, language);
  const { phrase: place, shape } = where(facts, language);
  const { zip } = facts;
  // The ZIP in brackets after the place, unless the ZIP is the place.
  const named = shape !== "none";
  switch (language) {
    case "en": {
      const a = AGENCY_EN[facts.agency];
      const article = facts.activity === "other" ? "" : a.article;
      return {
        headline: words(`${a.head} ${activity}`, place),
        smsText: `${sentence(words(`${a.head} ${activity}`, place, at))} You have the right to remain silent. Do not open the door.`,
        body: `${sentence(words("Responders confirmed", article, `${a.mid} ${activity}`, place, at) + (named ? ` (ZIP ${zip})` : ""))}\n\nKnow your rights: you have the right to remain silent. You do not have to open the door unless agents show a warrant signed by a judge. Do not run. Do not sign anything.\n\nAvoid the area if you can.`,
      };
    }
    case "es": {
      const what = `${capitalise(activity)} de ${agency}`;
      return {
        headline: words(what, place),
        smsText: `${sentence(words(what, place, at))} Tiene derecho a guardar silencio. No abra la puerta.`,
        body: `${sentence(words("Voluntarios confirmaron", ARTICLE_ES[facts.activity], `${activity} de ${agency}`, place, at) + (named ? ` (código postal ${zip})` : ""))}\n\nConozca sus derechos: tiene derecho a guardar silencio. No tiene que abrir la puerta a menos que los agentes muestren una orden firmada por un juez. No corra. No firme nada.\n\nEvite la zona si puede.`,
      };
    }
    case "zh": {
      // Chinese says where before what, except a place named in another language's words.
      const after = shape === "foreign_lead";
      const what = `${agency}${activity}`;
      const zipNote = named ? `（邮政编码${zip}）` : "";
      return {
        headline: after ? `发现${what}${place}` : `${place}发现${what}`,
        smsText: `${time}${after ? `确认有${what}${place}` : `${place}确认有${what}`}。您有权保持沉默。不要开门。`,
        body: `志愿者于${time}${after ? `确认有${what}${place}` : `${place}确认有${what}`}${zipNote}。\n\n了解您的权利：您有权保持沉默。除非执法人员出示由法官签署的搜查令，否则您不必开门。不要逃跑。不要签署任何文件。\n\n如有可能，请避开该区域。`,
      };
    }
    case "vi": {
      const what = `${activity} của ${agency}`;
      return {
        headline: words(capitalise(what), place),
        smsText: `${sentence(words("Xác nhận", what, place, at))} Quý vị có quyền giữ im lặng. Đừng mở cửa.`,
        body: `${sentence(words("Tình nguyện viên xác nhận", what, place, at) + (named ? ` (mã ZIP ${zip})` : ""))}\n\nHãy biết quyền của mình: quý vị có quyền giữ im lặng. Quý vị không phải mở cửa trừ khi nhân viên xuất trình lệnh có chữ ký của thẩm phán. Đừng chạy. Đừng ký bất cứ giấy tờ gì.\n\nHãy tránh khu vực này nếu có thể.`,
      };
    }
  }
}

export type CancelReason = "false_alarm" | "all_clear";

/**
 * A cancel's text, worded for its reason: an all clear says the activity has ended (nothing was
 * withdrawn: the alert was true), a false alarm says the alert was wrong. `place` is the original
 * sighting's place when the original named it.
 */
export function cancelTemplate(
  reason: CancelReason,
  original: { publishedAt: Date; place: string | null },
  language: Language,
  timeZone: string,
): TemplateText {
  const time = formatTime(original.publishedAt, language, timeZone);
  const at = atTime(time, language);
  const named = cleanPlace(original.place) !== "";
  const { phrase: place, shape } = named
    ? where({ place: original.place }, language)
    : { phrase: "", shape: "none" as const };
  const foreign = shape === "foreign_lead";
  if (reason === "false_alarm") {
    switch (language) {
      case "en":
        return {
          headline: "The earlier alert was a false alarm",
          smsText: `${words("The alert sent", at, named ? `about activity ${place}` : "")} was a false alarm. No enforcement activity was confirmed.`,
          body: `${words("The alert we sent", at, named ? `about activity ${place}` : "")} was a false alarm: responders found no enforcement activity. We are sorry for the worry.`,
        };
      case "es":
        return {
          headline: "La alerta anterior fue una falsa alarma",
          smsText: `${words("La alerta enviada", at, named ? `sobre actividad ${place}` : "")} fue una falsa alarma. No se confirmó actividad de inmigración.`,
          body: `${words("La alerta que enviamos", at, named ? `sobre actividad ${place}` : "")} fue una falsa alarma: los voluntarios no encontraron actividad de inmigración. Lamentamos la preocupación.`,
        };
      case "zh": {
        const about = !named ? "" : foreign ? `关于“${cleanPlace(original.place)}”的` : `关于${place}活动的`;
        return {
          headline: "先前的警报是误报",
          smsText: `${time}发送的${about}警报是误报。未确认有执法活动。`,
          body: `我们于${time}发送的${about}警报是误报：志愿者未发现执法活动。对此造成的担忧，我们深表歉意。`,
        };
      }
      case "vi":
        return {
          headline: "Cảnh báo trước là báo động giả",
          smsText: `${words("Cảnh báo gửi", at, named ? `về hoạt động ${place}` : "")} là báo động giả. Không xác nhận có hoạt động thực thi.`,
          body: `${words("Cảnh báo chúng tôi gửi", at, named ? `về hoạt động ${place}` : "")} là báo động giả: tình nguyện viên không thấy hoạt động thực thi nào. Xin lỗi vì đã làm quý vị lo lắng.`,
        };
    }
  }
  switch (language) {
    case "en":
      return {
        headline: "The activity has ended",
        smsText: `${words("The activity reported", place, at)} has ended. Stay alert and know your rights.`,
        body: `${words("Responders report that the activity we alerted you to", place, at)} has ended. Stay alert and know your rights.`,
      };
    case "es":
      return {
        headline: "La actividad terminó",
        smsText: `${words("La actividad reportada", place, at)} terminó. Manténgase alerta y conozca sus derechos.`,
        body: `${words("Los voluntarios informan que la actividad sobre la que alertamos", place, at)} terminó. Manténgase alerta y conozca sus derechos.`,
      };
    case "zh": {
      const reported = foreign ? `${time}报告的执法活动${place}` : `${time}${place}报告的执法活动`;
      return {
        headline: "执法活动已结束",
        smsText: `${reported}已结束。请保持警惕，了解您的权利。`,
        body: `志愿者报告，${reported}已结束。请保持警惕，了解您的权利。`,
      };
    }
    case "vi":
      return {
        headline: "Hoạt động đã kết thúc",
        smsText: `${words("Hoạt động được báo cáo", place, at)} đã kết thúc. Hãy cảnh giác và biết quyền của mình.`,
        body: `${words("Tình nguyện viên cho biết hoạt động chúng tôi cảnh báo", place, at)} đã kết thúc. Hãy cảnh giác và biết quyền của mình.`,
      };
  }
}

/**
 * An UNCONFIRMED alert's text (UNCONFIRMED_ALERTS on): what was reported, that responders are on
 * the way to look, and to avoid the area. Written from the sighting's own facts (place, cross
 * streets, activity, agency, time), never from anything a responder texted. The composer puts
 * UNCONFIRMED in front; the text itself says "reported", never "confirmed".
 */
export function unconfirmedTemplate(
  facts: SightingFacts,
  language: Language,
  timeZone: string,
): TemplateText {
  const agency = AGENCY[facts.agency][language];
  const activity = ACTIVITY[facts.activity][language];
  const time = formatTime(facts.observedAt, language, timeZone);
  const at = atTime(time, language);
  const { phrase: place, shape } = where(facts, language);
  const named = shape !== "none";
  const { zip } = facts;
  switch (language) {
    case "en": {
      const a = AGENCY_EN[facts.agency];
      const what = `${a.head} ${activity}`;
      return {
        headline: words("Reported:", what, place),
        smsText: `${sentence(words("Reported:", what, place, at))} Responders are on the way to check. Avoid the area if you can.`,
        body: `${sentence(words("We have an unconfirmed report of", `${a.mid} ${activity}`, place, at) + (named ? ` (ZIP ${zip})` : ""))} Responders are on the way to check, and we will tell you what they find.\n\nAvoid the area if you can. Know your rights: you have the right to remain silent. You do not have to open the door unless agents show a warrant signed by a judge.`,
      };
    }
    case "es": {
      const what = `${activity} de ${agency}`;
      return {
        headline: words("Reporte:", what, place),
        smsText: `${sentence(words("Reporte:", what, place, at))} Voluntarios van en camino a verificar. Evite la zona si puede.`,
        body: `${sentence(words("Tenemos un reporte sin confirmar:", what, place, at) + (named ? ` (código postal ${zip})` : ""))} Voluntarios van en camino a verificar, y le diremos lo que encuentren.\n\nEvite la zona si puede. Conozca sus derechos: tiene derecho a guardar silencio. No tiene que abrir la puerta a menos que los agentes muestren una orden firmada por un juez.`,
      };
    }
    case "zh": {
      const after = shape === "foreign_lead";
      const what = `${agency}${activity}`;
      const reported = after ? `${time}有人报告${what}${place}` : `${time}有人报告${place}有${what}`;
      return {
        headline: after ? `报告：${what}${place}` : `报告：${place}有${what}`,
        smsText: `${reported}。志愿者正在前往核实。如有可能，请避开该区域。`,
        body: `${reported}${named ? `（邮政编码${zip}）` : ""}，尚未证实。志愿者正在前往核实，我们会告诉您他们的发现。\n\n如有可能，请避开该区域。了解您的权利：您有权保持沉默。除非执法人员出示由法官签署的搜查令，否则您不必开门。`,
      };
    }
    case "vi": {
      const what = `${activity} của ${agency}`;
      return {
        headline: words("Báo cáo:", what, place),
        smsText: `${sentence(words("Báo cáo:", what, place, at))} Tình nguyện viên đang trên đường đến kiểm tra. Hãy tránh khu vực này nếu có thể.`,
        body: `${sentence(words("Chúng tôi nhận được báo cáo chưa xác nhận về", what, place, at) + (named ? ` (mã ZIP ${zip})` : ""))} Tình nguyện viên đang trên đường đến kiểm tra, và chúng tôi sẽ cho quý vị biết họ thấy gì.\n\nHãy tránh khu vực này nếu có thể. Hãy biết quyền của mình: quý vị có quyền giữ im lặng. Quý vị không phải mở cửa trừ khi nhân viên xuất trình lệnh có chữ ký của thẩm phán.`,
      };
    }
  }
}

/**
 * The "nothing found" note: what the hotline tells callers who ask about a report a verifier
 * decided was a false alarm before any alert went out (no resident was told, so there is nothing
 * to cancel). It is rendered from the sighting's facts whenever it is shown, so it goes when the
 * sighting's free text is erased, like the rest of it.
 */
export function nothingFoundTemplate(
  facts: SightingFacts,
  language: Language,
  timeZone: string,
): TemplateText {
  const activity = ACTIVITY[facts.activity][language];
  const agency = AGENCY[facts.agency][language];
  const time = formatTime(facts.observedAt, language, timeZone);
  const at = atTime(time, language);
  const { phrase: place, shape } = where(facts, language);
  switch (language) {
    case "en": {
      const what = `${AGENCY_EN[facts.agency].mid} ${activity}`;
      return {
        headline: "Nothing found",
        smsText: `${sentence(words("Responders checked the report of", what, place, at))} They found no enforcement activity. No alert was sent.`,
        body: `${sentence(words("Responders checked the report of", what, place, at))} They found no enforcement activity, and no alert was sent. If you see activity, call the hotline again.`,
      };
    }
    case "es": {
      const what = `${activity} de ${agency}`;
      return {
        headline: "No se encontró nada",
        smsText: `${sentence(words("Voluntarios verificaron el reporte de", what, place, at))} No encontraron actividad de inmigración. No se envió ninguna alerta.`,
        body: `${sentence(words("Voluntarios verificaron el reporte de", what, place, at))} No encontraron actividad de inmigración, y no se envió ninguna alerta. Si ve actividad, vuelva a llamar a la línea.`,
      };
    }
    case "zh": {
      const what = `${agency}${activity}`;
      const report =
        shape === "foreign_lead" ? `${time}关于${what}${place}的报告` : `${time}关于${place}有${what}的报告`;
      return {
        headline: "未发现执法活动",
        smsText: `志愿者已核实${report}，未发现执法活动。未发送警报。`,
        body: `志愿者已核实${report}，未发现执法活动，因此未发送警报。如果您看到执法活动，请再次拨打热线。`,
      };
    }
    case "vi": {
      const what = `${activity} của ${agency}`;
      return {
        headline: "Không thấy gì",
        smsText: `${sentence(words("Tình nguyện viên đã kiểm tra báo cáo về", what, place, at))} Họ không thấy hoạt động thực thi nào. Không có cảnh báo nào được gửi.`,
        body: `${sentence(words("Tình nguyện viên đã kiểm tra báo cáo về", what, place, at))} Họ không thấy hoạt động thực thi nào, và không có cảnh báo nào được gửi. Nếu quý vị thấy hoạt động, hãy gọi lại đường dây nóng.`,
      };
    }
  }
}
