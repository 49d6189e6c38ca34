/**
 * WhatsApp through Twilio's Messages API (the SMS account, TWILIO_WHATSAPP_FROM as the sender),
 * paced by a token bucket of its own (WHATSAPP_RATE_PER_SECOND). Inside the resident's 24-hour
 * window the alert goes as free-form text; outside, as the approved template (ContentSid and
 * ContentVariables). A free-form text WhatsApp refuses as outside the window (63016: our record of
 * the window was wrong, or the message waited in a queue) goes again at once as the template.
 * Twilio's answers become SendErrors as for SMS, with WhatsApp's own codes (whatsapp-codes.ts).
 */
import type { SmsProvider, WhatsAppSettings } from "../config.ts";
import { createMessage } from "../sms/create-message.ts";
import { closeTwilioClient } from "../sms/twilio-client.ts";
import { toWhatsAppAddress } from "../whatsapp/address.ts";
import { type OutboundMessage, SendError, type Sender } from "./sender.ts";
import { createTokenBucket } from "./token-bucket.ts";
import { senderClient, statusCallbackUrl, TWILIO_STATUS_PATH, twilioSendError } from "./twilio-sender.ts";
import {
  WHATSAPP_ADDRESS_DEAD,
  WHATSAPP_OUTSIDE_WINDOW,
  WHATSAPP_PERMANENT,
  WHATSAPP_RETRY,
} from "./whatsapp-codes.ts";

export type WhatsAppSenderOptions = { publicUrl: string; ratePerSecond: number; timeoutMs?: number };

export function createWhatsAppSender(
  provider: SmsProvider,
  whatsapp: WhatsAppSettings,
  options: WhatsAppSenderOptions,
): Sender {
  const client = senderClient(provider, options.timeoutMs);
  const bucket = createTokenBucket(options.ratePerSecond);
  const callbackBase = `${options.publicUrl}${TWILIO_STATUS_PATH}`;
  const from = toWhatsAppAddress(whatsapp.from);

  async function create(message: OutboundMessage, content: "free_form" | "template") {
    const template = message.whatsapp?.template;
    await bucket.take(1);
    const sent = await createMessage(client, {
      To: toWhatsAppAddress(message.to),
      From: from,
      StatusCallback: statusCallbackUrl(callbackBase, message.deliveryId),
      ...(content === "template" && template
        ? { ContentSid: template.contentSid, ContentVariables: JSON.stringify(template.variables) }
        : { Body: message.text }),
    });
    return sent.sid === undefined ? {} : { providerId: sent.sid };
  }

  return {
    channel: "whatsapp",
    mode: "provider",
    close: () => closeTwilioClient(client),
    async send(message: OutboundMessage) {
      const hasTemplate = Boolean(message.whatsapp?.template);
      const freeForm = message.whatsapp?.freeForm === true || !hasTemplate;
      try {
        try {
          return await create(message, freeForm ? "free_form" : "template");
        } catch (error) {
          if (!(freeForm && hasTemplate && codeOf(error) === WHATSAPP_OUTSIDE_WINDOW)) throw error;
          return await create(message, "template");
        }
      } catch (error) {
        const failure = whatsappSendError(error);
        if (failure.retryAfterMs !== undefined) bucket.pause(failure.retryAfterMs);
        throw failure;
      }
    },
  };
}

function codeOf(error: unknown): number | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "number" ? code : undefined;
}

/** WhatsApp's codes first, then everything Twilio's SMS mapping knows (429, 5xx, auth, network). */
export function whatsappSendError(error: unknown): SendError {
  if (error instanceof SendError) return error;
  const status = (error as { status?: unknown } | null)?.status;
  const code = codeOf(error);
  if (typeof status === "number" && code !== undefined) {
    const label = `twilio ${code}`;
    if (WHATSAPP_RETRY[code]) {
      return new SendError("retry", label, `${label}: ${WHATSAPP_RETRY[code]}`, {
        ...(code === 63018 ? { retryAfterMs: 1_000 } : {}),
      });
    }
    if (WHATSAPP_ADDRESS_DEAD[code]) {
      return new SendError("permanent", label, `${label}: ${WHATSAPP_ADDRESS_DEAD[code]}`, {
        addressDead: true,
      });
    }
    if (WHATSAPP_PERMANENT[code])
      return new SendError("permanent", label, `${label}: ${WHATSAPP_PERMANENT[code]}`);
  }
  return twilioSendError(error);
}
