/** Reading a texter's subscription state back, by number (through the blind index, as the app does). */
import type { AppContext } from "../../src/context.ts";
import type { Channel } from "../../src/db/database.ts";
import { addressIndex } from "../../src/security/addresses.ts";

export type SubscriberState = { id: string; status: string; language: string; zips: string[] } | undefined;

export async function subscriberState(
  ctx: Pick<AppContext, "db" | "pii">,
  address: string,
  channel: Channel = "sms",
): Promise<SubscriberState> {
  const row = await ctx.db
    .selectFrom("subscribers")
    .select(["id", "status", "language"])
    .where("channel", "=", channel)
    .where("address_index", "=", addressIndex(ctx.pii, channel, address))
    .executeTakeFirst();
  if (!row) return undefined;
  const zips = await ctx.db
    .selectFrom("subscriptions")
    .select("zip")
    .where("subscriber_id", "=", row.id)
    .orderBy("zip")
    .execute();
  return { ...row, zips: zips.map((z) => z.zip) };
}

export async function countRows(
  ctx: Pick<AppContext, "db">,
  table: "subscribers" | "subscriptions" | "consent_events" | "inbound_messages" | "email_confirmations",
): Promise<number> {
  const row = await ctx.db
    .selectFrom(table)
    .select((eb) => eb.fn.countAll<string>().as("n"))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
