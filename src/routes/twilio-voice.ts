/**
 * POST /webhooks/twilio/voice: the program number's voice webhook and every <Gather> action of
 * the line (src/voice/line.ts). The twilioWebhook middleware has already checked X-Twilio-Signature
 * over PUBLIC_URL + path + query (403 and nothing done otherwise), so the step's state in the query
 * is ours. The answer is TwiML. Nothing is recorded: the line gathers keys only.
 */
import { Hono } from "hono";
import { z } from "zod";
import { ApiError } from "../errors.ts";
import { type TwilioWebhookEnv, twilioWebhook } from "../http/twilio-webhook.ts";
import { answerCall, callState } from "../voice/line.ts";

const inboundCall = z.object({
  CallSid: z.string().regex(/^[A-Za-z0-9_-]{1,40}$/, "must be a call SID"),
  // "anonymous", "+266696687" and the like for a hidden number: the line then changes nothing.
  From: z.string().max(64).default(""),
  // SHAKEN/STIR: "TN-Validation-Passed-A" is the carrier vouching that the caller may use From.
  StirVerstat: z.string().max(64).default(""),
  Digits: z
    .string()
    .regex(/^[0-9*#]{0,16}$/, "must be keypad digits")
    .default(""),
});

function invalid(message: string, error: z.ZodError): ApiError {
  return new ApiError(
    "validation_failed",
    message,
    error.issues.map((issue) => ({ field: issue.path.join("."), message: issue.message })),
  );
}

export const twilioVoiceRoutes = new Hono<TwilioWebhookEnv>().post("/voice", twilioWebhook, async (c) => {
  const ctx = c.get("ctx");
  const state = callState.safeParse(c.req.query());
  if (!state.success) throw invalid("Unknown voice line step", state.error);
  const parsed = inboundCall.safeParse(c.get("twilioParams"));
  if (!parsed.success) throw invalid("Expected CallSid, From and Digits", parsed.error);
  const { CallSid: callSid, From: from, Digits: digits, StirVerstat: verstat } = parsed.data;
  const callerVerified = verstat === "TN-Validation-Passed-A";
  const xml = await answerCall(ctx, { state: state.data, digits, from, callSid, callerVerified });
  ctx.log.debug({ requestId: c.get("requestId"), step: state.data.step ?? "welcome" }, "voice line");
  c.header("Cache-Control", "no-store");
  return c.body(xml, 200, { "Content-Type": "text/xml; charset=utf-8" });
});
