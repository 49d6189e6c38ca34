/**
 * The WhatsApp part of "Exactly what will be sent": the free-form text that goes inside a
 * resident's 24-hour window, and the template (with its variables) that goes outside it, saying
 * plainly when a language has no template of its own and English's is used.
 */
import { html } from "hono/html";
import { LANGUAGE_NAMES } from "../../i18n/languages.ts";
import type { LanguagePreview } from "../../services/alerts/preview-alert.ts";

export function whatsappPreview(l: LanguagePreview) {
  const { freeForm, template } = l.whatsapp;
  return html`<p class="hint">WhatsApp, inside the resident's 24-hour window:</p>
<p class="sms-preview whatsapp-preview" lang="${l.language}">${freeForm}</p>
${
  template
    ? html`<p class="hint">WhatsApp, outside it: template <code>${template.contentSid}</code> (${LANGUAGE_NAMES[template.language]})${template.fallback ? html` <strong class="whatsapp-fallback">No ${LANGUAGE_NAMES[l.language]} template: English's is used.</strong>` : ""}
with {{1}} <span lang="${l.language}">${template.variables["1"]}</span>, {{2}} <span lang="${l.language}">${template.variables["2"]}</span>, {{3}} ${template.variables["3"]}</p>`
    : html`<p class="hint">No WhatsApp sender is configured: the local outbox keeps the free-form text.</p>`
}`;
}
