/**
 * How a sighting is shown: everything but the reporter's number, which has its own audited read.
 * A sighting is its organisation's (src/services/organisations/scope.ts): it is loaded only within
 * the caller's, and one of another organisation is "No such sighting", like one that never was.
 */

import type { Selectable } from "kysely";
import type {
  SightingActivity,
  SightingAgency,
  SightingSource,
  SightingStatus,
  SightingsTable,
  VerificationMethod,
} from "../../db/database.ts";
import type { DbOrTx } from "../../db/transaction.ts";
import { ApiError } from "../../errors.ts";
import type { OrganisationScope } from "../organisations/scope.ts";

export type VerificationView = {
  id: string;
  actor: string;
  method: VerificationMethod;
  notes: string | null;
  at: string;
};

export type SightingView = {
  id: string;
  status: SightingStatus;
  zip: string;
  /** null once the free text was erased (SIGHTING_TEXT_RETENTION_DAYS after the decision). */
  place: string | null;
  crossStreets: string | null;
  observedAt: string;
  agency: SightingAgency;
  activity: SightingActivity;
  vehicles: number | null;
  agents: number | null;
  description: string | null;
  source: SightingSource;
  /** "held" until the purge window ends, then "purged"; "none" when the caller left none. */
  reporterCallback: "none" | "held" | "purged";
  reporterCallbackPurgeAfter: string | null;
  /** When place, cross streets, description and verification notes were erased, if they were. */
  textErasedAt: string | null;
  /** The incident this sighting belongs to: the id of its first sighting (its own when alone). */
  incidentId: string;
  organisationId: string;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
  verifications: VerificationView[];
};

export type SightingRow = Selectable<SightingsTable>;

export async function loadSightingRow(
  db: DbOrTx,
  id: string,
  scope: Pick<OrganisationScope, "organisationId">,
  lock = false,
): Promise<SightingRow> {
  let query = db
    .selectFrom("sightings")
    .selectAll()
    .where("id", "=", id)
    .where("organisation_id", "=", scope.organisationId);
  if (lock) query = query.forUpdate();
  const row = await query.executeTakeFirst();
  if (!row) throw new ApiError("not_found", "No such sighting");
  return row;
}

export async function sightingViews(db: DbOrTx, rows: SightingRow[]): Promise<SightingView[]> {
  if (rows.length === 0) return [];
  const verifications = await db
    .selectFrom("sighting_verifications")
    .selectAll()
    .where(
      "sighting_id",
      "in",
      rows.map((row) => row.id),
    )
    .orderBy("id")
    .execute();
  return rows.map((row) => ({
    id: row.id,
    status: row.status,
    zip: row.zip,
    place: row.place,
    crossStreets: row.cross_streets,
    observedAt: row.observed_at.toISOString(),
    agency: row.agency,
    activity: row.activity,
    vehicles: row.vehicles,
    agents: row.agents,
    description: row.description,
    source: row.source,
    reporterCallback: row.reporter_callback_ciphertext
      ? "held"
      : row.reporter_callback_purged_at
        ? "purged"
        : "none",
    reporterCallbackPurgeAfter: row.reporter_callback_ciphertext
      ? (row.reporter_callback_purge_after?.toISOString() ?? null)
      : null,
    textErasedAt: row.text_erased_at?.toISOString() ?? null,
    incidentId: row.incident_id ?? row.id,
    organisationId: row.organisation_id,
    createdBy: row.created_by,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
    verifications: verifications
      .filter((v) => v.sighting_id === row.id)
      .map((v) => ({
        id: String(v.id),
        actor: v.actor,
        method: v.method,
        notes: v.notes,
        at: v.created_at.toISOString(),
      })),
  }));
}

export async function sightingView(
  db: DbOrTx,
  id: string,
  scope: Pick<OrganisationScope, "organisationId">,
): Promise<SightingView> {
  const [view] = await sightingViews(db, [await loadSightingRow(db, id, scope)]);
  return view!;
}

export const REPORTER_CALLBACK_PURPOSE = "sighting-reporter-callback";
