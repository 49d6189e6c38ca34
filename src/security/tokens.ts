/**
 * Bearer secrets: session tokens and API keys. 256 random bits, base64url; only their SHA-256 is
 * stored, so a database dump signs nobody in. (A slow hash is for guessable passwords; a 256-bit
 * random token cannot be guessed, and looking it up by its hash keeps every request cheap.)
 */
import { createHash, randomBytes } from "node:crypto";

export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString("base64url");
}

export function tokenHash(token: string): Buffer {
  return createHash("sha256").update(token, "utf8").digest();
}

/** "aviso_<prefix>_<secret>": the prefix names the key in lists and logs; the secret never shows. */
const API_KEY = /^aviso_([a-z0-9]{10})_([A-Za-z0-9_-]{43})$/;

export function newApiKey(): { key: string; prefix: string } {
  const prefix = randomBytes(8).toString("hex").slice(0, 10);
  return { key: `aviso_${prefix}_${randomToken(32)}`, prefix };
}

export function isApiKeyShaped(value: string): boolean {
  return API_KEY.test(value);
}
