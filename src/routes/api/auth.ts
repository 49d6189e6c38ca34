/** Signing in and out, and one's own account. */
import { route } from "../../http/api-route.ts";
import { clearSessionCookie, clientIp, setSessionCookie } from "../../http/authenticate.ts";
import { endSession } from "../../services/sessions/end-session.ts";
import { LoginRateLimitedError, loginUser } from "../../services/sessions/login.ts";
import { changePassword } from "../../services/users/change-password.ts";
import { LoginAnswer, LoginBody, Me, PasswordBody } from "./schemas.ts";

export const authRoutes = [
  route({
    method: "post",
    path: "/auth/login",
    tag: "Accounts",
    summary: "Sign in",
    description:
      "Checks the password (argon2id) and sets the session cookie `__Host-aviso_session` (Secure, HttpOnly, SameSite=Strict). Sessions end after SESSION_IDLE_MINUTES without use or SESSION_ABSOLUTE_HOURS in all. Failed sign-ins are limited per account and per IP address (429 with Retry-After).",
    permission: "public",
    body: LoginBody,
    responses: { 200: { description: "Signed in; the cookie is set", schema: LoginAnswer } },
    handler: async (c, { body }) => {
      const ctx = c.get("ctx");
      try {
        const result = await loginUser({
          ctx,
          input: { email: body.email, password: body.password, ip: clientIp(c) },
        });
        setSessionCookie(c, result.token, ctx.config.operators.sessionAbsoluteHours * 3600);
        c.header("Cache-Control", "no-store");
        return c.json({ user: result.user, expiresAt: result.expiresAt.toISOString() });
      } catch (error) {
        if (error instanceof LoginRateLimitedError) c.header("Retry-After", String(error.retryAfterSeconds));
        throw error;
      }
    },
  }),
  route({
    method: "post",
    path: "/auth/logout",
    tag: "Accounts",
    summary: "Sign out",
    description: "Ends the session on the server and clears the cookie.",
    permission: "account:self",
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
    description: "Quotes the current password; ends one's other sessions.",
    permission: "account:self",
    body: PasswordBody,
    responses: { 204: { description: "Changed" } },
    handler: async (c, { body, actor }) => {
      await changePassword({
        ctx: c.get("ctx"),
        input: {
          userId: actor.subjectId,
          sessionId: actor.sessionId,
          currentPassword: body.currentPassword,
          newPassword: body.newPassword,
        },
      });
      return c.body(null, 204);
    },
  }),
];
