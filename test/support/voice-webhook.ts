/**
 * Calling Aviso the way Twilio does: each step a form-encoded POST signed with the twilio package's
 * own getExpectedTwilioSignature over the URL Twilio requests (PUBLIC_URL + path + query: the
 * <Gather> action or <Redirect> the last answer gave), sent to an internal http:// address as
 * behind a TLS-terminating proxy. A caller reads the answers' TwiML: what is said, in which
 * language, and where a key press or silence goes next.
 */
import { randomBytes } from "node:crypto";
import twilio from "twilio";
import type { AppContext } from "../../src/context.ts";
import { webhookAuthToken } from "../../src/http/twilio-webhook.ts";
import { INTERNAL_ORIGIN, PROGRAM_NUMBER } from "./sms-webhook.ts";

export const VOICE_PATH = "/webhooks/twilio/voice";

type App = { fetch(request: Request): Response | Promise<Response> };
type Ctx = Pick<AppContext, "config" | "pii">;

export function newCallSid(): string {
  return `CA${randomBytes(16).toString("hex")}`;
}

/** `verstat`: the SHAKEN/STIR verdict Twilio passes on; "" for none (the carrier attested nothing). */
export function callParams(
  from: string,
  callSid: string,
  digits?: string,
  verstat = "TN-Validation-Passed-A",
): Record<string, string> {
  const params: Record<string, string> = {
    AccountSid: "AC00000000000000000000000000000000",
    ApiVersion: "2010-04-01",
    CallSid: callSid,
    CallStatus: "in-progress",
    Direction: "inbound",
    From: from,
    To: PROGRAM_NUMBER,
  };
  if (verstat) params.StirVerstat = verstat;
  if (digits !== undefined) params.Digits = digits;
  return params;
}

/** `url`: the absolute URL Twilio requests (PUBLIC_URL-based, as the TwiML gives it). */
export function signedVoiceRequest(
  ctx: Ctx,
  url: string,
  params: Record<string, string>,
  options: { signature?: string | null } = {},
): Request {
  const signature =
    options.signature === undefined
      ? twilio.getExpectedTwilioSignature(webhookAuthToken(ctx), url, params)
      : options.signature;
  const headers: Record<string, string> = { "Content-Type": "application/x-www-form-urlencoded" };
  if (signature !== null) headers["X-Twilio-Signature"] = signature;
  const target = new URL(url);
  return new Request(INTERNAL_ORIGIN + target.pathname + target.search, {
    method: "POST",
    headers,
    body: new URLSearchParams(params).toString(),
  });
}

const UNESCAPES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };
const unescapeXml = (text: string) =>
  text.replace(/&(amp|lt|gt|quot|apos);/g, (_, name: string) => UNESCAPES[name]!);

export type Said = { language: string; voice: string; text: string };
export type Answer = {
  status: number;
  xml: string;
  said: Said[];
  /** The last <Gather>'s action (where keys go), its numDigits, and the <Redirect> (silence). */
  gather?: { action: string; numDigits: number };
  redirect?: string;
  dial?: string;
  hangup: boolean;
};

export function readTwiml(status: number, xml: string): Answer {
  const said = [...xml.matchAll(/<Say voice="([^"]*)" language="([^"]*)">([\s\S]*?)<\/Say>/g)].map((m) => ({
    voice: unescapeXml(m[1]!),
    language: unescapeXml(m[2]!),
    text: unescapeXml(m[3]!),
  }));
  const gathers = [...xml.matchAll(/<Gather [^>]*action="([^"]*)"[^>]*numDigits="(\d+)"/g)];
  const last = gathers.at(-1);
  const redirect = /<Redirect method="POST">([^<]*)<\/Redirect>/.exec(xml)?.[1];
  const dial = /<Dial>([^<]*)<\/Dial>/.exec(xml)?.[1];
  return {
    status,
    xml,
    said,
    gather: last ? { action: unescapeXml(last[1]!), numDigits: Number(last[2]) } : undefined,
    redirect: redirect ? unescapeXml(redirect) : undefined,
    dial,
    hangup: xml.includes("<Hangup/>"),
  };
}

/** A phone calling the program number: dial in, press keys, or stay silent until the line moves on. */
export function caller(app: App, ctx: Ctx, number: string, verstat?: string) {
  const callSid = newCallSid();
  let last: Answer | undefined;
  async function post(url: string, digits?: string): Promise<Answer> {
    const res = await app.fetch(signedVoiceRequest(ctx, url, callParams(number, callSid, digits, verstat)));
    last = readTwiml(res.status, await res.text());
    return last;
  }
  return {
    number,
    callSid,
    get last() {
      return last;
    },
    dialIn: () => post(ctx.config.publicUrl + VOICE_PATH),
    /** Keys into the last <Gather>. */
    press(digits: string): Promise<Answer> {
      if (!last?.gather) throw new Error(`nothing to press into: ${last?.xml}`);
      return post(last.gather.action, digits);
    },
    /** No keys: Twilio follows the <Redirect> after the <Gather> times out. */
    silence(): Promise<Answer> {
      if (!last?.redirect) throw new Error(`nothing to wait for: ${last?.xml}`);
      return post(last.redirect);
    },
  };
}
