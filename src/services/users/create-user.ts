/**
 * createUser: a staff account in a sending organisation (created if new). Used by admins through
 * the API and by `aviso user create`, which bootstraps the first admin.
 */
import type { AppContext } from "../../context.ts";
import type { Role } from "../../db/database.ts";
import { withTransaction } from "../../db/transaction.ts";
import { ApiError } from "../../http/errors.ts";
import { hashPassword } from "../../security/passwords.ts";
import { recordAudit } from "../audit/record-audit.ts";
import { ensureOrganisation, toUserView, type UserView, userQuery } from "./shape.ts";

export type CreateUserInput = {
  email: string;
  name: string;
  role: Role;
  organisation: string;
  password: string;
  /** Who did it, for the audit log ("system" from the CLI). */
  actor: string;
};

export async function createUser({
  ctx,
  input,
}: {
  ctx: Pick<AppContext, "db" | "clock">;
  input: CreateUserInput;
}): Promise<UserView> {
  const email = input.email.trim().toLowerCase();
  // Hash before the transaction: it takes tens of milliseconds and holds no lock.
  const passwordHash = await hashPassword(input.password);
  return withTransaction(ctx.db, async (tx) => {
    const taken = await tx.selectFrom("users").select("id").where("email", "=", email).executeTakeFirst();
    if (taken) throw new ApiError("conflict", "An account with this email exists already");
    const organisationId = await ensureOrganisation(tx, input.organisation.trim());
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
