/**
 * Who was asked about a sighting and what each answered: its responder requests, their texts'
 * outcomes and the answers, in order. Loaded within the caller's organisation, like the sighting.
 * Also its rings (each time responders were asked), with a sentence for each escalation: "Nobody
 * answered Y within 5 minutes; the next 3 were asked at 8:11 PM", or, once, that nobody else on
 * duty covers the ZIP.
 */
import type { ResponderAnswer } from "../../db/database.ts";
import type { DbOrTx } from "../../db/transaction.ts";
import type { OrganisationScope } from "../organisations/scope.ts";
import { loadSightingRow } from "../sightings/shape.ts";

export type DispatchView = {
  sightingId: string;
  caseCode: string | null;
  rings: {
    at: string;
    /** `system` for an escalation, else the staff member's id. */
    by: string;
    escalated: boolean;
    requested: number;
    asked: number;
    exhausted: boolean;
    /** For an escalation, what happened, in words (times in the program's time zone). */
    note: string | null;
  }[];
  requests: {
    id: string;
    responderId: string | null;
    responderName: string | null;
    caseCode: string;
    distanceMiles: number;
    sendStatus: "queued" | "sent" | "failed";
    sentAt: string | null;
    answers: { answer: ResponderAnswer; notes: string | null; at: string }[];
  }[];
};

export async function dispatchView(
  db: DbOrTx,
  sightingId: string,
  scope: Pick<OrganisationScope, "organisationId">,
  timeZone: string,
): Promise<DispatchView> {
  const sighting = await loadSightingRow(db, sightingId, scope);
  const requests = await db
    .selectFrom("responder_requests as r")
    .leftJoin("responders as p", "p.id", "r.responder_id")
    .select([
      "r.id",
      "r.responder_id",
      "p.name",
      "r.case_code",
      "r.distance_miles",
      "r.send_status",
      "r.sent_at",
      "r.created_at",
    ])
    .where("r.sighting_id", "=", sighting.id)
    .orderBy("r.created_at")
    .orderBy("r.distance_miles")
    .execute();
  const answers = await db
    .selectFrom("responder_answers")
    .select(["request_id", "answer", "notes", "created_at"])
    .where("sighting_id", "=", sighting.id)
    .orderBy("id")
    .execute();
  const rings = await db
    .selectFrom("responder_rings")
    .selectAll()
    .where("sighting_id", "=", sighting.id)
    .orderBy("id")
    .execute();
  const clock = new Intl.DateTimeFormat("en-US", { timeZone, hour: "numeric", minute: "2-digit" });
  return {
    sightingId: sighting.id,
    caseCode: requests[0]?.case_code ?? null,
    rings: rings.map((g) => ({
      at: g.created_at.toISOString(),
      by: g.created_by,
      escalated: g.escalated,
      requested: g.requested,
      asked: g.asked,
      exhausted: g.exhausted,
      note: g.escalated
        ? `Nobody answered Y within ${g.after_minutes} minute${g.after_minutes === 1 ? "" : "s"}; ${
            g.exhausted
              ? `nobody else on duty covers ${sighting.zip}`
              : `${g.asked === 1 ? "the next responder was" : `the next ${g.asked} were`} asked at ${clock.format(g.created_at)}`
          }.`
        : null,
    })),
    requests: requests.map((r) => ({
      id: r.id,
      responderId: r.responder_id,
      responderName: r.name,
      caseCode: r.case_code,
      distanceMiles: r.distance_miles,
      sendStatus: r.send_status,
      sentAt: r.sent_at?.toISOString() ?? null,
      answers: answers
        .filter((a) => a.request_id === r.id)
        .map((a) => ({ answer: a.answer, notes: a.notes, at: a.created_at.toISOString() })),
    })),
  };
}
