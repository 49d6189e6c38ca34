/** Pieces of an alert's console page: exactly what will be sent, live delivery figures, and follow-ups. */
import { html } from "hono/html";
import { LANGUAGE_NAMES } from "../../i18n/languages.ts";
import type { AlertView } from "../../services/alerts/alert-record.ts";
import type { AlertPreview } from "../../services/alerts/preview-alert.ts";
import { CHANNELS, type FormValues } from "./alert-settings.ts";
import { csrfField, type FieldErrors, select } from "./chrome.ts";
import { composerFields, describeCount } from "./composer.ts";
import { when } from "./time.ts";
import { voicePreview } from "./voice-preview.ts";
import { whatsappPreview } from "./whatsapp-preview.ts";

export function previewSection(preview: AlertPreview, tz: string) {
  return html`<section aria-labelledby="what-is-sent">
<h2 id="what-is-sent">Exactly what will be sent</h2>
<p>To ${preview.audience === "target" ? html`subscribers of ${preview.targetZips && preview.targetZips.length > 12 ? `${preview.targetZips.length} ZIPs` : (preview.targetZips ?? []).join(", ")}` : preview.audience === "drill_allowlist" ? "the drill allowlist only" : "exactly the original alert's recipients"},
by ${preview.channels.join(", ")}; expires ${when(preview.expiresAt, tz)}.
${preview.link ? html`The alert page links to <a href="${preview.link}" rel="noopener noreferrer">${preview.link}</a>.` : "The alert page has no link of its own."}
Recipients now: ${preview.recipients.total} (SMS ${preview.recipients.byChannel.sms}, email ${preview.recipients.byChannel.email}, push ${preview.recipients.byChannel.push}, WhatsApp ${preview.recipients.byChannel.whatsapp}, phone calls ${preview.recipients.byChannel.voice}).</p>
${preview.languages.map(
  (l) => html`<h3 lang="${l.language}">${LANGUAGE_NAMES[l.language]}</h3>
<p class="hint">SMS · ${describeCount(l.sms)}</p>
<p class="sms-preview" lang="${l.language}">${l.sms.text}</p>
<p>Email subject: <span lang="${l.language}">${l.emailSubject}</span><br>Push: <span lang="${l.language}">${l.pushTitle}</span></p>
${whatsappPreview(l)}
${voicePreview(l)}`,
)}
<p>Preview hash: <code class="hash">${preview.hash}</code></p>
</section>`;
}

export function progressSection(alertId: string) {
  return html`<section aria-labelledby="progress" class="progress" data-progress="/console/alerts/${alertId}/progress">
<h2 id="progress">Delivery</h2>
<table class="figures"><thead><tr><th scope="col">Channel</th><th scope="col">Queued</th><th scope="col">Sending</th><th scope="col">Sent</th><th scope="col">Delivered</th><th scope="col">Failed</th><th scope="col">Skipped</th></tr></thead>
<tbody>${CHANNELS.map(
    ([channel, name]) =>
      html`<tr data-channel="${channel}"><th scope="row">${name}</th>${["queued", "sending", "sent", "delivered", "failed", "skipped"].map((s) => html`<td data-status="${s}">–</td>`)}</tr>`,
  )}</tbody></table>
<p class="hint" role="status" data-progress-status>Live figures need JavaScript; <a href="/console/alerts/${alertId}">reload</a> to see them.</p>
</section>`;
}

/** Withdrawing a published alert (cancel) or drafting an update; `cancelAlone`: the lone cancel is offered. */
export function followUpSection(
  alert: AlertView,
  cancelAlone: boolean,
  csrf: string,
  values: FormValues,
  errors: FieldErrors,
  publicUrl: string,
) {
  return html`<section aria-labelledby="follow-up"><h2 id="follow-up">Follow up</h2>
<form method="post" action="/console/alerts/${alert.id}/cancel">
${csrfField(csrf)}
${select({
  name: "reason",
  label: "Withdraw this alert because",
  options: [
    ["all_clear", "The activity has ended (ALL CLEAR)"],
    ["false_alarm", "It was a false alarm (FALSE ALARM)"],
  ],
  value: "all_clear",
  errors,
})}
${cancelAlone ? html`<div class="check"><input type="checkbox" id="f-cancelNow" name="publishNow"> <label for="f-cancelNow">Publish the cancel now, without a second person (with its pre-written text only)</label></div>` : ""}
<button type="submit" class="danger">Draft the cancel</button>
</form>
<h3>Draft an update</h3>
<form method="post" action="/console/alerts/${alert.id}/updates" class="composer" data-csrf="${csrf}" data-kind="update" data-priority="${alert.priority}">
${csrfField(csrf)}
${composerFields({ alert: { kind: "update", priority: alert.priority, is_drill: alert.drill, verifiedSighting: alert.sightingId !== null }, publicUrl, values, errors })}
<button type="submit">Draft the update</button>
</form></section>`;
}
