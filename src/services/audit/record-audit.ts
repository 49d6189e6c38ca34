/**
 * The audit log: who did what to which object, and when. Append-only (a trigger refuses UPDATE
 * and DELETE). Details name objects and outcomes, never a subscriber's or reporter's data.
 * Every entry is written here, one or a batch in one statement.
 */
import type { DbOrTx } from "../../db/transaction.ts";

export type AuditEntry = {
  actor: string;
  action: string;
  target?: { type: string; id: string };
  details?: object;
  at?: Date;
};

export async function recordAudit(db: DbOrTx, entries: AuditEntry | readonly AuditEntry[]): Promise<void> {
  const batch = "action" in entries ? [entries] : entries;
  if (batch.length === 0) return;
  await db
    .insertInto("audit_log")
    .values(
      batch.map((entry) => ({
        actor: entry.actor,
        action: entry.action,
        target_type: entry.target?.type ?? null,
        target_id: entry.target?.id ?? null,
        details: JSON.stringify(entry.details ?? {}),
        ...(entry.at ? { at: entry.at } : {}),
      })),
    )
    .execute();
}
