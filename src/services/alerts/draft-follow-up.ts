/**
 * Updates and cancels: a follow-up names the published alert or statement it follows and reaches
 * exactly that one's recipients on the same channels. An update's texts are written by the
 * drafter; a cancel's come from the false-alarm or all-clear template in the original's
 * languages (prewritten-cancel.ts) unless given. Follow-ups follow originals, not other
 * follow-ups, so "the original's recipients" is always one ledger.
 *
 * cancelAlert can also approve and publish at once: a verifier alone may withdraw an alert when
 * VERIFIER_MAY_CANCEL_ALONE is on, so a false alarm is gone in seconds; but only with the
 * pre-written text. Texts or an expiry of the drafter's own make it a draft for a second verifier.
 *
 * An update with `confirms` follows an UNCONFIRMED alert once its sighting is verified and says
 * VERIFIED rather than UPDATE (alerts.sighting_label); the decision drafts it
 * (sightings/decision-drafts.ts), to the same recipients as every follow-up.
 */
import type { Actor } from "../../auth/permissions.ts";
import type { AppContext } from "../../context.ts";
import type { AlertPriority } from "../../db/database.ts";
import { withTransaction } from "../../db/transaction.ts";
import { ApiError, invalid } from "../../errors.ts";
import { loadAlertFor } from "./alert-access.ts";
import { type AlertRecord, type AlertView, alertView, loadAlertRecord, type Texts } from "./alert-record.ts";
import { approveAlert } from "./approve-alert.ts";
import { checkTexts, expiryFor, requireDrafter } from "./draft-rules.ts";
import { insertDraft } from "./insert-draft.ts";
import { buildPreview } from "./preview-alert.ts";
import { prewrittenCancelTexts } from "./prewritten-cancel.ts";
import type { PublishOutcome } from "./publish-approved.ts";
import type { CancelReason } from "./templates.ts";

type Ctx = Pick<AppContext, "db" | "clock" | "config" | "pii" | "boss" | "log">;

async function loadOriginal(db: Ctx["db"], alertId: string, actor: Actor): Promise<AlertRecord> {
  const original = await loadAlertFor(db, alertId, actor, { act: true });
  if (original.row.references_alert_id) {
    throw new ApiError(
      "conflict",
      `This is itself an ${original.row.kind}: follow up the original alert (${original.row.references_alert_id})`,
    );
  }
  if (original.row.status !== "published") {
    throw new ApiError(
      "conflict",
      `Only a published alert can be followed up (this one is ${original.row.status})`,
    );
  }
  return original;
}

export async function draftUpdate({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: {
    alertId: string;
    texts: Texts;
    priority?: AlertPriority;
    expiresAt?: Date;
    /** Labelled VERIFIED: the original was UNCONFIRMED and its sighting is now verified. */
    confirms?: boolean;
    actor: Actor;
  };
}): Promise<AlertView> {
  const now = ctx.clock.now();
  return withTransaction(ctx.db, async (tx) => {
    const original = await loadOriginal(tx, input.alertId, input.actor);
    requireDrafter(original.family, input.actor);
    if (input.confirms) await requireConfirmable(tx, original);
    checkTexts(input.texts, {
      alert: {
        kind: "update",
        priority: input.priority ?? original.row.priority,
        is_drill: original.row.is_drill,
        verifiedSighting: original.row.sighting_id !== null,
        sightingLabel: input.confirms ? "verified" : null,
      },
      publicUrl: ctx.config.publicUrl,
    });
    const id = await insertDraft(
      tx,
      input.actor,
      {
        kind: "update",
        priority: input.priority ?? original.row.priority,
        targetZips: original.row.target_zips,
        channels: original.row.channels,
        drill: original.row.is_drill,
        expiresAt: expiryFor("update", input.expiresAt, now),
        referencesAlertId: original.row.id,
        sightingId: original.row.sighting_id,
        sightingLabel: input.confirms ? "verified" : null,
        texts: input.texts,
      },
      now,
      input.confirms ? { label: "verified" } : {},
      ctx,
    );
    return alertView(tx, id);
  });
}

/** A VERIFIED update follows only an UNCONFIRMED alert whose sighting is verified now. */
async function requireConfirmable(tx: Ctx["db"], original: AlertRecord): Promise<void> {
  const sighting = original.row.sighting_id
    ? await tx
        .selectFrom("sightings")
        .select("status")
        .where("id", "=", original.row.sighting_id)
        .executeTakeFirst()
    : undefined;
  if (original.row.sighting_label !== "unconfirmed" || sighting?.status !== "verified") {
    throw new ApiError(
      "conflict",
      "A VERIFIED update follows only an UNCONFIRMED alert whose sighting has been verified",
    );
  }
}

export async function cancelAlert({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: {
    alertId: string;
    reason: CancelReason;
    texts?: Texts;
    expiresAt?: Date;
    /** Approve and publish at once (a verifier alone, when allowed). */
    publishNow: boolean;
    actor: Actor;
  };
}): Promise<{ alert: AlertView; published: PublishOutcome | null }> {
  const now = ctx.clock.now();
  return withTransaction(ctx.db, async (tx) => {
    const original = await loadOriginal(tx, input.alertId, input.actor);
    requireDrafter(original.family, input.actor);
    if (input.publishNow && (input.texts || input.expiresAt)) {
      throw invalid(
        input.texts ? "texts" : "expiresAt",
        "a cancel published at once (publishNow) carries only the pre-written text for its reason and the default expiry; leave this out, or draft the cancel without publishNow for another verifier to approve",
      );
    }
    const texts: Texts = {
      ...(await prewrittenCancelTexts(tx, ctx, original, input.reason)),
      ...input.texts,
    };
    checkTexts(texts, {
      alert: {
        kind: "cancel",
        priority: original.row.priority,
        is_drill: original.row.is_drill,
        cancelReason: input.reason,
        verifiedSighting: original.row.sighting_id !== null,
      },
      publicUrl: ctx.config.publicUrl,
    });
    const id = await insertDraft(
      tx,
      input.actor,
      {
        kind: "cancel",
        priority: original.row.priority,
        targetZips: original.row.target_zips,
        channels: original.row.channels,
        drill: original.row.is_drill,
        expiresAt: expiryFor("cancel", input.expiresAt, now),
        referencesAlertId: original.row.id,
        sightingId: original.row.sighting_id,
        cancelReason: input.reason,
        texts,
      },
      now,
      { reason: input.reason },
      ctx,
    );
    if (!input.publishNow) return { alert: await alertView(tx, id), published: null };
    const preview = await buildPreview(tx, ctx, await loadAlertRecord(tx, id));
    const approved = await approveAlert({
      ctx: { ...ctx, db: tx },
      input: { alertId: id, hash: preview.hash, publishNow: true, actor: input.actor },
    });
    return { alert: approved.alert, published: approved.published };
  });
}
