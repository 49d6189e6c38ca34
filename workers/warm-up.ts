/**
 * Paying at start what the first alert would otherwise pay. A worker process can wait hours for
 * its first alert, and that alert's first residents should not wait for work the process could
 * have done before: the TLS root store, built on the process's first TLS connection (15 ms here;
 * in production that is the first request to Twilio, the mail server or a push service), and the
 * first runs of composing each channel's message and of web push's encryption. No request leaves
 * the process, and a warm-up that fails only costs the first alert what it cost before.
 */
import { createECDH, randomBytes } from "node:crypto";
import { createSecureContext } from "node:tls";
import webpush from "web-push";
import type { Channel } from "../src/db/database.ts";
import { buildMime, mailOf } from "../src/delivery/mime.ts";
import { type DispatchContext, sampleMessage } from "./dispatch.ts";

/** The channels whose messages are composed here; WhatsApp's and calls' composing reads settings. */
const WARMED: readonly Channel[] = ["sms", "email", "push"];

export function warmUpDelivery(ctx: DispatchContext, channels: readonly Channel[]): void {
  try {
    createSecureContext();
    for (const channel of channels.filter((c) => WARMED.includes(c))) {
      const message = sampleMessage(ctx, channel);
      if (channel === "email") {
        buildMime(mailOf("warm-up@example.invalid", { ...message, to: "warm-up@example.invalid" }));
      }
      if (channel === "push") {
        const browser = createECDH("prime256v1");
        const keys = {
          p256dh: browser.generateKeys().toString("base64url"),
          auth: randomBytes(16).toString("base64url"),
        };
        webpush.generateRequestDetails({ endpoint: "https://push.example.invalid/", keys }, message.text, {
          TTL: 60,
          headers: { Authorization: "vapid warm-up" },
        });
      }
    }
  } catch (error) {
    ctx.log.warn({ error: (error as Error).name }, "delivery warm-up failed; the first alert pays for it");
  }
}
