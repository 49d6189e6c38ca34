/**
 * CAP 1.2 (OASIS Common Alerting Protocol) for integrators. One <alert> per Aviso alert, with one
 * <info> per language it was written in:
 *   msgType   Alert; Update or Cancel for follow-ups, with <references> naming the original
 *   status    Actual, or Exercise for drills
 *   scope     Public; <area> lists the target ZIPs as geocodes (valueName "ZIP")
 *   category  Security (law enforcement); urgency, severity and certainty from the priority and kind
 * Nothing about who received it. The feed at /feeds/cap.xml is an Atom index whose entries carry
 * each live alert's CAP document inline (the usual way to publish several CAP messages, as public
 * alerting hubs do), and each document is also at /feeds/cap/<id>.xml. Tests validate the output
 * against the OASIS schema with xmllint.
 */
import { messages } from "../i18n/catalog.ts";
import type { Language } from "../i18n/languages.ts";
import { alertLabel } from "../services/alerts/compose.ts";
import { asMessageAlert, type PublicAlert } from "../services/public/public-alerts.ts";
import { capTime, rfc3339, xml } from "./xml.ts";

export const CAP_NAMESPACE = "urn:oasis:names:tc:emergency:cap:1.2";

const CAP_LANGUAGE: Record<Language, string> = { en: "en-US", es: "es-US", zh: "zh-CN", vi: "vi-VN" };

const EVENT: Record<"enforcement" | "statement", Record<Language, string>> = {
  enforcement: {
    en: "Immigration enforcement activity",
    es: "Actividad de control migratorio",
    zh: "移民执法活动",
    vi: "Hoạt động thực thi di trú",
  },
  statement: {
    en: "Official city statement",
    es: "Comunicado oficial de la ciudad",
    zh: "市政府官方声明",
    vi: "Thông báo chính thức của thành phố",
  },
};

export type CapContext = { publicUrl: string; hotline: string };

export function capSender(publicUrl: string): string {
  return new URL(publicUrl).host;
}

export function capIdentifier(alertId: string): string {
  return `urn:uuid:${alertId}`;
}

/** One CAP document, without the XML declaration (so it can also sit inside the Atom index). */
export function capAlertElement(alert: PublicAlert, original: PublicAlert | null, ctx: CapContext): string {
  const sender = capSender(ctx.publicUrl);
  const msgType = alert.kind === "cancel" ? "Cancel" : alert.kind === "update" ? "Update" : "Alert";
  const family = alert.kind === "statement" || original?.kind === "statement" ? "statement" : "enforcement";
  const lines = [
    `<alert xmlns="${CAP_NAMESPACE}">`,
    `<identifier>${xml(capIdentifier(alert.id))}</identifier>`,
    `<sender>${xml(sender)}</sender>`,
    `<sent>${capTime(alert.publishedAt)}</sent>`,
    `<status>${alert.drill ? "Exercise" : "Actual"}</status>`,
    `<msgType>${msgType}</msgType>`,
    "<scope>Public</scope>",
  ];
  if (alert.kind === "cancel")
    lines.push(`<note>${alert.cancelReason === "false_alarm" ? "False alarm" : "All clear"}</note>`);
  if (original && msgType !== "Alert") {
    lines.push(
      `<references>${xml(`${sender},${capIdentifier(original.id)},${capTime(original.publishedAt)}`)}</references>`,
    );
  }
  for (const text of alert.texts) lines.push(info(alert, text, family, ctx));
  lines.push("</alert>");
  return lines.join("\n");
}

function info(
  alert: PublicAlert,
  text: PublicAlert["texts"][number],
  family: "enforcement" | "statement",
  ctx: CapContext,
): string {
  const language = text.language;
  const t = messages(language).alert;
  const cancel = alert.kind === "cancel";
  const responseType = cancel
    ? "AllClear"
    : family === "statement"
      ? "None"
      : alert.kind === "update"
        ? "Monitor"
        : "Avoid";
  const urgency = cancel
    ? "Past"
    : { alert: "Immediate", advisory: "Expected", community: "Future" }[alert.priority];
  const severity = cancel
    ? "Minor"
    : { alert: "Severe", advisory: "Moderate", community: "Minor" }[alert.priority];
  // An alert from scratch (ADVISORY) is tied to no verified sighting: nobody recorded an observation.
  const certainty =
    alert.kind === "cancel" && alert.cancelReason === "false_alarm"
      ? "Unlikely"
      : alert.kind === "sighting" && alert.sightingLabel === "unconfirmed"
        ? "Possible"
        : alert.kind === "sighting" && !alert.verifiedSighting
          ? "Unknown"
          : "Observed";
  const label = alertLabel(asMessageAlert(alert), language);
  const instruction =
    family === "enforcement" && !cancel
      ? [...t.advice, t.callHotline(ctx.hotline)].join("\n")
      : t.callHotline(ctx.hotline);
  const zips = [...alert.targetZips].sort();
  return [
    "<info>",
    `<language>${CAP_LANGUAGE[language]}</language>`,
    "<category>Security</category>",
    `<event>${xml(EVENT[family][language])}</event>`,
    `<responseType>${responseType}</responseType>`,
    `<urgency>${urgency}</urgency>`,
    `<severity>${severity}</severity>`,
    `<certainty>${certainty}</certainty>`,
    `<effective>${capTime(alert.publishedAt)}</effective>`,
    `<expires>${capTime(alert.expiresAt)}</expires>`,
    `<senderName>${xml(alert.senderOrg)}</senderName>`,
    `<headline>${xml(`${label}: ${text.headline}`)}</headline>`,
    `<description>${xml(text.body)}</description>`,
    `<instruction>${xml(instruction)}</instruction>`,
    `<web>${xml(`${ctx.publicUrl}/alerts/${alert.id}?lang=${language}`)}</web>`,
    `<contact>${xml(ctx.hotline)}</contact>`,
    "<area>",
    `<areaDesc>${xml(`${t.zipCodes}: ${zips.join(", ")}`)}</areaDesc>`,
    ...zips.map((zip) => `<geocode><valueName>ZIP</valueName><value>${zip}</value></geocode>`),
    "</area>",
    "</info>",
  ].join("\n");
}

export function capDocument(alert: PublicAlert, original: PublicAlert | null, ctx: CapContext): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n${capAlertElement(alert, original, ctx)}\n`;
}

/** The Atom index of live CAP alerts, each entry carrying its CAP document inline. */
export function capIndex(
  entries: { alert: PublicAlert; original: PublicAlert | null }[],
  ctx: CapContext & { title: string; now: Date },
): string {
  const updated = entries.reduce(
    (latest, { alert }) => Math.max(latest, alert.updatedAt.getTime(), alert.publishedAt.getTime()),
    0,
  );
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<feed xmlns="http://www.w3.org/2005/Atom">',
    `<id>${xml(`${ctx.publicUrl}/feeds/cap.xml`)}</id>`,
    `<title>${xml(`${ctx.title} (CAP 1.2)`)}</title>`,
    `<updated>${rfc3339(updated > 0 ? new Date(updated) : ctx.now)}</updated>`,
    `<link rel="self" type="application/atom+xml" href="${xml(`${ctx.publicUrl}/feeds/cap.xml`)}"/>`,
    `<author><name>${xml(ctx.title)}</name></author>`,
    ...entries.map(({ alert, original }) => {
      const text = alert.texts.find((t) => t.language === "en") ?? alert.texts[0];
      const label = alertLabel(asMessageAlert(alert), text?.language ?? "en");
      return [
        "<entry>",
        `<id>${xml(capIdentifier(alert.id))}</id>`,
        `<title>${xml(`${label}: ${text?.headline ?? ""}`)}</title>`,
        `<updated>${rfc3339(new Date(Math.max(alert.updatedAt.getTime(), alert.publishedAt.getTime())))}</updated>`,
        `<published>${rfc3339(alert.publishedAt)}</published>`,
        `<link rel="alternate" type="application/cap+xml" href="${xml(`${ctx.publicUrl}/feeds/cap/${alert.id}.xml`)}"/>`,
        `<content type="application/cap+xml">${capAlertElement(alert, original, ctx)}</content>`,
        "</entry>",
      ].join("\n");
    }),
    "</feed>",
    "",
  ].join("\n");
}
