/**
 * inbound_messages becomes UNLOGGED. It only makes a retried MessageSid get the same answer, and
 * every inbound text writes it twice (the claim, then the reply), so writing it to the WAL was most
 * of what Postgres spent on a text. Unlogged, a crash empties it (a text Twilio retries across a
 * crash may be applied again: the commands are idempotent in effect, only the reply may differ),
 * and it never reaches WAL archives, backups or replicas, which suits a record of who texted.
 *
 * Frozen: never edit after it has been applied; add a new migration instead.
 */
import { type Kysely, sql } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE inbound_messages SET UNLOGGED`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE inbound_messages SET LOGGED`.execute(db);
}
