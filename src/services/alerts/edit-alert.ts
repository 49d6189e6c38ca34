/**
 * editAlert: change a draft (texts, priority, target, channels, expiry, link). An edit of an
 * approved alert voids its approval: it is a draft again and needs a new preview and approval.
 * Whoever edits someone else's draft joins its editors and may no longer approve it. Published
 * alerts are not edited: follow them up with an update or a cancel.
 */
import type { Actor } from "../../auth/permissions.ts";
import type { AppContext } from "../../context.ts";
import type { AlertPriority, Channel } from "../../db/database.ts";
import { withTransaction } from "../../db/transaction.ts";
import { ApiError, invalid } from "../../errors.ts";
import { LANGUAGES, type Language } from "../../i18n/languages.ts";
import { recordAudit } from "../audit/record-audit.ts";
import { markPending } from "../paging/approval-pages.ts";
import { loadAlertFor } from "./alert-access.ts";
import { type AlertView, alertView, type TextInput, type Texts, writeTexts } from "./alert-record.ts";
import { checkChannels, checkTexts, expiryFor, requireDrafter } from "./draft-rules.ts";
import { resolveTarget, type TargetInput } from "./targets.ts";

export type AlertChanges = {
  /** Per language: a whole text adds the language; a partial one edits what the alert has. */
  texts?: Partial<Record<Language, Partial<TextInput> | null>>;
  priority?: AlertPriority;
  target?: TargetInput;
  channels?: Channel[];
  expiresAt?: Date;
  link?: string | null;
};

export async function editAlert({
  ctx,
  input,
}: {
  ctx: Pick<AppContext, "db" | "clock" | "config" | "boss">;
  input: { alertId: string; changes: AlertChanges; actor: Actor };
}): Promise<AlertView> {
  return withTransaction(ctx.db, async (tx) => {
    const now = ctx.clock.now();
    const record = await loadAlertFor(tx, input.alertId, input.actor, { act: true, lock: true });
    const { row } = record;
    requireDrafter(record.family, input.actor);
    if (row.status !== "draft" && row.status !== "approved") {
      throw new ApiError(
        "conflict",
        `A ${row.status} alert cannot be edited: follow it up with an update or a cancel`,
      );
    }
    const c = input.changes;
    const followUp = row.references_alert_id !== null;
    if (followUp && (c.target || c.channels)) {
      throw invalid(
        c.target ? "target" : "channels",
        "a follow-up goes to the original's recipients on its channels",
      );
    }
    const texts = c.texts ? mergeTexts(record.texts, c.texts) : record.texts;
    const priority = c.priority ?? row.priority;
    checkTexts(texts, {
      alert: {
        kind: row.kind,
        priority,
        is_drill: row.is_drill,
        ...(row.cancel_reason ? { cancelReason: row.cancel_reason } : {}),
        verifiedSighting: row.sighting_id !== null,
        sightingLabel: row.sighting_label,
      },
      publicUrl: ctx.config.publicUrl,
    });
    const channels = c.channels ?? row.channels;
    if (!followUp) checkChannels(priority, channels, ctx.config);
    const ownZip = row.sighting_id ? row.target_zips[0] : undefined;
    const targetZips = c.target
      ? await resolveTarget(tx, ctx.config.serviceArea, c.target, ownZip)
      : row.target_zips;
    const expiresAt = c.expiresAt ? expiryFor(row.kind, c.expiresAt, now) : row.expires_at;
    const voided = row.status === "approved";
    const editors =
      input.actor.id === row.author_id || row.editor_ids.includes(input.actor.id)
        ? row.editor_ids
        : [...row.editor_ids, input.actor.id];
    await tx
      .updateTable("alerts")
      .set({
        status: "draft",
        approver_id: null,
        approved_at: null,
        approval_hash: null,
        priority,
        channels,
        target_zips: targetZips,
        expires_at: expiresAt,
        editor_ids: editors,
        updated_at: now,
        ...(c.link === undefined ? {} : { link: c.link }),
      })
      .where("id", "=", row.id)
      .execute();
    if (c.texts) await writeTexts(tx, row.id, texts);
    // A voided approval puts the draft back in the queue: its approvers are paged again.
    if (voided) {
      await markPending(
        tx,
        { boss: ctx.boss, repageMinutes: ctx.config.operators.approverRepageMinutes },
        row.id,
        now,
      );
    }
    await recordAudit(tx, {
      actor: input.actor.id,
      action: "alert.edited",
      target: { type: "alert", id: row.id },
      details: {
        changed: Object.keys(c).filter((key) => c[key as keyof AlertChanges] !== undefined),
        approvalVoided: voided,
      },
      at: now,
    });
    return alertView(tx, row.id);
  });
}

function mergeTexts(current: Texts, changes: NonNullable<AlertChanges["texts"]>): Texts {
  const next: Texts = { ...current };
  for (const language of LANGUAGES) {
    if (!(language in changes)) continue;
    const change = changes[language];
    if (change === null) {
      delete next[language];
      continue;
    }
    if (change === undefined) continue;
    const existing = current[language];
    if (!existing) {
      if (change.headline === undefined || change.body === undefined || change.smsText === undefined) {
        throw invalid(
          `texts.${language}`,
          `the alert has no ${language} text to edit; give headline, body and smsText to add one`,
        );
      }
      next[language] = { headline: change.headline, body: change.body, smsText: change.smsText };
    } else {
      next[language] = { ...existing, ...stripUndefined(change) };
    }
  }
  return next;
}

function stripUndefined(change: Partial<TextInput>): Partial<TextInput> {
  return Object.fromEntries(Object.entries(change).filter(([, v]) => v !== undefined));
}
