/**
 * Creating one Message (an SMS or a WhatsApp message) through the twilio client's own `request`:
 * the client still adds the credentials, its User-Agent, the form and JSON headers, and any
 * TWILIO_REGION or TWILIO_EDGE, and a refusal is still its RestException (HTTP status and Twilio
 * code), so the senders' error mapping is unchanged.
 *
 * Why not `client.messages.create`: it turns every answer into a MessageInstance, parsing its three
 * dates with dayjs, and builds the request through three layers of the library. A fan-out reads
 * only the SID, and that work was about 40 % of what an SMS cost the sender above a bare POST of
 * the same form (docs/benchmarks.md, "2026-12-05, night: undici under the senders, and the SMS
 * sender without MessageInstance").
 */
import twilio from "twilio";
import type { TwilioClient } from "./twilio-client.ts";

/** Twilio's form fields for a new Message; unset ones are left out. */
export type MessageForm = {
  To: string;
  From?: string | undefined;
  MessagingServiceSid?: string | undefined;
  Body?: string | undefined;
  ContentSid?: string | undefined;
  ContentVariables?: string | undefined;
  StatusCallback?: string | undefined;
  ValidityPeriod?: number | undefined;
};

/**
 * The new Message's SID. A 2xx answer means Twilio took the message, so it never throws: a body
 * without a readable SID gives `undefined` (a retry would send the resident a second copy).
 */
export async function createMessage(
  client: TwilioClient,
  form: MessageForm,
): Promise<{ sid: string | undefined }> {
  const data: Record<string, string> = {};
  for (const [name, value] of Object.entries(form)) if (value !== undefined) data[name] = String(value);
  const response = await client.request({
    method: "post",
    uri: `https://api.twilio.com/2010-04-01/Accounts/${client.accountSid}/Messages.json`,
    data,
  });
  if (response.statusCode < 200 || response.statusCode >= 300) throw new twilio.RestException(response);
  return { sid: sidOf(response.body) };
}

function sidOf(body: unknown): string | undefined {
  try {
    const parsed = typeof body === "string" ? JSON.parse(body) : body;
    const sid = (parsed as { sid?: unknown } | null)?.sid;
    return typeof sid === "string" ? sid : undefined;
  } catch {
    return undefined;
  }
}
