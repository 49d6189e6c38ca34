/**
 * startEmailOptIn: someone asked for alerts by email, on the subscribe page or by texting an
 * address. Email is double opt-in: the address gets a pending subscriber and a confirmation mail
 * with an expiring link, and nothing else reaches it until the link is followed (confirmEmail
 * applies the ZIPs and language then).
 *
 * Anyone can type or text anyone's address, so an existing subscriber, pending or not, is never
 * changed here: what was asked for waits in the confirmation row. The answer is the same whether
 * or not the address is known. The address is read as one addr-spec and lower-cased
 * (src/security/email-address.ts; anything else is refused), and a mailbox gets at most one
 * confirmation mail per RESEND_AFTER_MINUTES however its address is written and whichever way it
 * was asked for (confirmation-mail-limit.ts). The job carries the confirmation's id, never the
 * address.
 *
 * The ways in differ only in their ZIPs: a texter's are the ones they follow by SMS (checked when
 * they subscribed; a texter with none is refused), the form's are checked here against the
 * service area.
 */
import { randomUUID } from "node:crypto";
import { fromKysely } from "pg-boss";
import { withTransaction } from "../../db/transaction.ts";
import type { Language } from "../../i18n/languages.ts";
import { QUEUES } from "../../jobs/queues.ts";
import { addressIndexes, sealAddress } from "../../security/addresses.ts";
import { canonicalEmail } from "../../security/email-address.ts";
import { takeConfirmationMailSlot } from "./confirmation-mail-limit.ts";
import { confirmationToken, tokenHash } from "./email-token.ts";
import { resolveZips } from "./service-area.ts";
import type { SubscriptionsContext } from "./types.ts";

export type EmailOptInRequest = {
  via: "text" | "web";
  email: string;
  zips: string[];
  language: Language;
};

/** `outside`: the ZIPs outside the service area (empty when there was no ZIP at all). */
export type EmailOptIn =
  | { ok: true; hours: number }
  | { ok: false; outside: string[] }
  | { ok: false; invalidEmail: true };

export async function startEmailOptIn({
  ctx,
  input,
}: {
  ctx: SubscriptionsContext;
  input: EmailOptInRequest;
}): Promise<EmailOptIn> {
  const { config, pii } = ctx;
  if (input.via === "text" && input.zips.length === 0) return { ok: false, outside: [] };
  const address = canonicalEmail(input.email);
  if (!address) return { ok: false, invalidEmail: true };
  let zips = input.zips;
  if (input.via === "web") {
    const { known, unknown } = await resolveZips(ctx.db, config.serviceArea, input.zips);
    if (unknown.length > 0 || known.length === 0) return { ok: false, outside: unknown };
    zips = known;
  }
  const hours = config.inboundSms.emailConfirmationTtlHours;
  await withTransaction(ctx.db, async (tx) => {
    const now = ctx.clock.now();
    // Found under any blind-index key in use (a rotation may be under way), created only if absent.
    const lookup = addressIndexes(pii, "email", address);
    const lock = () =>
      tx
        .selectFrom("subscribers")
        .select(["id"])
        .where("channel", "=", "email")
        .where("address_index", "in", lookup)
        .orderBy("created_at")
        .limit(1)
        .forUpdate()
        .executeTakeFirst();
    if (!(await lock())) {
      await tx
        .insertInto("subscribers")
        .values({
          channel: "email",
          ...sealAddress(pii, "email", address),
          language: input.language,
          status: "pending",
          updated_at: now,
          stopped_at: null,
        })
        .onConflict((oc) => oc.columns(["channel", "address_index"]).doNothing())
        .execute();
    }
    const subscriber = await lock();
    if (!subscriber) throw new Error("email subscriber vanished between insert and select");
    if (!(await takeConfirmationMailSlot({ db: tx, pii }, { address, now }))) return;
    const id = randomUUID();
    await tx
      .insertInto("email_confirmations")
      .values({
        id,
        subscriber_id: subscriber.id,
        token_hash: tokenHash(confirmationToken(pii, id)),
        zips,
        language: input.language,
        created_at: now,
        expires_at: new Date(now.getTime() + hours * 3_600_000),
        confirmed_at: null,
      })
      .execute();
    await ctx.boss.send(QUEUES.emailConfirmation, { confirmationId: id }, { db: fromKysely(tx) });
  });
  return { ok: true, hours };
}
