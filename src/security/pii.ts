/**
 * Encryption of personal data at rest (phone numbers, email addresses, push endpoints, reporter
 * callback numbers).
 *
 * - AES-256-GCM with a fresh 96-bit IV per value; stored as iv || tag || ciphertext, with the key
 *   id beside it so keys can be rotated (the first key of the ring encrypts, every key decrypts).
 *   The column's purpose is bound in as associated data, so a ciphertext copied into another
 *   column does not decrypt.
 * - A blind index: HMAC-SHA256 under a separate key, over purpose + normalised value, to find a
 *   subscriber by address without storing anything that reveals it.
 * - Rotating the blind-index key (docs/privacy.md): while `aviso keys rotate` re-indexes stored
 *   rows, the retired key is given as `previousBlindIndexKey`; new values are indexed under the
 *   current key, and lookups try `blindIndexes()`, current first, so a row not yet re-indexed is
 *   still found.
 */
import { createCipheriv, createDecipheriv, createHmac, randomBytes } from "node:crypto";

export type Keyring = { id: string; key: Buffer }[];
export type Encrypted = { ciphertext: Buffer; keyId: string };

const IV_BYTES = 12;
const TAG_BYTES = 16;

export class DecryptionError extends Error {
  constructor(reason: string) {
    super(`Could not decrypt a stored value: ${reason}`);
    this.name = "DecryptionError";
  }
}

export type PiiCipher = {
  readonly activeKeyId: string;
  encrypt(plaintext: string, purpose: string): Encrypted;
  decrypt(value: Encrypted, purpose: string): string;
  blindIndex(normalized: string, purpose: string): Buffer;
  /** Every index a stored value may have: under the current key, then under the retired one. */
  blindIndexes(normalized: string, purpose: string): Buffer[];
};

export function createPiiCipher(
  keyring: Keyring,
  blindIndexKey: Buffer,
  previousBlindIndexKey?: Buffer,
): PiiCipher {
  const active = keyring[0];
  if (!active) throw new Error("The PII keyring is empty");
  for (const { id, key } of keyring) {
    if (key.length !== 32) throw new Error(`PII key ${id} must be 32 bytes`);
  }
  if (blindIndexKey.length !== 32) throw new Error("The blind-index key must be 32 bytes");
  for (const indexKey of [blindIndexKey, previousBlindIndexKey]) {
    if (indexKey && keyring.some(({ key }) => key.equals(indexKey))) {
      throw new Error("The blind-index keys must differ from every encryption key");
    }
  }
  if (previousBlindIndexKey && previousBlindIndexKey.length !== 32) {
    throw new Error("The previous blind-index key must be 32 bytes");
  }
  const indexKeys = previousBlindIndexKey ? [blindIndexKey, previousBlindIndexKey] : [blindIndexKey];
  const hmac = (key: Buffer, normalized: string, purpose: string) =>
    createHmac("sha256", key).update(`${purpose}\u0000${normalized}`).digest();
  const keys = new Map(keyring.map(({ id, key }) => [id, key]));

  return {
    activeKeyId: active.id,
    encrypt(plaintext, purpose) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv("aes-256-gcm", active.key, iv);
      cipher.setAAD(Buffer.from(purpose));
      const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
      return { ciphertext: Buffer.concat([iv, cipher.getAuthTag(), body]), keyId: active.id };
    },
    decrypt({ ciphertext, keyId }, purpose) {
      const key = keys.get(keyId);
      if (!key) throw new DecryptionError(`unknown key id "${keyId}"`);
      if (ciphertext.length < IV_BYTES + TAG_BYTES) throw new DecryptionError("value too short");
      const decipher = createDecipheriv("aes-256-gcm", key, ciphertext.subarray(0, IV_BYTES));
      decipher.setAAD(Buffer.from(purpose));
      decipher.setAuthTag(ciphertext.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
      try {
        const body = ciphertext.subarray(IV_BYTES + TAG_BYTES);
        return Buffer.concat([decipher.update(body), decipher.final()]).toString("utf8");
      } catch {
        throw new DecryptionError("authentication failed (tampered, or wrong key or purpose)");
      }
    },
    blindIndex(normalized, purpose) {
      return hmac(blindIndexKey, normalized, purpose);
    },
    blindIndexes(normalized, purpose) {
      return indexKeys.map((key) => hmac(key, normalized, purpose));
    },
  };
}
