/** A new session for a user: a 256-bit token for the cookie, only its SHA-256 stored. */
import type { DbOrTx } from "../../db/transaction.ts";
import { randomToken, tokenHash } from "../../security/tokens.ts";

/** How long a sign-in that has passed the password may take to give its second factor. */
export const SECOND_FACTOR_MINUTES = 5;

export async function createSession(
  db: DbOrTx,
  input: { userId: string; stage: "password" | "full"; now: Date; expiresAt: Date },
): Promise<{ token: string; sessionId: string }> {
  const token = randomToken(32);
  const session = await db
    .insertInto("sessions")
    .values({
      token_hash: tokenHash(token),
      user_id: input.userId,
      created_at: input.now,
      last_seen_at: input.now,
      expires_at: input.expiresAt,
      stage: input.stage,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  return { token, sessionId: session.id };
}
