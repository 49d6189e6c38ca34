/**
 * A published alert's "What was sent": the texts as approved and sent, and who they actually went
 * to, from the delivery ledger (per channel, language and outcome), not today's subscribers. A
 * draft's page shows "Exactly what will be sent" (alert-sections.ts) instead.
 */
import { html } from "hono/html";
import { LANGUAGE_NAMES } from "../../i18n/languages.ts";
import type { AlertPreview } from "../../services/alerts/preview-alert.ts";
import { OUTCOMES, type Outcome, type SentFigures } from "../../services/alerts/sent-figures.ts";
import { CHANNELS } from "./alert-settings.ts";
import { describeCount } from "./composer.ts";
import { when } from "./time.ts";

const OUTCOME_NAMES: Record<Outcome, string> = {
  waiting: "Still going out",
  handedOff: "Handed off",
  delivered: "Delivered",
  failed: "Failed",
  skipped: "Not sent",
};

const channelName = (channel: string) => CHANNELS.find(([c]) => c === channel)?.[1] ?? channel;

export function sentSection(preview: AlertPreview, sent: SentFigures, tz: string) {
  const sum = (counts: Record<Outcome, number>) => OUTCOMES.reduce((n, o) => n + counts[o], 0);
  return html`<section aria-labelledby="what-was-sent">
<h2 id="what-was-sent">What was sent</h2>
<p>${hashNote(preview, sent)} Expires ${when(preview.expiresAt, tz)}.</p>
${preview.languages.map(
  (l) => html`<h3 lang="${l.language}">${LANGUAGE_NAMES[l.language]}</h3>
<p class="hint">SMS · ${describeCount(l.sms)}</p>
<p class="sms-preview" lang="${l.language}">${l.sms.text}</p>
<p>Email subject: <span lang="${l.language}">${l.emailSubject}</span><br>Push: <span lang="${l.language}">${l.pushTitle}</span></p>`,
)}
<h3>Recipients</h3>
${
  sent.total === 0
    ? html`<p>The delivery ledger records no recipient for this alert: no one was subscribed to it on its channels when it was published.</p>`
    : html`<table class="figures sent"><caption>Messages by channel and language, as recorded when they went out</caption>
<thead><tr><th scope="col">Channel</th><th scope="col">Language</th>${OUTCOMES.map((o) => html`<th scope="col">${OUTCOME_NAMES[o]}</th>`)}<th scope="col">In all</th></tr></thead>
<tbody>${sent.rows.map(
        (r) =>
          html`<tr data-channel="${r.channel}" data-language="${r.language ?? "unknown"}"><th scope="row">${channelName(r.channel)}</th><td>${r.language ? LANGUAGE_NAMES[r.language] : "unknown (record gone)"}</td>${OUTCOMES.map((o) => html`<td data-outcome="${o}">${r.counts[o]}</td>`)}<td>${sum(r.counts)}</td></tr>`,
      )}</tbody></table>
<p>In all ${sent.total} (${CHANNELS.filter(([c]) => sum(sent.byChannel[c]) > 0)
        .map(([c, name]) => `${name} ${sum(sent.byChannel[c])}`)
        .join(", ")}).
${sent.possibleDuplicates > 0 ? html`${sent.possibleDuplicates} were sent again after an attempt whose outcome was unknown: those residents may have two copies.` : ""}</p>
<p class="hint">Handed off: accepted by the provider, no delivery report yet. Not sent: the resident had left, or the alert had expired or was withdrawn before it went. The language is the resident's setting now.</p>`
}
</section>`;
}

function hashNote(preview: AlertPreview, sent: SentFigures) {
  if (sent.approvalHash === preview.hash)
    return html`The texts as approved (hash <code class="hash">${preview.hash.slice(0, 12)}…</code>) and sent.`;
  if (!sent.approvalHash) return html`No approval was recorded for these texts.`;
  // The texts are frozen once approved; what can differ is how they are composed (PUBLIC_URL in the link).
  return html`<strong>The texts below, composed now, differ from the approved ones</strong> (approved hash <code class="hash">${sent.approvalHash.slice(0, 12)}…</code>, now <code>${preview.hash.slice(0, 12)}…</code>): the public address may have changed since.`;
}
