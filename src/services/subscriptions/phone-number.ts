/**
 * Phone numbers as Aviso stores and looks them up: E.164, and only numbers of the US and its
 * territories. Everything else is refused before anything is stored, which also blunts SMS pumping
 * (traffic from premium international numbers that makes a service pay for its own replies); the
 * refusal itself is rate-limited per sender (canonicalSender) and in all (rate-limits.ts).
 */
import { parsePhoneNumberFromString } from "libphonenumber-js";

/** The US and the territories that share its +1 numbering and its law. */
const US_REGIONS = new Set(["US", "PR", "GU", "VI", "AS", "MP"]);

/** E.164 for a US (or territory) number, or undefined for anything else. */
export function normalizeUsPhone(raw: string): string | undefined {
  // Digits and the usual separators only: "whatsapp:+1…", "client:…" and short codes are not phones.
  if (typeof raw !== "string" || raw.length > 40 || !/^[+\d\s().-]+$/.test(raw)) return undefined;
  const parsed = parsePhoneNumberFromString(raw.trim(), "US");
  if (!parsed?.isValid() || parsed.ext) return undefined;
  return parsed.country && US_REGIONS.has(parsed.country) ? parsed.number : undefined;
}

/** NANP numbers 555-0100 to 555-0199 are reserved for fiction: the phone simulator uses only these. */
export function isFictionalNumber(e164: string): boolean {
  return /^\+1[2-9]\d{2}55501\d{2}$/.test(e164);
}

/**
 * One spelling per sender we refuse, for counting its refusals: E.164 for anything that parses as
 * an international number, else the address as given, trimmed and lower-cased ("whatsapp:…", a
 * short code).
 */
export function canonicalSender(raw: string): string {
  const trimmed = raw.trim();
  const parsed = /^\+[\d\s().-]{1,40}$/.test(trimmed) ? parsePhoneNumberFromString(trimmed) : undefined;
  return parsed?.number ?? trimmed.toLowerCase();
}
