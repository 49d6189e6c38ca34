/**
 * Texting Aviso the way Twilio does: a form-encoded POST to /webhooks/twilio/sms, signed with the
 * twilio package's own getExpectedTwilioSignature over PUBLIC_URL + path. By default the request
 * itself goes to an internal http:// address, as it does behind a TLS-terminating proxy.
 */
import { randomBytes } from "node:crypto";
import twilio from "twilio";
import type { AppContext } from "../../src/context.ts";
import { webhookAuthToken } from "../../src/http/twilio-webhook.ts";
import { twimlMessages } from "../../src/sms/twiml.ts";

export const WEBHOOK_PATH = "/webhooks/twilio/sms";
export const INTERNAL_ORIGIN = "http://internal.aviso.svc:8787";
export const PROGRAM_NUMBER = "+15105550100";

type App = { fetch(request: Request): Response | Promise<Response> };
type Ctx = Pick<AppContext, "config" | "pii">;

export function newMessageSid(): string {
  return `SM${randomBytes(16).toString("hex")}`;
}

export function smsParams(from: string, body: string, messageSid = newMessageSid()): Record<string, string> {
  return {
    ToCountry: "US",
    SmsMessageSid: messageSid,
    NumMedia: "0",
    MessageSid: messageSid,
    AccountSid: "AC00000000000000000000000000000000",
    From: from,
    To: PROGRAM_NUMBER,
    Body: body,
    NumSegments: "1",
    ApiVersion: "2010-04-01",
  };
}

export function signedSmsRequest(
  ctx: Ctx,
  params: Record<string, string>,
  options: { origin?: string; signature?: string | null } = {},
): Request {
  const signature =
    options.signature === undefined
      ? twilio.getExpectedTwilioSignature(webhookAuthToken(ctx), ctx.config.publicUrl + WEBHOOK_PATH, params)
      : options.signature;
  const headers: Record<string, string> = { "Content-Type": "application/x-www-form-urlencoded" };
  if (signature !== null) headers["X-Twilio-Signature"] = signature;
  return new Request((options.origin ?? INTERNAL_ORIGIN) + WEBHOOK_PATH, {
    method: "POST",
    headers,
    body: new URLSearchParams(params).toString(),
  });
}

export type SmsExchange = { status: number; messages: string[]; xml: string };

/** A phone that texts the app and reads its TwiML answers. */
export function phone(app: App, ctx: Ctx, number: string) {
  return {
    number,
    async send(body: string, messageSid?: string): Promise<SmsExchange> {
      const res = await app.fetch(signedSmsRequest(ctx, smsParams(number, body, messageSid)));
      const xml = await res.text();
      return { status: res.status, messages: res.status === 200 ? twimlMessages(xml) : [], xml };
    },
  };
}
