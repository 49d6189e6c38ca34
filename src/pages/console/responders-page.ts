/**
 * The responder roster in the console (issue 16, point 1): who is on it, whether they joined (YES)
 * and are on duty, the area they cover; a form to invite someone (they are texted and join by
 * replying YES); on/off duty and removal for each.
 */
import { html } from "hono/html";
import { LANGUAGE_NAMES, LANGUAGES } from "../../i18n/languages.ts";
import type { ResponderView } from "../../services/responders/roster.ts";
import {
  type ConsoleView,
  checkboxes,
  consolePage,
  csrfField,
  type FieldErrors,
  formErrors,
  input,
} from "./chrome.ts";

const STATUS: Record<ResponderView["status"], string> = {
  invited: "invited (waiting for YES)",
  active: "on the roster",
  stopped: "texted STOP",
};

function coverage(r: ResponderView) {
  const parts = [];
  if (r.zips.length > 0) parts.push(r.zips.join(", "));
  if (r.homeZip && r.radiusMiles) parts.push(`${r.radiusMiles} mi around ${r.homeZip}`);
  return parts.join("; ");
}

export function respondersPage(
  view: ConsoleView,
  roster: ResponderView[],
  {
    values: v,
    errors,
    languages,
  }: { values: (name: string) => string; errors: FieldErrors; languages: string[] },
) {
  const csrf = view.csrf;
  return consolePage(
    view,
    "Responders",
    html`<h1>Responders</h1>
${formErrors(errors)}
<p>Responders text ON or OFF (ACTIVO, INACTIVO) to go on and off duty, and answer a dispatch with its case code (4821 Y, 4821 CONFIRM what they see).</p>
<table><thead><tr><th scope="col">Name</th><th scope="col">Phone</th><th scope="col">Languages</th><th scope="col">Covers</th><th scope="col">Status</th><th scope="col">Duty</th><th scope="col"></th></tr></thead>
<tbody>${roster.map(
      (r) =>
        html`<tr><td>${r.name}</td><td>…${r.phoneEnding}</td><td>${r.languages.join(", ")}</td><td>${coverage(r)}</td><td>${STATUS[r.status]}</td><td>${
          r.status === "active"
            ? html`<form method="post" action="/console/responders/${r.id}" class="inline-form">${csrfField(csrf)}<input type="hidden" name="onDuty" value="${r.onDuty ? "false" : "true"}">${r.onDuty ? "on duty " : "off duty "}<button type="submit" class="secondary">${r.onDuty ? "Off duty" : "On duty"}<span class="visually-hidden"> ${r.name}</span></button></form>`
            : "off duty"
        }</td><td><form method="post" action="/console/responders/${r.id}/remove" class="inline-form">${csrfField(csrf)}<button type="submit" class="danger">Remove<span class="visually-hidden"> ${r.name}</span></button></form></td></tr>`,
    )}</tbody></table>
<h2>Invite a responder</h2>
<form method="post" action="/console/responders">
${csrfField(csrf)}
${input({ name: "name", label: "Name or alias", value: v("name"), errors, required: true })}
${input({ name: "phone", label: "Phone", attrs: html` inputmode="tel" autocomplete="off"`, hint: "A US number; they are texted an invitation and join by replying YES", value: v("phone"), errors, required: true })}
${checkboxes({ name: "languages", legend: "Languages they speak", options: LANGUAGES.map((l) => [l, LANGUAGE_NAMES[l]] as const), checked: languages, errors })}
${input({ name: "zips", label: "ZIPs they cover", hint: "Separated by spaces or commas; or give a home ZIP and a radius", value: v("zips"), errors })}
${input({ name: "homeZip", label: "Home ZIP", value: v("homeZip"), errors })}
${input({ name: "radiusMiles", label: "Radius (miles)", type: "number", value: v("radiusMiles"), errors, attrs: html` min="1" max="100" step="0.5"` })}
<button type="submit">Invite</button>
</form>`,
  );
}
