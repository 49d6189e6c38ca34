/**
 * Twilio's request signature (X-Twilio-Signature): HMAC-SHA1 with the auth token over the full URL
 * Twilio requested, followed by every POST parameter as name+value in sorted name order, base64.
 * Implemented here (rather than importing the twilio package) so the webhook also runs in a
 * Worker; tests check it against the twilio package's own validator.
 */
import { createHmac, timingSafeEqual } from "node:crypto";

export type FormParams = Record<string, string | string[]>;

export function twilioSignature(authToken: string, url: string, params: FormParams): string {
  let data = url;
  for (const name of Object.keys(params).sort()) {
    const value = params[name]!;
    const values = Array.isArray(value) ? [...new Set(value)].sort() : [value];
    for (const v of values) data += name + v;
  }
  return createHmac("sha1", authToken).update(data, "utf8").digest("base64");
}

export function isValidTwilioSignature(
  authToken: string,
  url: string,
  params: FormParams,
  signature: string | undefined,
): boolean {
  if (!signature) return false;
  const expected = Buffer.from(twilioSignature(authToken, url, params));
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
