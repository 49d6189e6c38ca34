/**
 * The first admin, made through the server's one-time setup link (src/routes/setup.ts) rather than
 * `aviso user create`, which cannot open the embedded database while the server holds it.
 * createFirstAdmin makes an admin only while none exists: concurrent submissions (two tabs, two
 * API processes on one Postgres each with its own link) wait on one advisory lock, and all but
 * the first find an admin and are refused.
 */
import { sql } from "kysely";
import type { AppContext } from "../../context.ts";
import type { DbOrTx } from "../../db/transaction.ts";
import { withTransaction } from "../../db/transaction.ts";
import { ApiError } from "../../errors.ts";
import { createUser } from "./create-user.ts";
import type { UserView } from "./shape.ts";

/** Two-key advisory lock: (class, 1). pg-boss's one-key locks never collide with it. */
const FIRST_ADMIN_LOCK_CLASS = 0x61646d31; // "adm1"

/** Whether any admin account exists, disabled or not (a disabled one can be enabled again by CLI). */
export async function adminExists(db: DbOrTx): Promise<boolean> {
  const row = await db
    .selectFrom("users")
    .select("id")
    .where("role", "=", "admin")
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

export class AdminExistsError extends ApiError {
  constructor() {
    super("conflict", "An admin account exists already; sign in to the console instead");
    this.name = "AdminExistsError";
  }
}

export async function createFirstAdmin({
  ctx,
  input,
}: {
  ctx: Pick<AppContext, "db" | "clock">;
  input: { email: string; name: string; organisation: string; password: string };
}): Promise<UserView> {
  return withTransaction(ctx.db, async (tx) => {
    await sql`select pg_advisory_xact_lock(${FIRST_ADMIN_LOCK_CLASS}::int, 1)`.execute(tx);
    if (await adminExists(tx)) throw new AdminExistsError();
    return createUser({ ctx: { ...ctx, db: tx }, input: { ...input, role: "admin", actor: "system" } });
  });
}
