/**
 * publishApproved: sends an approved alert, through fan-out's publishAlert for a live alert or
 * statement, or publishRestrictedAlert for a drill or a follow-up. First it checks that what is
 * about to go out is still what was approved (the preview hash) and that an alert about a sighting
 * is still about a verified one (its VERIFIED must be true when sent); a cancel then marks the alert it
 * withdraws (and that alert's published updates) cancelled, which also stops their undelivered
 * messages.
 */
import type { Actor } from "../../auth/permissions.ts";
import type { Channel } from "../../db/database.ts";
import { withTransaction } from "../../db/transaction.ts";
import { ApiError } from "../../errors.ts";
import { recordAudit } from "../audit/record-audit.ts";
import { loadAlertFor } from "./alert-access.ts";
import type { AlertRecord, AlertRow } from "./alert-record.ts";
import { sightingStatusOf } from "./approval-facts.ts";
import { mayPublish, unverifiedSighting } from "./approval-rules.ts";
import { type AlertPreview, buildPreview } from "./preview-alert.ts";
import { type PublishContext, PublishRefusedError, publishAlert } from "./publish.ts";
import { publishRestrictedAlert } from "./publish-restricted.ts";
import { type Audience, audienceOf } from "./recipients.ts";

export type PublishOutcome = {
  publishedAt: string;
  audience: Audience;
  deliveries: Record<Channel, number>;
  jobs: number;
  ledgerComplete: boolean;
};

export async function publishApproved({
  ctx,
  input,
}: {
  ctx: PublishContext;
  input: { alertId: string; actor: Actor };
}): Promise<PublishOutcome> {
  return withTransaction(ctx.db, async (tx) => {
    const record = await loadAlertFor(tx, input.alertId, input.actor, { act: true, lock: true });
    const { outcome } = await publishLocked({
      ctx: { ...ctx, db: tx },
      input: { record, actor: input.actor },
    });
    return outcome;
  });
}

/**
 * publishApproved's checks and publish, on a record the caller loaded in the transaction `ctx.db`
 * is, through loadAlertFor with `act` and `lock` (approveAlert, which has just approved it). The
 * checks run on that record and it is what is published. `preview`, when given, was built from
 * this record in this transaction; it is built here otherwise. Returns the row as published.
 */
export async function publishLocked({
  ctx,
  input,
}: {
  ctx: PublishContext;
  input: { record: AlertRecord; actor: Actor; preview?: AlertPreview };
}): Promise<{ outcome: PublishOutcome; row: AlertRow }> {
  const { record } = input;
  const { row } = record;
  const tx = ctx.db;
  if (!mayPublish(record.family, input.actor.role)) {
    throw new ApiError("forbidden", `Your role (${input.actor.role}) may not publish this ${record.family}`);
  }
  if (row.status === "draft") {
    throw new ApiError(
      "conflict",
      "This draft is not approved (an edit since approval voids it): approve it first",
    );
  }
  if (row.status !== "approved") throw new ApiError("conflict", `This alert is ${row.status}, not approved`);
  const untrue = unverifiedSighting(
    row.kind,
    await sightingStatusOf(tx, record),
    row.sighting_label,
    ctx.config.operators.unconfirmedAlerts,
  );
  if (untrue) throw new ApiError("conflict", untrue);
  const preview = input.preview ?? (await buildPreview(tx, ctx, record));
  if (preview.hash !== row.approval_hash) {
    throw new ApiError(
      "conflict",
      "What would be sent is not what was approved: preview and approve it again",
    );
  }
  const audience = audienceOf(row);
  const publishInput = { locked: record, actor: input.actor.id };
  const published = await (audience === "target"
    ? publishAlert({ ctx, input: publishInput })
    : publishRestrictedAlert({ ctx, input: publishInput })
  ).catch((error: unknown) => {
    if (error instanceof PublishRefusedError) throw new ApiError("conflict", error.message);
    throw error;
  });
  if (row.kind === "cancel" && row.references_alert_id) {
    const withdrawn = await tx
      .updateTable("alerts")
      .set({ status: "cancelled", updated_at: published.publishedAt })
      .where("status", "=", "published")
      .where((eb) =>
        eb.or([
          eb("id", "=", row.references_alert_id!),
          eb.and([eb("references_alert_id", "=", row.references_alert_id!), eb("kind", "=", "update")]),
        ]),
      )
      .returning("id")
      .execute();
    await recordAudit(tx, {
      actor: input.actor.id,
      action: "alert.cancelled",
      target: { type: "alert", id: row.references_alert_id },
      details: { by: row.id, reason: row.cancel_reason, withdrawn: withdrawn.map((w) => w.id) },
      at: published.publishedAt,
    });
  }
  return {
    outcome: {
      publishedAt: published.publishedAt.toISOString(),
      audience,
      deliveries: published.deliveries,
      jobs: published.jobs,
      ledgerComplete: published.ledgerComplete,
    },
    row: published.row,
  };
}
