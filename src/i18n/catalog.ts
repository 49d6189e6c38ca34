/**
 * The public pages' message catalog: one module per language in src/i18n/messages/, all with
 * English's keys (a missing phrase is a type error). Pages pick the reader's language with
 * negotiateLanguage (src/i18n/negotiate.ts) and then read only from here.
 */
import type { Language } from "./languages.ts";
import { en, type Messages } from "./messages/en.ts";
import { es } from "./messages/es.ts";
import { vi } from "./messages/vi.ts";
import { zh } from "./messages/zh.ts";

export type { Messages };

const CATALOG: Record<Language, Messages> = { en, es, zh, vi };

export function messages(language: Language): Messages {
  return CATALOG[language];
}

/** BCP 47 locales for dates and numbers in each language. */
export const LOCALES: Record<Language, string> = { en: "en-US", es: "es-US", zh: "zh-CN", vi: "vi-VN" };

/** A date and time as a reader in `language` writes it, in the program's time zone. */
export function formatDateTime(at: Date, language: Language, timeZone: string): string {
  return new Intl.DateTimeFormat(LOCALES[language], {
    dateStyle: "medium",
    timeStyle: "short",
    timeZone,
  }).format(at);
}
