/**
 * startEmailOptIn: someone texted an email address. Email is double opt-in: the address gets a
 * pending subscriber (with the texter's ZIPs and language) and a confirmation mail, and nothing else
 * reaches it until the link in that mail is followed (confirmEmail).
 *
 * Someone may text another person's address, so an existing email subscriber is never changed
 * here: what was asked for waits in the confirmation row and is applied only on confirmation. The
 * address is read as one addr-spec and lower-cased (src/security/email-address.ts), and a mailbox
 * gets at most one confirmation mail per RESEND_AFTER_MINUTES however its address is written and
 * whichever way it was asked for (confirmation-mail-limit.ts), so nobody can be mail-bombed by
 * text. The job carries the confirmation's id, never the address.
 */
import { randomUUID } from "node:crypto";
import { fromKysely } from "pg-boss";
import type { DbOrTx } from "../../db/transaction.ts";
import type { Language } from "../../i18n/languages.ts";
import { QUEUES } from "../../jobs/queues.ts";
import { addressIndexes, sealAddress } from "../../security/addresses.ts";
import { canonicalEmail } from "../../security/email-address.ts";
import { emailConfirmationSentReply, invalidEmailReply, nothingToStartReply } from "../../sms/replies.ts";
import { takeConfirmationMailSlot } from "./confirmation-mail-limit.ts";
import { confirmationToken, tokenHash } from "./email-token.ts";
import { exampleZip } from "./service-area.ts";
import { addZips, updateSubscriber } from "./sms-subscribers.ts";
import type { SmsOutcome, SubscriberRef, SubscriptionsContext, Texter } from "./types.ts";

export async function startEmailOptIn({
  ctx,
  input,
}: {
  ctx: SubscriptionsContext;
  input: { texter: Texter; email: string; language: Language };
}): Promise<SmsOutcome> {
  const { config, db, pii } = ctx;
  const { language } = input;
  const { subscriber: sms, zips } = input.texter;
  if (!sms || zips.length === 0) {
    return {
      reply: [
        nothingToStartReply(language, {
          program: config.program.name,
          example: await exampleZip(db, config),
        }),
      ],
    };
  }
  const address = canonicalEmail(input.email);
  if (!address) return { reply: [invalidEmailReply(language)] };
  if (sms.language !== language) await updateSubscriber(db, sms.id, { language, now: ctx.clock.now() });

  const now = ctx.clock.now();
  const subscriber = await lockOrCreateEmailSubscriber(db, pii, address, language, now);
  if (subscriber.status === "pending") {
    await addZips(db, subscriber.id, zips);
    if (subscriber.language !== language) await updateSubscriber(db, subscriber.id, { language, now });
  }

  if (await takeConfirmationMailSlot({ db, pii }, { address, now })) {
    const id = randomUUID();
    await db
      .insertInto("email_confirmations")
      .values({
        id,
        subscriber_id: subscriber.id,
        token_hash: tokenHash(confirmationToken(pii, id)),
        zips,
        language,
        created_at: now,
        expires_at: new Date(now.getTime() + config.inboundSms.emailConfirmationTtlHours * 3_600_000),
        confirmed_at: null,
      })
      .execute();
    await ctx.boss.send(QUEUES.emailConfirmation, { confirmationId: id }, { db: fromKysely(db) });
  }
  return { reply: [emailConfirmationSentReply(language)] };
}

async function lockOrCreateEmailSubscriber(
  db: DbOrTx,
  pii: SubscriptionsContext["pii"],
  address: string,
  language: Language,
  now: Date,
): Promise<SubscriberRef> {
  const lookup = addressIndexes(pii, "email", address);
  const lock = () =>
    db
      .selectFrom("subscribers")
      .select(["id", "status", "language"])
      .where("channel", "=", "email")
      .where("address_index", "in", lookup)
      .forUpdate()
      .executeTakeFirst();
  const existing = await lock();
  if (existing) return existing;
  const created = await db
    .insertInto("subscribers")
    .values({
      channel: "email",
      ...sealAddress(pii, "email", address),
      language,
      status: "pending",
      updated_at: now,
      stopped_at: null,
    })
    .onConflict((oc) => oc.columns(["channel", "address_index"]).doNothing())
    .returning(["id", "status", "language"])
    .executeTakeFirst();
  const subscriber = created ?? (await lock());
  if (!subscriber) throw new Error("email subscriber vanished between insert and select");
  return subscriber;
}
