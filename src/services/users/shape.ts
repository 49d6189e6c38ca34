/** How an account is shown outside the service layer: never its password hash. */

import type { Role } from "../../db/database.ts";
import type { DbOrTx } from "../../db/transaction.ts";

export type UserView = {
  id: string;
  email: string;
  name: string;
  role: Role;
  organisation: { id: string; name: string };
  disabled: boolean;
  createdAt: string;
};

export function userQuery(db: DbOrTx) {
  return db
    .selectFrom("users")
    .innerJoin("organisations", "organisations.id", "users.organisation_id")
    .select([
      "users.id",
      "users.email",
      "users.name",
      "users.role",
      "users.disabled_at",
      "users.created_at",
      "organisations.id as organisation_id",
      "organisations.name as organisation_name",
    ]);
}

export function toUserView(row: {
  id: string;
  email: string;
  name: string;
  role: Role;
  disabled_at: Date | null;
  created_at: Date;
  organisation_id: string;
  organisation_name: string;
}): UserView {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    role: row.role,
    organisation: { id: row.organisation_id, name: row.organisation_name },
    disabled: row.disabled_at !== null,
    createdAt: row.created_at.toISOString(),
  };
}

/** The organisation by name, created on first use (its name is what alerts name as their sender). */
export async function ensureOrganisation(db: DbOrTx, name: string): Promise<string> {
  await db
    .insertInto("organisations")
    .values({ name })
    .onConflict((oc) => oc.column("name").doNothing())
    .execute();
  const row = await db
    .selectFrom("organisations")
    .select("id")
    .where("name", "=", name)
    .executeTakeFirstOrThrow();
  return row.id;
}
