/**
 * Reads the alert timeline (issue 16, point 9) from where each step is recorded: the sighting
 * (`created_at`, `decided_at`), its first responder request and first Y and CONFIRM answers, the
 * alert (`created_at`, `approved_at`, `published_at`) and the hand-off span the delivery worker
 * keeps on the alert (src/ledger/handoffs.ts). An alert drafted from scratch has no sighting
 * steps; they come back as missing.
 *
 * Another organisation's published alert is readable (alert-access.ts), but its sighting is not:
 * the sighting steps are left out for them, as its sighting id is.
 */
import { sql } from "kysely";
import type { Actor } from "../../auth/permissions.ts";
import type { DbOrTx } from "../../db/transaction.ts";
import { isOwn, loadAlertFor } from "../alerts/alert-access.ts";
import { buildTimeline, medianWaits, type Timeline, type TimelineStepName } from "./steps.ts";

type TimesRow = { id: string } & Record<TimelineStepName, Date | string | null>;

/** Steps another organisation does not see: its sighting's and its staff's own. */
const SIGHTING_STEPS: readonly TimelineStepName[] = [
  "reported",
  "dispatched",
  "escalated",
  "first_yes",
  "first_confirm",
  "decided",
  "paged",
  "approval_opened",
];

/** One statement for any number of alerts: the answers and requests are found by their sighting indexes. */
function timesQuery(where: ReturnType<typeof sql>) {
  return sql<TimesRow>`
    SELECT a.id,
      s.created_at AS reported,
      (SELECT min(r.created_at) FROM responder_requests r WHERE r.sighting_id = a.sighting_id) AS dispatched,
      (SELECT min(g.created_at) FROM responder_rings g
        WHERE g.sighting_id = a.sighting_id AND g.escalated AND g.asked > 0) AS escalated,
      (SELECT min(x.created_at) FROM responder_answers x
        WHERE x.sighting_id = a.sighting_id AND x.answer = 'yes') AS first_yes,
      (SELECT min(x.created_at) FROM responder_answers x
        WHERE x.sighting_id = a.sighting_id AND x.answer = 'confirm') AS first_confirm,
      s.decided_at AS decided,
      a.created_at AS drafted,
      p.paged_at AS paged,
      p.opened_at AS approval_opened,
      a.approved_at AS approved,
      a.published_at AS published,
      a.first_handoff_at AS first_handoff,
      a.last_handoff_at AS last_handoff
    FROM alerts a
    LEFT JOIN sightings s ON s.id = a.sighting_id
    LEFT JOIN approval_pages p ON p.alert_id = a.id
    WHERE ${where}`;
}

function toTimeline(row: TimesRow, withSighting: boolean): Timeline {
  const times: Partial<Record<TimelineStepName, Date | null>> = {};
  for (const [key, value] of Object.entries(row)) {
    if (key === "id") continue;
    const step = key as TimelineStepName;
    if (!withSighting && SIGHTING_STEPS.includes(step)) continue;
    times[step] = value === null ? null : new Date(value);
  }
  return buildTimeline(times);
}

export async function alertTimeline(
  db: DbOrTx,
  alertId: string,
  actor: Pick<Actor, "organisationId">,
): Promise<Timeline & { alertId: string }> {
  const record = await loadAlertFor(db, alertId, actor);
  const { rows } = await timesQuery(sql`a.id = ${alertId}`).execute(db);
  return { alertId, ...toTimeline(rows[0]!, isOwn(record.row, actor)) };
}

/** The admin page's figures: medians over the organisation's alerts drafted in the last `days` days. */
export const MEDIAN_WINDOW_DAYS = 30;
/** Enough for any organisation's month; the newest are kept if there are more. */
const MEDIAN_ALERTS_CAP = 5000;

export async function timelineMedians(
  db: DbOrTx,
  organisationId: string,
  now: Date,
): Promise<{ alerts: number; since: Date; medians: ReturnType<typeof medianWaits> }> {
  const since = new Date(now.getTime() - MEDIAN_WINDOW_DAYS * 86_400_000);
  const { rows } = await sql<TimesRow>`
    SELECT * FROM (${timesQuery(sql`a.organisation_id = ${organisationId} AND a.created_at >= ${since}`)}) t
    ORDER BY t.drafted DESC LIMIT ${MEDIAN_ALERTS_CAP}`.execute(db);
  const timelines = rows.map((row) => toTimeline(row, true));
  return { alerts: timelines.length, since, medians: medianWaits(timelines) };
}
