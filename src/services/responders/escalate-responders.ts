/**
 * Escalation (issue 16, point 5): when nobody has answered Y within RESPONDER_ESCALATION_MINUTES of
 * a sighting's latest ring of responders, the next ring (as many as the last one asked for, not
 * asked yet, nearest first) is texted by the system. It stops once anyone answered Y, once the
 * sighting is decided (no longer `dispatched`), and once the roster has nobody left: that ring is
 * recorded as `exhausted`, which the console and the API say once, and is never retried (an
 * operator's own dispatch starts again).
 *
 * Decisions use ctx.clock. The function is idempotent and safe under concurrency: it may run from
 * the ring's own job (workers/responder-escalation.ts), from the once-a-minute housekeeping sweep,
 * and from any number of workers at once. Each sighting is re-checked inside a transaction that
 * holds its row FOR UPDATE (as dispatchResponders does), so two sweeps never send two rings: the
 * second finds the new ring, not yet due. The texts go after the commit (sendRing).
 */
import { sql } from "kysely";
import type { AppContext } from "../../context.ts";
import { withTransaction } from "../../db/transaction.ts";
import { recordAudit } from "../audit/record-audit.ts";
import { planRing, sendRing } from "./dispatch-responders.ts";

type Ctx = Pick<AppContext, "db" | "clock" | "pii" | "senders" | "log" | "config" | "boss">;

/** Who an escalation is by, in responder_rings, requests and the audit log. */
export const SYSTEM_ACTOR = "system";

export type EscalationResult = { escalated: number; exhausted: number };

/**
 * Escalates every sighting that is due (or just `sightingId`, from its job): returns how many got
 * a next ring and how many found nobody left. Running it again before the next ring is due does
 * nothing.
 */
export async function escalateDueDispatches(
  ctx: Ctx,
  options: { sightingId?: string } = {},
): Promise<EscalationResult> {
  const result: EscalationResult = { escalated: 0, exhausted: 0 };
  for (const sightingId of await dueSightings(ctx, options.sightingId)) {
    // One sighting that fails (a database error) must not hold up the others' escalations.
    const planned = await escalateOne(ctx, sightingId).catch((error: unknown) => {
      ctx.log.error(
        { sightingId, err: error instanceof Error ? error.message : String(error) },
        "escalation failed",
      );
      return undefined;
    });
    if (!planned) continue;
    if (planned.requests.length === 0) result.exhausted++;
    else result.escalated++;
    await sendRing(ctx, planned);
  }
  if (result.escalated + result.exhausted > 0) ctx.log.info({ ...result }, "responders escalated");
  return result;
}

/** One sighting's next ring, if it is still due under the lock; undefined if not. */
function escalateOne(ctx: Ctx, sightingId: string) {
  return withTransaction(ctx.db, async (tx) => {
    const locked = await tx
      .selectFrom("sightings")
      .selectAll()
      .where("id", "=", sightingId)
      .forUpdate()
      .executeTakeFirst();
    // Re-checked under the lock: another sweep, a Y or a decision may have come first.
    if (!locked || !(await dueSightings({ ...ctx, db: tx }, sightingId)).length) return undefined;
    const last = await tx
      .selectFrom("responder_rings")
      .select(["requested"])
      .where("sighting_id", "=", sightingId)
      .orderBy("id", "desc")
      .limit(1)
      .executeTakeFirstOrThrow();
    const afterMinutes = ctx.config.responders.escalationMinutes;
    const ring = await planRing(ctx, tx, locked, { count: last.requested, by: SYSTEM_ACTOR, afterMinutes });
    await recordAudit(tx, {
      actor: SYSTEM_ACTOR,
      action: "sighting.responders_escalated",
      target: { type: "sighting", id: sightingId },
      details: { caseCode: ring.code, asked: ring.requests.length, afterMinutes },
      at: ctx.clock.now(),
    });
    return ring;
  });
}

/**
 * Dispatched sightings whose latest ring asked someone, went out at least the configured minutes ago
 * (by ctx.clock), and got no Y from anyone asked about the sighting.
 */
async function dueSightings(ctx: Pick<Ctx, "db" | "clock" | "config">, sightingId?: string) {
  const cutoff = new Date(ctx.clock.now().getTime() - ctx.config.responders.escalationMinutes * 60_000);
  let query = ctx.db
    .selectFrom("responder_rings as g")
    .innerJoin("sightings as s", "s.id", "g.sighting_id")
    .select("g.sighting_id")
    // Only while the verifier has not decided: verified, false alarm and unconfirmed all stop it
    // (an unconfirmed sighting dispatched again is `dispatched` again, and escalates again).
    .where("s.status", "=", "dispatched")
    .where("g.exhausted", "=", false)
    .where("g.created_at", "<=", cutoff)
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom("responder_rings as later")
            .select(sql`1`.as("one"))
            .whereRef("later.sighting_id", "=", "g.sighting_id")
            .whereRef("later.id", ">", "g.id"),
        ),
      ),
    )
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom("responder_answers as a")
            .select(sql`1`.as("one"))
            .whereRef("a.sighting_id", "=", "g.sighting_id")
            .where("a.answer", "=", "yes"),
        ),
      ),
    )
    .orderBy("g.created_at");
  if (sightingId) query = query.where("g.sighting_id", "=", sightingId);
  return (await query.execute()).map((row) => row.sighting_id);
}
