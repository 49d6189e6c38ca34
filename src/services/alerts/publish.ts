/**
 * publishAlert: where an alert becomes deliveries. In one transaction the alert is marked
 * published, the ledger gets one row per (subscriber, channel) in the target — set-based, one
 * INSERT … SELECT — and delivery jobs are enqueued, each a batch of ledger rows (alert id, channel,
 * id range; never an address). Either all of it is written or none of it. The ledger's rows,
 * batches, jobs and priority order are src/ledger's.
 *
 * The alert's own ZIP (the first of its target ZIPs, the sighting's ZIP) sorts first in the
 * ledger, so its subscribers are in the first batches of every channel.
 *
 * A large target (over ONE_WAVE_MAX_SUBSCRIPTIONS subscriptions) is written in two waves
 * (2026-12-05T1510-ledger-waves): this transaction writes only the own ZIP's first batch per
 * channel, with their jobs, and a `ledger-second-wave` job; once it commits, the first residents
 * are being reached while complete-ledger.ts writes the rest. Writing 100,000 rows takes seconds;
 * the first wave, a few hundredths of one.
 */
import { fromKysely } from "pg-boss";
import type { AppContext } from "../../context.ts";
import type { AlertPriority, Channel } from "../../db/database.ts";
import { type DbOrTx, withTransaction } from "../../db/transaction.ts";
import { QUEUES } from "../../jobs/queues.ts";
import { enqueueDeliveries } from "../../ledger/jobs.ts";
import { FIRST_WAVE, insertFirstWaveRows, insertTargetRows, targetIsLarge } from "../../ledger/rows.ts";
import { recordAudit } from "../audit/record-audit.ts";
import type { AlertRecord, AlertRow } from "./alert-record.ts";

/** What every publish verb needs: the caller's transaction (or the database) and the queue. */
export type PublishContext = Pick<AppContext, "boss" | "config" | "clock" | "log" | "pii"> & { db: DbOrTx };

/**
 * Which alert to publish: by id (read in the publishing transaction), or the record a caller
 * already loaded FOR UPDATE in the transaction `ctx.db` is, and checked (publishApproved), so
 * what was checked is what is published, without reading it again.
 */
export type PublishInput = { actor?: string } & ({ alertId: string } | { locked: AlertRecord });

export type PublishRefusal =
  | "not_found"
  | "already_published"
  | "not_approved"
  | "expired"
  | "no_texts"
  | "restricted_audience"
  | "original_ledger_pending";

/** The alert cannot be published; nothing was written. `reason` is stable, for mapping to HTTP. */
export class PublishRefusedError extends Error {
  readonly reason: PublishRefusal;
  constructor(reason: PublishRefusal, message: string) {
    super(message);
    this.name = "PublishRefusedError";
    this.reason = reason;
  }
}

export type PublishResult = {
  alertId: string;
  publishedAt: Date;
  /** The rows written (and jobs enqueued) so far: a two-wave ledger's first wave only. */
  deliveries: Record<Channel, number>;
  jobs: number;
  /** False while the second wave of a large alert's ledger is still being written. */
  ledgerComplete: boolean;
  /** The alert row as published. */
  row: AlertRow;
};

export function channelsFor(
  priority: AlertPriority,
  config: Pick<AppContext["config"], "delivery">,
): Channel[] {
  // SMS is kept for what matters (as Nixle's SmartPath does): Community notices go by email and
  // push. WhatsApp is paid per message like SMS, so it follows the same rule. A phone call is the
  // most intrusive of all: Alert priority only, unless VOICE_ALL_PRIORITIES says otherwise.
  const texts: Channel[] =
    priority === "community" && !config.delivery.communitySms
      ? ["email", "push"]
      : ["sms", "email", "push", "whatsapp"];
  return priority === "alert" || config.delivery.voiceAllPriorities ? [...texts, "voice"] : texts;
}

export async function publishAlert({
  ctx,
  input,
}: {
  ctx: PublishContext;
  input: PublishInput;
}): Promise<PublishResult> {
  const now = ctx.clock.now();
  const result = await withTransaction(ctx.db, async (tx) => {
    const alert =
      "locked" in input
        ? input.locked.row
        : await tx.selectFrom("alerts").selectAll().where("id", "=", input.alertId).executeTakeFirst();
    refuseUnpublishable(alert, now);
    // A drill reaches only the allowlist, an update or cancel only the original's recipients:
    // src/services/alerts/publish-restricted.ts publishes those. Never the whole target.
    if (alert.is_drill || alert.references_alert_id) {
      throw new PublishRefusedError(
        "restricted_audience",
        "A drill or a follow-up is published to its own recipients (publishRestrictedAlert)",
      );
    }
    await refuseWithoutTexts(tx, "locked" in input ? input.locked : alert.id);

    // The channels the drafter chose (2026-11-24T0300-operators), as far as the priority allows.
    const channels = channelsFor(alert.priority, ctx.config).filter((c) => alert.channels.includes(c));
    const target = { id: alert.id, targetZips: alert.target_zips };
    const twoWaves = await targetIsLarge(tx, alert.target_zips);
    const firstWaveLastId = twoWaves
      ? await insertFirstWaveRows(tx, target, channels, FIRST_WAVE, now)
      : null;
    if (!twoWaves) await insertTargetRows(tx, target, channels, now);

    const enqueued = await enqueueDeliveries(tx, ctx.boss, alert);

    // Marked published after the ledger insert, and without SELECT … FOR UPDATE before it: each
    // ledger row's foreign-key check locks the alert row FOR KEY SHARE, and doing that on a row this
    // transaction already locked or updated costs more than the insert itself
    // (docs/benchmarks.md#publishing-and-the-alert-rows-lock). The conditional
    // UPDATE is the guard instead: of two concurrent publishes, the second waits on the first's
    // ledger rows, then finds the alert published, and rolls back everything it wrote.
    const marked = await tx
      .updateTable("alerts")
      .set({
        status: "published",
        published_at: now,
        updated_at: now,
        ...(twoWaves ? { ledger_first_wave_last_id: firstWaveLastId, ledger_pending: true } : {}),
      })
      .where("id", "=", alert.id)
      .where("status", "=", "approved")
      .where("expires_at", ">", now)
      .returningAll()
      .executeTakeFirst();
    if (!marked) {
      const current = await tx
        .selectFrom("alerts")
        .select("status")
        .where("id", "=", alert.id)
        .executeTakeFirst();
      throw current?.status === "published"
        ? new PublishRefusedError("already_published", "Published by someone else meanwhile")
        : new PublishRefusedError("not_approved", "The alert changed while it was being published");
    }

    if (twoWaves) {
      await ctx.boss.insert(QUEUES.ledgerSecondWave, [{ data: { alertId: alert.id } }], {
        db: fromKysely(tx),
      });
    }
    const details = twoWaves ? { ...enqueued, ledgerComplete: false } : enqueued;
    await auditPublished(tx, { alertId: alert.id, actor: input.actor, now, details });
    return { alertId: alert.id, publishedAt: now, ...enqueued, ledgerComplete: !twoWaves, row: marked };
  });
  logPublished(ctx, result);
  return result;
}

/** The refusals every publish starts with, on the alert row as read in its transaction. */
export function refuseUnpublishable<T extends { status: string; expires_at: Date }>(
  alert: T | undefined,
  now: Date,
): asserts alert is T {
  if (!alert) throw new PublishRefusedError("not_found", "No such alert");
  if (alert.status === "published") throw new PublishRefusedError("already_published", "Already published");
  if (alert.status !== "approved") {
    throw new PublishRefusedError(
      "not_approved",
      `Only an approved alert can be published (it is ${alert.status})`,
    );
  }
  if (alert.expires_at.getTime() <= now.getTime())
    throw new PublishRefusedError("expired", "The alert has expired");
}

/** Refuses an alert without texts: counted, or as loaded with a locked record. */
export async function refuseWithoutTexts(db: DbOrTx, alert: string | AlertRecord): Promise<void> {
  const n =
    typeof alert === "string"
      ? (
          await db
            .selectFrom("alert_texts")
            .select((eb) => eb.fn.countAll<string>().as("n"))
            .where("alert_id", "=", alert)
            .executeTakeFirstOrThrow()
        ).n
      : Object.keys(alert.texts).length;
  if (Number(n) === 0) throw new PublishRefusedError("no_texts", "The alert has no texts to send");
}

export async function auditPublished(
  tx: DbOrTx,
  input: { alertId: string; actor: string | undefined; now: Date; details: object },
): Promise<void> {
  await recordAudit(tx, {
    actor: input.actor ?? "system",
    action: "alert.published",
    target: { type: "alert", id: input.alertId },
    details: input.details,
    at: input.now,
  });
}

export function logPublished(ctx: Pick<PublishContext, "log">, result: PublishResult): void {
  ctx.log.info(
    {
      alert: result.alertId,
      deliveries: result.deliveries,
      jobs: result.jobs,
      ...(result.ledgerComplete ? {} : { ledger: "first wave; the rest is being written" }),
    },
    "alert published",
  );
}
