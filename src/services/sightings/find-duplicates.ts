/**
 * Likely duplicates: other sightings in the same ZIP observed within the configured window
 * (SIGHTING_DUPLICATE_WINDOW_MINUTES) either side, not already in the same incident. Offered to
 * the operator when a sighting is logged and on request; merging is the operator's decision.
 */
import type { AppContext } from "../../context.ts";
import type { DbOrTx } from "../../db/transaction.ts";
import { loadSightingRow, type SightingView, sightingViews } from "./shape.ts";

export async function findDuplicateRows(
  db: DbOrTx,
  sighting: { id: string; zip: string; observed_at: Date; incident_id: string | null },
  windowMinutes: number,
) {
  const windowMs = windowMinutes * 60_000;
  const incident = sighting.incident_id ?? sighting.id;
  return db
    .selectFrom("sightings")
    .selectAll()
    .where("zip", "=", sighting.zip)
    .where("id", "<>", sighting.id)
    .where("observed_at", ">=", new Date(sighting.observed_at.getTime() - windowMs))
    .where("observed_at", "<=", new Date(sighting.observed_at.getTime() + windowMs))
    .where((eb) => eb(eb.fn.coalesce("incident_id", "id"), "<>", incident))
    .orderBy("observed_at")
    .limit(20)
    .execute();
}

export async function findDuplicateSightings({
  ctx,
  input,
}: {
  ctx: Pick<AppContext, "db" | "config">;
  input: { sightingId: string };
}): Promise<SightingView[]> {
  const sighting = await loadSightingRow(ctx.db, input.sightingId);
  const rows = await findDuplicateRows(ctx.db, sighting, ctx.config.operators.sightingDuplicateWindowMinutes);
  return sightingViews(ctx.db, rows);
}
