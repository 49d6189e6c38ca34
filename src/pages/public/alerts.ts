/**
 * Alerts as residents read them: a card on the home page, and the full notification at
 * /alerts/:id (the page every SMS, email and push links to) with the text in the reader's
 * language, what it follows and what followed it, what to do, and know-your-rights links.
 */
import { html } from "hono/html";
import type { Config } from "../../config.ts";
import { formatDateTime, messages } from "../../i18n/catalog.ts";
import { LANGUAGE_NAMES, type Language } from "../../i18n/languages.ts";
import { alertLabel, pickText } from "../../services/alerts/compose.ts";
import { asMessageAlert, isLive, type PublicAlert } from "../../services/public/public-alerts.ts";
import { whatsappInvite } from "./by-whatsapp.ts";
import { sentenceWithLink, telHref } from "./phone-links.ts";

/** Shown in full up to this many ZIPs; beyond it, behind a disclosure. */
const ZIPS_SHOWN = 12;

function classes(alert: PublicAlert): string {
  return `priority-${alert.priority} kind-${alert.kind}`;
}

function time(at: Date, language: Language, config: Config) {
  return html`<time datetime="${at.toISOString()}">${formatDateTime(at, language, config.operators.timeZone)}</time>`;
}

function zipList(zips: string[], language: Language) {
  const t = messages(language).card;
  const sorted = [...zips].sort();
  if (sorted.length <= ZIPS_SHOWN) return html`${sorted.join(", ")}`;
  return html`<details><summary>${t.manyZips(sorted.length)}</summary><p>${sorted.join(", ")}</p></details>`;
}

export function alertCard(
  alert: PublicAlert,
  original: PublicAlert | undefined,
  language: Language,
  config: Config,
) {
  const t = messages(language).card;
  const text = pickText(alert.texts, language);
  const label = alertLabel(asMessageAlert(alert), text.language);
  return html`<li class="alert-card ${classes(alert)}" lang="${text.language}">
<p class="label">${label}</p>
<h3><a href="/alerts/${alert.id}">${text.headline}</a></h3>
<p class="meta">${t.published}: ${time(alert.publishedAt, language, config)} · ${t.expires}: ${time(alert.expiresAt, language, config)}</p>
<p class="meta">${t.zips}: ${zipList(alert.targetZips, language)}</p>
${original ? html`<p class="meta">${t.follows} <a href="/alerts/${original.id}">${pickText(original.texts, language).headline}</a></p>` : ""}
<p><a href="/alerts/${alert.id}">${t.readMore}<span class="visually-hidden">: ${text.headline}</span></a></p>
</li>`;
}

function paragraphs(body: string) {
  return body
    .split(/\n{2,}/)
    .map((paragraph) => paragraph.trim())
    .filter(Boolean)
    .map((paragraph) => {
      const lines = paragraph.split("\n");
      return html`<p>${lines.map((line, i) => (i === 0 ? html`${line}` : html`<br>${line}`))}</p>`;
    });
}

export function alertPageBody(
  found: { alert: PublicAlert; original: PublicAlert | null; followUps: PublicAlert[] },
  language: Language,
  config: Config,
  now: Date,
) {
  const { alert, original, followUps } = found;
  const t = messages(language).alert;
  const text = pickText(alert.texts, language);
  const label = alertLabel(asMessageAlert(alert), text.language);
  const others = alert.texts.filter((other) => other.language !== text.language);
  const links = config.web.knowYourRights[language];
  // Withdrawn how: an all clear says the activity ended (the alert was true), a false alarm
  // that it was wrong; a cancel without a reason (or not public) just that it was withdrawn.
  const reason = followUps.find((f) => f.kind === "cancel")?.cancelReason;
  const cancelled =
    reason === "all_clear"
      ? t.cancelledAllClear
      : reason === "false_alarm"
        ? t.cancelledFalseAlarm
        : t.cancelled;
  return html`<article class="${classes(alert)}">
<p class="label ${classes(alert)}" lang="${text.language}">${label}</p>
<h1 lang="${text.language}">${text.headline}</h1>
${alert.drill ? html`<p class="notice drill" role="note">${t.drill}</p>` : ""}
${text.language !== language ? html`<p class="notice" role="note">${t.notInLanguage}</p>` : ""}
${
  followUps.length > 0
    ? html`<section class="notice${followUps.some((f) => f.kind === "cancel") ? " ok" : ""}" aria-labelledby="newer">
<h2 id="newer">${alert.status === "cancelled" ? cancelled : t.updatedBy}</h2>
<ul>${followUps.map((followUp) => {
        const followText = pickText(followUp.texts, language);
        return html`<li><strong>${alertLabel(asMessageAlert(followUp), followText.language)}</strong> · ${time(followUp.publishedAt, language, config)}: <a href="/alerts/${followUp.id}" lang="${followText.language}">${followText.headline}</a></li>`;
      })}</ul>
</section>`
    : alert.status === "cancelled"
      ? html`<p class="notice ok" role="note">${cancelled}</p>`
      : ""
}
${!isLive(alert, now) && alert.status !== "cancelled" ? html`<p class="notice" role="note">${t.expired}</p>` : ""}
${
  original
    ? html`<p>${t.follows} <a href="/alerts/${original.id}">${pickText(original.texts, language).headline}</a></p>`
    : ""
}
<dl class="meta facts">
<dt>${t.from}</dt><dd>${alert.senderOrg}</dd>
<dt>${t.published}</dt><dd>${time(alert.publishedAt, language, config)}</dd>
<dt>${t.expires}</dt><dd>${time(alert.expiresAt, language, config)}</dd>
<dt>${t.zipCodes}</dt><dd>${zipList(alert.targetZips, language)}</dd>
</dl>
<div class="body-text" lang="${text.language}">${paragraphs(text.body)}</div>
${alert.link ? html`<p><a href="${alert.link}" rel="noopener noreferrer">${t.link}</a></p>` : ""}
${
  others.length > 0
    ? html`<p>${t.otherLanguages} ${others.map(
        (other, i) =>
          html`${i > 0 ? " · " : ""}<a href="/alerts/${alert.id}?lang=${other.language}" lang="${other.language}" hreflang="${other.language}">${LANGUAGE_NAMES[other.language]}</a>`,
      )}</p>`
    : ""
}
</article>
<section aria-labelledby="what-to-do">
<h2 id="what-to-do">${t.whatToDo}</h2>
<ul>${t.advice.map((line) => html`<li>${line}</li>`)}</ul>
<p>${sentenceWithLink(t.callHotline, config.program.hotline, telHref(config.program.hotline))}</p>
${whatsappInvite(config, language, alert.targetZips[0])}
</section>
${
  links.length > 0
    ? html`<section aria-labelledby="rights">
<h2 id="rights">${t.knowYourRights}</h2>
<ul>${links.map((link) => html`<li><a href="${link.url}" rel="noopener noreferrer">${link.label}</a></li>`)}</ul>
</section>`
    : ""
}
<p><a href="/">${t.back}</a></p>`;
}
