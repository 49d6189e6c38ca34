/**
 * How subscriber addresses are sealed for storage: encrypted and blind-indexed under a purpose
 * per channel, so an SMS number's index never matches an email's, and a ciphertext moved into the
 * wrong column fails to decrypt.
 */
import type { Channel } from "../db/database.ts";
import type { PiiCipher } from "./pii.ts";

export function addressPurpose(channel: Channel): string {
  // A phone number is the same address for texts and calls: a voice row is sealed and indexed as
  // the number's SMS row is, so the blind index finds both (they stay rows of their own).
  return `subscriber-address:${channel === "voice" ? "sms" : channel}`;
}

export type SealedAddress = { address_ciphertext: Buffer; address_key_id: string; address_index: Buffer };

/** `address` must already be normalised (E.164, lower-cased email, push endpoint JSON). */
export function sealAddress(pii: PiiCipher, channel: Channel, address: string): SealedAddress {
  const purpose = addressPurpose(channel);
  const { ciphertext, keyId } = pii.encrypt(address, purpose);
  return {
    address_ciphertext: ciphertext,
    address_key_id: keyId,
    address_index: pii.blindIndex(address, purpose),
  };
}

export function openAddress(
  pii: PiiCipher,
  channel: Channel,
  sealed: Pick<SealedAddress, "address_ciphertext" | "address_key_id">,
): string {
  return pii.decrypt(
    { ciphertext: sealed.address_ciphertext, keyId: sealed.address_key_id },
    addressPurpose(channel),
  );
}

export function addressIndex(pii: PiiCipher, channel: Channel, address: string): Buffer {
  return pii.blindIndex(address, addressPurpose(channel));
}

/**
 * Every index the address may be stored under: the current key's, and during a blind-index key
 * rotation the retired key's too. Lookups use these (`address_index IN …`); writes use
 * addressIndex / sealAddress, which are always under the current key.
 */
export function addressIndexes(pii: PiiCipher, channel: Channel, address: string): Buffer[] {
  return pii.blindIndexes(address, addressPurpose(channel));
}
