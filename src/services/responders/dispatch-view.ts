/**
 * Who was asked about a sighting and what each answered: its responder requests, their texts'
 * outcomes and the answers, in order. Loaded within the caller's organisation, like the sighting.
 */
import type { ResponderAnswer } from "../../db/database.ts";
import type { DbOrTx } from "../../db/transaction.ts";
import type { OrganisationScope } from "../organisations/scope.ts";
import { loadSightingRow } from "../sightings/shape.ts";

export type DispatchView = {
  sightingId: string;
  caseCode: string | null;
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
  return {
    sightingId: sighting.id,
    caseCode: requests[0]?.case_code ?? null,
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
