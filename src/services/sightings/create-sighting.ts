/**
 * createSighting: an operator logs what a caller reported. The ZIP must exist and be in the
 * service area; the time observed cannot be in the future. A callback number, if the caller gave
 * one, is normalised, sealed under its own purpose and given a purge time; it is never logged.
 * The answer includes likely duplicates, so the operator can merge at once.
 */
import { parsePhoneNumberFromString } from "libphonenumber-js";
import type { Actor } from "../../auth/permissions.ts";
import type { AppContext } from "../../context.ts";
import type { SightingActivity, SightingAgency, SightingSource } from "../../db/database.ts";
import { type DbOrTx, withTransaction } from "../../db/transaction.ts";
import { invalid } from "../../errors.ts";
import { recordAudit } from "../audit/record-audit.ts";
import { resolveZips } from "../subscriptions/service-area.ts";
import { findDuplicateRows } from "./find-duplicates.ts";
import { REPORTER_CALLBACK_PURPOSE, type SightingView, sightingView, sightingViews } from "./shape.ts";

/** A clock a few minutes fast on the caller's side is not a report from the future. */
const FUTURE_TOLERANCE_MS = 5 * 60_000;

export type SightingFields = {
  zip: string;
  place: string;
  crossStreets?: string | null;
  observedAt: Date;
  agency: SightingAgency;
  activity: SightingActivity;
  vehicles?: number | null;
  agents?: number | null;
  description?: string | null;
  source: SightingSource;
};

type Ctx = Pick<AppContext, "db" | "clock" | "config" | "pii">;

export async function createSighting({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: SightingFields & { reporterCallback?: string | null; actor: Actor };
}): Promise<{ sighting: SightingView; likelyDuplicates: SightingView[] }> {
  const now = ctx.clock.now();
  await checkSightingFields(ctx.db, ctx.config, input, now);
  const callback = input.reporterCallback ? sealCallback(ctx, input.reporterCallback, now) : null;
  return withTransaction(ctx.db, async (tx) => {
    const { id } = await tx
      .insertInto("sightings")
      .values({
        zip: input.zip,
        place: input.place,
        cross_streets: input.crossStreets ?? null,
        observed_at: input.observedAt,
        agency: input.agency,
        activity: input.activity,
        vehicles: input.vehicles ?? null,
        agents: input.agents ?? null,
        description: input.description ?? null,
        source: input.source,
        reporter_callback_ciphertext: callback?.ciphertext ?? null,
        reporter_callback_key_id: callback?.keyId ?? null,
        reporter_callback_purge_after: callback?.purgeAfter ?? null,
        organisation_id: input.actor.organisationId,
        created_by: input.actor.id,
        created_at: now,
        updated_at: now,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    await recordAudit(tx, {
      actor: input.actor.id,
      action: "sighting.created",
      target: { type: "sighting", id },
      details: {
        zip: input.zip,
        activity: input.activity,
        source: input.source,
        callback: callback !== null,
      },
      at: now,
    });
    const sighting = await sightingView(tx, id, input.actor);
    const duplicates = await findDuplicateRows(
      tx,
      {
        id,
        zip: input.zip,
        observed_at: input.observedAt,
        incident_id: null,
        organisation_id: input.actor.organisationId,
      },
      ctx.config.operators.sightingDuplicateWindowMinutes,
    );
    return { sighting, likelyDuplicates: await sightingViews(tx, duplicates) };
  });
}

export async function checkSightingFields(
  db: DbOrTx,
  config: Pick<AppContext["config"], "serviceArea">,
  input: { zip?: string; observedAt?: Date },
  now: Date,
): Promise<void> {
  if (input.zip !== undefined) {
    const { unknown } = await resolveZips(db, config.serviceArea, [input.zip]);
    if (unknown.length > 0) throw invalid("zip", `${input.zip} is not a known ZIP in the service area`);
  }
  if (input.observedAt !== undefined && input.observedAt.getTime() > now.getTime() + FUTURE_TOLERANCE_MS) {
    throw invalid("observedAt", "is in the future");
  }
}

function sealCallback(ctx: Ctx, raw: string, now: Date) {
  const phone = parsePhoneNumberFromString(raw, "US");
  if (!phone?.isPossible()) throw invalid("reporterCallback", "is not a phone number");
  const { ciphertext, keyId } = ctx.pii.encrypt(phone.number, REPORTER_CALLBACK_PURPOSE);
  const purgeAfter = new Date(
    now.getTime() + ctx.config.operators.reporterCallbackRetentionHours * 3_600_000,
  );
  return { ciphertext, keyId, purgeAfter };
}
