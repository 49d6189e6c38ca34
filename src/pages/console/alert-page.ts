/**
 * An alert's page in the console: its facts, exactly what will be sent (preview and hash) or, once
 * published, what was sent and to whom (the delivery ledger), and the
 * acts this person may take on it. Which buttons show is the two-person rule's answer
 * (approval-rules.ts, the functions the services decide with), so a button never leads to a
 * refusal the page could have foreseen.
 */
import { html } from "hono/html";
import type { Actor } from "../../auth/permissions.ts";
import type { AlertView } from "../../services/alerts/alert-record.ts";
import {
  APPROVERS,
  draftedOrEditedBy,
  mayApprove,
  mayCancelAlone,
  mayDraft,
  mayPublish,
} from "../../services/alerts/approval-rules.ts";
import type { AlertPreview } from "../../services/alerts/preview-alert.ts";
import type { SentFigures } from "../../services/alerts/sent-figures.ts";
import type { Timeline } from "../../services/timeline/steps.ts";
import type { NameOf } from "../../services/users/actor-names.ts";
import { fallbackSection } from "./alert-fallbacks.ts";
import { followUpSection, previewSection, progressSection } from "./alert-sections.ts";
import { sentSection } from "./alert-sent.ts";
import { type FormValues, settingsFields } from "./alert-settings.ts";
import { timelineSection } from "./alert-timeline.ts";
import { type ConsoleView, consolePage, csrfField, type FieldErrors, formErrors } from "./chrome.ts";
import { composerFields } from "./composer.ts";
import { when } from "./time.ts";

/** What this person may do with this alert now, as the two-person rule answers. */
export function alertActs(alert: AlertView, actor: Actor, verifierMayCancelAlone: boolean) {
  // Another organisation's alert is shown here only once published; it follows up its own.
  const ownAlert = alert.senderOrg === actor.organisationName;
  return {
    edit: ["draft", "approved"].includes(alert.status) && mayDraft(alert.family, actor.role),
    approve: alert.status === "draft" && mayApprove(alert.family, actor.role),
    publish: alert.status === "approved" && mayPublish(alert.family, actor.role),
    followUp:
      alert.status === "published" &&
      ownAlert &&
      mayDraft(alert.family, actor.role) &&
      !["update", "cancel"].includes(alert.kind),
    cancelAlone: mayCancelAlone(alert.family, actor.role, verifierMayCancelAlone),
  };
}
export type AlertActs = ReturnType<typeof alertActs>;

export type AlertPageInput = {
  alert: AlertView;
  preview: AlertPreview;
  acts: AlertActs;
  errors: FieldErrors;
  /** What was typed, shown again after a refusal; else the alert's own values. */
  typed: FormValues | undefined;
  values: FormValues;
  /** Staff by name and role (the record keeps their ids). */
  nameOf: NameOf;
  /** A published alert: who it actually reached, from the delivery ledger. */
  sent: SentFigures | null;
  /** When each step from the report to the last hand-off happened (alert-timeline.ts). */
  timeline: Timeline;
  timeZone: string;
  publicUrl: string;
};

export function alertPage(view: ConsoleView & { actor: Actor }, o: AlertPageInput) {
  const { alert, preview, acts, errors, values, nameOf, sent, timeZone: tz } = o;
  const actor = view.actor;
  const csrf = view.csrf;
  const messageAlert = {
    kind: alert.kind,
    priority: alert.priority,
    is_drill: alert.drill,
    ...(alert.cancelReason ? { cancelReason: alert.cancelReason } : {}),
    verifiedSighting: alert.sightingId !== null,
    sightingLabel: alert.sightingLabel,
  };
  const body = html`<h1>${preview.languages[0]?.label ?? ""}: ${alert.texts.en?.headline ?? ""}</h1>
${formErrors(errors)}
<dl class="facts">
<dt>Status</dt><dd><strong>${alert.status}</strong>${alert.drill ? " · DRILL" : ""}</dd>
<dt>Kind</dt><dd>${alert.kind} (${alert.family}) · priority ${alert.priority}</dd>
<dt>From</dt><dd>${alert.senderOrg}</dd>
${alert.authorId ? html`<dt>Drafted by</dt><dd>${nameOf(alert.authorId)}${alert.editorIds.length > 0 ? ` · edited by ${alert.editorIds.map(nameOf).join(", ")}` : ""}</dd>` : ""}
${alert.approverId ? html`<dt>Approved by</dt><dd>${nameOf(alert.approverId)} at ${when(alert.approvedAt, tz)}</dd>` : ""}
${alert.publishedAt ? html`<dt>Published</dt><dd>${when(alert.publishedAt, tz)} · <a href="/alerts/${alert.id}">public page</a></dd>` : ""}
${alert.referencesAlertId ? html`<dt>Follows</dt><dd><a href="/console/alerts/${alert.referencesAlertId}">the original alert</a></dd>` : ""}
</dl>
${
  sent
    ? sentSection(preview, sent, tz)
    : html`${previewSection(preview, tz)}
${fallbackSection(preview)}`
}
${timelineSection(o.timeline, tz)}
${approvalSection(alert, preview, actor, acts, csrf)}
${acts.publish ? html`<form method="post" action="/console/alerts/${alert.id}/publish">${csrfField(csrf)}<button type="submit">Publish now</button></form>` : ""}
${alert.publishedAt ? progressSection(alert.id) : ""}
${
  acts.edit
    ? html`<details${alert.authorId === actor.id || Object.keys(errors).length > 0 ? html` open` : ""}><summary><h2 class="inline-heading">Edit</h2></summary>
${alert.authorId !== actor.id ? html`<p class="notice">If you change this draft, someone else must approve it.</p>` : ""}
${alert.status === "approved" ? html`<p class="notice">Saving changes voids the approval: a second person must approve again.</p>` : ""}
<form method="post" action="/console/alerts/${alert.id}" class="composer" data-csrf="${csrf}" data-alert-id="${alert.id}" data-kind="${alert.kind}" data-priority="${alert.priority}" data-drill="${alert.drill ? "true" : "false"}" data-verified-sighting="${alert.sightingId ? "true" : "false"}"${alert.cancelReason ? html` data-cancel-reason="${alert.cancelReason}"` : ""}>
${csrfField(csrf)}
${composerFields({ alert: { ...messageAlert, id: alert.id }, publicUrl: o.publicUrl, values, errors, smsOptional: alert.family === "statement" })}
${settingsFields(values, errors, { statement: alert.family === "statement", channels: alert.channels })}
<button type="submit">Save changes</button>
</form></details>`
    : ""
}
${acts.followUp ? followUpSection(alert, acts.cancelAlone, csrf, o.typed ?? {}, errors, o.publicUrl) : ""}
<p><a href="/console/alerts">Back to alerts</a></p>`;
  return consolePage(view, "Alert", body, ["composer.js"]);
}

function approvalSection(
  alert: AlertView,
  preview: AlertPreview,
  actor: Actor,
  acts: AlertActs,
  csrf: string,
) {
  if (alert.status !== "draft") return "";
  if (!acts.approve)
    return html`<p>Waiting for a ${APPROVERS[alert.family]} other than the author to approve it.</p>`;
  return html`<section aria-labelledby="approve"><h2 id="approve">Approve</h2>
${draftedOrEditedBy(alert, actor.id) ? html`<p class="notice">You drafted or edited this, so someone else must approve it.</p>` : ""}
<form method="post" action="/console/alerts/${alert.id}/approve" class="approve-form">
${csrfField(csrf)}
<input type="hidden" name="hash" value="${preview.hash}">
<p>You approve exactly the messages above (hash <code>${preview.hash.slice(0, 12)}…</code>). If anyone changes the draft in the meantime, the approval is refused.</p>
<div class="check"><input type="checkbox" id="f-publishNow" name="publishNow" checked> <label for="f-publishNow">Publish as soon as it is approved</label></div>
<button type="submit">Approve</button>
</form></section>`;
}
