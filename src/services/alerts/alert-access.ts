/**
 * Whose alert it is (src/services/organisations/scope.ts). A draft or approved alert is its
 * organisation's: another organisation's staff are told "No such alert", as for an id that names
 * nothing. A published alert (published, expired or cancelled) is public: anyone signed in reads
 * it, without who drafted, edited or approved it or the sighting it came from; only the
 * organisation that published it edits, approves, publishes or follows it up.
 *
 * Every operator service that takes an alert id loads it here, so the rule is in one place.
 */
import type { Actor } from "../../auth/permissions.ts";
import type { DbOrTx } from "../../db/transaction.ts";
import { ApiError } from "../../errors.ts";
import type { OrganisationScope } from "../organisations/scope.ts";
import {
  type AlertRecord,
  type AlertRow,
  type AlertView,
  loadAlertRecord,
  toAlertView,
} from "./alert-record.ts";

type Scope = Pick<Actor, "organisationId">;

export const isPublic = (row: Pick<AlertRow, "published_at">): boolean => row.published_at !== null;

export const isOwn = (row: Pick<AlertRow, "organisation_id">, scope: Scope): boolean =>
  row.organisation_id === scope.organisationId;

/**
 * The alert, if the caller may see it (`act`: and change it or follow it up). One small query
 * decides first, so an alert of another organisation costs what a missing one does; a lock, when
 * asked for, is taken there, and a refusal throws and so rolls the caller's transaction back.
 */
export async function loadAlertFor(
  db: DbOrTx,
  alertId: string,
  scope: Scope,
  options: { act?: boolean; lock?: boolean } = {},
): Promise<AlertRecord> {
  let query = db
    .selectFrom("alerts")
    .select(["organisation_id", "published_at", "sender_org"])
    .where("id", "=", alertId);
  if (options.lock) query = query.forUpdate();
  const row = await query.executeTakeFirst();
  if (!row || (!isOwn(row, scope) && !isPublic(row))) throw new ApiError("not_found", "No such alert");
  if (options.act && !isOwn(row, scope)) {
    throw new ApiError(
      "forbidden",
      `This alert was published by ${row.sender_org}: only ${row.sender_org} may change it or follow it up`,
    );
  }
  return loadAlertRecord(db, alertId, options.lock ?? false);
}

/** The alert as the caller sees it: another organisation's published alert without its staff. */
export function alertViewFor(record: AlertRecord, scope: Scope): AlertView {
  const view = toAlertView(record);
  if (isOwn(record.row, scope)) return view;
  return { ...view, authorId: null, editorIds: [], approverId: null, sightingId: null };
}

export async function alertViewForActor(db: DbOrTx, alertId: string, scope: OrganisationScope) {
  return alertViewFor(await loadAlertFor(db, alertId, scope), scope);
}
