/**
 * The URLs an alert call gives Twilio. Both are checked with X-Twilio-Signature against
 * PUBLIC_URL (src/http/twilio-webhook.ts); the keypad URL also carries the subscriber's signed
 * token (the unsubscribe token), so a keypad answer can stop only the subscriber it was made for.
 * Neither carries a phone number.
 */
import type { PiiCipher } from "../security/pii.ts";
import { unsubscribeToken } from "../security/unsubscribe-token.ts";

export const VOICE_STATUS_PATH = "/webhooks/twilio/call-status";
export const VOICE_KEYPAD_PATH = "/webhooks/twilio/alert-call/keypad";

/** Names the ledger row, as SMS status callbacks do (`d`). */
export function voiceStatusUrl(publicUrl: string, deliveryId: string): string {
  return `${publicUrl}${VOICE_STATUS_PATH}?d=${deliveryId}`;
}

export function voiceKeypadUrl(
  publicUrl: string,
  pii: PiiCipher,
  input: { deliveryId: string; subscriberId: string },
): string {
  const token = unsubscribeToken(pii, input.subscriberId);
  return `${publicUrl}${VOICE_KEYPAD_PATH}?d=${input.deliveryId}&t=${encodeURIComponent(token)}`;
}
