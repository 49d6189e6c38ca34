/** Admins in the console: accounts, API keys (shown once), and the audit log; pages in src/pages/console/admin-pages.ts. */
import { Hono } from "hono";
import {
  auditPage,
  keysPage as renderKeysPage,
  usersPage as renderUsersPage,
  targetActor,
} from "../../pages/console/admin-pages.ts";
import { timelineMediansPage } from "../../pages/console/alert-timeline.ts";
import type { FieldErrors } from "../../pages/console/chrome.ts";
import { CreateKeyBody, CreateUserBody } from "../../schemas/accounts.ts";
import { createApiKey, listApiKeys, revokeApiKey } from "../../services/api-keys/manage-api-keys.ts";
import { listAudit } from "../../services/audit/list-audit.ts";
import { resetSecondFactor } from "../../services/second-factor/manage-second-factor.ts";
import { MEDIAN_WINDOW_DAYS, timelineMedians } from "../../services/timeline/alert-timeline.ts";
import { actorNames } from "../../services/users/actor-names.ts";
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
} from "./support.ts";

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
    // Actors and the accounts or keys acted on, by name: the entries keep their ids.
    const nameOf = await actorNames(
      ctx.db,
      entries.flatMap((e) => [e.actor, targetActor(e)]),
      c.get("actor"),
    );
    return c.html(auditPage(view(c), entries, tz, nameOf));
  })
  // The alert timeline's medians (issue 16, point 9): the admin's own organisation, last 30 days.
  .get("/timeline", async (c) => {
    const no = denied(c, "audit:read");
    if (no) return no;
    const ctx = c.get("ctx");
    const figures = await timelineMedians(ctx.db, c.get("actor").organisationId, ctx.clock.now());
    return c.html(timelineMediansPage(view(c), figures, MEDIAN_WINDOW_DAYS));
  });

async function usersPage(c: ConsoleContext, form: Form, errors: FieldErrors, status: PageStatus = 200) {
  const users = await listUsers({ ctx: c.get("ctx"), input: { scope: c.get("actor") } });
  return c.html(
    renderUsersPage(signedInView(c), users, { values: (name) => text(form, name), errors }),
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
  return c.html(
    renderKeysPage(signedInView(c), keys, {
      values: (name) => text(form, name),
      errors,
      shown,
      timeZone: c.get("ctx").config.operators.timeZone,
    }),
    status,
  );
}

const signedInView = (c: ConsoleContext) => ({ ...view(c), actor: c.get("actor") });
