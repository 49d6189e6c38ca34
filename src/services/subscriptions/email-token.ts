/**
 * Email confirmation tokens. A token is derived from the confirmation's id with the blind-index key
 * (HMAC, its own purpose), so the job that mails it needs only the id and a retry mails the same
 * link. The database keeps only the token's SHA-256: someone who reads it cannot confirm anything.
 */
import { createHash } from "node:crypto";
import type { PiiCipher } from "../../security/pii.ts";

const PURPOSE = "email-confirmation-token";

export function confirmationToken(pii: PiiCipher, confirmationId: string): string {
  return pii.blindIndex(confirmationId.toLowerCase(), PURPOSE).toString("base64url");
}

/**
 * The token whose hash was stored for this confirmation: during a blind-index key rotation it may
 * have been derived under the retired key, and a retried mail must carry the link that works.
 */
export function storedConfirmationToken(pii: PiiCipher, confirmationId: string, storedHash: Buffer): string {
  const tokens = pii
    .blindIndexes(confirmationId.toLowerCase(), PURPOSE)
    .map((mac) => mac.toString("base64url"));
  return tokens.find((token) => tokenHash(token).equals(storedHash)) ?? tokens[0]!;
}

export function tokenHash(token: string): Buffer {
  return createHash("sha256").update(token, "utf8").digest();
}

/** A token as we make them (43 base64url characters), before any lookup. */
export function isWellFormedToken(token: unknown): token is string {
  return typeof token === "string" && /^[A-Za-z0-9_-]{43}$/.test(token);
}

export function confirmationUrl(publicUrl: string, token: string): string {
  return `${publicUrl}/email/confirm?token=${token}`;
}
