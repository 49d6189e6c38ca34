/**
 * The record of a draft waiting for approval (approval_pages): written when a draft becomes
 * pending, in the drafting transaction, with the two jobs that page its approvers (now) and
 * re-page them (after APPROVER_REPAGE_MINUTES); and marked opened when an approver who may
 * approve it loads its approval page. The jobs carry the alert's id only.
 */

import type { Transaction } from "kysely";
import { fromKysely, type PgBoss } from "pg-boss";
import type { Actor } from "../../auth/permissions.ts";
import type { AppContext } from "../../context.ts";
import type { AlertStatus, Database } from "../../db/database.ts";
import type { DbOrTx } from "../../db/transaction.ts";
import { QUEUES } from "../../jobs/queues.ts";
import type { Family } from "../alerts/alert-record.ts";
import { draftedOrEditedBy, mayApprove } from "../alerts/approval-rules.ts";
import { recordAudit } from "../audit/record-audit.ts";

export type PageJob = { alertId: string; round: "first" | "repage" };

/**
 * The draft is waiting for approval from now (new, or an approved draft whose approval an edit
 * voided): its paging starts again from the beginning.
 */
export async function markPending(
  tx: Transaction<Database>,
  ctx: { boss: PgBoss; repageMinutes: number },
  alertId: string,
  now: Date,
): Promise<void> {
  const fresh = { pending_since: now, paged_at: null, repaged_at: null, opened_at: null, opened_by: null };
  await tx
    .insertInto("approval_pages")
    .values({ alert_id: alertId, ...fresh })
    .onConflict((oc) => oc.column("alert_id").doUpdateSet(fresh))
    .execute();
  const db = fromKysely(tx);
  await ctx.boss.send(QUEUES.pageApprovers, { alertId, round: "first" } satisfies PageJob, { db });
  // A few seconds late, so the re-page decision (on ctx.clock) finds the time has passed.
  await ctx.boss.send(QUEUES.pageApprovers, { alertId, round: "repage" } satisfies PageJob, {
    db,
    startAfter: ctx.repageMinutes * 60 + 5,
  });
}

/** Whether this person would be paged for this draft: they may approve it, and did not write it. */
export function isEligibleApprover(
  draft: { family: Family; authorId: string | null; editorIds: readonly string[]; organisationId: string },
  /** `id` as the alert names its author and editors: "user:<uuid>". */
  user: { id: string; role: Actor["role"]; organisationId: string },
): boolean {
  return (
    user.organisationId === draft.organisationId &&
    mayApprove(draft.family, user.role) &&
    !draftedOrEditedBy(draft, user.id)
  );
}

/**
 * An approver loaded the approval page: the first such opening is recorded, and stops the re-page.
 * Anyone else's look (the author, another role) changes nothing.
 */
export async function recordApprovalPageOpened(
  ctx: Pick<AppContext, "clock"> & { db: DbOrTx },
  draft: {
    id: string;
    status: AlertStatus;
    family: Family;
    authorId: string | null;
    editorIds: readonly string[];
    organisationId: string;
  },
  actor: Pick<Actor, "id" | "subjectId" | "kind" | "role" | "organisationId">,
): Promise<boolean> {
  if (draft.status !== "draft" || actor.kind !== "user" || !isEligibleApprover(draft, actor)) return false;
  const now = ctx.clock.now();
  const opened = await ctx.db
    .updateTable("approval_pages")
    .set({ opened_at: now, opened_by: actor.subjectId })
    .where("alert_id", "=", draft.id)
    .where("opened_at", "is", null)
    .executeTakeFirst();
  if (Number(opened.numUpdatedRows) === 0) return false;
  await recordAudit(ctx.db, {
    actor: actor.id,
    action: "alert.approval_opened",
    target: { type: "alert", id: draft.id },
    at: now,
  });
  return true;
}
