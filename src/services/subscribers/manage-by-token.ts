/**
 * Managing an email subscription from the link in an alert email: the same signed token as the
 * unsubscribe link (src/security/unsubscribe-token.ts) names the subscriber, so nothing is asked
 * of the resident and no address is typed or shown. Changing ZIPs or language keeps the opt-in as
 * it is; only active subscribers can change anything (a stopped one signs up again).
 */
import type { AppContext } from "../../context.ts";
import type { Channel, SubscriberStatus } from "../../db/database.ts";
import { type DbOrTx, withTransaction } from "../../db/transaction.ts";
import type { Language } from "../../i18n/languages.ts";
import { verifyUnsubscribeToken } from "../../security/unsubscribe-token.ts";
import { resolveZips } from "../subscriptions/service-area.ts";

export type ManagedSubscription = {
  id: string;
  channel: Channel;
  status: SubscriberStatus;
  language: Language;
  zips: string[];
};

type Ctx = Pick<AppContext, "pii" | "clock" | "config"> & { db: DbOrTx };

export async function findManagedSubscription({
  ctx,
  input,
}: {
  ctx: Pick<Ctx, "pii" | "db">;
  input: { token: string };
}): Promise<ManagedSubscription | null> {
  const id = verifyUnsubscribeToken(ctx.pii, input.token);
  if (!id) return null;
  const row = await ctx.db
    .selectFrom("subscribers")
    .select(["id", "channel", "status", "language"])
    .where("id", "=", id)
    .executeTakeFirst();
  if (!row) return null;
  const zips = await ctx.db
    .selectFrom("subscriptions")
    .select("zip")
    .where("subscriber_id", "=", id)
    .orderBy("zip")
    .execute();
  return { ...row, zips: zips.map((z) => z.zip) };
}

/** Changes the ZIPs and language of a subscription found with `findManagedSubscription`. */
export async function changeManagedSubscription({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { subscription: ManagedSubscription; zips: string[]; language: Language };
}): Promise<
  | { ok: true; subscription: ManagedSubscription }
  | { ok: false; reason: "stopped" }
  | { ok: false; reason: "outside"; outside: string[] }
> {
  const current = input.subscription;
  if (current.status !== "active") return { ok: false, reason: "stopped" };
  const { known, unknown } = await resolveZips(ctx.db, ctx.config.serviceArea, input.zips);
  if (unknown.length > 0 || known.length === 0) return { ok: false, reason: "outside", outside: unknown };
  await withTransaction(ctx.db, async (tx) => {
    const now = ctx.clock.now();
    await tx
      .updateTable("subscribers")
      .set({ language: input.language, updated_at: now })
      .where("id", "=", current.id)
      .execute();
    await tx.deleteFrom("subscriptions").where("subscriber_id", "=", current.id).execute();
    await tx
      .insertInto("subscriptions")
      .values(known.map((zip) => ({ subscriber_id: current.id, zip })))
      .execute();
  });
  return { ok: true, subscription: { ...current, language: input.language, zips: [...known].sort() } };
}
