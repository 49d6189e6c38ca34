/**
 * The Hono app factory. Runtime-agnostic: Node serves it through @hono/node-server, a Worker
 * through its fetch export. Route modules are thin sub-apps mounted here; services do the work.
 */
import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { HTTPException } from "hono/http-exception";
import { requestId } from "hono/request-id";
import type { AppContext, AppEnv } from "./context.ts";
import { ApiError } from "./errors.ts";
import { ERROR_STATUS, errorBody } from "./http/errors.ts";
import { unreadableForms } from "./http/form-body.ts";
import { publicPostLimit } from "./http/public-post-limit.ts";
import { securityHeaders } from "./http/security-headers.ts";
import { API_ROUTES, apiRoutes } from "./routes/api/index.ts";
import { consoleRoutes } from "./routes/console/index.ts";
import { devRoutes } from "./routes/dev.ts";
import { devPhoneRoutes } from "./routes/dev-phone.ts";
import { devPhoneCallRoutes } from "./routes/dev-phone-call.ts";
import { emailConfirmRoutes } from "./routes/email-confirm.ts";
import { feedRoutes } from "./routes/feeds.ts";
import { healthRoutes } from "./routes/health.ts";
import { alertPageRoutes } from "./routes/public/alert.ts";
import { homeRoutes } from "./routes/public/home.ts";
import { manageRoutes } from "./routes/public/manage.ts";
import { subscribeRoutes } from "./routes/public/subscribe.ts";
import { setupRoutes } from "./routes/setup.ts";
import { staticRoutes } from "./routes/static.ts";
import { twilioAlertCallRoutes } from "./routes/twilio-alert-call.ts";
import { twilioSmsRoutes } from "./routes/twilio-sms.ts";
import { twilioStatusRoutes } from "./routes/twilio-status.ts";
import { twilioVoiceRoutes } from "./routes/twilio-voice.ts";
import { unsubscribeRoutes } from "./routes/unsubscribe.ts";

const MAX_BODY_BYTES = 64 * 1024;

export function createApp(ctx: AppContext): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.use(requestId());
  app.use(securityHeaders({ https: ctx.config.publicUrl.startsWith("https:") }));
  app.use(async (c, next) => {
    c.set("ctx", ctx);
    const started = performance.now();
    await next();
    if (ctx.config.localMode) c.header("X-Aviso-Mode", "local");
    ctx.log.info(
      {
        requestId: c.get("requestId"),
        method: c.req.method,
        path: loggedPath(c.req.path),
        status: c.res.status,
        ms: Math.round(performance.now() - started),
      },
      "request",
    );
  });
  // Before the body is read: a flood from one address costs no parsing and no database work.
  app.use(publicPostLimit(API_ROUTES));
  app.use(
    bodyLimit({
      maxSize: MAX_BODY_BYTES,
      onError: (c) =>
        c.json(errorBody("payload_too_large", "Request body too large", c.get("requestId")), 413),
    }),
  );
  app.use(unreadableForms);

  app.route("/", healthRoutes);
  app.route("/", staticRoutes);
  app.route("/", homeRoutes);
  app.route("/", alertPageRoutes);
  app.route("/", subscribeRoutes);
  app.route("/", manageRoutes);
  app.route("/feeds", feedRoutes);
  app.route("/console", consoleRoutes);
  app.route("/setup", setupRoutes);
  app.route("/api/v1", apiRoutes);
  app.route("/webhooks/twilio", twilioSmsRoutes);
  app.route("/webhooks/twilio", twilioVoiceRoutes);
  app.route("/email", emailConfirmRoutes);
  app.route("/", twilioStatusRoutes);
  app.route("/", twilioAlertCallRoutes);
  app.route("/", unsubscribeRoutes);
  if (ctx.config.localMode) app.route("/dev", devRoutes);
  if (ctx.config.localMode) app.route("/dev/phone", devPhoneRoutes(app.fetch)); // texts go through app.fetch
  if (ctx.config.localMode) app.route("/dev/phone", devPhoneCallRoutes(app.fetch)); // and calls

  app.notFound((c) => c.json(errorBody("not_found", "No such resource", c.get("requestId")), 404));
  app.onError((error, c) => {
    const id = c.get("requestId");
    if (error instanceof ApiError)
      return c.json(errorBody(error.code, error.message, id, error.details), ERROR_STATUS[error.code]);
    if (error instanceof HTTPException && error.status < 500) {
      return c.json(errorBody("bad_request", error.message || "Bad request", id), error.status);
    }
    ctx.log.error({ err: error, requestId: id }, "unhandled error");
    return c.json(errorBody("internal_error", "Something went wrong on our side", id), 500);
  });
  return app;
}

/** Paths as logged: an unsubscribe link's token (a subscriber id and its MAC) is a capability. */
function loggedPath(path: string): string {
  return path.replace(/^\/unsubscribe\/[^/]+/, "/unsubscribe/[token]");
}
