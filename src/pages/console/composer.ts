/**
 * The alert composer's fields, shared by new alerts, edits, updates and statements: per language
 * a headline, the full text for the alert page and email, and the SMS text with a live preview of
 * exactly what residents receive (label first) and its segment count. The preview is rendered
 * here on the server; web/composer.js refreshes it as the author types (POST /console/preview-sms),
 * announcing the count politely. Everything works by keyboard alone: native fields, no widgets.
 */
import { html } from "hono/html";
import { LANGUAGE_NAMES, LANGUAGES, type Language } from "../../i18n/languages.ts";
import { composeSms, type MessageAlert } from "../../services/alerts/compose.ts";
import { countSegments } from "../../sms/segments.ts";
import { type FieldErrors, input, textarea } from "./chrome.ts";

export type ComposerValues = Record<string, string>;

export function smsPreview(alert: Omit<MessageAlert, "id">, language: Language, smsText: string) {
  const text = composeSms(
    { id: "preview", ...alert },
    { language, headline: "", body: "", sms_text: smsText },
  );
  const count = countSegments(text);
  return { text, ...count };
}

export function describeCount(count: {
  characters: number;
  segments: number;
  encoding: string;
  unicodeCharacters: string[];
}) {
  const segments = `${count.segments} ${count.segments === 1 ? "segment" : "segments"}`;
  const unicode =
    count.encoding === "UCS-2" && count.unicodeCharacters.length > 0
      ? ` (UCS-2 because of ${count.unicodeCharacters.slice(0, 5).join(" ")})`
      : ` (${count.encoding})`;
  return `${count.characters} characters · ${segments}${unicode}`;
}

export function composerFields(o: {
  alert: Omit<MessageAlert, "id">;
  values: ComposerValues;
  errors: FieldErrors;
  /** Statements may leave the SMS text out (their headline is sent). */
  smsOptional?: boolean;
  languages?: readonly Language[];
}) {
  return html`${(o.languages ?? LANGUAGES).map((language) => {
    const v = (field: string) => o.values[`texts.${language}.${field}`] ?? "";
    const preview = smsPreview(o.alert, language, v("smsText") || v("headline"));
    return html`<fieldset class="language" lang="${language}">
<legend>${LANGUAGE_NAMES[language]}${language === "en" ? " (required)" : " (optional: leave empty to send English)"}</legend>
${input({ name: `texts.${language}.headline`, label: "Headline", value: v("headline"), errors: o.errors })}
${textarea({ name: `texts.${language}.body`, label: "Full text (alert page and email)", value: v("body"), errors: o.errors, rows: 5 })}
${textarea({
  name: `texts.${language}.smsText`,
  label: o.smsOptional ? "SMS text (optional; the headline is sent otherwise)" : "SMS text",
  value: v("smsText"),
  errors: o.errors,
  rows: 3,
  attrs: html` data-sms-language="${language}"`,
})}
<div class="sms-live" aria-live="polite" id="sms-live-${language}">
<p class="hint">Residents receive:</p>
<p class="sms-preview" data-sms-text="${language}">${preview.text}</p>
<p class="hint" data-sms-count="${language}">${describeCount(preview)}</p>
</div>
</fieldset>`;
  })}`;
}
