/**
 * The phone-call part of "Exactly what will be sent": the script an alert call speaks, in the
 * language's Twilio voice, as the approver will have it hashed (issue 17, point 7).
 */
import { html } from "hono/html";
import type { LanguagePreview } from "../../services/alerts/preview-alert.ts";

export function voicePreview(l: LanguagePreview) {
  return html`<p class="hint">Phone call (spoken in ${l.voice.say}; Alert priority only unless VOICE_ALL_PRIORITIES):</p>
<ol class="voice-preview" lang="${l.language}">${l.voice.script.map((line) => html`<li>${line}</li>`)}</ol>`;
}
