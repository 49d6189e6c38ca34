/**
 * Tokens for one-click unsubscribe links in emails: the subscriber's id and an HMAC of it under
 * the blind-index key (with its own purpose), base64url. Unguessable without the key, never
 * containing the address, and stateless, so the link works from any mail client without cookies.
 */
import { timingSafeEqual } from "node:crypto";
import type { PiiCipher } from "./pii.ts";

const PURPOSE = "unsubscribe-link";
const MAC_BYTES = 16;

export function unsubscribeToken(pii: PiiCipher, subscriberId: string): string {
  const id = Buffer.from(subscriberId.replace(/-/g, ""), "hex");
  return Buffer.concat([id, mac(pii, subscriberId)]).toString("base64url");
}

/** The subscriber id the token was made for, or null when it is malformed or forged. */
export function verifyUnsubscribeToken(pii: PiiCipher, token: string): string | null {
  if (!/^[A-Za-z0-9_-]{43}$/.test(token)) return null;
  const bytes = Buffer.from(token, "base64url");
  if (bytes.length !== 16 + MAC_BYTES) return null;
  const hex = bytes.subarray(0, 16).toString("hex");
  const subscriberId = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  // Links mailed before a blind-index key rotation carry a MAC under the retired key.
  const given = bytes.subarray(16);
  const macs = pii.blindIndexes(subscriberId.toLowerCase(), PURPOSE).map((m) => m.subarray(0, MAC_BYTES));
  return macs.some((expected) => timingSafeEqual(given, expected)) ? subscriberId : null;
}

function mac(pii: PiiCipher, subscriberId: string): Buffer {
  return pii.blindIndex(subscriberId.toLowerCase(), PURPOSE).subarray(0, MAC_BYTES);
}

export function unsubscribeUrl(publicUrl: string, token: string): string {
  return `${publicUrl}/unsubscribe/${token}`;
}
