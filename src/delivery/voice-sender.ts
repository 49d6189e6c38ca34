/**
 * Alert calls through Twilio's Calls API (the SMS account; caller ID TWILIO_VOICE_FROM, else
 * TWILIO_FROM), paced by a token bucket of its own (VOICE_CALLS_PER_SECOND: Twilio lets an account
 * start about one call per second unless it asks for more). The TwiML goes inline, so the call
 * needs no request back to us before it speaks; the status callback names the ledger row.
 *
 * No answering-machine detection (MachineDetection is left out): a machine gets the message too,
 * which is what a resident who screens calls wants, and detection would hold the message back for
 * seconds of silence on every answered call (docs/deploy.md).
 */
import type { SmsProvider } from "../config.ts";
import { closeTwilioClient } from "../sms/twilio-client.ts";
import { VOICE_STATUS_PATH } from "../voice/urls.ts";
import { type OutboundMessage, SendError, type Sender } from "./sender.ts";
import { createTokenBucket } from "./token-bucket.ts";
import { senderClient, statusCallbackUrl, twilioSendError } from "./twilio-sender.ts";

export type VoiceSenderOptions = { publicUrl: string; callsPerSecond: number; timeoutMs?: number };

export function createVoiceSender(
  provider: SmsProvider & { voiceFrom: string },
  options: VoiceSenderOptions,
): Sender {
  const client = senderClient(provider, options.timeoutMs);
  // The library loads its REST modules the first time `calls` is read: read it at start-up, so
  // the first alert's first call does not wait for them.
  const calls = client.calls;
  const bucket = createTokenBucket(options.callsPerSecond);
  const callbackBase = `${options.publicUrl}${VOICE_STATUS_PATH}`;

  return {
    channel: "voice",
    mode: "provider",
    close: () => closeTwilioClient(client),
    async send(message: OutboundMessage) {
      if (!message.voice) throw new SendError("permanent", "no twiml", "an alert call needs its TwiML");
      await bucket.take(1);
      try {
        const call = await calls.create({
          to: message.to,
          from: provider.voiceFrom,
          twiml: message.voice.twiml,
          statusCallback: statusCallbackUrl(callbackBase, message.deliveryId),
          statusCallbackMethod: "POST",
          statusCallbackEvent: ["completed"],
          // Ring for a minute at most: long enough for someone to reach the phone.
          timeout: 60,
        });
        return { providerId: call.sid };
      } catch (error) {
        const failure = twilioSendError(error);
        if (failure.retryAfterMs !== undefined) bucket.pause(failure.retryAfterMs);
        throw failure;
      }
    },
  };
}
