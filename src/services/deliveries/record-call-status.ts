/**
 * Twilio's status callback for an alert call (issue 17, point 5): the ledger row named in the
 * callback URL (`d`) takes the call's outcome.
 *
 * - completed (answered, by a person or a machine) → delivered;
 * - no-answer or busy, the first time → queued again, not before 5 minutes from now
 *   (`voice_retry_at`), with a job to place it then; the second time → undelivered;
 * - failed or canceled → failed.
 *
 * Forward only, as for texts: only a `sent` row moves (a callback for a row already final, or
 * replayed, changes nothing). No phone number is read or written.
 */
import { fromKysely } from "pg-boss";
import type { AppContext } from "../../context.ts";
import type { CallStatus, DeliveryStatus } from "../../db/database.ts";
import { withTransaction } from "../../db/transaction.ts";
import { DELIVERY_QUEUES } from "../../jobs/queues.ts";
import { jobOf, jobPriority } from "../../ledger/jobs.ts";

/** How long after a call rang out or found the line busy it is placed once more. */
export const VOICE_RETRY_DELAY_MS = 5 * 60_000;

const OUTCOMES: Record<string, { call: CallStatus; final: DeliveryStatus }> = {
  completed: { call: "completed", final: "delivered" },
  "no-answer": { call: "no-answer", final: "undelivered" },
  busy: { call: "busy", final: "undelivered" },
  failed: { call: "failed", final: "failed" },
  canceled: { call: "failed", final: "failed" },
};

export type CallStatusInput = { callSid: string; callStatus: string; deliveryId?: string };
export type CallStatusResult = "updated" | "retry" | "unchanged" | "unknown";

export async function recordCallStatus({
  ctx,
  input,
}: {
  ctx: Pick<AppContext, "db" | "boss" | "clock" | "log">;
  input: CallStatusInput;
}): Promise<CallStatusResult> {
  const outcome = Object.hasOwn(OUTCOMES, input.callStatus) ? OUTCOMES[input.callStatus] : undefined;
  if (!outcome) return "unchanged"; // queued, ringing, in-progress: the call is not over
  const deliveryId = input.deliveryId && /^\d{1,18}$/.test(input.deliveryId) ? input.deliveryId : undefined;
  const now = ctx.clock.now();

  return withTransaction(ctx.db, async (tx) => {
    const row = await tx
      .selectFrom("deliveries as d")
      .innerJoin("alerts as a", "a.id", "d.alert_id")
      .select(["d.id", "d.status", "d.voice_retry_at", "d.alert_id", "a.priority", "a.expires_at"])
      .where("d.channel", "=", "voice")
      .where((eb) => (deliveryId ? eb("d.id", "=", deliveryId) : eb("d.provider_id", "=", input.callSid)))
      .forUpdate()
      .executeTakeFirst();
    if (!row) return "unknown";
    if (row.status !== "sent") return "unchanged";

    const retryAt = new Date(now.getTime() + VOICE_RETRY_DELAY_MS);
    const retry = outcome.final === "undelivered" && row.voice_retry_at === null && retryAt < row.expires_at;
    await tx
      .updateTable("deliveries")
      .set({
        status: retry ? "queued" : outcome.final,
        call_status: outcome.call,
        updated_at: now,
        ...(retry ? { voice_retry_at: retryAt, claim: null } : {}),
        ...(outcome.final === "delivered" ? {} : { last_error: `call ${outcome.call}` }),
      })
      .where("id", "=", row.id)
      .execute();
    if (retry) {
      // A job of its own for this one row, due when the retry is; the sweep is the backstop.
      const data = jobOf({ alertId: row.alert_id, channel: "voice", firstId: row.id, lastId: row.id });
      await ctx.boss.insert(
        DELIVERY_QUEUES.voice,
        [{ data, priority: jobPriority(row.priority, 0), startAfter: retryAt }],
        { db: fromKysely(tx) },
      );
    }
    return retry ? "retry" : "updated";
  });
}
