import type { AppContext } from "../../context.ts";
import { ApiError } from "../../errors.ts";
import type { OrganisationScope } from "../organisations/scope.ts";
import { toUserView, type UserView, userQuery } from "./shape.ts";

/** An admin's organisation's accounts. */
export async function listUsers({
  ctx,
  input,
}: {
  ctx: Pick<AppContext, "db">;
  input: { scope: OrganisationScope };
}): Promise<UserView[]> {
  const rows = await userQuery(ctx.db)
    .where("users.organisation_id", "=", input.scope.organisationId)
    .orderBy("users.created_at")
    .execute();
  return rows.map(toUserView);
}

/** One account of the admin's organisation; another's is "No such user". */
export async function getUser({
  ctx,
  input,
}: {
  ctx: Pick<AppContext, "db">;
  input: { userId: string; scope: OrganisationScope };
}): Promise<UserView> {
  const row = await userQuery(ctx.db)
    .where("users.id", "=", input.userId)
    .where("users.organisation_id", "=", input.scope.organisationId)
    .executeTakeFirst();
  if (!row) throw new ApiError("not_found", "No such user");
  return toUserView(row);
}
