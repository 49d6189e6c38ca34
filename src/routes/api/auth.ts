/** Signing in and out, one's own account and its second factor. */
import { getCookie } from "hono/cookie";
import { ApiError } from "../../errors.ts";
import { type ApiContext, route } from "../../http/api-route.ts";
import { clearSessionCookie, clientIp, SESSION_COOKIE, setSessionCookie } from "../../http/authenticate.ts";
import {
  ConfirmTotpBody,
  CurrentFactorBody,
  LoginAnswer,
  LoginBody,
  LoginCodeBody,
  Me,
  PasswordBody,
  RecoveryCodes,
  SecondFactor,
  TotpEnrolment,
} from "../../schemas/accounts.ts";
import { confirmTotpEnrolment, startTotpEnrolment } from "../../services/second-factor/enrol-totp.ts";
import {
  regenerateRecoveryCodes,
  secondFactorStatus,
} from "../../services/second-factor/manage-second-factor.ts";
import { SECOND_FACTOR_MINUTES } from "../../services/sessions/create-session.ts";
import { endSession } from "../../services/sessions/end-session.ts";
import {
  LoginRateLimitedError,
  type LoginResult,
  loginUser,
  verifyLoginCode,
} from "../../services/sessions/login.ts";
import { changePassword } from "../../services/users/change-password.ts";

/** Runs a step that checks a password or code; a 429 from the guessing limits keeps its Retry-After. */
async function withRetryAfter<T>(c: ApiContext, step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (error) {
    if (error instanceof LoginRateLimitedError) c.header("Retry-After", String(error.retryAfterSeconds));
    throw error;
  }
}

/** Sets the cookie for a sign-in's session and answers with it. */
async function answerSignIn(c: ApiContext, signIn: () => Promise<LoginResult>): Promise<Response> {
  const ctx = c.get("ctx");
  const result = await withRetryAfter(c, signIn);
  const seconds =
    result.next === "code" ? SECOND_FACTOR_MINUTES * 60 : ctx.config.operators.sessionAbsoluteHours * 3600;
  setSessionCookie(c, result.token, seconds);
  c.header("Cache-Control", "no-store");
  return c.json({ user: result.user, expiresAt: result.expiresAt.toISOString(), next: result.next });
}

export const authRoutes = [
  route({
    method: "post",
    path: "/auth/login",
    tag: "Accounts",
    summary: "Sign in",
    description:
      'Checks the password (argon2id) and sets the session cookie `__Host-aviso_session` (Secure, HttpOnly, SameSite=Strict). Sessions end after SESSION_IDLE_MINUTES without use or SESSION_ABSOLUTE_HOURS in all. For an account with a second factor, send `code` (or `recoveryCode`) too, or answer `next: "code"` at POST /auth/login/code within 5 minutes. Failed sign-ins and wrong codes are limited per account and client network, per client network, and slowed per account (429 with Retry-After; see docs/privacy.md).',
    permission: "public",
    body: LoginBody,
    responses: {
      200: {
        description: "Signed in, or the password accepted (see next); the cookie is set",
        schema: LoginAnswer,
      },
    },
    handler: (c, { body }) =>
      answerSignIn(c, () => loginUser({ ctx: c.get("ctx"), input: { ...body, ip: clientIp(c) } })),
  }),
  route({
    method: "post",
    path: "/auth/login/code",
    tag: "Accounts",
    summary: "Second step of signing in",
    description:
      "With the cookie a password-only sign-in set: the authenticator app's `code`, or a `recoveryCode` (each works once). A code is accepted once (never again, even within its 30 seconds). Wrong codes count toward the same limits as wrong passwords. Sets a new session cookie.",
    permission: "public",
    body: LoginCodeBody,
    responses: { 200: { description: "Signed in; a new cookie is set", schema: LoginAnswer } },
    handler: (c, { body }) => {
      const token = getCookie(c, SESSION_COOKIE, "host");
      if (!token) throw new ApiError("unauthorized", "Sign in with your password first");
      return answerSignIn(c, () =>
        verifyLoginCode({ ctx: c.get("ctx"), input: { ...body, sessionToken: token, ip: clientIp(c) } }),
      );
    },
  }),
  route({
    method: "post",
    path: "/auth/logout",
    tag: "Accounts",
    summary: "Sign out",
    description: "Ends the session on the server and clears the cookie.",
    permission: "account:self",
    enrolment: true,
    responses: { 204: { description: "Signed out" } },
    handler: async (c, { actor }) => {
      if (actor.sessionId) {
        await endSession({
          ctx: c.get("ctx"),
          input: { sessionId: actor.sessionId, userId: actor.subjectId },
        });
      }
      clearSessionCookie(c);
      return c.body(null, 204);
    },
  }),
  route({
    method: "get",
    path: "/me",
    tag: "Accounts",
    summary: "Who am I",
    permission: "alerts:read",
    responses: { 200: { description: "The caller", schema: Me } },
    handler: (c, { actor }) =>
      c.json({
        actor: actor.id,
        kind: actor.kind,
        role: actor.role,
        name: actor.name,
        organisation: { id: actor.organisationId, name: actor.organisationName },
      }),
  }),
  route({
    method: "post",
    path: "/me/password",
    tag: "Accounts",
    summary: "Change one's password",
    description:
      "Quotes the current password; ends one's other sessions. A wrong current password counts toward the sign-in limits (429 with Retry-After).",
    permission: "account:self",
    body: PasswordBody,
    responses: { 204: { description: "Changed" } },
    handler: async (c, { body, actor }) => {
      await withRetryAfter(c, () =>
        changePassword({
          ctx: c.get("ctx"),
          input: {
            userId: actor.subjectId,
            sessionId: actor.sessionId,
            currentPassword: body.currentPassword,
            newPassword: body.newPassword,
            ip: clientIp(c),
          },
        }),
      );
      return c.body(null, 204);
    },
  }),
  route({
    method: "get",
    path: "/me/second-factor",
    tag: "Accounts",
    summary: "One's second factor",
    description:
      "Whether one's role must have one (TOTP_REQUIRED_ROLES), whether one has, and how many recovery codes are left.",
    permission: "account:self",
    enrolment: true,
    responses: { 200: { description: "The second factor's status", schema: SecondFactor } },
    handler: async (c, { actor }) =>
      c.json(
        await secondFactorStatus({ ctx: c.get("ctx"), input: { userId: actor.subjectId, role: actor.role } }),
      ),
  }),
  route({
    method: "post",
    path: "/me/second-factor/totp",
    tag: "Accounts",
    summary: "Start setting up an authenticator app",
    description:
      "A new TOTP secret (RFC 6238: SHA-1, 6 digits, 30 s), shown this once with its otpauth:// URI. It takes effect only when confirmed with a code (POST /me/second-factor/totp/confirm); until then sign-in is unchanged. To move to a new app while one is set up, send a `code` from the current app (or a `recoveryCode`): a session alone cannot make the second factor someone else's. Those codes count toward the sign-in guessing limits (429 with Retry-After).",
    permission: "account:self",
    enrolment: true,
    body: CurrentFactorBody.optional(),
    responses: { 200: { description: "The secret and its URI", schema: TotpEnrolment } },
    handler: async (c, { body, actor }) => {
      c.header("Cache-Control", "no-store");
      const input = { userId: actor.subjectId, ip: clientIp(c), current: body };
      return c.json(await withRetryAfter(c, () => startTotpEnrolment({ ctx: c.get("ctx"), input })));
    },
  }),
  route({
    method: "post",
    path: "/me/second-factor/totp/confirm",
    tag: "Accounts",
    summary: "Confirm the authenticator app",
    description:
      "With a code the app shows: makes the new secret the one sign-in asks for (replacing any earlier one) and answers with ten recovery codes, shown this once.",
    permission: "account:self",
    enrolment: true,
    body: ConfirmTotpBody,
    responses: { 200: { description: "Active; the recovery codes", schema: RecoveryCodes } },
    handler: async (c, { body, actor }) => {
      c.header("Cache-Control", "no-store");
      return c.json(
        await confirmTotpEnrolment({
          ctx: c.get("ctx"),
          input: { userId: actor.subjectId, code: body.code },
        }),
      );
    },
  }),
  route({
    method: "post",
    path: "/me/second-factor/recovery-codes",
    tag: "Accounts",
    summary: "New recovery codes",
    description:
      "Ten new recovery codes, shown this once; the earlier ones stop working. Send a `code` from the authenticator app (or a `recoveryCode`), under the sign-in guessing limits.",
    permission: "account:self",
    body: CurrentFactorBody,
    responses: { 200: { description: "The new recovery codes", schema: RecoveryCodes } },
    handler: async (c, { body, actor }) => {
      c.header("Cache-Control", "no-store");
      const input = { userId: actor.subjectId, ip: clientIp(c), current: body };
      return c.json(await withRetryAfter(c, () => regenerateRecoveryCodes({ ctx: c.get("ctx"), input })));
    },
  }),
];
