/** The console's alerts page: the approval queue (drafts, approved) and what is live. */
import { html } from "hono/html";
import type { AlertView } from "../../services/alerts/alert-record.ts";
import { type ConsoleView, consolePage } from "./chrome.ts";
import { when } from "./time.ts";

export function alertListPage(
  view: ConsoleView,
  o: {
    drafts: AlertView[];
    approved: AlertView[];
    published: AlertView[];
    mayDraft: boolean;
    timeZone: string;
  },
) {
  const row = (a: AlertView) =>
    html`<tr><td><a href="/console/alerts/${a.id}">${a.texts.en?.headline ?? a.id}</a></td><td>${a.kind}${a.drill ? " (drill)" : ""}</td><td>${a.priority}</td><td>${a.targetZips.length <= 5 ? a.targetZips.join(", ") : `${a.targetZips.length} ZIPs`}</td><td>${when(a.updatedAt, o.timeZone)}</td></tr>`;
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
${table("Live", o.published)}`,
  );
}
