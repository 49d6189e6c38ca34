/**
 * A sighting's life: reported → dispatched (responders sent) → verified | unconfirmed |
 * false_alarm. Operators dispatch; only verifiers decide the outcome, and "verified" needs at
 * least one verification record (who confirmed it, how), which may come with the decision.
 * A verifier's decision also drafts what follows from it (decision-drafts.ts): the alert, its
 * VERIFIED update or FALSE ALARM cancel, in the same transaction; the answer names the drafts.
 */
import type { Actor } from "../../auth/permissions.ts";
import type { AppContext } from "../../context.ts";
import type { SightingStatus, VerificationMethod } from "../../db/database.ts";
import { withTransaction } from "../../db/transaction.ts";
import { ApiError } from "../../errors.ts";
import type { Texts } from "../alerts/alert-record.ts";
import { recordAudit } from "../audit/record-audit.ts";
import {
  type DecisionContext,
  type DecisionDraft,
  draftForDecision,
  nothingFoundNote,
} from "./decision-drafts.ts";
import { loadSightingRow, type SightingView, sightingView } from "./shape.ts";

/** Which status may follow which. An unconfirmed report can still be confirmed or refuted later. */
export const SIGHTING_TRANSITIONS: Record<SightingStatus, readonly SightingStatus[]> = {
  reported: ["dispatched", "verified", "unconfirmed", "false_alarm"],
  dispatched: ["verified", "unconfirmed", "false_alarm"],
  unconfirmed: ["dispatched", "verified", "false_alarm"],
  verified: ["false_alarm"],
  false_alarm: [],
};

/** The verifier's outcomes: reaching one is the timeline's "decision" step. */
const DECIDED: readonly SightingStatus[] = ["verified", "unconfirmed", "false_alarm"];

export type Verification = { method: VerificationMethod; notes?: string | null };

/** The sighting as decided, what the decision drafted, and the "nothing found" note if any. */
export type DecidedSighting = SightingView & { drafts: DecisionDraft[]; nothingFound: Texts | null };

export async function changeSightingStatus({
  ctx,
  input,
}: {
  ctx: DecisionContext;
  input: { sightingId: string; status: SightingStatus; verification?: Verification; actor: Actor };
}): Promise<DecidedSighting> {
  return withTransaction(ctx.db, async (tx) => {
    const now = ctx.clock.now();
    const row = await loadSightingRow(tx, input.sightingId, input.actor, true);
    if (!SIGHTING_TRANSITIONS[row.status].includes(input.status)) {
      throw new ApiError("conflict", `A ${row.status} sighting cannot become ${input.status}`);
    }
    if (input.verification) await insertVerification(tx, row.id, input.actor, input.verification, now);
    if (input.status === "verified") {
      const records = await tx
        .selectFrom("sighting_verifications")
        .select((eb) => eb.fn.countAll<string>().as("n"))
        .where("sighting_id", "=", row.id)
        .executeTakeFirstOrThrow();
      if (Number(records.n) === 0) {
        throw new ApiError(
          "conflict",
          "A sighting is verified only with a verification record: say who confirmed it and how",
        );
      }
    }
    await tx
      .updateTable("sightings")
      // decided_at: the decision's time for the alert timeline (alert-timeline.ts); dispatching is no decision.
      .set({
        status: input.status,
        updated_at: now,
        ...(DECIDED.includes(input.status) ? { decided_at: now } : {}),
      })
      .where("id", "=", row.id)
      .execute();
    await recordAudit(tx, {
      actor: input.actor.id,
      action: "sighting.status_changed",
      target: { type: "sighting", id: row.id },
      details: { from: row.status, to: input.status, method: input.verification?.method ?? null },
      at: now,
    });
    const decided = { ...row, status: input.status };
    const drafts =
      input.status === "dispatched"
        ? []
        : await draftForDecision(tx, ctx, decided, input.status, input.actor);
    return {
      ...(await sightingView(tx, row.id, input.actor)),
      drafts,
      nothingFound: await nothingFoundNote(tx, ctx, decided),
    };
  });
}

export async function addVerification({
  ctx,
  input,
}: {
  ctx: Pick<AppContext, "db" | "clock">;
  input: { sightingId: string; verification: Verification; actor: Actor };
}): Promise<SightingView> {
  return withTransaction(ctx.db, async (tx) => {
    const now = ctx.clock.now();
    const row = await loadSightingRow(tx, input.sightingId, input.actor, true);
    await insertVerification(tx, row.id, input.actor, input.verification, now);
    await tx.updateTable("sightings").set({ updated_at: now }).where("id", "=", row.id).execute();
    await recordAudit(tx, {
      actor: input.actor.id,
      action: "sighting.verification_added",
      target: { type: "sighting", id: row.id },
      details: { method: input.verification.method },
      at: now,
    });
    return sightingView(tx, row.id, input.actor);
  });
}

async function insertVerification(
  tx: Parameters<Parameters<typeof withTransaction>[1]>[0],
  sightingId: string,
  actor: Actor,
  verification: Verification,
  now: Date,
) {
  await tx
    .insertInto("sighting_verifications")
    .values({
      sighting_id: sightingId,
      actor: actor.id,
      method: verification.method,
      notes: verification.notes ?? null,
      created_at: now,
    })
    .execute();
}
