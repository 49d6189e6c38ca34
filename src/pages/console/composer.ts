/**
 * The alert composer's fields, shared by new alerts, edits, updates and statements: per language
 * a headline, the full text for the alert page and email, and the SMS text with a live preview of
 * exactly what residents receive (label first, the alert page's short link last: composeSms) and
 * its segment count. The preview is rendered here on the server; web/composer.js refreshes it as
 * the author types (POST /console/preview-sms, which composes it the same way), announcing the
 * count politely, so the counted text is the sent text. A draft not yet saved has no id, so its
 * link shows UNSAVED_ALERT_ID's code: the real one has the same length and the same count.
 * Everything works by keyboard alone: native fields, no widgets.
 */
import { html } from "hono/html";
import { LANGUAGE_NAMES, LANGUAGES, type Language } from "../../i18n/languages.ts";
import { composeSmsCounted, type MessageAlert, UNSAVED_ALERT_ID } from "../../services/alerts/compose.ts";
import { describeSaving, type GsmFold } from "../../sms/gsm-fold.ts";
import { type FieldErrors, input, textarea } from "./chrome.ts";

export type ComposerValues = Record<string, string>;

/**
 * The SMS as composeSms will send it (in English and Spanish written in GSM-7 when that saves
 * segments; `saving` says so); `alert.id` when the draft is saved, else a stand-in.
 */
export function smsPreview(
  alert: Omit<MessageAlert, "id"> & { id?: string },
  language: Language,
  smsText: string,
  publicUrl: string,
) {
  const sms = composeSmsCounted(
    { ...alert, id: alert.id ?? UNSAVED_ALERT_ID },
    { language, headline: "", body: "", sms_text: smsText },
    publicUrl,
  );
  return { text: sms.text, ...sms.count, saving: sms.saving };
}

/** "136 characters · 1 segment (GSM-7) · 3 → 1 segments by writing Ó as O". */
export function describeCount(
  count: {
    characters: number;
    segments: number;
    encoding: string;
    unicodeCharacters: string[];
  } & { saving?: GsmFold["saving"] },
) {
  const segments = `${count.segments} ${count.segments === 1 ? "segment" : "segments"}`;
  const unicode =
    count.encoding === "UCS-2" && count.unicodeCharacters.length > 0
      ? ` (UCS-2 because of ${count.unicodeCharacters.slice(0, 5).join(" ")})`
      : ` (${count.encoding})`;
  const saving = count.saving ? ` · ${describeSaving({ count, saving: count.saving })}` : "";
  return `${count.characters} characters · ${segments}${unicode}${saving}`;
}

export function composerFields(o: {
  /** With its id once saved (the SMS preview shows its real short link). */
  alert: Omit<MessageAlert, "id"> & { id?: string };
  /** PUBLIC_URL, which the SMS's short link starts with. */
  publicUrl: string;
  values: ComposerValues;
  errors: FieldErrors;
  /** Statements may leave the SMS text out (their headline is sent). */
  smsOptional?: boolean;
  languages?: readonly Language[];
}) {
  return html`${(o.languages ?? LANGUAGES).map((language) => {
    const v = (field: string) => o.values[`texts.${language}.${field}`] ?? "";
    const preview = smsPreview(o.alert, language, v("smsText") || v("headline"), o.publicUrl);
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
