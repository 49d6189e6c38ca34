/**
 * An alert on WhatsApp, per language, in the two forms it may take (src/whatsapp/window.ts):
 *
 * - free-form, inside the 24-hour window: the label in bold, the headline, the full text and the
 *   alert page's short link;
 * - a template outside it: the language's approved template (WHATSAPP_ALERT_TEMPLATE_<LANG>, else
 *   English's, and the preview says so) with three variables: 1 the label, 2 the SMS text, 3 the
 *   link. Variables are in the resident's language even in English's template. Meta refuses
 *   variables with line breaks, tabs or runs of spaces, so they are flattened.
 *
 * Both are in the approval preview and its hash (preview-alert.ts).
 */
import type { WhatsAppSettings } from "../config.ts";
import { DEFAULT_LANGUAGE, type Language } from "../i18n/languages.ts";
import { alertLabel, type MessageAlert, type MessageText } from "../services/alerts/compose.ts";
import { shortAlertUrl } from "../services/alerts/short-link.ts";

/** WhatsApp's limit on a message body. */
export const MAX_WHATSAPP_CHARACTERS = 4096;
/** Meta's limit on one template variable; the SMS text is far shorter, this is a guard. */
const MAX_VARIABLE_CHARACTERS = 1024;

export type WhatsAppTemplate = {
  contentSid: string;
  /** The template's language: the text's, or English's when the language has none. */
  language: Language;
  /** True when the text's language has no template of its own and English's is used. */
  fallback: boolean;
  /** ContentVariables, numbered as in the template texts of docs/deploy.md. */
  variables: Record<"1" | "2" | "3", string>;
};

export type ComposedWhatsApp = {
  freeForm: string;
  /** Null when no WhatsApp sender is configured (local mode: the outbox gets the free-form text). */
  template: WhatsAppTemplate | null;
};

export function composeWhatsApp(
  alert: MessageAlert,
  text: MessageText,
  options: { publicUrl: string; whatsapp: WhatsAppSettings | undefined },
): ComposedWhatsApp {
  const label = alertLabel(alert, text.language);
  const link = shortAlertUrl(options.publicUrl, alert.id);
  const head = `*${label}*\n${text.headline.trim()}\n\n`;
  const tail = `\n\n${link}`;
  const room = MAX_WHATSAPP_CHARACTERS - [...head].length - [...tail].length;
  const body = [...text.body.trim()];
  const freeForm =
    head + (body.length > room ? `${body.slice(0, room - 1).join("")}…` : body.join("")) + tail;
  return { freeForm, template: templateFor(options.whatsapp, text.language, [label, text.sms_text, link]) };
}

function templateFor(
  whatsapp: WhatsAppSettings | undefined,
  language: Language,
  [label, smsText, link]: [string, string, string],
): WhatsAppTemplate | null {
  if (!whatsapp) return null;
  const own = whatsapp.templates[language];
  return {
    contentSid: own ?? whatsapp.templates.en,
    language: own ? language : DEFAULT_LANGUAGE,
    fallback: own === undefined,
    variables: { "1": flatten(label), "2": flatten(smsText), "3": link },
  };
}

function flatten(value: string): string {
  const flat = value.replace(/\s+/g, " ").trim();
  const chars = [...flat];
  return chars.length > MAX_VARIABLE_CHARACTERS
    ? `${chars.slice(0, MAX_VARIABLE_CHARACTERS - 1).join("")}…`
    : flat;
}

/** Roughly what a template send shows, for the local outbox and logs of the simulator. */
export function templateSummary(template: WhatsAppTemplate): string {
  return `${template.variables["1"]}: ${template.variables["2"]} ${template.variables["3"]}`;
}
