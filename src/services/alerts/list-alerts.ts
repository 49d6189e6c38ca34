import type { AppContext } from "../../context.ts";
import type { AlertKind, AlertStatus } from "../../db/database.ts";
import { type AlertView, alertView } from "./alert-record.ts";

export async function listAlerts({
  ctx,
  input,
}: {
  ctx: Pick<AppContext, "db">;
  input: { status?: AlertStatus; kind?: AlertKind; limit: number };
}): Promise<AlertView[]> {
  let query = ctx.db.selectFrom("alerts").select("id").orderBy("created_at", "desc").limit(input.limit);
  if (input.status) query = query.where("status", "=", input.status);
  if (input.kind) query = query.where("kind", "=", input.kind);
  const ids = await query.execute();
  return Promise.all(ids.map(({ id }) => alertView(ctx.db, id)));
}
