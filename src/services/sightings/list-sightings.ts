import type { AppContext } from "../../context.ts";
import type { SightingStatus } from "../../db/database.ts";
import type { OrganisationScope } from "../organisations/scope.ts";
import { type SightingView, sightingViews } from "./shape.ts";

export async function listSightings({
  ctx,
  input,
}: {
  ctx: Pick<AppContext, "db">;
  input: { status?: SightingStatus; zip?: string; limit: number; scope: OrganisationScope };
}): Promise<SightingView[]> {
  let query = ctx.db
    .selectFrom("sightings")
    .selectAll()
    .where("organisation_id", "=", input.scope.organisationId)
    .orderBy("observed_at", "desc")
    .limit(input.limit);
  if (input.status) query = query.where("status", "=", input.status);
  if (input.zip) query = query.where("zip", "=", input.zip);
  return sightingViews(ctx.db, await query.execute());
}
