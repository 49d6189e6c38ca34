/**
 * POST /webhooks/twilio/status: Twilio's delivery reports for the SMS we sent. The twilioWebhook
 * middleware checks X-Twilio-Signature first (403, nothing touched, when it is wrong); the ledger
 * row then moves forward only. Twilio needs a 2xx and nothing else, even for a message we do not
 * know (answering 4xx would only make it retry).
 */
import { Hono } from "hono";
import { type TwilioWebhookEnv, twilioWebhook } from "../http/twilio-webhook.ts";
import { recordSmsStatus } from "../services/deliveries/record-sms-status.ts";

export const twilioStatusRoutes = new Hono<TwilioWebhookEnv>().post(
  "/webhooks/twilio/status",
  twilioWebhook,
  async (c) => {
    const ctx = c.get("ctx");
    const params = c.get("twilioParams");
    const sid = params.MessageSid ?? params.SmsSid;
    const status = params.MessageStatus ?? params.SmsStatus;
    if (sid && status) {
      const result = await recordSmsStatus({
        ctx,
        input: {
          messageSid: sid,
          messageStatus: status,
          errorCode: params.ErrorCode,
          deliveryId: c.req.query("d"),
        },
      });
      ctx.log.debug({ requestId: c.get("requestId"), status, result }, "sms status callback");
    }
    return c.body(null, 204);
  },
);
