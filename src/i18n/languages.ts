/** The languages Aviso speaks in messages, keywords and pages. English is the fallback. */
export const LANGUAGES = ["en", "es", "zh", "vi"] as const;
export type Language = (typeof LANGUAGES)[number];
export const DEFAULT_LANGUAGE: Language = "en";

export function isLanguage(value: unknown): value is Language {
  return typeof value === "string" && (LANGUAGES as readonly string[]).includes(value);
}

/** Names of each language in itself, for language pickers and LIST replies. */
export const LANGUAGE_NAMES: Record<Language, string> = {
  en: "English",
  es: "Español",
  zh: "中文",
  vi: "Tiếng Việt",
};
