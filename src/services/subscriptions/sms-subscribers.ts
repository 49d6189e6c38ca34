/**
 * Named queries on SMS subscribers, their ZIPs and their consent events. Each takes the database
 * or a transaction first, so the caller owns the transaction; the texter's subscriber row is locked
 * (FOR UPDATE) for the whole of it, so two messages from one number are applied one after the other.
 */
import type { Channel, ConsentKind } from "../../db/database.ts";
import type { DbOrTx } from "../../db/transaction.ts";
import type { Language } from "../../i18n/languages.ts";
import { sealAddress } from "../../security/addresses.ts";
import type { PiiCipher } from "../../security/pii.ts";
import type { SmsSubscriber } from "./types.ts";

export async function lockSmsSubscriber(db: DbOrTx, index: Buffer): Promise<SmsSubscriber | undefined> {
  return db
    .selectFrom("subscribers")
    .select(["id", "status", "language"])
    .where("channel", "=", "sms")
    .where("address_index", "=", index)
    .forUpdate()
    .executeTakeFirst();
}

/** Creates the subscriber, or locks the one a concurrent message from the same number created. */
export async function createSmsSubscriber(
  db: DbOrTx,
  pii: PiiCipher,
  input: { phone: string; index: Buffer; language: Language; now: Date },
): Promise<SmsSubscriber> {
  const created = await db
    .insertInto("subscribers")
    .values({
      channel: "sms",
      ...sealAddress(pii, "sms", input.phone),
      language: input.language,
      status: "active",
      updated_at: input.now,
      stopped_at: null,
    })
    .onConflict((oc) => oc.columns(["channel", "address_index"]).doNothing())
    .returning(["id", "status", "language"])
    .executeTakeFirst();
  if (created) return created;
  const existing = await lockSmsSubscriber(db, input.index);
  if (!existing) throw new Error("subscriber vanished between insert and select");
  return existing;
}

export async function updateSubscriber(
  db: DbOrTx,
  id: string,
  changes: { status?: "active" | "stopped"; language?: Language; now: Date },
): Promise<void> {
  const { now, ...rest } = changes;
  await db
    .updateTable("subscribers")
    .set({
      ...rest,
      updated_at: now,
      ...(rest.status === "stopped" ? { stopped_at: now } : {}),
      ...(rest.status === "active" ? { stopped_at: null } : {}),
    })
    .where("id", "=", id)
    .execute();
}

/** The subscriber's ZIPs, sorted. */
export async function zipsOf(db: DbOrTx, subscriberId: string): Promise<string[]> {
  const rows = await db
    .selectFrom("subscriptions")
    .select("zip")
    .where("subscriber_id", "=", subscriberId)
    .orderBy("zip")
    .execute();
  return rows.map((row) => row.zip);
}

export async function addZips(db: DbOrTx, subscriberId: string, zips: readonly string[]): Promise<void> {
  if (zips.length === 0) return;
  await db
    .insertInto("subscriptions")
    .values(zips.map((zip) => ({ subscriber_id: subscriberId, zip })))
    .onConflict((oc) => oc.columns(["subscriber_id", "zip"]).doNothing())
    .execute();
}

/** Removes the given ZIPs (all of them when `zips` is undefined); returns those that were there. */
export async function removeZips(
  db: DbOrTx,
  subscriberId: string,
  zips?: readonly string[],
): Promise<string[]> {
  if (zips?.length === 0) return [];
  let query = db.deleteFrom("subscriptions").where("subscriber_id", "=", subscriberId);
  if (zips) query = query.where("zip", "in", zips);
  const rows = await query.returning("zip").execute();
  return rows.map((row) => row.zip).sort();
}

export async function recordConsent(
  db: DbOrTx,
  event: {
    subscriberId: string;
    kind: ConsentKind;
    channel: Channel;
    keyword: string;
    language: Language;
    now: Date;
  },
): Promise<void> {
  await db
    .insertInto("consent_events")
    .values({
      subscriber_id: event.subscriberId,
      kind: event.kind,
      channel: event.channel,
      keyword: event.keyword,
      language: event.language,
      at: event.now,
    })
    .execute();
}
