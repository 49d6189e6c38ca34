/**
 * Twilio's requests about the alert calls we place (issue 17, point 5), both signature-checked
 * against PUBLIC_URL by the twilioWebhook middleware (403, nothing touched, when wrong):
 *
 * - POST /webhooks/twilio/call-status?d=<ledger row>: how the call ended (record-call-status.ts).
 *   Twilio needs a 2xx and nothing else.
 * - POST /webhooks/twilio/alert-call/keypad?d=<ledger row>&t=<signed token>: the key pressed
 *   (alert-call-keypad.ts), answered with TwiML; 403 when the token is not the row's subscriber's.
 */
import { Hono } from "hono";
import { ApiError } from "../errors.ts";
import { type TwilioWebhookEnv, twilioWebhook } from "../http/twilio-webhook.ts";
import { alertCallKeypad } from "../services/deliveries/alert-call-keypad.ts";
import { recordCallStatus } from "../services/deliveries/record-call-status.ts";
import { VOICE_KEYPAD_PATH, VOICE_STATUS_PATH } from "../voice/urls.ts";

export const twilioAlertCallRoutes = new Hono<TwilioWebhookEnv>()
  .post(VOICE_STATUS_PATH, twilioWebhook, async (c) => {
    const ctx = c.get("ctx");
    const params = c.get("twilioParams");
    if (params.CallSid && params.CallStatus) {
      const result = await recordCallStatus({
        ctx,
        input: { callSid: params.CallSid, callStatus: params.CallStatus, deliveryId: c.req.query("d") },
      });
      ctx.log.debug(
        { requestId: c.get("requestId"), status: params.CallStatus, result },
        "call status callback",
      );
    }
    return c.body(null, 204);
  })
  .post(VOICE_KEYPAD_PATH, twilioWebhook, async (c) => {
    const ctx = c.get("ctx");
    const twiml = await alertCallKeypad({
      ctx,
      input: {
        deliveryId: c.req.query("d"),
        token: c.req.query("t"),
        digits: c.get("twilioParams").Digits ?? "",
      },
    });
    if (twiml === null) throw new ApiError("forbidden", "This keypad link is not valid");
    return c.body(twiml, 200, { "Content-Type": "text/xml; charset=utf-8" });
  });
