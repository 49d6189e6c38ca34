/**
 * The console's alerts page: the approval queue (drafts, approved), what is live, and the history
 * of what went out (cancelled, expired, updated), filtered and a page at a time.
 */
import { html } from "hono/html";
import type { HistoryEntry } from "../../services/alerts/alert-history.ts";
import type { AlertView } from "../../services/alerts/alert-record.ts";
import { type ConsoleView, consolePage, type FieldErrors, formErrors, input, select } from "./chrome.ts";
import { when } from "./time.ts";

export const HISTORY_PERIODS = ["7", "30", "90", "365", "all"] as const;

/** The history filter as typed (query string values), so a refused one can be corrected. */
export type HistoryFilterValues = { state: string; kind: string; days: string; zip: string; page: string };

export type AlertHistory = {
  values: HistoryFilterValues;
  errors: FieldErrors;
  entries: HistoryEntry[];
  page: number;
  more: boolean;
};

const STATE_OPTIONS = [
  ["past", "Past: cancelled or expired"],
  ["cancelled", "Cancelled (all clear or false alarm)"],
  ["expired", "Expired"],
  ["updated", "Followed by an update"],
  ["live", "Still live"],
  ["any", "Everything published"],
] as const;
const KIND_OPTIONS = [
  ["", "Any kind"],
  ["sighting", "Sighting alerts"],
  ["statement", "Statements"],
  ["update", "Updates"],
  ["cancel", "Cancels"],
] as const;
const PERIOD_OPTIONS = [
  ["7", "Last 7 days"],
  ["30", "Last 30 days"],
  ["90", "Last 90 days"],
  ["365", "Last year"],
  ["all", "All time"],
] as const;

const zips = (a: AlertView) =>
  a.targetZips.length <= 5 ? a.targetZips.join(", ") : `${a.targetZips.length} ZIPs`;
const headline = (a: AlertView) =>
  html`<a href="/console/alerts/${a.id}">${a.texts.en?.headline ?? a.id}</a>`;

export function alertListPage(
  view: ConsoleView,
  o: {
    drafts: AlertView[];
    approved: AlertView[];
    live: AlertView[];
    history: AlertHistory;
    mayDraft: boolean;
    timeZone: string;
  },
) {
  const row = (a: AlertView) =>
    html`<tr><td>${headline(a)}</td><td>${a.kind}${a.drill ? " (drill)" : ""}</td><td>${a.priority}</td><td>${zips(a)}</td><td>${when(a.updatedAt, o.timeZone)}</td></tr>`;
  const table = (caption: string, alerts: AlertView[]) =>
    html`<table><caption>${caption} (${alerts.length})</caption><thead><tr><th scope="col">Headline</th><th scope="col">Kind</th><th scope="col">Priority</th><th scope="col">ZIPs</th><th scope="col">Changed</th></tr></thead>
<tbody>${alerts.map(row)}</tbody></table>`;
  return consolePage(
    view,
    "Alerts",
    html`<h1>Alerts</h1>
${o.mayDraft ? html`<p><a href="/console/alerts/new">Draft an alert from scratch</a>, labelled ADVISORY (or draft one from a verified sighting, labelled VERIFIED)</p>` : ""}
<h2>Approval queue</h2>
${table("Drafts awaiting a second person", o.drafts)}
${table("Approved, not yet published", o.approved)}
<h2>Published</h2>
${table("Live", o.live)}
${historySection(o.history, o.timeZone)}`,
  );
}

function historySection(h: AlertHistory, tz: string) {
  const v = h.values;
  const state = (e: HistoryEntry) =>
    `${e.state === "live" ? "live" : e.state}${e.updated ? " · updated" : ""}${e.alert.drill ? " · drill" : ""}`;
  return html`<section aria-labelledby="history" id="history-section">
<h2 id="history">History</h2>
${formErrors(h.errors)}
<form method="get" action="/console/alerts#history" class="filters">
${select({ name: "state", label: "What became of them", options: STATE_OPTIONS, value: v.state, errors: h.errors })}
${select({ name: "kind", label: "Kind", options: KIND_OPTIONS, value: v.kind, errors: h.errors })}
${select({ name: "days", label: "Published", options: PERIOD_OPTIONS, value: v.days, errors: h.errors })}
${input({ name: "zip", label: "ZIP", hint: "5 digits; empty for every ZIP", value: v.zip, errors: h.errors, attrs: html` inputmode="numeric" maxlength="5"` })}
${h.errors.page ? html`<p class="error">${h.errors.page}</p>` : ""}
<button type="submit" class="secondary">Show</button>
</form>
<table class="history"><caption>Published alerts${h.page > 1 ? `, page ${h.page}` : ""} (${h.entries.length}${h.more ? "+" : ""})</caption><thead><tr><th scope="col">Headline</th><th scope="col">Kind</th><th scope="col">What became of it</th><th scope="col">ZIPs</th><th scope="col">From</th><th scope="col">Published</th></tr></thead>
<tbody>${h.entries.map(
    (e) =>
      html`<tr data-state="${e.state}"><td>${headline(e.alert)}</td><td>${e.alert.kind}</td><td>${state(e)}</td><td>${zips(e.alert)}</td><td>${e.alert.senderOrg}</td><td>${when(e.alert.publishedAt, tz)}</td></tr>`,
  )}</tbody></table>
${Object.keys(h.errors).length === 0 && h.entries.length === 0 ? html`<p>No published alert matches.</p>` : ""}
<p>${h.page > 1 ? html`<a href="/console/alerts${pageQuery(v, h.page - 1)}">Newer</a> ` : ""}${h.more ? html`<a href="/console/alerts${pageQuery(v, h.page + 1)}">Older</a>` : ""}</p>
</section>`;
}

/** The query string for these filter values on another page. */
function pageQuery(values: HistoryFilterValues, page: number): string {
  return `?${new URLSearchParams({ ...values, page: String(page) }).toString()}#history`;
}
