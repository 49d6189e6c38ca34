/**
 * Middleware for Twilio's webhooks: reads the form body, checks X-Twilio-Signature against
 * PUBLIC_URL + path (what Twilio requested, even behind a TLS-terminating proxy), and answers 403
 * without touching anything when it is missing or wrong. The checked parameters are put on
 * `c.var.twilioParams`.
 *
 * In local mode there is no Twilio auth token; the phone simulator signs with a token derived from
 * the blind-index key instead, so its requests take exactly the same path.
 */
import { createHmac } from "node:crypto";
import { createMiddleware } from "hono/factory";
import type { AppContext, AppEnv } from "../context.ts";
import { ApiError } from "../errors.ts";
import { type FormParams, isValidTwilioSignature } from "../security/twilio-signature.ts";

export type TwilioWebhookEnv = AppEnv & { Variables: { twilioParams: Record<string, string> } };

export function webhookAuthToken(ctx: Pick<AppContext, "config" | "pii">): string {
  if (ctx.config.sms) return ctx.config.sms.authToken;
  return createHmac("sha256", "aviso-local-webhook-token")
    .update(ctx.pii.blindIndex("local", "webhook"))
    .digest("hex");
}

export const twilioWebhook = createMiddleware<TwilioWebhookEnv>(async (c, next) => {
  const ctx = c.get("ctx");
  const type = c.req.header("Content-Type") ?? "";
  if (!type.startsWith("application/x-www-form-urlencoded")) {
    throw new ApiError("unsupported_media_type", "Expected an application/x-www-form-urlencoded body");
  }
  const form = new URLSearchParams(await c.req.text());
  const params: FormParams = {};
  for (const [name, value] of form) {
    const existing = params[name];
    params[name] =
      existing === undefined ? value : [...(Array.isArray(existing) ? existing : [existing]), value];
  }
  const url = ctx.config.publicUrl + c.req.path + new URL(c.req.url).search;
  if (!isValidTwilioSignature(webhookAuthToken(ctx), url, params, c.req.header("X-Twilio-Signature"))) {
    throw new ApiError("forbidden", "Missing or invalid X-Twilio-Signature");
  }
  const single: Record<string, string> = {};
  for (const [name, value] of Object.entries(params)) single[name] = Array.isArray(value) ? value[0]! : value;
  c.set("twilioParams", single);
  await next();
});
