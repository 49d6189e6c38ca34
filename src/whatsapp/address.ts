/**
 * Twilio carries WhatsApp on the Messages API and the inbound webhook with a "whatsapp:" prefix on
 * the addresses ("whatsapp:+15105550123"). Inside Aviso a WhatsApp address is the bare E.164
 * number, sealed and blind-indexed under the `whatsapp` channel (so it never matches the same
 * number's SMS row); the prefix is added back only on the way out to Twilio.
 */
import type { Config } from "../config.ts";
import type { TextChannel } from "../db/database.ts";

export const WHATSAPP_PREFIX = "whatsapp:";

/** Which text channel an inbound `From` is on, and the address without Twilio's prefix. */
export function inboundChannel(from: string): { channel: TextChannel; address: string } {
  const trimmed = from.trim();
  return trimmed.toLowerCase().startsWith(WHATSAPP_PREFIX)
    ? { channel: "whatsapp", address: trimmed.slice(WHATSAPP_PREFIX.length) }
    : { channel: "sms", address: trimmed };
}

/**
 * Whether WhatsApp messages are taken: when a WhatsApp sender is configured, and in local mode
 * (no Twilio account), where the phone simulator plays a WhatsApp phone. Otherwise a "whatsapp:"
 * sender is refused like any other address we do not serve.
 */
export function whatsappAccepted(config: Pick<Config, "whatsapp" | "sms">): boolean {
  return config.whatsapp !== undefined || config.sms === undefined;
}

export function toWhatsAppAddress(e164: string): string {
  return `${WHATSAPP_PREFIX}${e164}`;
}
