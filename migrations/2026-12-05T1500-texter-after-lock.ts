/**
 * texter_after_lock: the texter's advisory lock and the reads that must come after it, inside the
 * statement that claims an inbound message (src/services/subscriptions/inbound-messages.ts), so a
 * text costs one round trip fewer (issue 20, point 5).
 *
 * Why a function: a statement's snapshot is taken when it starts, before any lock it waits for
 * inside, so a plain `SELECT pg_advisory_xact_lock(…)` in the claim's WITH would let the claim read
 * the texter as it was before the message it waited for had committed. A VOLATILE function's
 * queries each take a fresh snapshot (READ COMMITTED), so the reads below, made after the lock, see
 * everything the number's earlier messages committed: two texts from one number still apply one
 * after the other, as with the separate lock statement before.
 *
 * It returns the texter's subscriber row (none: nulls), their ZIPs, the language the number's
 * earlier messages last showed (not this one's, `message_sid`, which the claim may already have
 * inserted), whether the number is on a responder roster and, when the message was not claimed
 * here (Twilio's retry), the reply stored for it. The last language is looked up index by index:
 * with `sender_index = ANY(indexes)` Postgres 15 cannot walk inbound_messages_sender_language_idx
 * in order, and plans a backward scan of the whole table by received_at instead (hundreds of rows
 * a text in the benchmark, all of them for a number that never showed a language).
 * `claimed` is the claim's outcome: taking it as an
 * argument makes the claim run first, so a concurrent duplicate has waited for the first one's
 * commit before it reads that reply.
 *
 * Frozen: never edit after it has been applied; add a new migration instead.
 */
import { type Kysely, sql } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE FUNCTION texter_after_lock(lock_class int, lock_key int, texter_channel text, indexes bytea[],
                                      this_message text, claimed boolean)
    RETURNS TABLE (id uuid, status text, language text, zips text[], last_language text,
                   on_roster boolean, stored_reply text[])
    LANGUAGE plpgsql VOLATILE AS $$
    BEGIN
      PERFORM pg_advisory_xact_lock(lock_class, lock_key);
      RETURN QUERY
        SELECT t.id, t.status, t.language,
          COALESCE((SELECT array_agg(s.zip ORDER BY s.zip) FROM subscriptions s WHERE s.subscriber_id = t.id), '{}'),
          (SELECT earlier.language FROM unnest(indexes) AS i (sender_index),
             LATERAL (SELECT m.language, m.received_at FROM inbound_messages m
                      WHERE m.sender_index = i.sender_index AND m.language IS NOT NULL
                        AND m.message_sid <> this_message
                      ORDER BY m.received_at DESC LIMIT 1) AS earlier
           ORDER BY earlier.received_at DESC LIMIT 1),
          EXISTS (SELECT 1 FROM responders r WHERE r.phone_index = ANY(indexes)),
          CASE WHEN claimed THEN NULL
               ELSE (SELECT m.reply FROM inbound_messages m WHERE m.message_sid = this_message) END
        FROM (SELECT 1) AS one
        LEFT JOIN subscribers t ON t.channel = texter_channel AND t.address_index = ANY(indexes);
    END
    $$`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP FUNCTION texter_after_lock(int, int, text, bytea[], text, boolean)`.execute(db);
}
