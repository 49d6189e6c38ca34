/**
 * startWebEmailOptIn: someone asked on the subscribe page for alerts by email. As with an email
 * texted in (start-email-opt-in.ts), this is double opt-in: the address gets a pending subscriber
 * and a confirmation mail with an expiring link, and nothing else reaches it until the link is
 * followed (confirmEmail applies the ZIPs and language then). An existing subscriber is never
 * changed here, since anyone can type anyone's address; the answer is the same whether or not the
 * address is known, so the page cannot be used to find out who subscribed. The address is read as
 * one addr-spec and lower-cased (src/security/email-address.ts; anything else is refused), and a
 * mailbox gets at most one confirmation mail per RESEND_AFTER_MINUTES however its address is
 * written and whichever way it was asked for (confirmation-mail-limit.ts). The job carries the
 * confirmation's id only.
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

export type WebEmailOptIn =
  | { ok: true; hours: number }
  | { ok: false; outside: string[] }
  | { ok: false; invalidEmail: true };

export async function startWebEmailOptIn({
  ctx,
  input,
}: {
  ctx: SubscriptionsContext;
  input: { email: string; zips: string[]; language: Language };
}): Promise<WebEmailOptIn> {
  const { config, pii } = ctx;
  const address = canonicalEmail(input.email);
  if (!address) return { ok: false, invalidEmail: true };
  const { known, unknown } = await resolveZips(ctx.db, config.serviceArea, input.zips);
  if (unknown.length > 0 || known.length === 0) return { ok: false, outside: unknown };
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
        zips: known,
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
