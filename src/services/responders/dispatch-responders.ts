/**
 * Dispatch (issue 16, point 3): from a sighting, text the nearest on-duty responders of its
 * organisation who cover its ZIP (default 3), in one request. Nearness is the distance between ZIP
 * centres (distance.ts): from the responder's home ZIP, or, without one, from the nearest ZIP they
 * cover. A responder covers the sighting's ZIP when it is in their list, or within their radius of
 * their home ZIP.
 *
 * Every responder asked about one sighting gets the same 4-digit case code, not used by any other
 * open case, which they answer with (receive-responder-text.ts). Dispatching again (the next ring)
 * asks only responders not asked yet; so does an escalation (escalate-responders.ts), which reuses
 * planRing and sendRing. The sighting becomes `dispatched`; a decided one (verified,
 * false alarm) is not dispatched. The texts go after the commit, through the SMS sender, and each
 * request records whether its text went. A dispatch text reaches responders only, never residents.
 */
import { randomInt } from "node:crypto";
import type { Transaction } from "kysely";
import { fromKysely } from "pg-boss";
import type { Actor } from "../../auth/permissions.ts";
import type { AppContext } from "../../context.ts";
import type { Database, SightingStatus } from "../../db/database.ts";
import { type DbOrTx, withTransaction } from "../../db/transaction.ts";
import { ApiError } from "../../errors.ts";
import { QUEUES } from "../../jobs/queues.ts";
import { dispatchText, responderLanguage } from "../../sms/responder-replies.ts";
import { recordAudit } from "../audit/record-audit.ts";
import { SIGHTING_TRANSITIONS } from "../sightings/change-sighting-status.ts";
import { loadSightingRow, type SightingRow } from "../sightings/shape.ts";
import { type DispatchView, dispatchView } from "./dispatch-view.ts";
import { milesBetween, type Point } from "./distance.ts";
import { textResponder } from "./text-responder.ts";

type Ctx = Pick<AppContext, "db" | "clock" | "pii" | "senders" | "log" | "config" | "boss">;

/** How many responders one click texts. */
export const DEFAULT_DISPATCH_COUNT = 3;

/** Sightings whose case is still open: responders may be asked about them and answer. */
export const OPEN_CASE_STATUSES: readonly SightingStatus[] = ["reported", "dispatched", "unconfirmed"];

export async function dispatchResponders({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { sightingId: string; count: number; actor: Actor };
}): Promise<DispatchView> {
  const planned = await withTransaction(ctx.db, async (tx) => {
    const now = ctx.clock.now();
    const sighting = await loadSightingRow(tx, input.sightingId, input.actor, true);
    if (sighting.status !== "dispatched") {
      if (!SIGHTING_TRANSITIONS[sighting.status].includes("dispatched")) {
        throw new ApiError("conflict", `A ${sighting.status} sighting cannot be dispatched`);
      }
      await tx
        .updateTable("sightings")
        .set({ status: "dispatched", updated_at: now })
        .where("id", "=", sighting.id)
        .execute();
      await recordAudit(tx, {
        actor: input.actor.id,
        action: "sighting.status_changed",
        target: { type: "sighting", id: sighting.id },
        details: { from: sighting.status, to: "dispatched", method: null },
        at: now,
      });
    }
    const ring = await planRing(ctx, tx, sighting, { count: input.count, by: input.actor.id });
    if (ring.requests.length > 0) {
      await recordAudit(tx, {
        actor: input.actor.id,
        action: "sighting.responders_dispatched",
        target: { type: "sighting", id: sighting.id },
        details: { caseCode: ring.code, asked: ring.requests.length },
        at: now,
      });
    }
    return ring;
  });
  await sendRing(ctx, planned);
  return dispatchView(ctx.db, planned.sighting.id, input.actor, ctx.config.operators.timeZone);
}

/** What planRing decided inside the transaction, for sendRing to text after the commit. */
export type PlannedRing = Awaited<ReturnType<typeof planRing>>;

/**
 * Inside the caller's transaction, with the sighting row locked: picks the next `count` nearest
 * covering responders not asked yet, records their requests under the case code and, when anyone
 * was asked or it is an escalation, the ring itself (responder_rings: when escalation is due).
 * A ring that asked someone also schedules its escalation job, in the same transaction.
 */
export async function planRing(
  ctx: Ctx,
  tx: Transaction<Database>,
  sighting: SightingRow,
  ring: { count: number; by: string; afterMinutes?: number },
) {
  const now = ctx.clock.now();
  const asked = await tx
    .selectFrom("responder_requests")
    .select(["responder_id", "case_code"])
    .where("sighting_id", "=", sighting.id)
    .execute();
  const code = asked[0]?.case_code ?? (await freeCaseCode(tx));
  const chosen = (await coveringResponders(tx, sighting.organisation_id, sighting.zip))
    .filter((r) => !asked.some((a) => a.responder_id === r.id))
    .slice(0, ring.count);
  const requests =
    chosen.length === 0
      ? []
      : await tx
          .insertInto("responder_requests")
          .values(
            chosen.map((r) => ({
              sighting_id: sighting.id,
              responder_id: r.id,
              organisation_id: sighting.organisation_id,
              case_code: code,
              language: responderLanguage(r.languages),
              distance_miles: r.distance,
              created_by: ring.by,
              created_at: now,
            })),
          )
          .returning(["id", "responder_id", "language"])
          .execute();
  const escalated = ring.afterMinutes !== undefined;
  if (requests.length > 0 || escalated) {
    await tx
      .insertInto("responder_rings")
      .values({
        sighting_id: sighting.id,
        created_by: ring.by,
        escalated,
        requested: ring.count,
        asked: requests.length,
        exhausted: requests.length === 0,
        after_minutes: ring.afterMinutes ?? null,
        created_at: now,
      })
      .execute();
  }
  if (requests.length > 0) {
    // The escalation's own job, due when the silence would be; the once-a-minute housekeeping
    // sweep is the backstop (a crashed worker, or a Worker build whose cron only enqueues).
    await ctx.boss.send(
      QUEUES.responderEscalation,
      { sightingId: sighting.id },
      { startAfter: ctx.config.responders.escalationMinutes * 60, db: fromKysely(tx) },
    );
  }
  return { sighting, code, requests, chosen };
}

/** After the commit: texts each responder of a planned ring and records whether the text went. */
export async function sendRing(ctx: Ctx, planned: PlannedRing): Promise<void> {
  const { sighting, code } = planned;
  const time = new Intl.DateTimeFormat("en-US", {
    timeZone: ctx.config.operators.timeZone,
    hour: "numeric",
    minute: "2-digit",
  }).format(sighting.observed_at);
  for (const request of planned.requests) {
    const responder = planned.chosen.find((r) => r.id === request.responder_id)!;
    const text = dispatchText(responderLanguage(responder.languages), {
      program: ctx.config.program.name,
      code,
      activity: sighting.activity,
      place: sighting.place,
      crossStreets: sighting.cross_streets,
      zip: sighting.zip,
      time,
    });
    const sent = await textResponder(ctx, responder, text);
    await ctx.db
      .updateTable("responder_requests")
      .set(
        sent.ok
          ? { send_status: "sent", provider_id: sent.providerId, sent_at: ctx.clock.now() }
          : { send_status: "failed", last_error: sent.error },
      )
      .where("id", "=", request.id)
      .execute();
  }
}

/** A code no open case uses, so "4821 Y" names one case. */
async function freeCaseCode(db: DbOrTx): Promise<string> {
  const used = await db
    .selectFrom("responder_requests as r")
    .innerJoin("sightings as s", "s.id", "r.sighting_id")
    .select("r.case_code")
    .distinct()
    .where("s.status", "in", OPEN_CASE_STATUSES)
    .execute();
  const taken = new Set(used.map((row) => row.case_code));
  if (taken.size >= 9000) throw new ApiError("conflict", "Every case code is in use by an open case");
  for (;;) {
    const code = String(randomInt(1000, 10_000));
    if (!taken.has(code)) return code;
  }
}

/** The organisation's on-duty responders who cover `zip`, nearest first. */
async function coveringResponders(db: DbOrTx, organisationId: string, zip: string) {
  const roster = await db
    .selectFrom("responders")
    .selectAll()
    .where("organisation_id", "=", organisationId)
    .where("status", "=", "active")
    .where("on_duty", "=", true)
    .execute();
  const zips = new Set([zip, ...roster.flatMap((r) => [...r.zips, ...(r.home_zip ? [r.home_zip] : [])])]);
  const rows = await db
    .selectFrom("zip_codes")
    .select(["zip", "latitude", "longitude"])
    .where("zip", "in", [...zips])
    .execute();
  const at = new Map<string, Point>(rows.map((row) => [row.zip, row]));
  const target = at.get(zip);
  if (!target) return [];
  const miles = (other: string) => {
    const point = at.get(other);
    return point ? milesBetween(point, target) : Number.POSITIVE_INFINITY;
  };
  return roster
    .map((r) => {
      const fromHome = r.home_zip ? miles(r.home_zip) : Number.POSITIVE_INFINITY;
      const covers = r.zips.includes(zip) || (r.radius_miles !== null && fromHome <= r.radius_miles);
      const distance = r.home_zip ? fromHome : Math.min(...r.zips.map(miles));
      return { ...r, covers, distance: Math.round(distance * 10) / 10 };
    })
    .filter((r) => r.covers)
    .sort((a, b) => a.distance - b.distance || a.id.localeCompare(b.id));
}
