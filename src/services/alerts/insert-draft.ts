/**
 * insertDraft: writes a draft that passed the rules (draft-rules.ts): the alert row, its texts and
 * its audit entry, in the caller's transaction, and the jobs that page its approvers
 * (src/services/paging/). Alerts, statements and follow-ups are all drafted
 * through it.
 */
import type { Transaction } from "kysely";
import type { Actor } from "../../auth/permissions.ts";
import type { AppContext } from "../../context.ts";
import type { AlertKind, AlertPriority, Channel, Database } from "../../db/database.ts";
import { recordAudit } from "../audit/record-audit.ts";
import { markPending } from "../paging/approval-pages.ts";
import { type Texts, writeTexts } from "./alert-record.ts";

export type DraftValues = {
  kind: AlertKind;
  priority: AlertPriority;
  targetZips: string[];
  channels: Channel[];
  drill: boolean;
  expiresAt: Date;
  sightingId?: string | null;
  referencesAlertId?: string | null;
  cancelReason?: "all_clear" | "false_alarm" | null;
  link?: string | null;
  /** UNCONFIRMED on a sighting alert, VERIFIED on the update that follows one (compose.ts). */
  sightingLabel?: "unconfirmed" | "verified" | null;
  texts: Texts;
};

export async function insertDraft(
  tx: Transaction<Database>,
  actor: Actor,
  values: DraftValues,
  now: Date,
  details: Record<string, unknown>,
  /** For paging its approvers: the job queue and APPROVER_REPAGE_MINUTES. */
  ctx: Pick<AppContext, "boss" | "config">,
): Promise<string> {
  const { id } = await tx
    .insertInto("alerts")
    .values({
      kind: values.kind,
      priority: values.priority,
      target_zips: values.targetZips,
      channels: values.channels,
      is_drill: values.drill,
      sender_org: actor.organisationName,
      organisation_id: actor.organisationId,
      author_id: actor.id,
      approver_id: null,
      references_alert_id: values.referencesAlertId ?? null,
      sighting_id: values.sightingId ?? null,
      cancel_reason: values.cancelReason ?? null,
      link: values.link ?? null,
      sighting_label: values.sightingLabel ?? null,
      expires_at: values.expiresAt,
      created_at: now,
      updated_at: now,
      published_at: null,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  await writeTexts(tx, id, values.texts);
  await recordAudit(tx, {
    actor: actor.id,
    action: "alert.drafted",
    target: { type: "alert", id },
    details: {
      kind: values.kind,
      priority: values.priority,
      drill: values.drill,
      languages: Object.keys(values.texts),
      ...(values.sightingId ? { sighting: values.sightingId } : {}),
      ...(values.referencesAlertId ? { references: values.referencesAlertId } : {}),
      ...details,
    },
    at: now,
  });
  // Waiting for approval from now: its approvers are paged by a job once this commits.
  await markPending(
    tx,
    { boss: ctx.boss, repageMinutes: ctx.config.operators.approverRepageMinutes },
    id,
    now,
  );
  return id;
}
