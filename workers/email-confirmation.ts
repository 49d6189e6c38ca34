/**
 * The email double opt-in mail: job payload { confirmationId } (never the address). The address
 * is decrypted just before the send; the link's token is derived again from the id (see
 * src/services/subscriptions/email-token.ts), so a retried job mails the same link. A confirmation
 * already used or expired is not mailed. A retryable send error throws, so pg-boss retries.
 */
import { z } from "zod";
import type { AppContext } from "../src/context.ts";
import { SendError } from "../src/delivery/sender.ts";
import { openAddress } from "../src/security/addresses.ts";
import { CONFIRMATION_MAIL } from "../src/services/subscriptions/email-confirmation-texts.ts";
import { confirmationUrl, storedConfirmationToken } from "../src/services/subscriptions/email-token.ts";

export const emailConfirmationPayload = z.object({ confirmationId: z.uuid() });

export type EmailConfirmationResult = {
  sent: boolean;
  reason?: "gone" | "confirmed" | "expired" | "rejected";
};

export async function sendEmailConfirmation(
  ctx: Pick<AppContext, "db" | "pii" | "senders" | "config" | "clock" | "log">,
  payload: unknown,
): Promise<EmailConfirmationResult> {
  const { confirmationId } = emailConfirmationPayload.parse(payload);
  const row = await ctx.db
    .selectFrom("email_confirmations as c")
    .innerJoin("subscribers as s", "s.id", "c.subscriber_id")
    .select([
      "c.id",
      "c.subscriber_id",
      "c.zips",
      "c.language",
      "c.expires_at",
      "c.confirmed_at",
      "c.token_hash",
      "s.channel",
      "s.address_ciphertext",
      "s.address_key_id",
    ])
    .where("c.id", "=", confirmationId)
    .executeTakeFirst();
  if (row?.channel !== "email") return { sent: false, reason: "gone" };
  if (row.confirmed_at) return { sent: false, reason: "confirmed" };
  if (row.expires_at.getTime() <= ctx.clock.now().getTime()) return { sent: false, reason: "expired" };

  const to = openAddress(ctx.pii, "email", row);
  const url = confirmationUrl(ctx.config.publicUrl, storedConfirmationToken(ctx.pii, row.id, row.token_hash));
  const mail = CONFIRMATION_MAIL[row.language];
  const hours = Math.max(1, Math.round((row.expires_at.getTime() - ctx.clock.now().getTime()) / 3_600_000));
  const words = {
    program: ctx.config.program.name,
    zips: [...row.zips].sort().join(", "),
    url,
    hours,
  };
  try {
    await ctx.senders.email.send({
      channel: "email",
      to,
      subscriberId: row.subscriber_id,
      subject: mail.subject(words),
      text: mail.text(words),
    });
  } catch (error) {
    if (error instanceof SendError && error.kind === "permanent") {
      ctx.log.warn({ confirmation: row.id, code: error.code }, "email confirmation rejected by the provider");
      return { sent: false, reason: "rejected" };
    }
    throw error;
  }
  return { sent: true };
}
