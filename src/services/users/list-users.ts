import type { AppContext } from "../../context.ts";
import { ApiError } from "../../http/errors.ts";
import { toUserView, type UserView, userQuery } from "./shape.ts";

export async function listUsers({ ctx }: { ctx: Pick<AppContext, "db"> }): Promise<UserView[]> {
  const rows = await userQuery(ctx.db).orderBy("users.created_at").execute();
  return rows.map(toUserView);
}

export async function getUser({
  ctx,
  input,
}: {
  ctx: Pick<AppContext, "db">;
  input: { userId: string };
}): Promise<UserView> {
  const row = await userQuery(ctx.db).where("users.id", "=", input.userId).executeTakeFirst();
  if (!row) throw new ApiError("not_found", "No such user");
  return toUserView(row);
}
