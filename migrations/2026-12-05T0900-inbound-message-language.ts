/**
 * inbound_messages.language: the language a texted message was written in or asked for (ES, 中文,
 * HOLA, AYUDA…), null when it gave no sign. A number that has not subscribed has no subscriber row
 * to keep a language on, so "hola" and then "94607" would subscribe it in English; with this the
 * ZIP is subscribed in the language the number last used. It lives and dies with the inbound
 * record (INBOUND_MESSAGE_RETENTION_DAYS, or the sender's erasure), and the partial index finds a
 * number's latest one without reading the others.
 *
 * Frozen: never edit after it has been applied; add a new migration instead.
 */
import { type Kysely, sql } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE inbound_messages ADD COLUMN language text CHECK (language IN ('en', 'es', 'zh', 'vi'))`.execute(
    db,
  );
  await sql`CREATE INDEX inbound_messages_sender_language_idx ON inbound_messages (sender_index, received_at)
    WHERE language IS NOT NULL`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP INDEX inbound_messages_sender_language_idx`.execute(db);
  await sql`ALTER TABLE inbound_messages DROP COLUMN language`.execute(db);
}
