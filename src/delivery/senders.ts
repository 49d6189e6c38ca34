/**
 * Chooses each channel's sender: the provider when one is configured, the local outbox otherwise
 * (local mode, which config refuses in production). Senders live in src/, not workers/, because
 * the API sends too (SMS replies to keywords) and both get them from the runtime.
 */
import type { Agent } from "undici";
import type { Config } from "../config.ts";
import type { Channel } from "../db/database.ts";
import type { DbOrTx } from "../db/transaction.ts";
import type { PiiCipher } from "../security/pii.ts";
import { createLocalOutboxSender } from "./local-outbox.ts";
import { SendError, type Sender } from "./sender.ts";
import { createSmtpSender } from "./smtp-sender.ts";
import { createTwilioSender } from "./twilio-sender.ts";
import { createVoiceSender } from "./voice-sender.ts";
import { createWebPushSender } from "./webpush-sender.ts";
import { createWhatsAppSender } from "./whatsapp-sender.ts";

export type SenderOptions = {
  /** HTTPS agent for push services (tests: one that trusts the loopback peer). */
  pushAgent?: Agent;
  /** Per-request timeout for SMS and push providers (default 15 s). */
  timeoutMs?: number;
};

export function createSenders(
  config: Config,
  db: DbOrTx,
  pii: PiiCipher,
  options: SenderOptions = {},
): Record<Channel, Sender> {
  return {
    sms: config.sms
      ? createTwilioSender(config.sms, {
          publicUrl: config.publicUrl,
          ratePerSecond: config.delivery.smsRatePerSecond,
          timeoutMs: options.timeoutMs,
        })
      : createLocalOutboxSender(db, pii, "sms"),
    email: config.email ? createSmtpSender(config.email) : createLocalOutboxSender(db, pii, "email"),
    push: config.push
      ? createWebPushSender(config.push, {
          hosts: config.delivery.pushEndpointHosts,
          agent: options.pushAgent,
          timeoutMs: options.timeoutMs,
        })
      : createLocalOutboxSender(db, pii, "push"),
    whatsapp:
      config.sms && config.whatsapp
        ? createWhatsAppSender(config.sms, config.whatsapp, {
            publicUrl: config.publicUrl,
            ratePerSecond: config.delivery.whatsappRatePerSecond,
            timeoutMs: options.timeoutMs,
          })
        : config.sms
          ? // A Twilio account but no WhatsApp sender (removed since people signed up): never the
            // local outbox outside local mode; the rows fail and say why.
            notConfigured("whatsapp", "WhatsApp is not configured (TWILIO_WHATSAPP_FROM)")
          : createLocalOutboxSender(db, pii, "whatsapp"),
    voice: config.sms?.voiceFrom
      ? createVoiceSender(
          { ...config.sms, voiceFrom: config.sms.voiceFrom },
          {
            publicUrl: config.publicUrl,
            callsPerSecond: config.delivery.voiceCallsPerSecond,
            timeoutMs: options.timeoutMs,
          },
        )
      : config.sms
        ? notConfigured("voice", "alert calls need a caller ID (TWILIO_VOICE_FROM or TWILIO_FROM)")
        : createLocalOutboxSender(db, pii, "voice"),
  };
}

function notConfigured(channel: Channel, reason: string): Sender {
  return {
    channel,
    mode: "provider",
    async send() {
      throw new SendError("permanent", "not configured", reason);
    },
  };
}
