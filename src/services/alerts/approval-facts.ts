/**
 * What the approval rules need to know beyond the draft itself: whether a cancel is the
 * pre-written one, and the status now of the sighting an alert is about. Read inside the approving
 * or publishing transaction; the sighting row is locked FOR SHARE, so a verifier marking it a false
 * alarm waits for the publish to commit (or sees it refused) rather than slipping in between.
 */
import type { AppContext } from "../../context.ts";
import type { SightingStatus } from "../../db/database.ts";
import type { DbOrTx } from "../../db/transaction.ts";
import { type AlertRecord, loadAlertRecord } from "./alert-record.ts";
import { isPrewrittenCancel } from "./prewritten-cancel.ts";

export async function sightingStatusOf(db: DbOrTx, record: AlertRecord): Promise<SightingStatus | null> {
  if (record.row.kind !== "sighting" || !record.row.sighting_id) return null;
  const sighting = await db
    .selectFrom("sightings")
    .select("status")
    .where("id", "=", record.row.sighting_id)
    .forShare()
    .executeTakeFirst();
  // A sighting is never deleted while an alert refers to it (foreign key); be strict anyway.
  return sighting?.status ?? "reported";
}

export async function approvalFacts(
  db: DbOrTx,
  ctx: Pick<AppContext, "config">,
  record: AlertRecord,
): Promise<{ prewritten: boolean; sightingStatus: SightingStatus | null }> {
  const prewritten =
    record.row.kind === "cancel" && record.row.references_alert_id !== null
      ? await isPrewrittenCancel(db, ctx, record, await loadAlertRecord(db, record.row.references_alert_id))
      : false;
  return { prewritten, sightingStatus: await sightingStatusOf(db, record) };
}
