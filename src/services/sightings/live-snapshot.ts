/**
 * What a sighting's live view sends (src/routes/sighting-events.ts): its status and its dispatch (who was
 * asked, whether their text went, what each answered), and the fingerprint that says whether any
 * of that changed since the last look.
 *
 * The fingerprint is one cheap query (counts and maxima on indexed sighting_id columns) polled
 * about once a second: a responder's answer arrives through the Twilio webhook, which may be served
 * by another process than the one holding the stream, so an in-process emitter would miss it; and
 * LISTEN/NOTIFY needs a connection held open per process on Postgres and has no PGlite or
 * Hyperdrive counterpart. Polling works the same on every backend.
 *
 * No phone number ever: responders by name (the dispatch view never carries one), nothing of the
 * reporter, and free text scrubbed of anything shaped like a number or an email address, as logs are.
 */
import { sql } from "kysely";
import type { SightingStatus, VerificationMethod } from "../../db/database.ts";
import type { DbOrTx } from "../../db/transaction.ts";
import { scrubPii } from "../../log.ts";
import type { OrganisationScope } from "../organisations/scope.ts";
import { type DispatchView, dispatchView } from "../responders/dispatch-view.ts";
import { sightingView } from "./shape.ts";

export type LiveSnapshot = {
  sighting: {
    id: string;
    status: SightingStatus;
    updatedAt: string;
    verifications: { method: VerificationMethod; notes: string | null; at: string }[];
  };
  dispatch: DispatchView;
};

/** The sighting as its live view shows it; "No such sighting" outside the caller's organisation. */
export async function liveSnapshot(
  db: DbOrTx,
  sightingId: string,
  scope: Pick<OrganisationScope, "organisationId">,
  /** The operators' time zone, for the escalation notes' times. */
  timeZone: string,
): Promise<LiveSnapshot> {
  const sighting = await sightingView(db, sightingId, scope);
  const dispatch = await dispatchView(db, sighting.id, scope, timeZone);
  const scrub = (text: string | null) => (text === null ? null : scrubPii(text));
  return {
    sighting: {
      id: sighting.id,
      status: sighting.status,
      updatedAt: sighting.updatedAt,
      verifications: sighting.verifications.map((v) => ({
        method: v.method,
        notes: scrub(v.notes),
        at: v.at,
      })),
    },
    dispatch: {
      ...dispatch,
      requests: dispatch.requests.map((r) => ({
        ...r,
        answers: r.answers.map((a) => ({ ...a, notes: scrub(a.notes) })),
      })),
    },
  };
}

/**
 * A string that changes whenever the snapshot would: the sighting's status and last change, its
 * requests (new ones, texts that went or failed), rings (an escalation that found nobody asks no
 * one, but is news), answers (new ones, words erased) and verifications. null when the sighting is gone from the caller's organisation.
 */
export async function liveFingerprint(
  db: DbOrTx,
  sightingId: string,
  scope: Pick<OrganisationScope, "organisationId">,
): Promise<string | null> {
  const { rows } = await sql<{ f: string }>`
    SELECT concat_ws('|', s.status, s.updated_at::text,
      (SELECT count(*) || ':' || count(*) FILTER (WHERE send_status = 'sent') || ':' ||
              count(*) FILTER (WHERE send_status = 'failed') || ':' || count(responder_id)
         FROM responder_requests WHERE sighting_id = s.id),
      (SELECT count(*) FROM responder_rings WHERE sighting_id = s.id),
      (SELECT count(*) || ':' || coalesce(max(id), 0) || ':' || count(notes)
         FROM responder_answers WHERE sighting_id = s.id),
      (SELECT count(*) || ':' || count(notes) FROM sighting_verifications WHERE sighting_id = s.id)) AS f
    FROM sightings s
    WHERE s.id = ${sightingId} AND s.organisation_id = ${scope.organisationId}`.execute(db);
  return rows[0]?.f ?? null;
}
