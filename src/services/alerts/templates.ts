/**
 * Alert templates for the common situations, in English, Spanish, Chinese and Vietnamese: a
 * sighting alert per kind of activity, and the two kinds of cancel (false alarm, all clear). They
 * fill a draft; the drafter edits the draft freely before anyone approves it. The label (VERIFIED,
 * FALSE ALARM, DRILL…) is not part of the text: the composer puts it in front of every message.
 */
import type { SightingActivity, SightingAgency } from "../../db/database.ts";
import type { Language } from "../../i18n/languages.ts";

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
  return new Intl.DateTimeFormat(LOCALE[language], { hour: "numeric", minute: "2-digit", timeZone }).format(
    at,
  );
}

const capitalise = (text: string) => text.charAt(0).toLocaleUpperCase() + text.slice(1);

export type SightingFacts = {
  zip: string;
  place: string;
  crossStreets: string | null;
  observedAt: Date;
  agency: SightingAgency;
  activity: SightingActivity;
};

export function sightingTemplate(facts: SightingFacts, language: Language, timeZone: string): TemplateText {
  const agency = AGENCY[facts.agency][language];
  const activity = ACTIVITY[facts.activity][language];
  const time = formatTime(facts.observedAt, language, timeZone);
  const { place, zip } = facts;
  switch (language) {
    case "en": {
      const cross = facts.crossStreets ? ` (${facts.crossStreets})` : "";
      return {
        headline: `${agency} ${activity} near ${place}`,
        smsText: `${agency} ${activity} near ${place}${cross} at ${time}. You have the right to remain silent. Do not open the door.`,
        body: `Responders confirmed ${agency} ${activity} near ${place}${cross} at ${time} (ZIP ${zip}).\n\nKnow your rights: you have the right to remain silent. You do not have to open the door unless agents show a warrant signed by a judge. Do not run. Do not sign anything.\n\nAvoid the area if you can.`,
      };
    }
    case "es": {
      const cross = facts.crossStreets ? ` (${facts.crossStreets})` : "";
      return {
        headline: `${capitalise(activity)} de ${agency} cerca de ${place}`,
        smsText: `${capitalise(activity)} de ${agency} cerca de ${place}${cross} a las ${time}. Tiene derecho a guardar silencio. No abra la puerta.`,
        body: `Voluntarios confirmaron ${activity} de ${agency} cerca de ${place}${cross} a las ${time} (código postal ${zip}).\n\nConozca sus derechos: tiene derecho a guardar silencio. No tiene que abrir la puerta a menos que los agentes muestren una orden firmada por un juez. No corra. No firme nada.\n\nEvite la zona si puede.`,
      };
    }
    case "zh": {
      const cross = facts.crossStreets ? `（${facts.crossStreets}）` : "";
      return {
        headline: `${place}附近发现${agency}${activity}`,
        smsText: `${time}在${place}${cross}附近确认有${agency}${activity}。您有权保持沉默。不要开门。`,
        body: `志愿者于${time}确认${place}${cross}附近（邮政编码${zip}）有${agency}${activity}。\n\n了解您的权利：您有权保持沉默。除非执法人员出示由法官签署的搜查令，否则您不必开门。不要逃跑。不要签署任何文件。\n\n如有可能，请避开该区域。`,
      };
    }
    case "vi": {
      const cross = facts.crossStreets ? ` (${facts.crossStreets})` : "";
      return {
        headline: `${capitalise(activity)} của ${agency} gần ${place}`,
        smsText: `Xác nhận ${activity} của ${agency} gần ${place}${cross} lúc ${time}. Quý vị có quyền giữ im lặng. Đừng mở cửa.`,
        body: `Tình nguyện viên xác nhận ${activity} của ${agency} gần ${place}${cross} lúc ${time} (mã ZIP ${zip}).\n\nHãy biết quyền của mình: quý vị có quyền giữ im lặng. Quý vị không phải mở cửa trừ khi nhân viên xuất trình lệnh có chữ ký của thẩm phán. Đừng chạy. Đừng ký bất cứ giấy tờ gì.\n\nHãy tránh khu vực này nếu có thể.`,
      };
    }
  }
}

export type CancelReason = "false_alarm" | "all_clear";

/** `place` is the original sighting's place when there was one. */
export function cancelTemplate(
  reason: CancelReason,
  original: { publishedAt: Date; place: string | null },
  language: Language,
  timeZone: string,
): TemplateText {
  const time = formatTime(original.publishedAt, language, timeZone);
  const p = original.place;
  const texts: Record<CancelReason, Record<Language, TemplateText>> = {
    false_alarm: {
      en: {
        headline: "Earlier alert withdrawn: false alarm",
        smsText: `The alert sent at ${time}${p ? ` about ${p}` : ""} was a false alarm. No enforcement activity was confirmed.`,
        body: `The alert we sent at ${time}${p ? ` about ${p}` : ""} was a false alarm: responders found no enforcement activity. We are sorry for the worry.`,
      },
      es: {
        headline: "Alerta anterior retirada: falsa alarma",
        smsText: `La alerta enviada a las ${time}${p ? ` sobre ${p}` : ""} fue una falsa alarma. No se confirmó actividad de inmigración.`,
        body: `La alerta que enviamos a las ${time}${p ? ` sobre ${p}` : ""} fue una falsa alarma: los voluntarios no encontraron actividad de inmigración. Lamentamos la preocupación.`,
      },
      zh: {
        headline: "撤回先前警报：误报",
        smsText: `${time}发送的${p ? `关于${p}的` : ""}警报是误报。未确认有执法活动。`,
        body: `我们于${time}发送的${p ? `关于${p}的` : ""}警报是误报：志愿者未发现执法活动。对此造成的担忧，我们深表歉意。`,
      },
      vi: {
        headline: "Rút lại cảnh báo trước: báo động giả",
        smsText: `Cảnh báo gửi lúc ${time}${p ? ` về ${p}` : ""} là báo động giả. Không xác nhận có hoạt động thực thi.`,
        body: `Cảnh báo chúng tôi gửi lúc ${time}${p ? ` về ${p}` : ""} là báo động giả: tình nguyện viên không thấy hoạt động thực thi nào. Xin lỗi vì đã làm quý vị lo lắng.`,
      },
    },
    all_clear: {
      en: {
        headline: "Activity has ended",
        smsText: `The activity reported at ${time}${p ? ` near ${p}` : ""} has ended. Stay alert and know your rights.`,
        body: `Responders report that the activity we alerted you to at ${time}${p ? ` near ${p}` : ""} has ended. Stay alert and know your rights.`,
      },
      es: {
        headline: "La actividad terminó",
        smsText: `La actividad reportada a las ${time}${p ? ` cerca de ${p}` : ""} terminó. Manténgase alerta y conozca sus derechos.`,
        body: `Los voluntarios informan que la actividad sobre la que alertamos a las ${time}${p ? ` cerca de ${p}` : ""} terminó. Manténgase alerta y conozca sus derechos.`,
      },
      zh: {
        headline: "执法活动已结束",
        smsText: `${time}${p ? `在${p}附近` : ""}报告的执法活动已结束。请保持警惕，了解您的权利。`,
        body: `志愿者报告，我们于${time}${p ? `就${p}附近` : ""}发出警报的执法活动已结束。请保持警惕，了解您的权利。`,
      },
      vi: {
        headline: "Hoạt động đã kết thúc",
        smsText: `Hoạt động được báo cáo lúc ${time}${p ? ` gần ${p}` : ""} đã kết thúc. Hãy cảnh giác và biết quyền của mình.`,
        body: `Tình nguyện viên cho biết hoạt động chúng tôi cảnh báo lúc ${time}${p ? ` gần ${p}` : ""} đã kết thúc. Hãy cảnh giác và biết quyền của mình.`,
      },
    },
  };
  return texts[reason][language];
}
