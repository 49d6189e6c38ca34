/**
 * How staff pager addresses are sealed: encrypted and blind-indexed like residents' addresses
 * (src/security/addresses.ts) but under purposes of their own, so a staff member's number or
 * browser never matches a resident's row (and a ciphertext moved between the two fails to open).
 */
import type { PiiCipher } from "../../security/pii.ts";

export type PagerChannel = "push" | "sms";

const purpose = (channel: PagerChannel) => `staff-pager:${channel}`;

export function sealPager(pii: PiiCipher, channel: PagerChannel, address: string) {
  const { ciphertext, keyId } = pii.encrypt(address, purpose(channel));
  return { ciphertext, keyId, index: pii.blindIndex(address, purpose(channel)) };
}

export function openPager(
  pii: PiiCipher,
  channel: PagerChannel,
  sealed: { ciphertext: Buffer; keyId: string },
): string {
  return pii.decrypt(sealed, purpose(channel));
}

/** Every index the address may be stored under (the retired blind-index key's too, mid-rotation). */
export function pagerIndexes(pii: PiiCipher, channel: PagerChannel, address: string): Buffer[] {
  return pii.blindIndexes(address, purpose(channel));
}

/** The HMAC a verification code is kept as: under the user's id, so a hash says nothing elsewhere. */
export function codeHash(pii: PiiCipher, userId: string, code: string): Buffer {
  return pii.blindIndex(code, `staff-pager:code:${userId}`);
}
