/**
 * GET/POST /setup: the first admin, from the one-time link `aviso serve` prints when no admin
 * exists (the embedded database has one owner, so `aviso user create` cannot run beside it).
 *
 * - The link's token is 256 random bits, held only in this process's memory and printed once to
 *   stdout, never to the structured log; it dies when it is used, when an admin exists, and with
 *   the process. Behind a load balancer it works on the process that printed it.
 * - The page carries the token into the form, so the POST body, not a URL, carries it on; pages
 *   send no Referer (security headers). The form is CSRF-protected by a double-submitted cookie,
 *   like the login form, and /setup is a public POST under the per-address limit.
 * - One submission at a time per link, and createFirstAdmin's advisory lock across processes:
 *   two concurrent submissions create one admin.
 */
import { randomBytes } from "node:crypto";
import { Hono } from "hono";
import type { AppContext, AppEnv } from "../context.ts";
import { CSRF_FIELD, crossSite, loginCsrfToken, loginCsrfValid, sameToken } from "../http/csrf.ts";
import { setupClosedPage, setupPage } from "../pages/console/setup.ts";
import { CreateUserBody } from "../schemas/accounts.ts";
import { AdminExistsError, adminExists, createFirstAdmin } from "../services/users/first-admin.ts";
import { check, errorsFrom, readForm, text } from "./console/support.ts";

type SetupLink = { token: string; busy: boolean };
const links = new WeakMap<AppContext, SetupLink>();

/** Makes this process's setup link (replacing any earlier one); the caller prints the token once. */
export function openSetupLink(ctx: AppContext): string {
  const token = randomBytes(32).toString("base64url");
  links.set(ctx, { token, busy: false });
  return token;
}

/** Whether a setup link is open in this process (tests, and the startup message). */
export function setupLinkOpen(ctx: AppContext): boolean {
  return links.has(ctx);
}

function linkFor(ctx: AppContext, given: unknown): SetupLink | undefined {
  const link = links.get(ctx);
  return link && sameToken(link.token, given) ? link : undefined;
}

// The first admin names the organisation: there is no admin yet whose own it could default to.
const SetupForm = CreateUserBody.omit({ role: true }).required({ organisation: true });
const NOT_VALID = "It was used already, never existed, or the server restarted since it was printed.";
const ADMIN_EXISTS = "An admin account exists already.";

export const setupRoutes = new Hono<AppEnv>()
  .use(async (c, next) => {
    await next();
    c.header("Cache-Control", "no-store");
  })
  .get("/", async (c) => {
    const ctx = c.get("ctx");
    const link = linkFor(ctx, c.req.query("token"));
    if (!link) return c.html(setupClosedPage(ctx.config.localMode, NOT_VALID), 404);
    if (await adminExists(ctx.db)) {
      links.delete(ctx);
      return c.html(setupClosedPage(ctx.config.localMode, ADMIN_EXISTS), 409);
    }
    const values = { email: "", name: "", organisation: "" };
    return c.html(
      setupPage({
        localMode: ctx.config.localMode,
        csrf: loginCsrfToken(c),
        token: link.token,
        values,
        errors: {},
      }),
    );
  })
  .post("/", async (c) => {
    const ctx = c.get("ctx");
    const { localMode } = ctx.config;
    const form = await readForm(c);
    if (crossSite(c, ctx.config.publicUrl) || !loginCsrfValid(c, form[CSRF_FIELD])) {
      return c.html(setupClosedPage(localMode, "The form did not carry a valid security token."), 403);
    }
    const link = linkFor(ctx, form.token);
    if (!link) return c.html(setupClosedPage(localMode, NOT_VALID), 404);
    if (link.busy) return c.html(setupClosedPage(localMode, "It is being used right now."), 409);
    const values = {
      email: text(form, "email"),
      name: text(form, "name"),
      organisation: text(form, "organisation"),
    };
    const password = typeof form.password === "string" ? form.password : "";
    const again = typeof form.passwordAgain === "string" ? form.passwordAgain : "";
    const checked = check(SetupForm, { ...values, password });
    const errors = checked.ok ? {} : { ...checked.errors };
    if (password !== again) errors.passwordAgain ??= "The two passwords differ";
    const page = (status: 400 | 409, errs: Record<string, string>) =>
      c.html(
        setupPage({ localMode, csrf: loginCsrfToken(c), token: link.token, values, errors: errs }),
        status,
      );
    if (!checked.ok || Object.keys(errors).length > 0) return page(400, errors);

    link.busy = true; // before the first await: a concurrent submission is refused above
    try {
      await createFirstAdmin({ ctx, input: checked.value });
    } catch (error) {
      if (error instanceof AdminExistsError) {
        links.delete(ctx);
        return c.html(setupClosedPage(localMode, ADMIN_EXISTS), 409);
      }
      link.busy = false;
      return page(409, errorsFrom(error));
    }
    links.delete(ctx);
    ctx.log.info("first admin created through the setup link; the link is closed");
    return c.redirect("/console/login", 303);
  });
