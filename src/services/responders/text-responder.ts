/**
 * Sending one text to a responder through the SMS sender every outbound message uses (Twilio, at
 * its configured rate, or local mode's outbox, where /dev/phone shows it). The number is opened
 * just before the send and goes nowhere else; a failure is reported by the provider's code only.
 */
import type { AppContext } from "../../context.ts";
import { SendError } from "../../delivery/sender.ts";
import { openAddress } from "../../security/addresses.ts";

export type SealedPhone = { phone_ciphertext: Buffer; phone_key_id: string };

export type TextOutcome = { ok: true; providerId: string | null } | { ok: false; error: string };

export async function textResponder(
  ctx: Pick<AppContext, "pii" | "senders" | "log">,
  sealed: SealedPhone,
  text: string,
): Promise<TextOutcome> {
  const to = openAddress(ctx.pii, "sms", {
    address_ciphertext: sealed.phone_ciphertext,
    address_key_id: sealed.phone_key_id,
  });
  try {
    // A dispatch is useless after an hour: let the provider drop it rather than deliver it late.
    const sent = await ctx.senders.sms.send({ channel: "sms", to, text, ttlSeconds: 3600 });
    return { ok: true, providerId: sent.providerId ?? null };
  } catch (error) {
    const code = error instanceof SendError ? error.code : "send_failed";
    ctx.log.warn({ code }, "responder text not sent");
    return { ok: false, error: code };
  }
}
