/** The admin's console pages: accounts, API keys (a new key shown once), and the audit log. */
import { html } from "hono/html";
import type { ApiKeyView } from "../../services/api-keys/manage-api-keys.ts";
import type { AuditRecord } from "../../services/audit/list-audit.ts";
import type { NameOf } from "../../services/users/actor-names.ts";
import type { UserView } from "../../services/users/shape.ts";
import {
  type ConsoleView,
  consolePage,
  csrfField,
  type FieldErrors,
  formErrors,
  input,
  select,
} from "./chrome.ts";
import { when } from "./time.ts";

export const ROLES = [
  ["operator", "Operator"],
  ["verifier", "Verifier"],
  ["comms", "City comms"],
  ["admin", "Admin"],
] as const;

type Form = { values: (name: string) => string; errors: FieldErrors };

export function usersPage(
  view: ConsoleView & { actor: { organisationName: string } },
  users: UserView[],
  { values: v, errors }: Form,
) {
  const csrf = view.csrf;
  return consolePage(
    view,
    "Users",
    html`<h1>Users</h1>
${formErrors(errors)}
<table><thead><tr><th scope="col">Name</th><th scope="col">Email</th><th scope="col">Role</th><th scope="col">Organisation</th><th scope="col">Status</th></tr></thead>
<tbody>${users.map(
      (
        u,
      ) => html`<tr><td>${u.name}</td><td>${u.email}</td><td>${u.role}</td><td>${u.organisation.name}</td><td>
<form method="post" action="/console/users/${u.id}" class="inline-form">${csrfField(csrf)}
<input type="hidden" name="disabled" value="${u.disabled ? "false" : "true"}">
${u.disabled ? "disabled " : "active "}<button type="submit" class="secondary">${u.disabled ? "Enable" : "Disable"}<span class="visually-hidden"> ${u.name}</span></button></form>
<form method="post" action="/console/users/${u.id}/second-factor/reset" class="inline-form">${csrfField(csrf)}
<button type="submit" class="secondary">Reset two-step sign-in<span class="visually-hidden"> of ${u.name}</span></button></form></td></tr>`,
    )}</tbody></table>
<h2>New account</h2>
<form method="post" action="/console/users">
${csrfField(csrf)}
${input({ name: "name", label: "Name", value: v("name"), errors, required: true })}
${input({ name: "email", label: "Email", type: "email", value: v("email"), errors, required: true })}
${select({ name: "role", label: "Role", options: ROLES, value: v("role") || "operator", errors })}
${input({ name: "organisation", label: "Organisation", hint: `Yours (${view.actor.organisationName}); the sender every alert names`, value: v("organisation") || view.actor.organisationName, errors, attrs: html` readonly` })}
${input({ name: "password", label: "First password", type: "password", hint: "At least 12 characters; they can change it", errors, required: true, attrs: html` autocomplete="new-password"` })}
<button type="submit">Create the account</button>
</form>`,
  );
}

export function keysPage(
  view: ConsoleView & { actor: { organisationName: string } },
  keys: ApiKeyView[],
  { values, errors, shown, timeZone: tz }: Form & { shown: string | undefined; timeZone: string },
) {
  const csrf = view.csrf;
  return consolePage(
    view,
    "API keys",
    html`<h1>API keys</h1>
${shown ? html`<div class="notice ok" role="status"><p>The new key, shown this once: copy it now.</p><p><code>${shown}</code></p></div>` : ""}
${formErrors(errors)}
<table><thead><tr><th scope="col">Name</th><th scope="col">Prefix</th><th scope="col">Role</th><th scope="col">Organisation</th><th scope="col">Last used</th><th scope="col"></th></tr></thead>
<tbody>${keys.map(
      (k) =>
        html`<tr><td>${k.name}</td><td><code>${k.prefix}</code></td><td>${k.role}</td><td>${k.organisation.name}</td><td>${when(k.lastUsedAt, tz)}</td><td>${
          k.revoked
            ? "revoked"
            : html`<form method="post" action="/console/keys/${k.id}/revoke" class="inline-form">${csrfField(csrf)}<button type="submit" class="danger">Revoke<span class="visually-hidden"> ${k.name}</span></button></form>`
        }</td></tr>`,
    )}</tbody></table>
<h2>New key</h2>
<form method="post" action="/console/keys">
${csrfField(csrf)}
${input({ name: "name", label: "What it is for", value: values("name"), errors, required: true })}
${select({ name: "role", label: "Role", options: ROLES.slice(0, 3), value: values("role") || "operator", errors })}
${input({ name: "organisation", label: "Organisation", hint: "Yours: a key does only its organisation's work", value: values("organisation") || view.actor.organisationName, errors, attrs: html` readonly` })}
<button type="submit">Issue the key</button>
</form>`,
  );
}

/** An entry's object as an actor, when it is an account or a key (so it can be named). */
export function targetActor(entry: AuditRecord): string | null {
  if (entry.target?.type === "user") return `user:${entry.target.id}`;
  if (entry.target?.type === "api_key") return `key:${entry.target.id}`;
  return null;
}

export function auditPage(view: ConsoleView, entries: AuditRecord[], tz: string, nameOf: NameOf) {
  const object = (e: AuditRecord) => {
    const named = targetActor(e);
    if (named) return html`${nameOf(named)} <span class="hint">(${e.target!.type} ${e.target!.id})</span>`;
    return e.target ? `${e.target.type} ${e.target.id}` : "";
  };
  const last = entries.at(-1);
  return consolePage(
    view,
    "Audit log",
    html`<h1>Audit log</h1>
<table><thead><tr><th scope="col">When</th><th scope="col">Who</th><th scope="col">What</th><th scope="col">Object</th><th scope="col">Details</th></tr></thead>
<tbody>${entries.map(
      (e) =>
        html`<tr><td>${when(e.at, tz)}</td><td>${nameOf(e.actor)}</td><td>${e.action}</td><td>${object(e)}</td><td><code>${JSON.stringify(e.details)}</code></td></tr>`,
    )}</tbody></table>
${entries.length === 100 && last ? html`<p><a href="/console/audit?before=${last.id}">Older entries</a></p>` : ""}`,
  );
}
