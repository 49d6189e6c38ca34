/**
 * What a resident sees for an alert, per channel and language: the label that says what the
 * message is (VERIFIED, ADVISORY, OFFICIAL CITY STATEMENT, UPDATE, ALL CLEAR, FALSE ALARM, DRILL…), then the
 * operators' texts. Pure functions: the delivery workers build messages with them, and the
 * composer can show an approver exactly what will be sent.
 */
import type { AlertKind, AlertPriority } from "../../db/database.ts";
import { DEFAULT_LANGUAGE, type Language } from "../../i18n/languages.ts";
import { cheapestSms, type GsmFold } from "../../sms/gsm-fold.ts";
import { shortAlertUrl } from "./short-link.ts";

export type LabelKey =
  | "verified"
  | "advisory"
  | "unconfirmed"
  | "official"
  | "update"
  | "all_clear"
  | "false_alarm"
  | "drill";

export const LABELS: Record<LabelKey, Record<Language, string>> = {
  verified: { en: "VERIFIED", es: "VERIFICADO", zh: "已核实", vi: "ĐÃ XÁC MINH" },
  /** An alert drafted from scratch: approved by a second person, but tied to no verified sighting. */
  advisory: { en: "ADVISORY", es: "AVISO", zh: "提示", vi: "KHUYẾN CÁO" },
  unconfirmed: { en: "UNCONFIRMED", es: "SIN CONFIRMAR", zh: "未证实", vi: "CHƯA XÁC NHẬN" },
  official: {
    en: "OFFICIAL CITY STATEMENT",
    es: "COMUNICADO OFICIAL DE LA CIUDAD",
    zh: "市政府官方声明",
    vi: "THÔNG BÁO CHÍNH THỨC CỦA THÀNH PHỐ",
  },
  update: { en: "UPDATE", es: "ACTUALIZACIÓN", zh: "更新", vi: "CẬP NHẬT" },
  all_clear: { en: "ALL CLEAR", es: "FIN DE LA ALERTA", zh: "警报解除", vi: "HẾT CẢNH BÁO" },
  false_alarm: { en: "FALSE ALARM", es: "FALSA ALARMA", zh: "误报", vi: "BÁO ĐỘNG GIẢ" },
  drill: { en: "DRILL", es: "SIMULACRO", zh: "演练", vi: "DIỄN TẬP" },
};

const WORDS: Record<"details" | "footer" | "unsubscribe", Record<Language, string>> = {
  details: { en: "Details", es: "Detalles", zh: "详情", vi: "Chi tiết" },
  footer: {
    en: "You receive these alerts because you signed up for alerts in your ZIP code.",
    es: "Recibe estas alertas porque se inscribió para recibir alertas de su código postal.",
    zh: "您收到这些警报，是因为您订阅了所在邮政编码的警报。",
    vi: "Quý vị nhận được các cảnh báo này vì đã đăng ký nhận cảnh báo theo mã ZIP của mình.",
  },
  unsubscribe: {
    en: "Unsubscribe",
    es: "Cancelar la suscripción",
    zh: "退订",
    vi: "Hủy đăng ký",
  },
};

export type MessageAlert = {
  id: string;
  kind: AlertKind;
  priority: AlertPriority;
  is_drill: boolean;
  /** For a cancel: whether the activity ended or the report was false. Unknown → ALL CLEAR. */
  cancelReason?: "all_clear" | "false_alarm";
  /**
   * Whether the alert is tied to a sighting a verifier marked verified (its `sighting_id`: drafting
   * takes only verified sightings, and approval and publishing refuse one that no longer is). Only
   * then does a sighting alert say VERIFIED; one drafted from scratch says ADVISORY.
   */
  verifiedSighting: boolean;
  /**
   * alerts.sighting_label: "unconfirmed" makes a sighting alert say UNCONFIRMED (drafted from a
   * dispatched sighting nobody verified yet, UNCONFIRMED_ALERTS on); "verified" makes the update
   * that follows it once the sighting is verified say VERIFIED rather than UPDATE.
   */
  sightingLabel?: "unconfirmed" | "verified" | null;
};

export type MessageText = { language: Language; headline: string; body: string; sms_text: string };

/** The labels a message carries, most important first: a drill says so before anything else. */
export function labelKeys(alert: MessageAlert): LabelKey[] {
  const kind: Record<AlertKind, LabelKey> = {
    sighting:
      alert.sightingLabel === "unconfirmed"
        ? "unconfirmed"
        : alert.verifiedSighting
          ? "verified"
          : "advisory",
    statement: "official",
    update: alert.sightingLabel === "verified" ? "verified" : "update",
    cancel: alert.cancelReason ?? "all_clear",
  };
  return alert.is_drill ? ["drill", kind[alert.kind]] : [kind[alert.kind]];
}

export function alertLabel(alert: MessageAlert, language: Language, separator = " · "): string {
  return labelKeys(alert)
    .map((key) => LABELS[key][language])
    .join(separator);
}

/**
 * Between an SMS's labels ("DRILL - VERIFIED"): " · " is not in the GSM-7 alphabet, and one such
 * character makes the whole text UCS-2, which halves what a segment holds.
 */
const SMS_LABEL_SEPARATOR = " - ";

/** The text in the resident's language, else English, else whichever the alert has. */
export function pickText<T extends { language: Language }>(texts: readonly T[], language: Language): T {
  const text =
    texts.find((t) => t.language === language) ??
    texts.find((t) => t.language === DEFAULT_LANGUAGE) ??
    texts[0];
  if (!text) throw new Error("The alert has no texts");
  return text;
}

/**
 * The alert's page in the message's language (`?lang=`, which wins over the browser's own
 * language): an email written in Spanish opens the page in Spanish, with the other languages offered.
 */
export function alertPageUrl(publicUrl: string, alertId: string, language: Language): string {
  return `${publicUrl}/alerts/${alertId}?lang=${language}`;
}

/**
 * The SMS, on one line: `LABEL: sms text https://…/es/<22 characters>`. The link is the alert
 * page's short form in the text's language (PUBLIC_URL + /<language>/ + the id in base64url;
 * short-link.ts), the "full notification" every SMS links to; it goes last, after a space, so
 * phones make it a link and nothing runs into it.
 *
 * In English and Spanish the whole SMS, label included, is written in GSM-7 when that costs fewer
 * segments (src/sms/gsm-fold.ts: ACTUALIZACIÓN as ACTUALIZACION, curly quotes as straight ones).
 * The preview, the approval hash and the dispatcher all compose it here, so the approver sees and
 * hashes exactly the text residents get.
 */
export function composeSms(alert: MessageAlert, text: MessageText, publicUrl: string): string {
  return composeSmsCounted(alert, text, publicUrl).text;
}

/** composeSms, with its segment count and what writing it in GSM-7 saved (null when nothing). */
export function composeSmsCounted(alert: MessageAlert, text: MessageText, publicUrl: string): GsmFold {
  const label = alertLabel(alert, text.language, SMS_LABEL_SEPARATOR);
  const written = `${label}: ${text.sms_text.trimEnd()} ${shortAlertUrl(publicUrl, alert.id, text.language)}`;
  return cheapestSms(written, text.language);
}

/**
 * Stands in for an alert's id where none exists yet (a new draft in the composer, the length check
 * before a draft is stored). Every short link in a language has the same length (22 base64url
 * characters, each one GSM-7 septet), so a text composed with it has the characters and segments
 * of the real one.
 */
export const UNSAVED_ALERT_ID = "00000000-0000-0000-0000-000000000000";

/**
 * The most segments an alert SMS may take, label and link included: ten, Twilio's advice for
 * concatenated messages (1,530 GSM-7 or 670 UCS-2 characters). Carriers rate senders by segment, so
 * every segment slows the whole fan-out; the composer shows the count as it is typed.
 */
export const MAX_SMS_SEGMENTS = 10;

/** Whether an SMS text fits MAX_SMS_SEGMENTS once composed; what it takes either way. */
export function smsFits(
  alert: Omit<MessageAlert, "id">,
  language: Language,
  smsText: string,
  publicUrl: string,
): { fits: boolean; segments: number; characters: number } {
  const { count } = composeSmsCounted(
    { ...alert, id: UNSAVED_ALERT_ID },
    { language, headline: "", body: "", sms_text: smsText },
    publicUrl,
  );
  const { segments, characters } = count;
  return { fits: segments <= MAX_SMS_SEGMENTS, segments, characters };
}

export type ComposedEmail = { subject: string; text: string; html: string };

export function composeEmail(
  alert: MessageAlert,
  text: MessageText,
  links: { publicUrl: string; unsubscribeUrl: string },
): ComposedEmail {
  const label = alertLabel(alert, text.language);
  const page = alertPageUrl(links.publicUrl, alert.id, text.language);
  const words = (key: keyof typeof WORDS) => WORDS[key][text.language];
  const plain = [
    label,
    text.headline,
    "",
    text.body,
    "",
    `${words("details")}: ${page}`,
    "",
    "--",
    words("footer"),
    `${words("unsubscribe")}: ${links.unsubscribeUrl}`,
  ].join("\n");
  const e = escapeHtml;
  const html = `<!doctype html>
<html lang="${text.language}"><head><meta charset="utf-8"><title>${e(text.headline)}</title></head>
<body style="font-family:system-ui,sans-serif;line-height:1.5">
<p style="font-weight:bold;letter-spacing:.05em">${e(label)}</p>
<h1 style="font-size:1.3em">${e(text.headline)}</h1>
${text.body
  .split(/\n{2,}/)
  .map((paragraph) => `<p>${e(paragraph).replace(/\n/g, "<br>")}</p>`)
  .join("\n")}
<p><a href="${e(page)}">${e(words("details"))}</a></p>
<hr>
<p style="font-size:.9em">${e(words("footer"))} <a href="${e(links.unsubscribeUrl)}">${e(words("unsubscribe"))}</a></p>
</body></html>`;
  return { subject: `${label}: ${text.headline}`, text: plain, html };
}

/** Browsers and push services cap payloads near 4 kB; stay well under once encrypted. */
export const MAX_PUSH_PAYLOAD_BYTES = 3000;

export type PushPayload = {
  alertId: string;
  label: string;
  headline: string;
  url: string;
  priority: AlertPriority;
  drill: boolean;
};

export function composePush(alert: MessageAlert, text: MessageText, publicUrl: string): string {
  const payload: PushPayload = {
    alertId: alert.id,
    label: alertLabel(alert, text.language),
    headline: text.headline,
    // The short form, whose path carries the language: the service worker opens only the path.
    url: shortAlertUrl(publicUrl, alert.id, text.language),
    priority: alert.priority,
    drill: alert.is_drill,
  };
  let json = JSON.stringify(payload);
  // Only an unusually long headline can exceed the cap; shorten it rather than fail the push.
  while (Buffer.byteLength(json) > MAX_PUSH_PAYLOAD_BYTES) {
    payload.headline = `${[...payload.headline].slice(0, -20).join("")}…`;
    json = JSON.stringify(payload);
  }
  return json;
}

export function escapeHtml(value: string): string {
  return value
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}
