/**
 * Finds the caller: `Authorization: Bearer <API key>` first (an integration), else the session
 * cookie (a person). A request that sends an Authorization header is judged by it alone. A
 * cookie-authenticated request that changes something must come from our own origin when the
 * browser says where it comes from (SameSite=Strict already keeps other sites' requests from
 * carrying the cookie; this is the second lock).
 */
import type { Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { authenticateApiKey, findSession } from "../auth/caller.ts";
import type { Actor } from "../auth/permissions.ts";
import type { AppEnv } from "../context.ts";
import { ApiError } from "../errors.ts";
import { isApiKeyShaped } from "../security/tokens.ts";

/** Sent as `__Host-aviso_session`: Secure, Path=/, no Domain, so no other host can set or read it. */
export const SESSION_COOKIE = "aviso_session";

type AnyContext = Context<{ Variables: AppEnv["Variables"] }>;

/**
 * `enrolment`: the route is one a person who must first set up a second factor may use (setting
 * it up, signing out); any other refuses them with 403 `enrolment_required`.
 */
export async function resolveActor(
  c: AnyContext,
  options: { enrolment?: boolean } = {},
): Promise<Actor | null> {
  const ctx = c.get("ctx");
  const authorization = c.req.header("authorization");
  if (authorization !== undefined) {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization);
    if (!match || !isApiKeyShaped(match[1]!)) return null;
    return authenticateApiKey({ ctx, input: { key: match[1]! } });
  }
  const token = getCookie(c, SESSION_COOKIE, "host");
  if (!token) return null;
  const found = await findSession({ ctx, input: { token } });
  if (found?.access === "enrol" && !options.enrolment) {
    throw new ApiError(
      "enrolment_required",
      "Set up two-step sign-in first (POST /api/v1/me/second-factor/totp, then …/confirm); until then nothing else is open to you",
    );
  }
  const actor = found?.actor ?? null;
  if (actor && !["GET", "HEAD", "OPTIONS"].includes(c.req.method)) {
    const origin = c.req.header("origin");
    if (origin && origin !== new URL(ctx.config.publicUrl).origin) {
      throw new ApiError("forbidden", "Cross-origin request refused");
    }
  }
  return actor;
}

export function setSessionCookie(c: AnyContext, token: string, maxAgeSeconds: number): void {
  setCookie(c, SESSION_COOKIE, token, {
    prefix: "host",
    path: "/",
    secure: true,
    httpOnly: true,
    sameSite: "Strict",
    maxAge: maxAgeSeconds,
  });
}

export function clearSessionCookie(c: AnyContext): void {
  deleteCookie(c, SESSION_COOKIE, {
    prefix: "host",
    path: "/",
    secure: true,
    httpOnly: true,
    sameSite: "Strict",
  });
}

/**
 * The caller's IP address, for login rate limits: from CLIENT_IP_HEADER behind a trusted proxy
 * (the last entry, the one the proxy itself added), else the socket's address on Node.
 */
export function clientIp(c: {
  get(key: "ctx"): AppEnv["Variables"]["ctx"];
  req: { header(name: string): string | undefined };
  env: unknown;
}): string {
  const header = c.get("ctx").config.operators.clientIpHeader;
  if (header) {
    const value = c.req.header(header);
    const last = value?.split(",").at(-1)?.trim();
    if (last) return last;
  }
  const env = c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined;
  return env?.incoming?.socket?.remoteAddress ?? "unknown";
}
