/**
 * Reads the audit log, newest first, for admins: filter by actor, action prefix or object. An
 * admin reads their organisation's entries (whose actor or object is its own; see the
 * 2026-12-05T0500 migration's trigger) and the service-wide ones, which name no organisation's
 * objects (retention counts, locks, sign-ins to unknown accounts).
 */
import type { AppContext } from "../../context.ts";
import type { OrganisationScope } from "../organisations/scope.ts";

export type AuditQuery = {
  actor?: string;
  action?: string;
  targetType?: string;
  targetId?: string;
  /** Only entries with an id below this (the previous page's last id). */
  before?: string;
  limit: number;
  scope: OrganisationScope;
};

export type AuditRecord = {
  id: string;
  at: string;
  actor: string;
  action: string;
  target: { type: string; id: string } | null;
  details: Record<string, unknown>;
};

export async function listAudit({
  ctx,
  input,
}: {
  ctx: Pick<AppContext, "db">;
  input: AuditQuery;
}): Promise<AuditRecord[]> {
  let query = ctx.db
    .selectFrom("audit_log")
    .selectAll()
    .where((eb) =>
      eb.or([eb("organisation_id", "=", input.scope.organisationId), eb("organisation_id", "is", null)]),
    )
    .orderBy("id", "desc")
    .limit(input.limit);
  if (input.actor) query = query.where("actor", "=", input.actor);
  if (input.action) query = query.where("action", "like", `${input.action.replace(/[%_\\]/g, "\\$&")}%`);
  if (input.targetType) query = query.where("target_type", "=", input.targetType);
  if (input.targetId) query = query.where("target_id", "=", input.targetId);
  if (input.before) query = query.where("id", "<", input.before);
  const rows = await query.execute();
  return rows.map((row) => ({
    id: String(row.id),
    at: row.at.toISOString(),
    actor: row.actor,
    action: row.action,
    target: row.target_type && row.target_id ? { type: row.target_type, id: row.target_id } : null,
    details: row.details,
  }));
}
