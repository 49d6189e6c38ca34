/**
 * How each language is spoken on the line: Twilio's `language` for <Say> and a voice that speaks it.
 * Twilio's basic voices (man, woman) speak none of Mandarin or Vietnamese, so each language gets
 * one of the Amazon Polly or Google voices Twilio offers for its locale: US English, US Spanish,
 * Mandarin (cmn-CN) and Vietnamese (vi-VN, a Google voice: Polly has none).
 */
import type { Language } from "../i18n/languages.ts";
import type { Speech } from "./twiml.ts";

export const SPEECH: Record<Language, Speech> = {
  en: { language: "en-US", voice: "Polly.Joanna" },
  es: { language: "es-US", voice: "Polly.Lupe" },
  zh: { language: "cmn-CN", voice: "Polly.Zhiyu" },
  vi: { language: "vi-VN", voice: "Google.vi-VN-Standard-A" },
};

/** The language menu's keys: 1 English, 2 Español, 3 中文, 4 Tiếng Việt. */
export const LANGUAGE_KEYS: Record<string, Language> = { "1": "en", "2": "es", "3": "zh", "4": "vi" };
