/**
 * Housekeeping: periodic deletion of what need not be kept: the local outbox, Text-a-ZIP's
 * records, operators' leftovers, stopped subscribers (erased), old ledger rows (detached from
 * people) and decided sightings' free text (erased). Also, not a deletion: the once-a-minute sweep
 * that escalates responder dispatches nobody answered (src/services/responders/escalate-responders.ts). docs/privacy.md lists every window; src/jobs/housekeeping-schedule.ts says when each task runs.
 */
import { z } from "zod";
import type { AppContext } from "../src/context.ts";
import { HOUSEKEEPING_TASKS } from "../src/jobs/housekeeping-schedule.ts";
import { pageDueDrafts } from "../src/services/paging/send-pages.ts";
import { escalateDueDispatches } from "../src/services/responders/escalate-responders.ts";
import { detachDeliveries } from "../src/services/retention/detach-deliveries.ts";
import { eraseSightingTexts } from "../src/services/retention/erase-sighting-texts.ts";
import { eraseStoppedSubscribers } from "../src/services/retention/erase-stopped-subscribers.ts";
import { purgeReporterCallbacks } from "../src/services/sightings/reporter-callback.ts";
import { RESEND_AFTER_MINUTES } from "../src/services/subscriptions/confirmation-mail-limit.ts";
import { forgetClosedWindows } from "../src/whatsapp/window.ts";

export const OUTBOX_RETENTION_DAYS = 7;

/** The phone simulator's transcript (inbound messages: INBOUND_MESSAGE_RETENTION_DAYS). */
export const INBOUND_RETENTION_DAYS = 7;

export const housekeepingPayload = z.object({
  task: z.enum(HOUSEKEEPING_TASKS),
});
export type HousekeepingPayload = z.infer<typeof housekeepingPayload>;

export async function runHousekeeping(
  ctx: AppContext,
  payload: unknown,
): Promise<{ deleted: number; escalated?: number; exhausted?: number; paged?: number }> {
  const { task } = housekeepingPayload.parse(payload);
  switch (task) {
    case "purge-outbox": {
      const cutoff = new Date(ctx.clock.now().getTime() - OUTBOX_RETENTION_DAYS * 86_400_000);
      const result = await ctx.db.deleteFrom("outbox").where("created_at", "<", cutoff).executeTakeFirst();
      return { deleted: Number(result.numDeletedRows) };
    }
    case "purge-text-a-zip":
      return purgeTextAZip(ctx);
    case "purge-operators":
      return purgeOperators(ctx);
    case "erase-stopped-subscribers":
      return { deleted: await eraseStoppedSubscribers(ctx) };
    case "detach-deliveries":
      return { deleted: await detachDeliveries(ctx) };
    case "erase-sighting-texts":
      return { deleted: await eraseSightingTexts(ctx) };
    case "escalate-responders":
      return { deleted: 0, ...(await escalateDueDispatches(ctx)) };
    case "page-approvers":
      // Deletes nothing: it pages.
      return { deleted: 0, ...(await pageDueDrafts(ctx)) };
  }
}

/** Login attempts are only needed for the rate-limit window; ended sessions for a while after. */
export const LOGIN_ATTEMPT_RETENTION_HOURS = 24;
export const ENDED_SESSION_RETENTION_DAYS = 30;

/**
 * What operators' work need not keep: reporters' callback numbers past their window
 * (REPORTER_CALLBACK_RETENTION_HOURS; run every 5 minutes, so at most that late), login attempts
 * after a day, sessions a month after they ended or expired.
 */
async function purgeOperators(ctx: AppContext): Promise<{ deleted: number }> {
  const now = ctx.clock.now().getTime();
  const callbacks = await purgeReporterCallbacks(ctx);
  const attempts = await ctx.db
    .deleteFrom("login_attempts")
    .where("at", "<", new Date(now - LOGIN_ATTEMPT_RETENTION_HOURS * 3_600_000))
    .executeTakeFirst();
  const cutoff = new Date(now - ENDED_SESSION_RETENTION_DAYS * 86_400_000);
  const sessions = await ctx.db
    .deleteFrom("sessions")
    .where((eb) => eb.or([eb("ended_at", "<", cutoff), eb("expires_at", "<", cutoff)]))
    .executeTakeFirst();
  return { deleted: callbacks + Number(attempts.numDeletedRows) + Number(sessions.numDeletedRows) };
}

/**
 * What Text-a-ZIP need not keep: inbound-message records after INBOUND_MESSAGE_RETENTION_DAYS,
 * simulator transcripts after 7 days, rate counters after a day, the times confirmation mails went
 * to mailboxes once they limit nothing (RESEND_AFTER_MINUTES), email confirmations once expired
 * (used ones 7 days after use, so a second click still says "confirmed"), email subscribers
 * who never confirmed (pending, with no confirmation still open), and WhatsApp subscribers' last
 * message times once their 24-hour window has closed (src/whatsapp/window.ts).
 */
async function purgeTextAZip(ctx: AppContext): Promise<{ deleted: number }> {
  const now = ctx.clock.now().getTime();
  const retention = new Date(now - INBOUND_RETENTION_DAYS * 86_400_000);
  const inbound = new Date(now - ctx.config.retention.inboundMessageDays * 86_400_000);
  const results = await Promise.all([
    ctx.db.deleteFrom("inbound_messages").where("received_at", "<", inbound).executeTakeFirst(),
    ctx.db.deleteFrom("phone_simulator_messages").where("created_at", "<", retention).executeTakeFirst(),
    ctx.db
      .deleteFrom("sms_rate_counters")
      .where("window_start", "<", new Date(now - 86_400_000))
      .executeTakeFirst(),
    ctx.db
      .deleteFrom("confirmation_mailboxes")
      .where("mailed_at", "<=", new Date(now - RESEND_AFTER_MINUTES * 60_000))
      .executeTakeFirst(),
    ctx.db
      .deleteFrom("subscribers")
      .where("channel", "=", "email")
      .where("status", "=", "pending")
      .where("created_at", "<", new Date(now - ctx.config.inboundSms.emailConfirmationTtlHours * 3_600_000))
      .where(({ not, exists, selectFrom }) =>
        not(
          exists(
            selectFrom("email_confirmations as c")
              .select("c.id")
              .whereRef("c.subscriber_id", "=", "subscribers.id")
              .where("c.expires_at", ">", new Date(now)),
          ),
        ),
      )
      .executeTakeFirst(),
  ]);
  const confirmations = await ctx.db
    .deleteFrom("email_confirmations")
    .where((eb) =>
      eb.or([
        eb.and([eb("confirmed_at", "is", null), eb("expires_at", "<=", new Date(now))]),
        eb("confirmed_at", "<", retention),
      ]),
    )
    .executeTakeFirst();
  const windows = await forgetClosedWindows(ctx.db, new Date(now));
  const deleted = [...results, confirmations].reduce((sum, r) => sum + Number(r.numDeletedRows), 0) + windows;
  return { deleted };
}
