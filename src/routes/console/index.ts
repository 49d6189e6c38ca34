/**
 * The operator console at /console: server-rendered pages over the same services as the operator
 * API (/api/v1), for a person signed in with the session cookie (API keys are for integrations,
 * not the console). Every page is `Cache-Control: no-store`; every POST carries the CSRF token
 * (src/http/csrf.ts) or is refused with 403 and changes nothing.
 */

import type { Context } from "hono";
import { Hono } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { html } from "hono/html";
import { findSession } from "../../auth/caller.ts";
import type { AppEnv } from "../../context.ts";
import { clearSessionCookie, clientIp, SESSION_COOKIE, setSessionCookie } from "../../http/authenticate.ts";
import {
  CSRF_FIELD,
  CSRF_HEADER,
  crossSite,
  loginCsrfToken,
  loginCsrfValid,
  sameToken,
  sessionCsrfToken,
} from "../../http/csrf.ts";
import { consolePage } from "../../pages/console/chrome.ts";
import { homePage } from "../../pages/console/home.ts";
import { SECOND_FACTOR_PATH } from "../../pages/console/paths.ts";
import { codePage, forbiddenPage, loginPage } from "../../pages/console/sign-in.ts";
import { SECOND_FACTOR_MINUTES } from "../../services/sessions/create-session.ts";
import { endSession } from "../../services/sessions/end-session.ts";
import { LoginRateLimitedError, loginUser, verifyLoginCode } from "../../services/sessions/login.ts";
import { accountRoutes } from "./account.ts";
import { adminRoutes } from "./admin.ts";
import { alertConsoleRoutes } from "./alerts.ts";
import { pagingRoutes } from "./paging.ts";
import { responderConsoleRoutes } from "./responders.ts";
import { sightingConsoleRoutes } from "./sightings.ts";
import { type ConsoleEnv, errorsFrom, readForm, text, view } from "./support.ts";

/**
 * Where a sign-in continues: an approval page a page's link asked for before sign-in (kept in a
 * short-lived cookie, and only if it is exactly such a path), else the console's home.
 */
const APPROVAL_PAGE = /^\/console\/alerts\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const NEXT_COOKIE = "aviso_next";
function rememberApprovalPage(c: Context, path: string) {
  if (!APPROVAL_PAGE.test(path)) return;
  setCookie(c, NEXT_COOKIE, path, {
    prefix: "host",
    path: "/",
    secure: true,
    httpOnly: true,
    sameSite: "Lax",
    maxAge: 600,
  });
}
function afterSignIn(c: Context): string {
  const next = getCookie(c, NEXT_COOKIE, "host");
  if (next === undefined) return "/console";
  deleteCookie(c, NEXT_COOKIE, { prefix: "host", path: "/", secure: true });
  return APPROVAL_PAGE.test(next) ? next : "/console";
}

const login = new Hono<AppEnv>()
  .get("/login", (c) => {
    c.header("Cache-Control", "no-store");
    return c.html(loginPage(c.get("ctx").config.localMode, loginCsrfToken(c), "", {}));
  })
  .post("/login", async (c) => {
    c.header("Cache-Control", "no-store");
    const ctx = c.get("ctx");
    const form = await readForm(c);
    if (crossSite(c, ctx.config.publicUrl) || !loginCsrfValid(c, form[CSRF_FIELD])) {
      return c.html(forbiddenPage(ctx.config.localMode), 403);
    }
    const email = text(form, "email");
    const password = typeof form.password === "string" ? form.password : "";
    const token = loginCsrfToken(c);
    if (!email || !password) {
      const errors = {
        ...(email ? {} : { email: "Enter your email address" }),
        ...(password ? {} : { password: "Enter your password" }),
      };
      return c.html(loginPage(ctx.config.localMode, token, email, errors), 400);
    }
    try {
      const result = await loginUser({ ctx, input: { email, password, ip: clientIp(c) } });
      if (result.next === "code") {
        setSessionCookie(c, result.token, SECOND_FACTOR_MINUTES * 60);
        return c.redirect("/console/login/code", 303);
      }
      setSessionCookie(c, result.token, ctx.config.operators.sessionAbsoluteHours * 3600);
      return c.redirect(result.next === "enrol" ? SECOND_FACTOR_PATH : afterSignIn(c), 303);
    } catch (error) {
      if (error instanceof LoginRateLimitedError) c.header("Retry-After", String(error.retryAfterSeconds));
      const errors = errorsFrom(error);
      const status = error instanceof LoginRateLimitedError ? 429 : 401;
      return c.html(
        loginPage(
          ctx.config.localMode,
          token,
          email,
          status === 401 ? { password: errors.form ?? "Wrong email or password" } : errors,
        ),
        status,
      );
    }
  });

// The second step of a sign-in whose password was right: the app's code or a recovery code.
login
  .get("/login/code", (c) => {
    c.header("Cache-Control", "no-store");
    if (!getCookie(c, SESSION_COOKIE, "host")) return c.redirect("/console/login", 303);
    return c.html(codePage(c.get("ctx").config.localMode, loginCsrfToken(c), {}));
  })
  .post("/login/code", async (c) => {
    c.header("Cache-Control", "no-store");
    const ctx = c.get("ctx");
    const form = await readForm(c);
    if (crossSite(c, ctx.config.publicUrl) || !loginCsrfValid(c, form[CSRF_FIELD])) {
      return c.html(forbiddenPage(ctx.config.localMode), 403);
    }
    const token = getCookie(c, SESSION_COOKIE, "host");
    if (!token) return c.redirect("/console/login", 303);
    const code = text(form, "code");
    const recoveryCode = text(form, "recoveryCode");
    if (!code && !recoveryCode) {
      return c.html(
        codePage(ctx.config.localMode, loginCsrfToken(c), { code: "Enter the code from your app" }),
        400,
      );
    }
    try {
      const result = await verifyLoginCode({
        ctx,
        input: { sessionToken: token, ip: clientIp(c), ...(code ? { code } : { recoveryCode }) },
      });
      setSessionCookie(c, result.token, ctx.config.operators.sessionAbsoluteHours * 3600);
      return c.redirect(afterSignIn(c), 303);
    } catch (error) {
      if (error instanceof LoginRateLimitedError) c.header("Retry-After", String(error.retryAfterSeconds));
      const status = error instanceof LoginRateLimitedError ? 429 : 401;
      const errors = errorsFrom(error);
      return c.html(
        codePage(
          ctx.config.localMode,
          loginCsrfToken(c),
          status === 401 ? { code: errors.form ?? "Wrong code" } : errors,
        ),
        status,
      );
    }
  });

export const consoleRoutes = new Hono<AppEnv>();
consoleRoutes.use(async (c, next) => {
  await next();
  c.header("Cache-Control", "no-store");
});
consoleRoutes.route("/", login);

const signedIn = new Hono<ConsoleEnv>();
signedIn.use(async (c, next) => {
  const ctx = c.get("ctx");
  const token = getCookie(c, SESSION_COOKIE, "host");
  const found = token ? await findSession({ ctx, input: { token } }) : null;
  const actor = found?.actor;
  if (!actor?.sessionId) {
    // An event stream (EventSource) cannot follow a redirect to a sign-in page: a 403 ends it.
    const stream = c.req.path.endsWith("/progress") || c.req.path.endsWith("/events");
    if (c.req.method === "GET" && !stream) {
      // A page's link to an approval page: opened once signed in.
      rememberApprovalPage(c, c.req.path);
      return c.redirect("/console/login", 303);
    }
    return c.html(forbiddenPage(ctx.config.localMode), 403);
  }
  const csrf = sessionCsrfToken(ctx.pii, actor.sessionId);
  if (!["GET", "HEAD"].includes(c.req.method)) {
    const type = c.req.header("content-type") ?? "";
    const given = type.startsWith("application/json")
      ? c.req.header(CSRF_HEADER)
      : (await readForm(c))[CSRF_FIELD];
    if (crossSite(c, ctx.config.publicUrl) || !sameToken(csrf, given)) {
      return c.html(forbiddenPage(ctx.config.localMode), 403);
    }
  }
  // Someone whose role must have a second factor and has none: setting one up, or signing out.
  if (
    found?.access === "enrol" &&
    !c.req.path.startsWith(SECOND_FACTOR_PATH) &&
    c.req.path !== "/console/logout"
  ) {
    if (c.req.method === "GET") return c.redirect(SECOND_FACTOR_PATH, 303);
    return c.html(forbiddenPage(ctx.config.localMode), 403);
  }
  c.set("actor", actor);
  c.set("csrf", csrf);
  await next();
});
signedIn.get("/", (c) =>
  c.html(homePage(view(c), { actor: c.get("actor"), localMode: c.get("ctx").config.localMode })),
);
signedIn.post("/logout", async (c) => {
  const actor = c.get("actor");
  await endSession({ ctx: c.get("ctx"), input: { sessionId: actor.sessionId!, userId: actor.subjectId } });
  clearSessionCookie(c as unknown as Parameters<typeof clearSessionCookie>[0]);
  return c.redirect("/console/login", 303);
});
// A path id that is not a UUID names nothing: a 404 page before any service (and Postgres, which
// would refuse it as uuid with an error, a 500) sees it. "new" is a page of its own.
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
for (const pattern of [
  "/sightings/:id",
  "/sightings/:id/*",
  "/alerts/:id",
  "/alerts/:id/*",
  "/users/:id",
  "/users/:id/*",
  "/keys/:id/*",
  "/responders/:id",
  "/responders/:id/*",
]) {
  signedIn.use(pattern, async (c, next) => {
    const id = c.req.param("id") ?? "";
    if (id === "new" || UUID.test(id)) return next();
    return c.html(
      consolePage(
        view(c),
        "Not found",
        html`<h1>Not found</h1><p role="alert">Nothing here has that id.</p>`,
      ),
      404,
    );
  });
}
signedIn.route("/", sightingConsoleRoutes);
signedIn.route("/", alertConsoleRoutes);
signedIn.route("/", responderConsoleRoutes);
signedIn.route("/", adminRoutes);
signedIn.route("/", accountRoutes);
signedIn.route("/", pagingRoutes);
consoleRoutes.route("/", signedIn);
