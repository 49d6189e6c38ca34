/**
 * Named queries on SMS subscribers, their ZIPs and their consent events. Each takes the database
 * or a transaction first, so the caller owns the transaction; the texter's number is already
 * locked (openInbound), so no other message from it changes their state under us.
 * Changes that go together (a status and its consent event; a new subscriber, its consent and its
 * ZIPs) are one statement each: on the webhook's path, round trips are the cost. For the same
 * reason each write that ends a texted command can also store the reply to it (`reply`), and the
 * statements of the webhook's path are PREPARED (src/db/prepared.ts).
 */
import { type RawBuilder, sql } from "kysely";
import type { Channel, ConsentKind, TextChannel } from "../../db/database.ts";
import { PREPARED } from "../../db/prepared.ts";
import type { DbOrTx } from "../../db/transaction.ts";
import type { Language } from "../../i18n/languages.ts";
import { sealAddress } from "../../security/addresses.ts";
import type { PiiCipher } from "../../security/pii.ts";
import type { ReplyToStore, SmsSubscriber, ZipRow } from "./types.ts";

export type Consent = { kind: ConsentKind; channel: Channel; keyword: string };

/** A CTE to follow a WITH's others that stores `reply` on its inbound message; nothing without one. */
function andStoreReply(
  reply: ReplyToStore | undefined,
  onlyIf: RawBuilder<unknown> = sql`true`,
): RawBuilder<unknown> {
  if (!reply) return sql``;
  return sql`, stored_reply AS (
      UPDATE inbound_messages SET reply = ${reply.reply}::text[]
      WHERE message_sid = ${reply.messageSid} AND ${onlyIf}
    )`;
}

/** In one read: the subscriber's ZIPs (sorted) and the reference rows of the ZIPs a message names. */
export async function loadZips(
  db: DbOrTx,
  input: { subscriberId: string | undefined; lookup: readonly string[] },
): Promise<{ zips: string[]; zipRows: ZipRow[] }> {
  const { rows } = await sql<{ zips: string[]; zip_rows: ZipRow[] }>`
    SELECT
      COALESCE((SELECT array_agg(zip ORDER BY zip) FROM subscriptions
                WHERE subscriber_id = ${input.subscriberId ?? null}::uuid), '{}') AS zips,
      COALESCE((SELECT json_agg(json_build_object('zip', zip, 'state', state)) FROM zip_codes
                WHERE zip = ANY(${[...input.lookup]}::text[])), '[]') AS zip_rows`.execute(db);
  const row = rows[0]!;
  return {
    zips: row.zips,
    zipRows: typeof row.zip_rows === "string" ? JSON.parse(row.zip_rows) : row.zip_rows,
  };
}

/**
 * A new subscriber, active, with its opt-in and its ZIPs, in one statement. Undefined when the
 * number was enrolled by a concurrent message in the meantime (the caller then locks that one).
 */
export async function enrolSmsSubscriber(
  db: DbOrTx,
  pii: PiiCipher,
  input: {
    channel: TextChannel;
    phone: string;
    language: Language;
    zips: readonly string[];
    consent: Consent;
    now: Date;
    /** Stored only if the subscriber is created here. */
    reply?: ReplyToStore;
  },
): Promise<SmsSubscriber | undefined> {
  const sealed = sealAddress(pii, input.channel, input.phone);
  const { rows } = await sql<SmsSubscriber>`${PREPARED}
    WITH created AS (
      INSERT INTO subscribers (channel, address_ciphertext, address_key_id, address_index, language, status, updated_at)
      VALUES (${input.channel}, ${sealed.address_ciphertext}, ${sealed.address_key_id}, ${sealed.address_index},
              ${input.language}, 'active', ${input.now})
      ON CONFLICT (channel, address_index) DO NOTHING
      RETURNING id, status, language
    ), consent AS (
      INSERT INTO consent_events (subscriber_id, kind, channel, keyword, language, at)
      SELECT id, ${input.consent.kind}, ${input.consent.channel}, ${input.consent.keyword}, ${input.language}, ${input.now}
      FROM created
    ), zips AS (
      INSERT INTO subscriptions (subscriber_id, zip)
      SELECT created.id, zip FROM created, unnest(${[...input.zips]}::text[]) AS zip
    )${andStoreReply(input.reply, sql`EXISTS (SELECT 1 FROM created)`)}
    SELECT id, status, language FROM created`.execute(db);
  return rows[0];
}

/** `lookup`: every index the number may be stored under (see addressIndexes). */
export async function lockSmsSubscriber(
  db: DbOrTx,
  channel: TextChannel,
  lookup: Buffer[],
): Promise<SmsSubscriber | undefined> {
  return db
    .selectFrom("subscribers")
    .select(["id", "status", "language"])
    .where("channel", "=", channel)
    .where("address_index", "in", lookup)
    .forUpdate()
    .executeTakeFirst();
}

/**
 * Sets a subscriber's status and/or language; with `consent`, records the event in the same
 * statement.
 */
export async function updateSubscriber(
  db: DbOrTx,
  id: string,
  changes: {
    status?: "active" | "stopped";
    language: Language;
    consent?: Consent;
    now: Date;
    reply?: ReplyToStore;
  },
): Promise<void> {
  const { status, language, consent, now } = changes;
  const stoppedAt = status === "stopped" ? now : null;
  await sql`${PREPARED}
    WITH updated AS (
      UPDATE subscribers
      SET language = ${language}, updated_at = ${now},
          status = COALESCE(${status ?? null}::text, status),
          stopped_at = CASE WHEN ${status ?? null}::text IS NULL THEN stopped_at ELSE ${stoppedAt}::timestamptz END
      WHERE id = ${id}
      RETURNING id
    )${andStoreReply(changes.reply)}
    INSERT INTO consent_events (subscriber_id, kind, channel, keyword, language, at)
    SELECT id, ${consent?.kind ?? null}, ${consent?.channel ?? null}, ${consent?.keyword ?? null}, ${language}, ${now}
    FROM updated WHERE ${consent !== undefined}`.execute(db);
}

/**
 * Adds `add` and, with `keepOnly`, drops every ZIP not in it: one statement, none when there is
 * nothing to change (then `reply` is not stored either: the caller sees add empty, no keepOnly).
 */
export async function changeZips(
  db: DbOrTx,
  subscriberId: string,
  input: { add: readonly string[]; keepOnly?: readonly string[]; reply?: ReplyToStore },
): Promise<void> {
  if (input.add.length === 0 && !input.keepOnly) return;
  await sql`${PREPARED}
    WITH dropped AS (
      DELETE FROM subscriptions
      WHERE subscriber_id = ${subscriberId} AND ${input.keepOnly !== undefined}
        AND zip <> ALL(${[...(input.keepOnly ?? [])]}::text[])
    )${andStoreReply(input.reply)}
    INSERT INTO subscriptions (subscriber_id, zip)
    SELECT ${subscriberId}, zip FROM unnest(${[...input.add]}::text[]) AS zip
    ON CONFLICT (subscriber_id, zip) DO NOTHING`.execute(db);
}

export async function addZips(db: DbOrTx, subscriberId: string, zips: readonly string[]): Promise<void> {
  await changeZips(db, subscriberId, { add: zips });
}

/** Deletes the subscriber's subscriptions to these ZIPs (at least one). */
export async function deleteSubscriptions(
  db: DbOrTx,
  subscriberId: string,
  zips: readonly string[],
  reply?: ReplyToStore,
): Promise<void> {
  await sql`${PREPARED}
    WITH deleted AS (
      DELETE FROM subscriptions WHERE subscriber_id = ${subscriberId} AND zip = ANY(${[...zips]}::text[])
    )${andStoreReply(reply)}
    SELECT 1`.execute(db);
}

export async function recordConsent(
  db: DbOrTx,
  event: Consent & { subscriberId: string; language: Language; now: Date },
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
