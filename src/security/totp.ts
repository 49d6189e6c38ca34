/**
 * TOTP (RFC 6238) through `otpauth`, a maintained library that runs on Node and in Workers (its
 * Worker build hashes with @noble/hashes): SHA-1, 6 digits, 30-second steps, which every
 * authenticator app reads from an otpauth:// URI. A code is accepted for the step before, the step
 * of, and the step after the server's time (clock drift); which step it matched is returned, so the
 * caller can refuse a code whose step was already used (replay).
 */
import { Secret, TOTP } from "otpauth";

const PERIOD_SECONDS = 30;
const DIGITS = 6;

function totp(secret: string, label = "", issuer = "") {
  return new TOTP({
    issuer,
    label,
    algorithm: "SHA1",
    digits: DIGITS,
    period: PERIOD_SECONDS,
    secret: Secret.fromBase32(secret),
  });
}

/** A new secret: 160 random bits (RFC 4226's recommendation), base32 as apps expect it. */
export function newTotpSecret(): string {
  return new Secret({ size: 20 }).base32;
}

/** The otpauth:// URI an authenticator app scans or imports. */
export function totpUri(secret: string, account: { issuer: string; label: string }): string {
  return totp(secret, account.label, account.issuer).toString();
}

/** The time step `code` belongs to, within one step of `now`; null if it matches none. */
export function matchTotp(secret: string, code: string, now: Date): number | null {
  const token = code.replace(/[\s-]/g, "");
  if (!/^\d{6}$/.test(token)) return null;
  const delta = totp(secret).validate({ token, timestamp: now.getTime(), window: 1 });
  if (delta === null) return null;
  return Math.floor(now.getTime() / 1000 / PERIOD_SECONDS) + delta;
}

/** The code for `at` (what an authenticator app shows; tests and the CLI use it). */
export function totpCode(secret: string, at: Date): string {
  return totp(secret).generate({ timestamp: at.getTime() });
}
