/**
 * SMS through Twilio (or a Twilio-compatible API at TWILIO_API_URL), paced by a token bucket at the
 * sending number's rate. Twilio's answers become SendErrors: rate limits and outages are retried
 * later; a resident who unsubscribed at the carrier, or an invalid or non-mobile number, is
 * permanent and the subscriber is stopped; our own credential problems are retried, never blamed
 * on the resident. Error texts are built from Twilio's codes, never from its messages, which echo
 * the number.
 */
import type { SmsProvider } from "../config.ts";
import { createMessage } from "../sms/create-message.ts";
import { countSegments } from "../sms/segments.ts";
import { closeTwilioClient, createTwilioClient } from "../sms/twilio-client.ts";
import { neverReached, type OutboundMessage, SendError, type Sender } from "./sender.ts";
import { createTokenBucket } from "./token-bucket.ts";
import { TWILIO_ADDRESS_DEAD } from "./twilio-codes.ts";

export const TWILIO_STATUS_PATH = "/webhooks/twilio/status";

/** Twilio's bounds for ValidityPeriod, in seconds. */
export const VALIDITY_MIN_S = 1;
export const VALIDITY_MAX_S = 36_000;

/** Codes that fail this message only. */
const PERMANENT: Record<number, string> = {
  21408: "region not enabled",
  21612: "number cannot be reached from our sender",
  21617: "message too long",
  30007: "filtered by the carrier",
  30003: "handset unreachable",
  30008: "unknown carrier error",
};

export type TwilioSenderOptions = {
  publicUrl: string;
  ratePerSecond: number;
  timeoutMs?: number;
};

/** The Twilio client every sender uses: our own undici transport, no retries of its own. */
export function senderClient(provider: SmsProvider, timeoutMs = 15_000) {
  return createTwilioClient({
    accountSid: provider.accountSid,
    authToken: provider.authToken,
    apiUrl: provider.apiUrl,
    timeoutMs,
    undici: true,
  });
}

/** A status callback URL that names the ledger row (`?d=`), which the signature then covers. */
export function statusCallbackUrl(base: string, deliveryId: string | undefined): string {
  return deliveryId ? `${base}?d=${deliveryId}` : base;
}

export function createTwilioSender(provider: SmsProvider, options: TwilioSenderOptions): Sender {
  const client = senderClient(provider, options.timeoutMs);
  const bucket = createTokenBucket(options.ratePerSecond);
  const callbackBase = `${options.publicUrl}${TWILIO_STATUS_PATH}`;

  return {
    channel: "sms",
    mode: "provider",
    close: () => closeTwilioClient(client),
    async send(message: OutboundMessage) {
      await bucket.take(segmentsOf(message.text));
      try {
        const sent = await createMessage(client, {
          To: message.to,
          Body: message.text,
          ...(provider.messagingServiceSid
            ? { MessagingServiceSid: provider.messagingServiceSid }
            : { From: provider.from! }),
          StatusCallback: statusCallbackUrl(callbackBase, message.deliveryId),
          ValidityPeriod: message.ttlSeconds === undefined ? undefined : validityPeriod(message.ttlSeconds),
        });
        return sent.sid === undefined ? {} : { providerId: sent.sid };
      } catch (error) {
        const failure = twilioSendError(error);
        if (failure.retryAfterMs !== undefined) bucket.pause(failure.retryAfterMs);
        throw failure;
      }
    },
  };
}

/** Segments per text, remembered: a fan-out sends the same few texts (one per language) many times. */
const segmentCache = new Map<string, number>();
function segmentsOf(text: string): number {
  let segments = segmentCache.get(text);
  if (segments === undefined) {
    segments = countSegments(text).segments;
    if (segmentCache.size >= 256) segmentCache.clear();
    segmentCache.set(text, segments);
  }
  return segments;
}

export function validityPeriod(ttlSeconds: number): number {
  return Math.min(VALIDITY_MAX_S, Math.max(VALIDITY_MIN_S, Math.floor(ttlSeconds)));
}

/** Maps what the twilio client threw (a RestException, or a network error) to a SendError. */
export function twilioSendError(error: unknown): SendError {
  if (error instanceof SendError) return error;
  const e = (typeof error === "object" && error !== null ? error : {}) as {
    status?: unknown;
    code?: unknown;
  };
  if (typeof e.status === "number") {
    const status = e.status;
    const code = typeof e.code === "number" ? e.code : 0;
    const label = `twilio ${code || status}`;
    if (status === 429 || code === 20429) {
      return new SendError("retry", label, `${label}: rate limited`, { retryAfterMs: 1_000 });
    }
    if (status >= 500) return new SendError("retry", label, `${label}: provider error (HTTP ${status})`);
    if (status === 401 || status === 403 || code === 20003) {
      // Our credentials or account, not the resident: keep the message for after the fix.
      return new SendError("retry", label, `${label}: authentication refused (HTTP ${status})`);
    }
    const dead = TWILIO_ADDRESS_DEAD[code];
    if (dead) return new SendError("permanent", label, `${label}: ${dead}`, { addressDead: true });
    return new SendError("permanent", label, `${label}: ${PERMANENT[code] ?? `rejected (HTTP ${status})`}`);
  }
  // No HTTP answer. A timeout or a reset may come after Twilio accepted the message.
  if (typeof e.code !== "string") {
    // Not a network error: something refused before the request went out.
    return new SendError("retry", "twilio internal", "twilio internal: the request could not be made");
  }
  const code = e.code;
  return new SendError("retry", `twilio ${code}`, `twilio ${code}: no answer from the provider`, {
    ambiguous: !neverReached(code),
  });
}
