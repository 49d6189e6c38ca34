/**
 * Alerts that went out, for the console's history: everything ever published (by any
 * organisation: a published alert is public, src/services/organisations/scope.ts), newest first,
 * with what became of it. An alert's row keeps status "published" after its expiry (nothing
 * rewrites it), so "expired" is read from the clock; "cancelled" is set when its cancel goes out;
 * "updated" means a later update was published about it. There is no discarded-draft state:
 * a draft stays in the approval queue until it is approved.
 */
import { type Expression, type ExpressionBuilder, type SqlBool, sql } from "kysely";
import type { AppContext } from "../../context.ts";
import type { AlertKind, Database } from "../../db/database.ts";
import type { OrganisationScope } from "../organisations/scope.ts";
import { alertViewFor } from "./alert-access.ts";
import { type AlertView, loadAlertRecord } from "./alert-record.ts";

export const HISTORY_STATES = ["past", "live", "cancelled", "expired", "updated", "any"] as const;
export type HistoryState = (typeof HISTORY_STATES)[number];

export type HistoryQuery = {
  /** past: cancelled or expired (the default); any: everything published. */
  state: HistoryState;
  kind?: AlertKind;
  /** Published at or after this instant; none: since the beginning. */
  since?: Date;
  zip?: string;
  /** 1-based. */
  page: number;
  pageSize: number;
  scope: OrganisationScope;
  now: Date;
};

export type HistoryEntry = {
  alert: AlertView;
  /** What became of it, now. */
  state: "live" | "cancelled" | "expired";
  /** A later update about it was published. */
  updated: boolean;
};

type Eb = ExpressionBuilder<Database, "alerts">;

const hasUpdate = (eb: Eb) =>
  eb.exists(
    eb
      .selectFrom("alerts as u")
      .select("u.id")
      .whereRef("u.references_alert_id", "=", "alerts.id")
      .where("u.kind", "=", "update")
      .where("u.published_at", "is not", null),
  );

function stateFilter(eb: Eb, state: HistoryState, now: Date): Expression<SqlBool> {
  const expired = eb.or([
    eb("status", "=", "expired"),
    eb.and([eb("status", "=", "published"), eb("expires_at", "<=", now)]),
  ]);
  switch (state) {
    case "live":
      return eb.and([eb("status", "=", "published"), eb("expires_at", ">", now)]);
    case "cancelled":
      return eb("status", "=", "cancelled");
    case "expired":
      return expired;
    case "past":
      return eb.or([eb("status", "=", "cancelled"), expired]);
    case "updated":
      return hasUpdate(eb);
    case "any":
      return eb.lit(true);
  }
}

export async function listAlertHistory({
  ctx,
  input,
}: {
  ctx: Pick<AppContext, "db">;
  input: HistoryQuery;
}): Promise<{ entries: HistoryEntry[]; more: boolean }> {
  let query = ctx.db
    .selectFrom("alerts")
    .select((eb) => ["id", hasUpdate(eb).as("updated")])
    // Published ones only; the scope's own clause restates the rule for anything else.
    .where("published_at", "is not", null)
    .where((eb) =>
      eb.or([eb("organisation_id", "=", input.scope.organisationId), eb("published_at", "is not", null)]),
    )
    .where((eb) => stateFilter(eb, input.state, input.now))
    .orderBy("published_at", "desc")
    .orderBy("id", "desc")
    .limit(input.pageSize + 1)
    .offset((input.page - 1) * input.pageSize);
  if (input.kind) query = query.where("kind", "=", input.kind);
  if (input.since) query = query.where("published_at", ">=", input.since);
  if (input.zip) query = query.where(sql<SqlBool>`${input.zip} = ANY(target_zips)`);
  const rows = await query.execute();
  const entries = await Promise.all(
    rows.slice(0, input.pageSize).map(async (row): Promise<HistoryEntry> => {
      const alert = alertViewFor(await loadAlertRecord(ctx.db, row.id), input.scope);
      return { alert, state: stateOf(alert, input.now), updated: Boolean(row.updated) };
    }),
  );
  return { entries, more: rows.length > input.pageSize };
}

function stateOf(alert: AlertView, now: Date): HistoryEntry["state"] {
  if (alert.status === "cancelled") return "cancelled";
  if (alert.status === "expired" || Date.parse(alert.expiresAt) <= now.getTime()) return "expired";
  return "live";
}
