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
  /** The ledger row this message is, so provider status callbacks can find it (SMS, WhatsApp). */
  deliveryId?: string;
  /**
   * WhatsApp: the approved template to send outside the 24-hour window (src/whatsapp/compose.ts),
   * and whether the window is open, when `text` (free-form) goes instead.
   */
  whatsapp?: {
    template: { contentSid: string; variables: Record<string, string> } | null;
    freeForm: boolean;
  };
  /** Voice: the call's inline TwiML (src/voice/compose.ts); `text` is its script as plain text. */
  voice?: { twiml: string };
};

export type SendResult = { providerId?: string };

/**
 * Network error codes of a request that never reached the provider: no connection was made (or, for
 * UND_ERR_CONNECT_TIMEOUT, none in time; undici writes a request only on an open connection). Any
 * other failure without an answer may come after the provider took the message: ambiguous.
 */
const NEVER_REACHED = new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "UND_ERR_CONNECT_TIMEOUT",
]);

export function neverReached(code: string): boolean {
  return NEVER_REACHED.has(code);
}

export type SendErrorOptions = {
  /** How long the provider asked us to wait (Retry-After). */
  retryAfterMs?: number;
  /** The provider may have accepted the message before failing (a timeout after the request). */
  ambiguous?: boolean;
  /** The address can never receive on this channel (unsubscribed, invalid, gone). */
  addressDead?: boolean;
};

/**
 * `retry`: try again later (rate limits, outages). `permanent`: never retry this message.
 * The message is for logs and the ledger, so it must never contain the address: senders build it
 * from the provider's code and a scrubbed provider text.
 */
export class SendError extends Error {
  readonly kind: "retry" | "permanent";
  readonly code: string;
  readonly retryAfterMs?: number;
  readonly ambiguous: boolean;
  readonly addressDead: boolean;
  constructor(kind: "retry" | "permanent", code: string, message: string, options: SendErrorOptions = {}) {
    super(message);
    this.name = "SendError";
    this.kind = kind;
    this.code = code;
    this.retryAfterMs = options.retryAfterMs;
    this.ambiguous = options.ambiguous ?? false;
    this.addressDead = options.addressDead ?? false;
  }
}

export interface Sender {
  readonly channel: Channel;
  /** "local" senders keep messages in the outbox; the console says so. */
  readonly mode: "provider" | "local";
  send(message: OutboundMessage): Promise<SendResult>;
  close?(): Promise<void>;
}
