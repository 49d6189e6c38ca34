/**
 * What the benchmarks share about their setting: the configuration that points Aviso's senders at
 * the loopback provider peers (bench/peers.ts), and the fictional numbers residents text from.
 */
import { randomBytes } from "node:crypto";
import webpush from "web-push";
import { normalizeUsPhone } from "../src/services/subscriptions/phone-number.ts";
import type { PeerReady } from "./peers.ts";

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
