/**
 * The second half of email double opt-in: the link in the confirmation mail. Looking a token up
 * changes nothing (mail scanners open links); confirming is a POST from the page the link opens.
 * Confirming makes the subscriber active with the ZIPs and language asked for, records the opt-in,
 * and is idempotent: a second click finds it already confirmed.
 */

import { withTransaction } from "../../db/transaction.ts";
import type { Language } from "../../i18n/languages.ts";
import { isWellFormedToken, tokenHash } from "./email-token.ts";
import { addZips, updateSubscriber } from "./sms-subscribers.ts";
import type { SubscriptionsContext } from "./types.ts";

export type EmailConfirmation =
  | { state: "invalid" }
  /** Past its expiry but not yet purged by housekeeping (after which it is simply invalid). */
  | { state: "expired"; language: Language }
  | { state: "pending" | "confirmed"; language: Language; zips: string[] };

type ConfirmContext = Pick<SubscriptionsContext, "db" | "clock">;

export async function findEmailConfirmation({
  ctx,
  input,
}: {
  ctx: ConfirmContext;
  input: { token: unknown };
}): Promise<EmailConfirmation> {
  if (!isWellFormedToken(input.token)) return { state: "invalid" };
  const row = await ctx.db
    .selectFrom("email_confirmations")
    .select(["zips", "language", "expires_at", "confirmed_at"])
    .where("token_hash", "=", tokenHash(input.token))
    .executeTakeFirst();
  return view(row, ctx.clock.now());
}

export async function confirmEmail({
  ctx,
  input,
}: {
  ctx: ConfirmContext;
  input: { token: unknown };
}): Promise<EmailConfirmation> {
  const { token } = input;
  if (!isWellFormedToken(token)) return { state: "invalid" };
  const now = ctx.clock.now();
  return withTransaction(ctx.db, async (tx) => {
    const row = await tx
      .selectFrom("email_confirmations")
      .select(["id", "subscriber_id", "zips", "language", "expires_at", "confirmed_at"])
      .where("token_hash", "=", tokenHash(token))
      .forUpdate()
      .executeTakeFirst();
    const current = view(row, now);
    if (!row || current.state !== "pending") return current;
    await updateSubscriber(tx, row.subscriber_id, {
      status: "active",
      language: row.language,
      consent: { kind: "opt_in", channel: "email", keyword: "email_confirm" },
      now,
    });
    await addZips(tx, row.subscriber_id, row.zips);
    await tx.updateTable("email_confirmations").set({ confirmed_at: now }).where("id", "=", row.id).execute();
    return { state: "confirmed", language: row.language, zips: [...row.zips].sort() };
  });
}

function view(
  row: { zips: string[]; language: Language; expires_at: Date; confirmed_at: Date | null } | undefined,
  now: Date,
): EmailConfirmation {
  if (!row) return { state: "invalid" };
  const zips = [...row.zips].sort();
  if (row.confirmed_at) return { state: "confirmed", language: row.language, zips };
  if (row.expires_at.getTime() <= now.getTime()) return { state: "expired", language: row.language };
  return { state: "pending", language: row.language, zips };
}
