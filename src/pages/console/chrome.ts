/**
 * The operator console's page shell and form pieces. Every console page is rendered here with the
 * signed-in person's navigation (by role), the CSRF token in every form, and, in local mode, links
 * to the dev outbox and the phone simulator. Form fields show their error next to them and keep
 * what was typed.
 */
import { html } from "hono/html";
import type { Actor } from "../../auth/permissions.ts";
import { CSRF_FIELD } from "../../http/csrf.ts";
import { type Html, layout } from "../layout.ts";

export type ConsoleView = { actor: Actor | null; csrf: string; localMode: boolean };
export type FieldErrors = Record<string, string>;

export function consolePage(view: ConsoleView, title: string, body: Html, scripts: string[] = []): Html {
  const a = view.actor;
  const can = (...roles: string[]) => a !== null && roles.includes(a.role);
  const links: [string, string][] = [
    ["/console", "Home"],
    ...(can("operator", "verifier") ? ([["/console/sightings", "Sightings"]] as [string, string][]) : []),
    ...(a ? ([["/console/alerts", "Alerts"]] as [string, string][]) : []),
    ...(can("comms") ? ([["/console/statements/new", "New statement"]] as [string, string][]) : []),
    ...(can("admin")
      ? ([
          ["/console/users", "Users"],
          ["/console/keys", "API keys"],
          ["/console/audit", "Audit log"],
          ["/console/timeline", "Timeline medians"],
        ] as [string, string][])
      : []),
    ...(view.localMode
      ? ([
          ["/dev/outbox", "Dev outbox"],
          ["/dev/phone", "Phone simulator"],
        ] as [string, string][])
      : []),
  ];
  const header = html`<header class="site-header">
<a class="brand" href="/console">Aviso console</a>
${
  a
    ? html`<nav class="site-nav" aria-label="Console"><ul>${links.map(([href, label]) => html`<li><a href="${href}">${label}</a></li>`)}</ul></nav>
<form method="post" action="/console/logout" class="inline-form">${csrfField(view.csrf)}<span>${a.name} (${a.role}, ${a.organisationName})</span>
<button type="submit" class="secondary">Sign out</button></form>`
    : ""
}
</header>`;
  return layout({
    title: `${title} · Console`,
    localMode: view.localMode,
    header,
    body,
    scripts,
    skipLink: "Skip to content",
  });
}

export function csrfField(token: string) {
  return html`<input type="hidden" name="${CSRF_FIELD}" value="${token}">`;
}

type FieldOptions = {
  name: string;
  label: string;
  value?: string;
  errors: FieldErrors;
  type?: "text" | "email" | "password" | "number" | "datetime-local" | "url";
  hint?: string;
  required?: boolean;
  attrs?: Html;
};

const fieldId = (name: string) => `f-${name.replace(/[^A-Za-z0-9_-]/g, "-")}`;

function described(name: string, hint: string | undefined, error: string | undefined) {
  const id = fieldId(name);
  const ids = [hint ? `${id}-hint` : "", error ? `${id}-error` : ""].filter(Boolean).join(" ");
  return html`${ids ? html` aria-describedby="${ids}"` : ""}${error ? html` aria-invalid="true"` : ""}`;
}

function labelAndMessages(o: { name: string; label: string; hint?: string; errors: FieldErrors }) {
  const id = fieldId(o.name);
  const error = o.errors[o.name];
  return html`<label for="${id}">${o.label}</label>
${o.hint ? html`<p class="hint" id="${id}-hint">${o.hint}</p>` : ""}
${error ? html`<p class="error" id="${id}-error">${error}</p>` : ""}`;
}

export function input(o: FieldOptions) {
  const id = fieldId(o.name);
  return html`<div class="field">${labelAndMessages(o)}
<input type="${o.type ?? "text"}" id="${id}" name="${o.name}" value="${o.value ?? ""}"${o.required ? html` required` : ""}${described(o.name, o.hint, o.errors[o.name])}${o.attrs ?? ""}>
</div>`;
}

export function textarea(o: FieldOptions & { rows?: number }) {
  const id = fieldId(o.name);
  return html`<div class="field">${labelAndMessages(o)}
<textarea id="${id}" name="${o.name}" rows="${o.rows ?? 3}"${o.required ? html` required` : ""}${described(o.name, o.hint, o.errors[o.name])}${o.attrs ?? ""}>${o.value ?? ""}</textarea>
</div>`;
}

export function select(o: FieldOptions & { options: readonly (readonly [string, string])[] }) {
  const id = fieldId(o.name);
  return html`<div class="field">${labelAndMessages(o)}
<select id="${id}" name="${o.name}"${described(o.name, o.hint, o.errors[o.name])}>
${o.options.map(([value, label]) => html`<option value="${value}"${value === o.value ? html` selected` : ""}>${label}</option>`)}
</select>
</div>`;
}

export function checkboxes(o: {
  name: string;
  legend: string;
  options: readonly (readonly [string, string])[];
  checked: readonly string[];
  errors: FieldErrors;
}) {
  const error = o.errors[o.name];
  return html`<fieldset${error ? html` aria-describedby="${fieldId(o.name)}-error"` : ""}><legend>${o.legend}</legend>
${error ? html`<p class="error" id="${fieldId(o.name)}-error">${error}</p>` : ""}
${o.options.map(
  ([value, label]) =>
    html`<input type="checkbox" id="${fieldId(`${o.name}-${value}`)}" name="${o.name}" value="${value}"${o.checked.includes(value) ? html` checked` : ""}> <label for="${fieldId(`${o.name}-${value}`)}">${label}</label> `,
)}
</fieldset>`;
}

/** A form-wide error (conflict, forbidden) or a summary of field errors, announced. */
export function formErrors(errors: FieldErrors) {
  const entries = Object.entries(errors);
  if (entries.length === 0) return "";
  return html`<div class="notice" role="alert"><p>Nothing was changed.</p><ul>
${entries.map(([name, message]) =>
  name === "form" ? html`<li>${message}</li>` : html`<li><a href="#${fieldId(name)}">${message}</a></li>`,
)}</ul></div>`;
}
