/**
 * POST /webhooks/twilio/sms: Twilio's inbound-message webhook. The twilioWebhook middleware has
 * already checked X-Twilio-Signature (403 and nothing written otherwise) and parsed the form; the
 * app's body limit answers oversized bodies with 413 before that, and is the only limit on Body: a
 * long message is still read for an opt-out ("STOP" and a page of emoji). The reply is TwiML.
 */
import { Hono } from "hono";
import { z } from "zod";
import { ApiError } from "../errors.ts";
import { type TwilioWebhookEnv, twilioWebhook } from "../http/twilio-webhook.ts";
import { receiveSms } from "../services/subscriptions/receive-sms.ts";
import { twimlResponse } from "../sms/twiml.ts";

const inboundSms = z.object({
  MessageSid: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, "must be a message SID"),
  From: z.string().min(1).max(64),
  Body: z.string().default(""),
});

export const twilioSmsRoutes = new Hono<TwilioWebhookEnv>().post("/sms", twilioWebhook, async (c) => {
  const ctx = c.get("ctx");
  const parsed = inboundSms.safeParse(c.get("twilioParams"));
  if (!parsed.success) {
    throw new ApiError(
      "validation_failed",
      "Expected MessageSid, From and Body",
      parsed.error.issues.map((issue) => ({ field: issue.path.join("."), message: issue.message })),
    );
  }
  const { MessageSid: messageSid, From: from, Body: body } = parsed.data;
  const result = await receiveSms({ ctx, input: { messageSid, from, body } });
  ctx.log.debug(
    {
      requestId: c.get("requestId"),
      command: result.command,
      replies: result.reply.length,
      duplicate: result.duplicate,
    },
    "inbound sms",
  );
  c.header("Cache-Control", "no-store");
  return c.body(twimlResponse(result.reply), 200, { "Content-Type": "text/xml; charset=utf-8" });
});
