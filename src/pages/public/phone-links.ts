/**
 * The hotline and the program's texting number as links a phone acts on: `tel:` to call, `sms:`
 * to text (RFC 3966 and RFC 5724). Pages show the number as configured ("(510) 555-0100"); the
 * link carries it in international form, since a US number is what PROGRAM_HOTLINE and
 * PROGRAM_SMS_NUMBER hold in practice, and a short code (five or six digits) as it is.
 */
import { html } from "hono/html";
import type { Html } from "../layout.ts";

/** The number a link dials: `+` and digits, or undefined when the text holds no usable number. */
export function dialable(number: string): string | undefined {
  const digits = number.replace(/\D/g, "");
  if (number.trim().startsWith("+"))
    return digits.length >= 8 && digits.length <= 15 ? `+${digits}` : undefined;
  if (digits.length === 10) return `+1${digits}`;
  if (digits.length === 11 && digits.startsWith("1")) return `+${digits}`;
  if (digits.length >= 3 && digits.length <= 6) return digits; // a short code, or 211 / 311
  return undefined;
}

export function telHref(number: string): string | undefined {
  const target = dialable(number);
  return target && `tel:${target}`;
}

/** `sms:` with the text already typed when there is one that makes sense (a resident's ZIP). */
export function smsHref(number: string, body?: string): string | undefined {
  const target = dialable(number);
  if (!target) return undefined;
  return body ? `sms:${target}?body=${encodeURIComponent(body)}` : `sms:${target}`;
}

/**
 * A translated sentence with the number in it made a link: the catalog's phrase is called with a
 * marker, and the number goes where the marker is, so every language keeps its own word order.
 * Without a usable link, the sentence as it was.
 */
export function sentenceWithLink(
  sentence: (number: string) => string,
  number: string,
  href: string | undefined,
): Html | string {
  if (!href) return sentence(number);
  const marker = "\u0000";
  const [before = "", after = ""] = sentence(marker).split(marker);
  return html`${before}<a href="${href}">${number}</a>${after}`;
}
