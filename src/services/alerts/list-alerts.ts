import type { AppContext } from "../../context.ts";
import type { AlertKind, AlertStatus } from "../../db/database.ts";
import type { OrganisationScope } from "../organisations/scope.ts";
import { alertViewFor } from "./alert-access.ts";
import { type AlertView, loadAlertRecord } from "./alert-record.ts";

/** The caller's organisation's alerts in any state, and every organisation's published ones. */
export async function listAlerts({
  ctx,
  input,
}: {
  ctx: Pick<AppContext, "db">;
  input: { status?: AlertStatus; kind?: AlertKind; limit: number; scope: OrganisationScope };
}): Promise<AlertView[]> {
  let query = ctx.db
    .selectFrom("alerts")
    .select("id")
    .where((eb) =>
      eb.or([eb("organisation_id", "=", input.scope.organisationId), eb("published_at", "is not", null)]),
    )
    .orderBy("created_at", "desc")
    .limit(input.limit);
  if (input.status) query = query.where("status", "=", input.status);
  if (input.kind) query = query.where("kind", "=", input.kind);
  const ids = await query.execute();
  return Promise.all(ids.map(async ({ id }) => alertViewFor(await loadAlertRecord(ctx.db, id), input.scope)));
}
