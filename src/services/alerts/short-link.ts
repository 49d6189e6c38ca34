/**
 * Short links to alert pages, for texts where every character counts: /<language>/<22 characters>,
 * the language the message was written in and the alert's UUID as base64url. Nothing to store or
 * look up: the code is the id, just shorter than /alerts/<36 characters>.
 *
 * The language is a path segment rather than `?lang=es` because each character costs SMS space:
 * `/es/` is one character more than the older `/a/` (which still works, in the reader's language),
 * `?lang=es` would be eight. It says nothing the message itself does not: a Spanish text links to
 * /es/…, whoever receives it.
 */
import { isLanguage, type Language } from "../../i18n/languages.ts";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** `/<language>/<code>`, or `/a/<code>` (no language: the reader's) when none is given. */
export function shortAlertPath(alertId: string, language?: Language): string {
  if (!UUID.test(alertId)) throw new Error("not an alert id");
  if (language !== undefined && !isLanguage(language)) throw new Error("not a language");
  return `/${language ?? "a"}/${Buffer.from(alertId.replace(/-/g, ""), "hex").toString("base64url")}`;
}

export function shortAlertUrl(publicUrl: string, alertId: string, language?: Language): string {
  return `${publicUrl}${shortAlertPath(alertId, language)}`;
}

/** The alert id a short code stands for, or undefined when it is not one. */
export function alertIdFromShortCode(code: string): string | undefined {
  if (!/^[A-Za-z0-9_-]{22}$/.test(code)) return undefined;
  const hex = Buffer.from(code, "base64url").toString("hex");
  if (hex.length !== 32) return undefined;
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
