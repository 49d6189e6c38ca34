/** updateSighting: correct what was logged (place, time, agency…). Audited with the fields changed. */
import type { Actor } from "../../auth/permissions.ts";
import type { AppContext } from "../../context.ts";
import { withTransaction } from "../../db/transaction.ts";
import { recordAudit } from "../audit/record-audit.ts";
import { checkSightingFields, type SightingFields } from "./create-sighting.ts";
import { loadSightingRow, type SightingView, sightingView } from "./shape.ts";

export async function updateSighting({
  ctx,
  input,
}: {
  ctx: Pick<AppContext, "db" | "clock" | "config">;
  input: { sightingId: string; changes: Partial<SightingFields>; actor: Actor };
}): Promise<SightingView> {
  const now = ctx.clock.now();
  const c = input.changes;
  await checkSightingFields(ctx.db, ctx.config, c, now);
  return withTransaction(ctx.db, async (tx) => {
    const row = await loadSightingRow(tx, input.sightingId, input.actor, true);
    await tx
      .updateTable("sightings")
      .set({
        updated_at: now,
        ...(c.zip === undefined ? {} : { zip: c.zip }),
        ...(c.place === undefined ? {} : { place: c.place }),
        ...(c.crossStreets === undefined ? {} : { cross_streets: c.crossStreets }),
        ...(c.observedAt === undefined ? {} : { observed_at: c.observedAt }),
        ...(c.agency === undefined ? {} : { agency: c.agency }),
        ...(c.activity === undefined ? {} : { activity: c.activity }),
        ...(c.vehicles === undefined ? {} : { vehicles: c.vehicles }),
        ...(c.agents === undefined ? {} : { agents: c.agents }),
        ...(c.description === undefined ? {} : { description: c.description }),
        ...(c.source === undefined ? {} : { source: c.source }),
      })
      .where("id", "=", row.id)
      .execute();
    await recordAudit(tx, {
      actor: input.actor.id,
      action: "sighting.updated",
      target: { type: "sighting", id: row.id },
      details: { changed: Object.keys(c).filter((key) => c[key as keyof SightingFields] !== undefined) },
      at: now,
    });
    return sightingView(tx, row.id, input.actor);
  });
}
