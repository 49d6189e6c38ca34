/**
 * Recovery codes: ten one-time codes that stand in for a TOTP code when the phone is lost. Each is
 * 80 random bits written as XXXX-XXXX-XXXX-XXXX (an alphabet without 0/O or 1/I/L), shown once,
 * and stored only as SHA-256 of the user id and the code: a dump does not sign anyone in, and 80
 * bits cannot be found by hashing guesses offline. Using one marks it used, atomically.
 */
import { createHash, randomBytes } from "node:crypto";
import type { DbOrTx } from "../../db/transaction.ts";

export const RECOVERY_CODE_COUNT = 10;
const ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"; // 31 symbols: 16 of them hold > 79 bits
const LENGTH = 16;

function newRecoveryCode(): string {
  let code = "";
  // Rejection sampling keeps every symbol equally likely.
  while (code.length < LENGTH) {
    for (const byte of randomBytes(LENGTH)) {
      if (byte < 248 && code.length < LENGTH) code += ALPHABET[byte % ALPHABET.length];
    }
  }
  return code.match(/.{4}/g)!.join("-");
}

/** Upper case, without spaces or dashes: how a code is hashed, however it was typed. */
function normalise(code: string): string {
  return code.toUpperCase().replace(/[\s-]/g, "");
}

export function recoveryCodeHash(userId: string, code: string): Buffer {
  return createHash("sha256")
    .update(`${userId}:${normalise(code)}`, "utf8")
    .digest();
}

/** Replaces the user's codes with ten new ones and returns them (the only time they are seen). */
export async function replaceRecoveryCodes(db: DbOrTx, userId: string, now: Date): Promise<string[]> {
  const codes = Array.from({ length: RECOVERY_CODE_COUNT }, newRecoveryCode);
  await db.deleteFrom("recovery_codes").where("user_id", "=", userId).execute();
  await db
    .insertInto("recovery_codes")
    .values(
      codes.map((code) => ({ user_id: userId, code_hash: recoveryCodeHash(userId, code), created_at: now })),
    )
    .execute();
  return codes;
}

/** Marks the code used if it is the user's and unused; false otherwise. */
export async function useRecoveryCode(db: DbOrTx, userId: string, code: string, now: Date): Promise<boolean> {
  if (normalise(code).length !== LENGTH) return false;
  const used = await db
    .updateTable("recovery_codes")
    .set({ used_at: now })
    .where("user_id", "=", userId)
    .where("code_hash", "=", recoveryCodeHash(userId, code))
    .where("used_at", "is", null)
    .returning("id")
    .executeTakeFirst();
  return used !== undefined;
}
