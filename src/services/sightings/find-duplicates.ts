/**
 * Likely duplicates: other sightings of the same organisation in the same ZIP observed within the
 * configured window (SIGHTING_DUPLICATE_WINDOW_MINUTES) either side, not already in the same
 * incident. Offered to the operator when a sighting is logged and on request; merging is the
 * operator's decision. Another organisation's reports are never offered: they are its own.
 */
import type { AppContext } from "../../context.ts";
import type { DbOrTx } from "../../db/transaction.ts";
import type { OrganisationScope } from "../organisations/scope.ts";
import { loadSightingRow, type SightingView, sightingViews } from "./shape.ts";

export async function findDuplicateRows(
  db: DbOrTx,
  sighting: {
    id: string;
    zip: string;
    observed_at: Date;
    incident_id: string | null;
    organisation_id: string;
  },
  windowMinutes: number,
) {
  const windowMs = windowMinutes * 60_000;
  const incident = sighting.incident_id ?? sighting.id;
  return db
    .selectFrom("sightings")
    .selectAll()
    .where("organisation_id", "=", sighting.organisation_id)
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
  input: { sightingId: string; scope: OrganisationScope };
}): Promise<SightingView[]> {
  const sighting = await loadSightingRow(ctx.db, input.sightingId, input.scope);
  const rows = await findDuplicateRows(ctx.db, sighting, ctx.config.operators.sightingDuplicateWindowMinutes);
  return sightingViews(ctx.db, rows);
}
