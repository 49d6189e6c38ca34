import type { Kysely, Transaction } from "kysely";
import type { Database } from "./database.ts";

/** Query functions take either the database or a transaction, so the caller owns the transaction. */
export type DbOrTx = Kysely<Database> | Transaction<Database>;

/** Runs `fn` in a transaction, or inside the caller's if it already has one. */
export function withTransaction<T>(db: DbOrTx, fn: (tx: Transaction<Database>) => Promise<T>): Promise<T> {
  return db.isTransaction ? fn(db as Transaction<Database>) : db.transaction().execute(fn);
}
