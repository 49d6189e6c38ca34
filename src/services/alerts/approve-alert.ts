/**
 * approveAlert: the second person's act. The approver quotes the preview hash; the rules in
 * approval-rules.ts decide; the approval is recorded and, unless asked to wait, the alert is
 * published in the same transaction, so an approval never half-happens. The alert is loaded once,
 * locked, and that record is what is checked, approved, published and returned.
 */
import type { Actor } from "../../auth/permissions.ts";
import { withTransaction } from "../../db/transaction.ts";
import { ApiError } from "../../errors.ts";
import { recordAudit } from "../audit/record-audit.ts";
import { loadAlertFor } from "./alert-access.ts";
import { type AlertView, toAlertView } from "./alert-record.ts";
import { approvalFacts } from "./approval-facts.ts";
import { decideApproval } from "./approval-rules.ts";
import { buildPreview } from "./preview-alert.ts";
import type { PublishContext } from "./publish.ts";
import { type PublishOutcome, publishLocked } from "./publish-approved.ts";

export async function approveAlert({
  ctx,
  input,
}: {
  ctx: PublishContext;
  input: { alertId: string; hash: string; publishNow: boolean; actor: Actor };
}): Promise<{ alert: AlertView; published: PublishOutcome | null }> {
  return withTransaction(ctx.db, async (tx) => {
    const now = ctx.clock.now();
    const record = await loadAlertFor(tx, input.alertId, input.actor, { act: true, lock: true });
    const preview = await buildPreview(tx, ctx, record);
    const decision = decideApproval({
      family: record.family,
      kind: record.row.kind,
      status: record.row.status,
      authorId: record.row.author_id,
      editorIds: record.row.editor_ids,
      actor: { id: input.actor.id, kind: input.actor.kind, role: input.actor.role },
      quotedHash: input.hash,
      currentHash: preview.hash,
      verifierMayCancelAlone: ctx.config.operators.verifierMayCancelAlone,
      sightingLabel: record.row.sighting_label,
      unconfirmedAlerts: ctx.config.operators.unconfirmedAlerts,
      ...(await approvalFacts(tx, ctx, record)),
    });
    if (!decision.ok) throw new ApiError(decision.code, decision.reason);
    const approved = await tx
      .updateTable("alerts")
      .set({
        status: "approved",
        approver_id: input.actor.id,
        approved_at: now,
        approval_hash: preview.hash,
        updated_at: now,
      })
      .where("id", "=", record.row.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    // The locked record, as approved: what publishing checks and sends, and what is returned.
    const locked = { ...record, row: approved };
    await recordAudit(tx, {
      actor: input.actor.id,
      action: "alert.approved",
      target: { type: "alert", id: record.row.id },
      details: { hash: preview.hash, alone: decision.alone, recipients: preview.recipients.total },
      at: now,
    });
    if (!input.publishNow) return { alert: toAlertView(locked), published: null };
    const published = await publishLocked({
      ctx: { ...ctx, db: tx },
      input: { record: locked, actor: input.actor, preview },
    });
    return { alert: toAlertView({ ...locked, row: published.row }), published: published.outcome };
  });
}
