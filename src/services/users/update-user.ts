/**
 * updateUser: an admin changes an account's name, role, organisation or password, or disables or
 * re-enables it. Disabling, a role change and a new password end the account's sessions: whoever
 * holds one must sign in again under the new terms. An admin changes accounts of their own
 * organisation only, and cannot move one to another.
 */
import type { AppContext } from "../../context.ts";
import type { Role } from "../../db/database.ts";
import { withTransaction } from "../../db/transaction.ts";
import { ApiError } from "../../errors.ts";
import { hashPassword } from "../../security/passwords.ts";
import { recordAudit } from "../audit/record-audit.ts";
import { type OrganisationScope, ownOrganisation } from "../organisations/scope.ts";
import { forgetPager } from "../paging/forget-pager.ts";
import { endUserSessions } from "../sessions/end-session.ts";
import { ensureOrganisation, toUserView, type UserView, userQuery } from "./shape.ts";

export type UpdateUserInput = {
  userId: string;
  name?: string;
  role?: Role;
  organisation?: string;
  password?: string;
  disabled?: boolean;
  actor: string;
  scope: OrganisationScope;
};

export async function updateUser({
  ctx,
  input,
}: {
  ctx: Pick<AppContext, "db" | "clock">;
  input: UpdateUserInput;
}): Promise<UserView> {
  if (input.organisation !== undefined) ownOrganisation(input.scope, input.organisation);
  const passwordHash = input.password === undefined ? undefined : await hashPassword(input.password);
  return withTransaction(ctx.db, async (tx) => {
    const user = await tx
      .selectFrom("users")
      .select(["id", "role", "disabled_at"])
      .where("id", "=", input.userId)
      .where("organisation_id", "=", input.scope.organisationId)
      .forUpdate()
      .executeTakeFirst();
    if (!user) throw new ApiError("not_found", "No such user");
    if (
      input.actor === `user:${user.id}` &&
      (input.disabled === true || (input.role && input.role !== "admin"))
    ) {
      throw new ApiError("conflict", "You cannot disable yourself or give up your own admin role");
    }
    const now = ctx.clock.now();
    const organisationId =
      input.organisation === undefined ? undefined : await ensureOrganisation(tx, input.organisation.trim());
    const disabledAt =
      input.disabled === undefined ? undefined : input.disabled ? (user.disabled_at ?? now) : null;
    await tx
      .updateTable("users")
      .set({
        updated_at: now,
        ...(input.name === undefined ? {} : { name: input.name.trim() }),
        ...(input.role === undefined ? {} : { role: input.role }),
        ...(organisationId === undefined ? {} : { organisation_id: organisationId }),
        ...(passwordHash === undefined ? {} : { password_hash: passwordHash }),
        ...(disabledAt === undefined ? {} : { disabled_at: disabledAt }),
      })
      .where("id", "=", user.id)
      .execute();
    const changed = [
      input.name !== undefined && "name",
      input.role !== undefined && "role",
      organisationId !== undefined && "organisation",
      passwordHash !== undefined && "password",
      input.disabled !== undefined && (input.disabled ? "disabled" : "enabled"),
    ].filter((field): field is string => typeof field === "string");
    const endsSessions =
      input.disabled === true ||
      (input.role !== undefined && input.role !== user.role) ||
      passwordHash !== undefined;
    const ended = endsSessions ? await endUserSessions(tx, user.id, now) : 0;
    // A disabled account is paged no more: its browsers and number go with it.
    if (input.disabled === true) await forgetPager(tx, user.id);
    await recordAudit(tx, {
      actor: input.actor,
      action: "user.updated",
      target: { type: "user", id: user.id },
      details: { changed, ...(input.role ? { role: input.role } : {}), sessionsEnded: ended },
      at: now,
    });
    return toUserView(await userQuery(tx).where("users.id", "=", user.id).executeTakeFirstOrThrow());
  });
}
