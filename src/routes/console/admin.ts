/** Admins in the console: accounts, API keys (shown once), and the audit log. */
import { Hono } from "hono";
import { html } from "hono/html";
import {
  consolePage,
  csrfField,
  type FieldErrors,
  formErrors,
  input,
  select,
} from "../../pages/console/chrome.ts";
import { CreateKeyBody, CreateUserBody } from "../../schemas/accounts.ts";
import { createApiKey, listApiKeys, revokeApiKey } from "../../services/api-keys/manage-api-keys.ts";
import { listAudit } from "../../services/audit/list-audit.ts";
import { resetSecondFactor } from "../../services/second-factor/manage-second-factor.ts";
import { createUser } from "../../services/users/create-user.ts";
import { listUsers } from "../../services/users/list-users.ts";
import { updateUser } from "../../services/users/update-user.ts";
import {
  type ConsoleContext,
  type ConsoleEnv,
  check,
  denied,
  errorsFrom,
  type Form,
  type PageStatus,
  readForm,
  statusOf,
  text,
  view,
  when,
} from "./support.ts";

const ROLES = [
  ["operator", "Operator"],
  ["verifier", "Verifier"],
  ["comms", "City comms"],
  ["admin", "Admin"],
] as const;

export const adminRoutes = new Hono<ConsoleEnv>()
  .get("/users", async (c) => {
    const no = denied(c, "users:manage");
    if (no) return no;
    return usersPage(c, {}, {});
  })
  .post("/users", async (c) => {
    const no = denied(c, "users:manage");
    if (no) return no;
    const form = await readForm(c);
    const parsed = check(CreateUserBody, {
      email: text(form, "email"),
      name: text(form, "name"),
      role: text(form, "role"),
      organisation: text(form, "organisation"),
      password: typeof form.password === "string" ? form.password : "",
    });
    if (!parsed.ok) return usersPage(c, form, parsed.errors, 400);
    try {
      const actor = c.get("actor");
      await createUser({ ctx: c.get("ctx"), input: { ...parsed.value, actor: actor.id, scope: actor } });
      return c.redirect("/console/users", 303);
    } catch (error) {
      return usersPage(c, form, errorsFrom(error), statusOf(error));
    }
  })
  .post("/users/:id", async (c) => {
    const no = denied(c, "users:manage");
    if (no) return no;
    const form = await readForm(c);
    const disabled = text(form, "disabled") === "true";
    try {
      await updateUser({
        ctx: c.get("ctx"),
        input: { userId: c.req.param("id"), disabled, actor: c.get("actor").id, scope: c.get("actor") },
      });
      return c.redirect("/console/users", 303);
    } catch (error) {
      return usersPage(c, {}, errorsFrom(error), statusOf(error));
    }
  })
  .post("/users/:id/second-factor/reset", async (c) => {
    const no = denied(c, "users:manage");
    if (no) return no;
    try {
      await resetSecondFactor({
        ctx: c.get("ctx"),
        input: { userId: c.req.param("id"), actor: c.get("actor").id, scope: c.get("actor") },
      });
      return c.redirect("/console/users", 303);
    } catch (error) {
      return usersPage(c, {}, errorsFrom(error), statusOf(error));
    }
  })
  .get("/keys", async (c) => {
    const no = denied(c, "users:manage");
    if (no) return no;
    return keysPage(c, {}, {});
  })
  .post("/keys", async (c) => {
    const no = denied(c, "users:manage");
    if (no) return no;
    const form = await readForm(c);
    const parsed = check(CreateKeyBody, {
      name: text(form, "name"),
      role: text(form, "role"),
      organisation: text(form, "organisation"),
    });
    if (!parsed.ok) return keysPage(c, form, parsed.errors, undefined, 400);
    try {
      const actor = c.get("actor");
      const created = await createApiKey({
        ctx: c.get("ctx"),
        input: { ...parsed.value, createdBy: actor.subjectId, actor: actor.id, scope: actor },
      });
      return keysPage(c, {}, {}, created.key);
    } catch (error) {
      return keysPage(c, form, errorsFrom(error), undefined, statusOf(error));
    }
  })
  .post("/keys/:id/revoke", async (c) => {
    const no = denied(c, "users:manage");
    if (no) return no;
    try {
      await revokeApiKey({
        ctx: c.get("ctx"),
        input: { keyId: c.req.param("id"), actor: c.get("actor").id, scope: c.get("actor") },
      });
      return c.redirect("/console/keys", 303);
    } catch (error) {
      return keysPage(c, {}, errorsFrom(error), undefined, statusOf(error));
    }
  })
  .get("/audit", async (c) => {
    const no = denied(c, "audit:read");
    if (no) return no;
    const ctx = c.get("ctx");
    const tz = ctx.config.operators.timeZone;
    const before = c.req.query("before");
    const entries = await listAudit({
      ctx,
      input: {
        limit: 100,
        scope: c.get("actor"),
        ...(before && /^\d{1,18}$/.test(before) ? { before } : {}),
      },
    });
    const last = entries.at(-1);
    return c.html(
      consolePage(
        view(c),
        "Audit log",
        html`<h1>Audit log</h1>
<table><thead><tr><th scope="col">When</th><th scope="col">Who</th><th scope="col">What</th><th scope="col">Object</th><th scope="col">Details</th></tr></thead>
<tbody>${entries.map(
          (e) =>
            html`<tr><td>${when(e.at, tz)}</td><td>${e.actor}</td><td>${e.action}</td><td>${e.target ? `${e.target.type} ${e.target.id}` : ""}</td><td><code>${JSON.stringify(e.details)}</code></td></tr>`,
        )}</tbody></table>
${entries.length === 100 && last ? html`<p><a href="/console/audit?before=${last.id}">Older entries</a></p>` : ""}`,
      ),
    );
  });

async function usersPage(c: ConsoleContext, form: Form, errors: FieldErrors, status: PageStatus = 200) {
  const users = await listUsers({ ctx: c.get("ctx"), input: { scope: c.get("actor") } });
  const csrf = c.get("csrf");
  const v = (name: string) => text(form, name);
  return c.html(
    consolePage(
      view(c),
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
${input({ name: "organisation", label: "Organisation", hint: `Yours (${c.get("actor").organisationName}); the sender every alert names`, value: v("organisation") || c.get("actor").organisationName, errors, attrs: html` readonly` })}
${input({ name: "password", label: "First password", type: "password", hint: "At least 12 characters; they can change it", errors, required: true, attrs: html` autocomplete="new-password"` })}
<button type="submit">Create the account</button>
</form>`,
    ),
    status,
  );
}

async function keysPage(
  c: ConsoleContext,
  form: Form,
  errors: FieldErrors,
  shown?: string,
  status: PageStatus = 200,
) {
  const keys = await listApiKeys({ ctx: c.get("ctx"), input: { scope: c.get("actor") } });
  const csrf = c.get("csrf");
  const tz = c.get("ctx").config.operators.timeZone;
  return c.html(
    consolePage(
      view(c),
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
${input({ name: "name", label: "What it is for", value: text(form, "name"), errors, required: true })}
${select({ name: "role", label: "Role", options: ROLES.slice(0, 3), value: text(form, "role") || "operator", errors })}
${input({ name: "organisation", label: "Organisation", hint: "Yours: a key does only its organisation's work", value: text(form, "organisation") || c.get("actor").organisationName, errors, attrs: html` readonly` })}
<button type="submit">Issue the key</button>
</form>`,
    ),
    status,
  );
}
