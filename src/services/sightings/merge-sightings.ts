/**
 * mergeSightings: reports of one event become one incident. The incident is named by the target
 * sighting's incident (its own id when alone); every sighting of the merged incidents joins it, so
 * merging is transitive and an incident never points at another incident. Only sightings of the
 * caller's organisation merge: another's are "No such sighting".
 */
import type { Actor } from "../../auth/permissions.ts";
import type { AppContext } from "../../context.ts";
import { withTransaction } from "../../db/transaction.ts";
import { ApiError } from "../../errors.ts";
import { recordAudit } from "../audit/record-audit.ts";
import { loadSightingRow, type SightingView, sightingViews } from "./shape.ts";

export async function mergeSightings({
  ctx,
  input,
}: {
  ctx: Pick<AppContext, "db" | "clock">;
  input: { sightingId: string; duplicateIds: string[]; actor: Actor };
}): Promise<SightingView[]> {
  if (input.duplicateIds.includes(input.sightingId)) {
    throw new ApiError("validation_failed", "A sighting cannot be merged into itself", {
      issues: [{ in: "body", path: "duplicateIds", message: "contains the target sighting" }],
    });
  }
  return withTransaction(ctx.db, async (tx) => {
    const now = ctx.clock.now();
    const target = await loadSightingRow(tx, input.sightingId, input.actor, true);
    const organisationId = input.actor.organisationId;
    const incident = target.incident_id ?? target.id;
    const duplicates = await tx
      .selectFrom("sightings")
      .select(["id", "incident_id"])
      .where("id", "in", input.duplicateIds)
      .where("organisation_id", "=", organisationId)
      .forUpdate()
      .execute();
    if (duplicates.length !== new Set(input.duplicateIds).size)
      throw new ApiError("not_found", "No such sighting");
    const absorbed = [...new Set(duplicates.map((d) => d.incident_id ?? d.id))].filter(
      (id) => id !== incident,
    );
    if (absorbed.length > 0) {
      await tx
        .updateTable("sightings")
        .set({ incident_id: incident, updated_at: now })
        .where("organisation_id", "=", organisationId)
        .where((eb) => eb.or([eb("id", "in", absorbed), eb("incident_id", "in", absorbed)]))
        .execute();
    }
    if (target.incident_id === null) {
      await tx.updateTable("sightings").set({ incident_id: incident }).where("id", "=", target.id).execute();
    }
    await recordAudit(tx, {
      actor: input.actor.id,
      action: "sighting.merged",
      target: { type: "sighting", id: incident },
      details: { merged: input.duplicateIds },
      at: now,
    });
    const members = await tx
      .selectFrom("sightings")
      .selectAll()
      .where("incident_id", "=", incident)
      .where("organisation_id", "=", organisationId)
      .orderBy("observed_at")
      .execute();
    return sightingViews(tx, members);
  });
}
