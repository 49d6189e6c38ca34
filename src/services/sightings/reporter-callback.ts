/**
 * The reporter's callback number: read only on purpose (audited, never logged), and purged by
 * housekeeping once REPORTER_CALLBACK_RETENTION_HOURS have passed. A number past its time is
 * treated as gone even before the purge has run.
 */
import type { Actor } from "../../auth/permissions.ts";
import type { AppContext } from "../../context.ts";
import { ApiError } from "../../errors.ts";
import { recordAudit } from "../audit/record-audit.ts";
import { loadSightingRow, REPORTER_CALLBACK_PURPOSE } from "./shape.ts";

export async function revealReporterCallback({
  ctx,
  input,
}: {
  ctx: Pick<AppContext, "db" | "clock" | "pii">;
  input: { sightingId: string; actor: Actor };
}): Promise<{ phone: string; purgeAfter: string }> {
  const now = ctx.clock.now();
  const row = await loadSightingRow(ctx.db, input.sightingId, input.actor);
  const { reporter_callback_ciphertext: ciphertext, reporter_callback_key_id: keyId } = row;
  const purgeAfter = row.reporter_callback_purge_after;
  if (!ciphertext || !keyId || !purgeAfter || purgeAfter.getTime() <= now.getTime()) {
    throw new ApiError("not_found", "This sighting has no callback number (none given, or purged)");
  }
  const phone = ctx.pii.decrypt({ ciphertext, keyId }, REPORTER_CALLBACK_PURPOSE);
  await recordAudit(ctx.db, {
    actor: input.actor.id,
    action: "sighting.callback_viewed",
    target: { type: "sighting", id: row.id },
    at: now,
  });
  return { phone, purgeAfter: purgeAfter.toISOString() };
}

/** Housekeeping: drops every callback number past its purge time. */
export async function purgeReporterCallbacks(ctx: Pick<AppContext, "db" | "clock">): Promise<number> {
  const now = ctx.clock.now();
  const purged = await ctx.db
    .updateTable("sightings")
    .set({
      reporter_callback_ciphertext: null,
      reporter_callback_key_id: null,
      reporter_callback_purge_after: null,
      reporter_callback_purged_at: now,
    })
    .where("reporter_callback_ciphertext", "is not", null)
    .where("reporter_callback_purge_after", "<=", now)
    .returning("id")
    .execute();
  await recordAudit(
    ctx.db,
    purged.map(({ id }) => ({
      actor: "system",
      action: "sighting.callback_purged",
      target: { type: "sighting", id },
      at: now,
    })),
  );
  return purged.length;
}
