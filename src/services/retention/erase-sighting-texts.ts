/**
 * Erasing what staff typed about a sighting. A sighting's free text (`place`, `cross_streets`,
 * `description`, its verifications' `notes`, and the words responders texted with a CONFIRM,
 * `responder_answers.notes`) is whatever the caller and the responders said,
 * and can name the caller, a neighbour or a person detained. Once the sighting has been decided
 * (verified, unconfirmed or false alarm) and nobody has touched it for SIGHTING_TEXT_RETENTION_DAYS,
 * that text is set to NULL and `text_erased_at` records when. What the figures need stays: the ZIP,
 * when it was seen, logged and last changed, agency, activity, vehicle and agent counts, source,
 * status, incident and organisation.
 *
 * Alerts do not need it: a drafted or published alert holds its own texts (`alert_texts`), which
 * two people reviewed. A cancel drafted later simply does not name the place, and an alert drafted
 * from an erased verified sighting names its ZIP instead. Sightings never decided (reported,
 * dispatched) keep their text: they are open work.
 *
 * The condition is on content, not on a flag, so text typed into an erased sighting after the fact
 * goes at the next run. Rows being changed right now are skipped until the next run.
 */
import { sql } from "kysely";
import type { AppContext } from "../../context.ts";
import { recordAudit } from "../audit/record-audit.ts";

const BATCH = 1_000;

type Ctx = Pick<AppContext, "db" | "clock" | "config">;

export async function eraseSightingTexts(ctx: Ctx): Promise<number> {
  const now = ctx.clock.now();
  const cutoff = new Date(now.getTime() - ctx.config.retention.sightingTextDays * 86_400_000);
  let erased = 0;
  for (;;) {
    // One statement per batch (a data-modifying CTE): the verifications' notes and the sighting's
    // own text go together, or not at all.
    const { rows } = await sql<{ id: string }>`
      WITH due AS (
        SELECT s.id FROM sightings s
        WHERE s.status IN ('verified', 'unconfirmed', 'false_alarm')
          AND s.updated_at < ${cutoff}
          AND (s.place IS NOT NULL OR s.cross_streets IS NOT NULL OR s.description IS NOT NULL
            OR EXISTS (SELECT 1 FROM sighting_verifications v
                       WHERE v.sighting_id = s.id AND v.notes IS NOT NULL)
            OR EXISTS (SELECT 1 FROM responder_answers a
                       WHERE a.sighting_id = s.id AND a.notes IS NOT NULL))
        ORDER BY s.updated_at
        LIMIT ${BATCH}
        FOR UPDATE OF s SKIP LOCKED
      ), notes AS (
        UPDATE sighting_verifications SET notes = NULL
        WHERE sighting_id IN (SELECT id FROM due) AND notes IS NOT NULL
      ), answer_notes AS (
        UPDATE responder_answers SET notes = NULL
        WHERE sighting_id IN (SELECT id FROM due) AND notes IS NOT NULL
      )
      UPDATE sightings SET place = NULL, cross_streets = NULL, description = NULL, text_erased_at = ${now}
      WHERE id IN (SELECT id FROM due)
      RETURNING id`.execute(ctx.db);
    erased += rows.length;
    if (rows.length < BATCH) break;
  }
  if (erased > 0) {
    await recordAudit(ctx.db, {
      actor: "system",
      action: "retention.sighting_texts_erased",
      details: { count: erased },
      at: now,
    });
  }
  return erased;
}
