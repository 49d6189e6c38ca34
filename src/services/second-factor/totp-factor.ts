/**
 * A user's TOTP factor as stored: the secret sealed with AES-256-GCM under a purpose that names the
 * user (so a ciphertext copied to another user's row does not open), opened only to check a code
 * or to show it once at enrolment; never logged, never in an answer after enrolment.
 */
import type { AppContext } from "../../context.ts";
import type { DbOrTx } from "../../db/transaction.ts";
import { matchTotp } from "../../security/totp.ts";
import { useRecoveryCode } from "./recovery-codes.ts";

export function totpSecretPurpose(userId: string): string {
  return `totp-secret:${userId}`;
}

export function sealTotpSecret(pii: AppContext["pii"], userId: string, secret: string) {
  const { ciphertext, keyId } = pii.encrypt(secret, totpSecretPurpose(userId));
  return { secret_ciphertext: ciphertext, secret_key_id: keyId };
}

export function openTotpSecret(
  pii: AppContext["pii"],
  userId: string,
  row: { secret_ciphertext: Buffer; secret_key_id: string },
): string {
  return pii.decrypt(
    { ciphertext: row.secret_ciphertext, keyId: row.secret_key_id },
    totpSecretPurpose(userId),
  );
}

export async function hasConfirmedTotp(db: DbOrTx, userId: string): Promise<boolean> {
  const row = await db
    .selectFrom("totp_factors")
    .select("id")
    .where("user_id", "=", userId)
    .where("confirmed_at", "is not", null)
    .executeTakeFirst();
  return row !== undefined;
}

/**
 * Accepts a code for the factor and records its time step, in one statement that only succeeds
 * for a step later than the last one used: a code seen once (over a shoulder, in a proxy's log)
 * cannot be used again, even by two requests at the same moment.
 */
export async function acceptTotpCode(
  db: DbOrTx,
  pii: AppContext["pii"],
  factor: { id: string; user_id: string; secret_ciphertext: Buffer; secret_key_id: string },
  code: string,
  now: Date,
): Promise<boolean> {
  const step = matchTotp(openTotpSecret(pii, factor.user_id, factor), code, now);
  if (step === null) return false;
  const accepted = await db
    .updateTable("totp_factors")
    .set({ last_used_step: step })
    .where("id", "=", factor.id)
    .where((eb) => eb.or([eb("last_used_step", "is", null), eb("last_used_step", "<", String(step))]))
    .returning("id")
    .executeTakeFirst();
  return accepted !== undefined;
}

/** A TOTP code or a recovery code for the user's confirmed factor: which one worked, or null. */
export async function useSecondFactor(
  db: DbOrTx,
  pii: AppContext["pii"],
  input: { userId: string; code?: string; recoveryCode?: string; now: Date },
): Promise<"totp" | "recovery_code" | null> {
  const factor = await db
    .selectFrom("totp_factors")
    .select(["id", "user_id", "secret_ciphertext", "secret_key_id"])
    .where("user_id", "=", input.userId)
    .where("confirmed_at", "is not", null)
    .executeTakeFirst();
  if (!factor) return null;
  if (input.code && (await acceptTotpCode(db, pii, factor, input.code, input.now))) return "totp";
  if (input.recoveryCode && (await useRecoveryCode(db, input.userId, input.recoveryCode, input.now))) {
    return "recovery_code";
  }
  return null;
}
