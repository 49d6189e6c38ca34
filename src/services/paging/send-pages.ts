/**
 * Paging a draft's approvers: every active user of the draft's organisation whose role approves
 * its family (approval-rules.ts), never its author or an editor, by web push to each browser they
 * turned paging on in and by SMS to their number if they proved it. Nothing of the alert is in a
 * page, only that a draft is waiting and the link to its approval page (which still needs sign-in,
 * and the second factor where the role must have one).
 *
 * Each round is claimed on approval_pages before anything is sent (`paged_at IS NULL`,
 * `repaged_at IS NULL`), in one UPDATE: the job, its retry and the housekeeping backstop may run
 * at once and only one of them pages. A crash between the claim and the sends loses that round
 * (the re-page still comes); a page twice is the worse failure for people woken at night.
 * Decisions use ctx.clock, so tests move time instead of waiting for it.
 */
import { sql } from "kysely";
import { z } from "zod";
import type { AppContext } from "../../context.ts";
import { SendError } from "../../delivery/sender.ts";
import { familyOf } from "../alerts/alert-record.ts";
import { recordAudit } from "../audit/record-audit.ts";
import { isEligibleApprover, type PageJob } from "./approval-pages.ts";
import { openPager } from "./pager-addresses.ts";

type Ctx = Pick<AppContext, "db" | "pii" | "clock" | "config" | "senders" | "log">;

export type Round = PageJob["round"];

/** The SMS page: the program's name (as every text opens), no alert content, only that one waits, and where. */
export function pageText(program: string, link: string): string {
  return `${program}: a draft alert is waiting for your approval: ${link}`;
}

export function approvalPath(alertId: string): string {
  return `/console/alerts/${alertId}`;
}

/** What the staff service worker (web/console-sw.js) shows. */
export function pagePayload(program: string, alertId: string): string {
  return JSON.stringify({
    kind: "approval",
    alertId,
    title: program,
    body: "A draft alert is waiting for your approval",
    path: approvalPath(alertId),
  });
}

/** The job's payload, checked when a worker takes it: ids only. */
export const pageJobPayload = z.object({ alertId: z.uuid(), round: z.enum(["first", "repage"]) });

const pending = sql<boolean>`alert_id IN (SELECT id FROM alerts WHERE status = 'draft')`;

/** The page-approvers job: `first` pages this draft now, `repage` runs the re-page decision. */
export async function runPageJob(ctx: Ctx, job: PageJob): Promise<{ paged: number }> {
  if (job.round === "repage") return repageDueDrafts(ctx);
  const now = ctx.clock.now();
  const claimed = await ctx.db
    .updateTable("approval_pages")
    .set({ paged_at: now })
    .where("alert_id", "=", job.alertId)
    .where("paged_at", "is", null)
    .where(pending)
    .returning("alert_id")
    .executeTakeFirst();
  if (!claimed) return { paged: 0 };
  return { paged: await pageApprovers(ctx, job.alertId, "first") };
}

/**
 * The re-page: every draft still waiting APPROVER_REPAGE_MINUTES after it became pending, whose
 * approval page no approver has opened, and not re-paged yet, is paged once more. Idempotent;
 * run by the delayed job and by the housekeeping backstop every minute.
 */
export async function repageDueDrafts(ctx: Ctx): Promise<{ paged: number }> {
  const now = ctx.clock.now();
  const cutoff = new Date(now.getTime() - ctx.config.operators.approverRepageMinutes * 60_000);
  const due = await ctx.db
    .updateTable("approval_pages")
    .set({ repaged_at: now })
    .where("repaged_at", "is", null)
    .where("opened_at", "is", null)
    .where("paged_at", "is not", null)
    .where("pending_since", "<=", cutoff)
    .where(pending)
    .returning("alert_id")
    .execute();
  let paged = 0;
  for (const { alert_id } of due) paged += await pageApprovers(ctx, alert_id, "repage");
  return { paged };
}

/**
 * The housekeeping backstop: first pages a lost job never sent (claimed here instead), then the
 * re-pages that are due.
 */
export async function pageDueDrafts(ctx: Ctx): Promise<{ paged: number }> {
  const unpaged = await ctx.db
    .updateTable("approval_pages")
    .set({ paged_at: ctx.clock.now() })
    .where("paged_at", "is", null)
    .where(pending)
    .returning("alert_id")
    .execute();
  let paged = 0;
  for (const { alert_id } of unpaged) paged += await pageApprovers(ctx, alert_id, "first");
  return { paged: paged + (await repageDueDrafts(ctx)).paged };
}

/** Who may approve this draft now, as user ids. */
export async function eligibleApprovers(ctx: Pick<Ctx, "db">, alertId: string): Promise<string[]> {
  const row = await ctx.db
    .selectFrom("alerts")
    .leftJoin("alerts as original", "original.id", "alerts.references_alert_id")
    .select([
      "alerts.kind",
      "alerts.organisation_id",
      "alerts.author_id",
      "alerts.editor_ids",
      "original.kind as original_kind",
    ])
    .where("alerts.id", "=", alertId)
    .executeTakeFirst();
  if (!row?.organisation_id) return [];
  const draft = {
    family: familyOf(row, row.original_kind ? { kind: row.original_kind } : null),
    authorId: row.author_id,
    editorIds: row.editor_ids,
    organisationId: row.organisation_id,
  };
  const users = await ctx.db
    .selectFrom("users")
    .select(["id", "role", "organisation_id"])
    .where("organisation_id", "=", row.organisation_id)
    .where("disabled_at", "is", null)
    .execute();
  return users
    .filter((u) =>
      isEligibleApprover(draft, { id: `user:${u.id}`, role: u.role, organisationId: u.organisation_id }),
    )
    .map((u) => u.id);
}

/** Sends one round of pages for the draft; the number of pages that went out. */
async function pageApprovers(ctx: Ctx, alertId: string, round: Round): Promise<number> {
  const users = await eligibleApprovers(ctx, alertId);
  if (users.length === 0) {
    await audit(ctx, alertId, round, { push: [], sms: [], failed: 0 });
    return 0;
  }
  const [browsers, phones] = await Promise.all([
    ctx.db
      .selectFrom("pager_push_subscriptions")
      .select(["id", "user_id", "address_ciphertext", "address_key_id"])
      .where("user_id", "in", users)
      .execute(),
    ctx.db
      .selectFrom("pager_phones")
      .select(["user_id", "phone_ciphertext", "phone_key_id"])
      .where("user_id", "in", users)
      .where("verified_at", "is not", null)
      .execute(),
  ]);
  const link = `${ctx.config.publicUrl}${approvalPath(alertId)}`;
  const pushed = new Set<string>();
  const texted = new Set<string>();
  let failed = 0;
  await Promise.all([
    ...browsers.map(async (b) => {
      try {
        const to = openPager(ctx.pii, "push", { ciphertext: b.address_ciphertext, keyId: b.address_key_id });
        await ctx.senders.push.send({
          channel: "push",
          to,
          text: pagePayload(ctx.config.program.name, alertId),
          ttlSeconds: 3600,
          urgency: "high",
        });
        pushed.add(b.user_id);
      } catch (error) {
        failed += 1;
        const code = error instanceof SendError ? error.code : "send_failed";
        // The browser unsubscribed (404/410) or the subscription is unusable: forget it.
        if (error instanceof SendError && error.addressDead) {
          await ctx.db.deleteFrom("pager_push_subscriptions").where("id", "=", b.id).execute();
        }
        ctx.log.warn({ alert: alertId, code }, "approval page not pushed");
      }
    }),
    ...phones.map(async (p) => {
      try {
        const to = openPager(ctx.pii, "sms", { ciphertext: p.phone_ciphertext, keyId: p.phone_key_id });
        await ctx.senders.sms.send({
          channel: "sms",
          to,
          text: pageText(ctx.config.program.name, link),
          ttlSeconds: 3600,
        });
        texted.add(p.user_id);
      } catch (error) {
        failed += 1;
        ctx.log.warn(
          { alert: alertId, code: error instanceof SendError ? error.code : "send_failed" },
          "approval page not texted",
        );
      }
    }),
  ]);
  await audit(ctx, alertId, round, { push: [...pushed], sms: [...texted], failed });
  ctx.log.info({ alert: alertId, round, push: pushed.size, sms: texted.size, failed }, "approvers paged");
  return pushed.size + texted.size;
}

async function audit(
  ctx: Ctx,
  alertId: string,
  round: Round,
  details: { push: string[]; sms: string[]; failed: number },
) {
  await recordAudit(ctx.db, {
    actor: "system",
    action: round === "first" ? "alert.approvers_paged" : "alert.approvers_repaged",
    target: { type: "alert", id: alertId },
    details,
    at: ctx.clock.now(),
  });
}
