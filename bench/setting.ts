/**
 * What the benchmarks share about their setting: the configuration that points Aviso's senders at
 * the loopback provider peers (bench/peers.ts), the residents they seed, and the fictional
 * numbers residents text from.
 */
import { randomBytes } from "node:crypto";
import webpush from "web-push";
import type { Channel } from "../src/db/database.ts";
import type { Language } from "../src/i18n/languages.ts";
import { sealAddress } from "../src/security/addresses.ts";
import type { PiiCipher } from "../src/security/pii.ts";
import { normalizeUsPhone } from "../src/services/subscriptions/phone-number.ts";
import type { PeerReady } from "./peers.ts";

/**
 * Of every 10 residents: 5 by SMS, 3 by email, 2 by web push; with `whatsapp`, one of the five SMS
 * residents is on WhatsApp instead (4 SMS, 1 WhatsApp); with `voice`, another of them gets alert
 * calls instead (a voice subscriber: a phone number, sealed as the SMS ones are).
 */
export const channelOf = (i: number, whatsapp = false, voice = false): Channel =>
  whatsapp && i % 10 === 4
    ? "whatsapp"
    : voice && i % 10 === 3
      ? "voice"
      : i % 10 < 5
        ? "sms"
        : i % 10 < 8
          ? "email"
          : "push";

/** Resident i's address on `channel`: a 510 number, an example.org address, or `pushSubscription`. */
export function residentAddress(channel: Channel, i: number, pushSubscription: () => string): string {
  if (channel === "sms" || channel === "whatsapp" || channel === "voice") {
    return `+1510${String(2_000_000 + i).padStart(7, "0")}`;
  }
  return channel === "email" ? `resident${i}@example.org` : pushSubscription();
}

/**
 * Resident i's subscribers row, its address sealed as the service seals it: a 510 number, an
 * example.org address, or `pushSubscription` (one the push peer made) for a push resident.
 */
export function residentRow(
  pii: PiiCipher,
  i: number,
  language: Language,
  pushSubscription: () => string,
  options: { whatsapp?: boolean; voice?: boolean } = {},
) {
  const channel = channelOf(i, options.whatsapp, options.voice);
  return {
    channel,
    ...sealAddress(pii, channel, residentAddress(channel, i, pushSubscription)),
    language,
    status: "active" as const,
    updated_at: new Date(),
    stopped_at: null,
  };
}

/** Environment variables for real Twilio, SMTP and web-push senders aimed at the peers, with fresh keys. */
export function providerEnv(peers: {
  sms: PeerReady;
  smtp: PeerReady;
  push: PeerReady;
}): Record<string, string> {
  const vapid = webpush.generateVAPIDKeys();
  return {
    PUBLIC_URL: "https://aviso.bench",
    PII_ENCRYPTION_KEYS: `bench:${randomBytes(32).toString("base64")}`,
    BLIND_INDEX_KEY: randomBytes(32).toString("base64"),
    TWILIO_ACCOUNT_SID: peers.sms.accountSid!,
    TWILIO_AUTH_TOKEN: peers.sms.authToken!,
    TWILIO_MESSAGING_SERVICE_SID: "MG00000000000000000000000000000000",
    TWILIO_API_URL: peers.sms.url,
    // WhatsApp through the same peer; residents on it are outside the 24-hour window: templates.
    TWILIO_WHATSAPP_FROM: "whatsapp:+15005550006",
    WHATSAPP_ALERT_TEMPLATE_EN: `HX${"0b".repeat(16)}`,
    WHATSAPP_ALERT_TEMPLATE_ES: `HX${"1c".repeat(16)}`,
    // Alert calls through the same peer's Calls API (a messaging service has no caller ID of its own).
    TWILIO_VOICE_FROM: "+15005550006",
    SMTP_URL: peers.smtp.url,
    MAIL_FROM: "Aviso <alerts@aviso.bench>",
    VAPID_PUBLIC_KEY: vapid.publicKey,
    VAPID_PRIVATE_KEY: vapid.privateKey,
    VAPID_SUBJECT: "mailto:alerts@aviso.bench",
    // The loopback push peer is not a known push service: allow its host (and port) by name.
    PUSH_ENDPOINT_HOSTS: new URL(peers.push.url).host,
  };
}

/**
 * Up to `count` fictional numbers (555-0100 to 555-0199) in every area code the phone library
 * accepts: about 30,000 in all, so a longer list is shorter than asked.
 */
export function fictionalNumbers(count: number): string[] {
  const numbers: string[] = [];
  for (let area = 201; area <= 989 && numbers.length < count; area++) {
    if (!normalizeUsPhone(`+1${area}5550100`)) continue;
    for (let line = 0; line < 100 && numbers.length < count; line++) {
      numbers.push(`+1${area}55501${String(line).padStart(2, "0")}`);
    }
  }
  return numbers;
}
