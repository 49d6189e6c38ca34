/**
 * Is a 32-byte key plausibly random? Production refuses keys a person made up or copied: one byte
 * repeated, a short pattern repeated, a counting sequence, a passphrase base64-encoded, a
 * hand-typed "base64" string, or a value published in our own docs. None of these checks can
 * refuse `openssl rand -base64 32` in practice: out of 200,000 random keys the fewest distinct
 * bytes seen was 23 and the fewest distinct base64 characters 21; the thresholds are 16.
 *
 * The reasons name the problem, never the key.
 */

/** Key values that appeared in Aviso's own documentation or examples: public, so never secret. */
const PUBLISHED_KEYS = new Set<string>([
  // .env.example
  "fR78o2fNPFwJ4pD4bVxYxloBvp4hzNlkkZv7qvpO8UI",
  "5wE7onG4eyz31g8+Nx1MiAfT81QJvMwzTCqh4anLnn0",
]);

const MIN_DISTINCT_BYTES = 16;
const MIN_DISTINCT_CHARACTERS = 16;

/** Why `key` (decoded from `text`) is weak, or null when it looks random. */
export function weakKeyReason(key: Uint8Array, text: string): string | null {
  const encoded = text.trim().replace(/=+$/, "");
  if (PUBLISHED_KEYS.has(encoded)) return "is an example value published in the documentation";
  if (key.length < 32) return `is ${key.length} bytes; it must be 32 random bytes`;
  if (new Set(key).size === 1) return "is one byte repeated";
  for (let period = 2; period <= key.length / 2; period++) {
    if (key.every((byte, i) => byte === key[i % period])) return `repeats a ${period}-byte pattern`;
  }
  const step = (key[1]! - key[0]! + 256) % 256;
  if (key.every((byte, i) => i === 0 || (byte - key[i - 1]! + 256) % 256 === step)) {
    return "is a counting sequence";
  }
  if (new Set(key).size < MIN_DISTINCT_BYTES) return "has too few distinct bytes to be random";
  if (key.every((byte) => byte >= 0x20 && byte <= 0x7e)) return "is text (a passphrase), not random bytes";
  if (new Set(encoded).size < MIN_DISTINCT_CHARACTERS) {
    return "is written with too few distinct characters to be random (typed by hand?)";
  }
  return null;
}

/** The advice every refusal ends with. */
export const MAKE_A_KEY = "make one with: openssl rand -base64 32";
