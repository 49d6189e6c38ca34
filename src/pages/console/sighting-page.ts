/**
 * A sighting's console page: its facts, the reporter's callback (shown once asked, and audited),
 * likely duplicates to merge, the responders asked (case code, whether the text went, their
 * answers) and the button that texts the next nearest, verifications, the verifier's decision, and drafting the alert once
 * it is verified.
 */
import { html } from "hono/html";
import { LANGUAGES, type Language } from "../../i18n/languages.ts";
import type { Texts } from "../../services/alerts/alert-record.ts";
import type { DispatchView } from "../../services/responders/dispatch-view.ts";
import { SIGHTING_TRANSITIONS } from "../../services/sightings/change-sighting-status.ts";
import type { SightingView } from "../../services/sightings/shape.ts";
import type { NameOf } from "../../services/users/actor-names.ts";
import {
  type ConsoleView,
  consolePage,
  csrfField,
  type FieldErrors,
  formErrors,
  select,
  textarea,
} from "./chrome.ts";
import { ACTIVITIES, AGENCIES, label, METHODS, placeOf, STATUSES } from "./sighting-labels.ts";
import { when } from "./time.ts";

export type SightingPageInput = {
  sighting: SightingView;
  duplicates: SightingView[];
  /** Responders asked about it, their texts' fate and their answers. */
  dispatch: DispatchView;
  errors: FieldErrors;
  /** What was typed in the page's forms, shown again after a refusal. */
  typed: (name: string) => string;
  /** The person may decide the outcome (permission sightings:resolve). */
  mayResolve: boolean;
  /** The reporter's number, once revealed (an audited read). */
  callback: string | undefined;
  /** Staff by name and role (the record keeps their ids). */
  nameOf: NameOf;
  timeZone: string;
  /** UNCONFIRMED_ALERTS: an UNCONFIRMED alert may be drafted once responders are dispatched. */
  unconfirmedAlerts?: boolean;
  /** Alerts about this sighting and the follow-ups of them, drafted or sent. */
  alerts?: SightingAlert[];
  /** A false alarm nobody was alerted about: what the hotline tells callers (decision-drafts.ts). */
  nothingFound?: Texts | null;
};

export type SightingAlert = { id: string; kind: string; status: string; label: string; headline: string };

const LANGUAGE_NAMES: Record<Language, string> = {
  en: "English",
  es: "Español",
  zh: "中文",
  vi: "Tiếng Việt",
};

/**
 * Alerts about the sighting, the UNCONFIRMED alert's button (UNCONFIRMED_ALERTS on, responders
 * dispatched, not decided), and the "nothing found" note of a false alarm nobody was alerted about.
 */
function decisionSection(o: SightingPageInput, csrf: string) {
  const s = o.sighting;
  const list = o.alerts ?? [];
  return html`${
    list.length > 0
      ? html`<h3>Alerts about this sighting</h3>
<ul>${list.map((a) => html`<li><a href="/console/alerts/${a.id}">${a.label}: ${a.headline}</a> (${a.kind}, ${a.status})</li>`)}</ul>`
      : ""
  }${
    o.unconfirmedAlerts &&
    (s.status === "dispatched" || (s.status === "unconfirmed" && o.dispatch.requests.length > 0))
      ? html`<h3>Unconfirmed alert</h3>
<form method="post" action="/console/sightings/${s.id}/alert">
${csrfField(csrf)}<input type="hidden" name="unconfirmed" value="on">
<p>Warns residents of the ZIP now, labelled UNCONFIRMED: "reported…, responders are on the way, avoid the area", in English, Spanish, Chinese and Vietnamese. A second verifier approves it. When you decide, its VERIFIED update or FALSE ALARM cancel is drafted for exactly the same people.</p>
<p><button type="submit" class="secondary">Draft an UNCONFIRMED alert</button></p>
</form>`
      : ""
  }${
    o.nothingFound
      ? html`<h3>Nothing found: what to tell callers</h3>
<p>No alert went out about this report, so there is nothing to cancel. Tell callers who ask:</p>
<dl class="facts">${LANGUAGES.flatMap((language) => {
          const text = o.nothingFound?.[language];
          return text
            ? [html`<dt>${LANGUAGE_NAMES[language]}</dt><dd lang="${language}">${text.body}</dd>`]
            : [];
        })}</dl>`
      : ""
  }`;
}

export function sightingPage(view: ConsoleView, o: SightingPageInput) {
  const { sighting: s, duplicates, errors, callback, nameOf, timeZone: tz } = o;
  const csrf = view.csrf;
  return consolePage(
    view,
    `Sighting ${placeOf(s)}`,
    html`<h1>${label(AGENCIES, s.agency)} ${label(ACTIVITIES, s.activity).toLowerCase()} near ${placeOf(s)}</h1>
${formErrors(errors)}
<dl class="facts">
<dt>Status</dt><dd><strong data-live-status>${label(STATUSES, s.status)}</strong></dd>
<dt>Where</dt><dd>${s.place ?? ""}${s.crossStreets ? ` (${s.crossStreets})` : ""}${s.place ? ", " : ""}ZIP ${s.zip}</dd>
${s.textErasedAt ? html`<dt>Free text</dt><dd>erased ${when(s.textErasedAt, tz)} (retention rule)</dd>` : ""}
<dt>Seen at</dt><dd>${when(s.observedAt, tz)}</dd>
<dt>Logged by</dt><dd>${nameOf(s.createdBy)}</dd>
<dt>Vehicles / agents</dt><dd>${s.vehicles ?? "?"} / ${s.agents ?? "?"}</dd>
<dt>What was seen</dt><dd>${s.description ?? ""}</dd>
<dt>Callback number</dt><dd>${
      callback
        ? html`<strong>${callback}</strong> (this view was recorded in the audit log)`
        : s.reporterCallback === "held"
          ? html`held until ${when(s.reporterCallbackPurgeAfter, tz)}
<form method="post" action="/console/sightings/${s.id}/callback" class="inline-form">${csrfField(csrf)}<button type="submit" class="secondary">Show the number</button></form>`
          : s.reporterCallback
    }</dd>
</dl>
${
  duplicates.length > 0
    ? html`<h2>Likely duplicates</h2>
<form method="post" action="/console/sightings/${s.id}/merge">
${csrfField(csrf)}
<fieldset><legend>Reports in the same ZIP close in time: merge them into this incident</legend>
${errors.duplicateIds ? html`<p class="error">${errors.duplicateIds}</p>` : ""}
${duplicates.map(
  (d) =>
    html`<div class="check"><input type="checkbox" id="dup-${d.id}" name="duplicateIds" value="${d.id}"> <label for="dup-${d.id}">${label(ACTIVITIES, d.activity)} near ${placeOf(d)}, ${when(d.observedAt, tz)} (${label(STATUSES, d.status)})</label></div>`,
)}
</fieldset>
<button type="submit" class="secondary">Merge the chosen reports</button>
</form>`
    : ""
}
<section class="live" data-live-sighting="/console/sightings/${s.id}/events" data-status="${s.status}">
<p class="live-note" data-live-note></p>
<p class="visually-hidden" role="status" aria-live="polite" data-live-announce></p>
<h2>Verifications</h2>
<div data-live-verifications>${verificationSection(s.verifications, nameOf, tz, o.dispatch)}</div>
<h2>Responders</h2>
<div data-live-responders>${responderSection(o.dispatch, tz)}</div>
</section>
${
  ["reported", "dispatched", "unconfirmed"].includes(s.status)
    ? html`<form method="post" action="/console/sightings/${s.id}/dispatch">${csrfField(csrf)}<button type="submit">${o.dispatch.requests.length > 0 ? "Dispatch the next nearest responders" : "Dispatch the nearest responders"}</button></form>`
    : ""
}
<h3>Record a verification</h3>
<form method="post" action="/console/sightings/${s.id}/verifications">
${csrfField(csrf)}
${select({ name: "method", label: "How it was confirmed", options: METHODS, value: o.typed("method") || "responder_on_scene", errors })}
${textarea({ name: "notes", label: "Notes", value: o.typed("notes"), errors, rows: 2 })}
<button type="submit">Record verification</button>
</form>
${o.mayResolve ? decideForm(s, csrf, errors) : ""}
${
  s.status === "verified"
    ? html`<h3>Alert</h3>
<form method="post" action="/console/sightings/${s.id}/alert">
${csrfField(csrf)}
<p>Drafts the alert from the template for this activity in English, Spanish, Chinese and Vietnamese; you can edit it before a second person approves it.</p>
<input type="checkbox" id="drill" name="drill"> <label for="drill">This is a drill (reaches only the drill allowlist)</label>
<p><button type="submit">Draft the alert</button></p>
</form>`
    : ""
}
${decisionSection(o, csrf)}
<p><a href="/console/sightings">Back to the board</a></p>`,
    ["sighting-live.js"],
  );
}

const ANSWERS: Record<string, string> = {
  yes: "going",
  no: "can't go",
  confirm: "confirmed",
  nothing: "found nothing",
  gone: "they had left",
};
const SENT: Record<string, string> = { queued: "text queued", sent: "texted", failed: "text failed" };

/**
 * The verifier's decision, one button per outcome this status may become (verified needs a
 * verification record: a responder's CONFIRM is one, method responder on scene). The responders'
 * answers above update live, so the verifier decides from what has just come in.
 */
function decideForm(s: SightingView, csrf: string, errors: FieldErrors) {
  const outcomes = DECISIONS.filter(([status]) => SIGHTING_TRANSITIONS[s.status].includes(status));
  if (outcomes.length === 0 || !["reported", "dispatched", "unconfirmed"].includes(s.status)) return "";
  return html`<h3>Decide</h3>
<form method="post" action="/console/sightings/${s.id}/resolve" class="decide">
${csrfField(csrf)}
${errors.status ? html`<p class="error">${errors.status}</p>` : ""}
<p data-live-decide-hint>${decideHint(s.verifications.length)}</p>
<p>${outcomes.map(([status, text]) => html`<button type="submit" name="status" value="${status}"${status === "verified" ? "" : html` class="secondary"`}>${text}</button> `)}</p>
</form>`;
}

const DECISIONS = [
  ["verified", "Verified"],
  ["false_alarm", "False alarm"],
  ["unconfirmed", "Unconfirmed"],
] as const;

/** What the decide form says above its buttons; the live view updates it as verifications come. */
export function decideHint(verifications: number): string {
  return verifications === 0
    ? "Verified needs a verification record first: a responder's CONFIRM is one, or record one above."
    : "Decide from what the responders reported.";
}

/**
 * Who confirmed it and how, in order. A responder's CONFIRM is recorded as `responder:<id>`:
 * named from the dispatch (staff names come from `nameOf`, which calls anyone else "a resident").
 */
export function verificationSection(
  verifications: SightingView["verifications"],
  nameOf: NameOf,
  tz: string,
  dispatch: DispatchView,
) {
  if (verifications.length === 0) return html`<p>None yet.</p>`;
  const responders = new Map(
    dispatch.requests.map((r) => [
      `responder:${r.responderId}`,
      `${r.responderName ?? "a removed responder"} (responder)`,
    ]),
  );
  const who = (actor: string) => responders.get(actor) ?? nameOf(actor);
  return html`<ul>${verifications.map((v) => html`<li>${label(METHODS, v.method)} by ${who(v.actor)} at ${when(v.at, tz)}${v.notes ? html`: ${v.notes}` : ""}</li>`)}</ul>`;
}

/** One line a screen reader hears when an answer arrives: "Ana: confirmed (two vans)". */
export function answerLine(responderName: string | null, answer: string, notes: string | null): string {
  return `${responderName ?? "A responder"}: ${ANSWERS[answer] ?? answer}${notes ? ` (${notes})` : ""}`;
}

/** Who was asked (case code, distance, whether the text went) and what each answered, in order. */
export function responderSection(d: DispatchView, tz: string) {
  if (d.requests.length === 0) return html`<p>Nobody asked yet.</p>`;
  return html`<p>Case code <strong>${d.caseCode}</strong></p>
${d.rings.filter((g) => g.note).map((g) => html`<p class="escalation">${g.note}</p>`)}
<ul class="responders">${d.requests.map(
    (r) =>
      html`<li>${r.responderName ?? "(removed from the roster)"}, ${r.distanceMiles} mi: ${SENT[r.sendStatus]}${r.answers.map(
        (a) => html`; ${ANSWERS[a.answer]} at ${when(a.at, tz)}${a.notes ? html` (${a.notes})` : ""}`,
      )}</li>`,
  )}</ul>`;
}
