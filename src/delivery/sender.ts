/**
 * The one interface every channel's sender implements: the real providers (Twilio, SMTP, web
 * push) and, in local mode, the outbox. Workers call `send` with the address decrypted just
 * before sending; it is never written to a job payload or a log.
 */
import type { Channel } from "../db/database.ts";

export type OutboundMessage = {
  channel: Channel;
  /** The decrypted address: E.164 number, mailbox, or a push subscription as JSON. */
  to: string;
  subscriberId?: string;
  subject?: string;
  text: string;
  html?: string;
  headers?: Record<string, string>;
  /** Seconds the message stays useful (SMS ValidityPeriod, push TTL). */
  ttlSeconds?: number;
  urgency?: "very-low" | "low" | "normal" | "high";
};

export type SendResult = { providerId?: string };

/** `retry`: try again later (rate limits, outages). `permanent`: never retry this address. */
export class SendError extends Error {
  readonly kind: "retry" | "permanent";
  readonly code: string;
  readonly retryAfterMs?: number;
  constructor(kind: "retry" | "permanent", code: string, message: string, retryAfterMs?: number) {
    super(message);
    this.name = "SendError";
    this.kind = kind;
    this.code = code;
    this.retryAfterMs = retryAfterMs;
  }
}

export interface Sender {
  readonly channel: Channel;
  /** "local" senders keep messages in the outbox; the console says so. */
  readonly mode: "provider" | "local";
  send(message: OutboundMessage): Promise<SendResult>;
  close?(): Promise<void>;
}
