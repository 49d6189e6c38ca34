/**
 * CSRF protection for the console's forms. The session cookie is already SameSite=Strict and
 * cookie-authenticated changes from another Origin are refused; a token in every form is the
 * third lock, and the one that also covers browsers that send no Origin.
 *
 * - Signed in: the token is an HMAC of the session's id under the blind-index key (its own
 *   purpose), so it needs no storage, differs per session, and dies with the session: a token
 *   from an old session (stale) or made up (forged) is refused with 403.
 * - Signing in (no session yet): double submit, a random value in a `__Host-` cookie and the form.
 */
import { randomBytes, timingSafeEqual } from "node:crypto";
import type { Context } from "hono";
import { getCookie, setCookie } from "hono/cookie";
import type { PiiCipher } from "../security/pii.ts";

export const CSRF_FIELD = "_csrf";
export const CSRF_HEADER = "x-csrf-token";
const LOGIN_COOKIE = "aviso_login_csrf";

export function sessionCsrfToken(pii: PiiCipher, sessionId: string): string {
  return pii.blindIndex(sessionId, "console-csrf").toString("base64url");
}

export function sameToken(expected: string, given: unknown): boolean {
  if (typeof given !== "string" || given.length !== expected.length) return false;
  return timingSafeEqual(Buffer.from(given), Buffer.from(expected));
}

/** The login form's token: the cookie's if it has one, else a new one set now. */
export function loginCsrfToken(c: Context): string {
  const existing = getCookie(c, LOGIN_COOKIE, "host");
  if (existing && /^[A-Za-z0-9_-]{43}$/.test(existing)) return existing;
  const token = randomBytes(32).toString("base64url");
  setCookie(c, LOGIN_COOKIE, token, {
    prefix: "host",
    path: "/",
    secure: true,
    httpOnly: true,
    sameSite: "Strict",
  });
  return token;
}

export function loginCsrfValid(c: Context, given: unknown): boolean {
  const cookie = getCookie(c, LOGIN_COOKIE, "host");
  return cookie !== undefined && sameToken(cookie, given);
}

/** A request from another site, when the browser says so (Origin, else Sec-Fetch-Site). */
export function crossSite(c: Context, publicUrl: string): boolean {
  const origin = c.req.header("origin");
  if (
    origin &&
    origin !== "null" &&
    origin !== new URL(publicUrl).origin &&
    origin !== new URL(c.req.url).origin
  )
    return true;
  const site = c.req.header("sec-fetch-site");
  return site === "cross-site";
}
