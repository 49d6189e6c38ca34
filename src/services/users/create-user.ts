/**
 * createUser: a staff account in a sending organisation (created if new). Used by admins through
 * the API, in their own organisation only (`scope`), and by `aviso user create`, which bootstraps
 * each organisation's first admin.
 */
import type { AppContext } from "../../context.ts";
import type { Role } from "../../db/database.ts";
import { withTransaction } from "../../db/transaction.ts";
import { ApiError } from "../../errors.ts";
import { hashPassword } from "../../security/passwords.ts";
import { recordAudit } from "../audit/record-audit.ts";
import { type OrganisationScope, ownOrganisation } from "../organisations/scope.ts";
import { ensureOrganisation, toUserView, type UserView, userQuery } from "./shape.ts";

export type CreateUserInput = {
  email: string;
  name: string;
  role: Role;
  /** By an admin: their own organisation, which is also the default. */
  organisation?: string;
  password: string;
  /** Who did it, for the audit log ("system" from the CLI). */
  actor: string;
  /** The admin's organisation; only the CLI creates accounts without one. */
  scope?: OrganisationScope;
};

export async function createUser({
  ctx,
  input,
}: {
  ctx: Pick<AppContext, "db" | "clock">;
  input: CreateUserInput;
}): Promise<UserView> {
  const email = input.email.trim().toLowerCase();
  const organisation = ownOrganisation(input.scope, input.organisation);
  // Hash before the transaction: it takes tens of milliseconds and holds no lock.
  const passwordHash = await hashPassword(input.password);
  return withTransaction(ctx.db, async (tx) => {
    const taken = await tx.selectFrom("users").select("id").where("email", "=", email).executeTakeFirst();
    if (taken) throw new ApiError("conflict", "An account with this email exists already");
    const organisationId = await ensureOrganisation(tx, organisation);
    const now = ctx.clock.now();
    const { id } = await tx
      .insertInto("users")
      .values({
        email,
        name: input.name.trim(),
        role: input.role,
        organisation_id: organisationId,
        password_hash: passwordHash,
        created_at: now,
        updated_at: now,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    await recordAudit(tx, {
      actor: input.actor,
      action: "user.created",
      target: { type: "user", id },
      details: { role: input.role, organisationId },
      at: now,
    });
    return toUserView(await userQuery(tx).where("users.id", "=", id).executeTakeFirstOrThrow());
  });
}
