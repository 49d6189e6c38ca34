/**
 * A runtime wired to all three loopback peers (Twilio, SMTP, push), for end-to-end delivery and
 * fault tests, plus helpers to count what each resident received.
 */
import { randomBytes } from "node:crypto";
import webpush from "web-push";
import type { Clock } from "../../src/context.ts";
import { createPushAgent } from "../../src/delivery/webpush-sender.ts";
import { createBrowserSubscription, type PushPeer, startPushPeer } from "../peers/push-peer.ts";
import { type SmtpPeer, startSmtpPeer } from "../peers/smtp-peer.ts";
import { startTwilioPeer, type TwilioPeer } from "../peers/twilio-peer.ts";
import { createTestRuntime, type TestRuntime } from "./runtime.ts";

export type DeliveryRig = {
  runtime: TestRuntime;
  env: Record<string, string>;
  sms: TwilioPeer;
  smtp: SmtpPeer;
  push: PushPeer;
  vapidPublicKey: string;
  /** A browser's push subscription (JSON, as stored) and its id at the push peer. */
  browser(): { id: string; address: string };
  close(): Promise<void>;
};

export async function startDeliveryRig(
  extraEnv: Record<string, string> = {},
  options: {
    timeoutMs?: number;
    clock?: Clock;
    /**
     * false: the SMTP peer keeps mail unparsed (envelope and raw only). Parsing costs the test's
     * one process tens of milliseconds a mail: a test that counts hundreds only by recipient
     * should not pay it.
     */
    parseMail?: boolean;
  } = {},
): Promise<DeliveryRig> {
  const [sms, smtp, push] = await Promise.all([
    startTwilioPeer(),
    startSmtpPeer({ parse: options.parseMail ?? true }),
    startPushPeer(),
  ]);
  const vapid = webpush.generateVAPIDKeys();
  const env: Record<string, string> = {
    PII_ENCRYPTION_KEYS: `test1:${randomBytes(32).toString("base64")}`,
    BLIND_INDEX_KEY: randomBytes(32).toString("base64"),
    TWILIO_ACCOUNT_SID: sms.accountSid,
    TWILIO_AUTH_TOKEN: sms.authToken,
    TWILIO_MESSAGING_SERVICE_SID: "MG00000000000000000000000000000000",
    TWILIO_API_URL: sms.url,
    SMTP_URL: smtp.url,
    MAIL_FROM: "Aviso <alerts@aviso.test>",
    VAPID_PUBLIC_KEY: vapid.publicKey,
    VAPID_PRIVATE_KEY: vapid.privateKey,
    VAPID_SUBJECT: "mailto:alerts@aviso.test",
    // The push peer is no known push service: allow its host and port by name, as a deployment
    // with its own push service would (src/security/push-endpoints.ts).
    PUSH_ENDPOINT_HOSTS: new URL(push.url).host,
    SMS_RATE_PER_SECOND: "500",
    ...extraEnv,
  };
  const pushAgent = createPushAgent({ ca: push.ca! });
  const runtime = await createTestRuntime({
    env,
    senders: { pushAgent, timeoutMs: options.timeoutMs },
    clock: options.clock,
  });
  return {
    runtime,
    env,
    sms,
    smtp,
    push,
    vapidPublicKey: vapid.publicKey,
    browser() {
      const browser = createBrowserSubscription(push, { applicationServerKey: vapid.publicKey });
      return { id: browser.id, address: JSON.stringify(browser.subscription) };
    },
    async close() {
      await runtime.close();
      await pushAgent.close();
      await Promise.all([sms.close(), smtp.close(), push.close()]);
    },
  };
}

/** How many messages each recipient got, across the three peers. */
export function receivedCounts(rig: DeliveryRig): Map<string, number> {
  const counts = new Map<string, number>();
  const add = (key: string) => counts.set(key, (counts.get(key) ?? 0) + 1);
  for (const sms of rig.sms.messages) add(sms.to);
  for (const mail of rig.smtp.messages) for (const to of mail.to) add(to);
  for (const push of rig.push.received) add(`push:${push.id}`);
  return counts;
}
