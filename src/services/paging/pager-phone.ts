/**
 * A staff member's own number for SMS pages. Typing a number pages nobody: Aviso texts it a
 * six-digit code, and only once that code is typed back on the account page (by the same signed-in
 * person, before it expires) does the number receive pages. So a stolen session can make Aviso text
 * a stranger at most a few codes an hour (CODES_PER_HOUR), never an approval page, and guessing a
 * code is cut off after MAX_ATTEMPTS wrong tries. The number is sealed and blind-indexed; the code
 * is kept only as an HMAC; neither is logged. One number per person: a new one replaces the old,
 * unverified until its own code is typed.
 */
import { randomInt, timingSafeEqual } from "node:crypto";
import { sql } from "kysely";
import type { AppContext } from "../../context.ts";
import { withTransaction } from "../../db/transaction.ts";
import { SendError } from "../../delivery/sender.ts";
import { ApiError, invalid } from "../../errors.ts";
import { recordAudit } from "../audit/record-audit.ts";
import { normalizeUsPhone } from "../subscriptions/phone-number.ts";
import { codeHash, openPager, sealPager } from "./pager-addresses.ts";

export const CODES_PER_HOUR = 3;
export const CODE_MINUTES = 10;
export const MAX_ATTEMPTS = 5;
/** The advisory-lock class of a person's pager-code requests (two-key form, like the others). */
const PAGER_CODE_LOCK_CLASS = 0x70677231; // "pgr1"

type Ctx = Pick<AppContext, "db" | "pii" | "clock" | "senders" | "log">;

export function verificationText(code: string): string {
  return `Aviso code ${code}. Type it on your Aviso account page to get approval pages at this number. If you did not ask for this, ignore this text.`;
}

/** Seals the number, keeps a code for it and texts the code. */
export async function addPagerPhone({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { userId: string; phone: string };
}): Promise<{ ending: string }> {
  const phone = normalizeUsPhone(input.phone);
  if (!phone) throw invalid("phone", "must be a US phone number, like (510) 555-0123");
  const code = String(randomInt(0, 1_000_000)).padStart(6, "0");
  const now = ctx.clock.now();
  await withTransaction(ctx.db, async (tx) => {
    // The limit counts the codes texted to this person's numbers in the last hour from the audit
    // log, which removing a number does not touch (a counter on the number's row was reset by
    // removing it); the lock orders concurrent requests even before the person has a row.
    await sql`SELECT pg_advisory_xact_lock(${PAGER_CODE_LOCK_CLASS}::int, hashtext(${input.userId}))`.execute(
      tx,
    );
    const { sent } = await tx
      .selectFrom("audit_log")
      .select((eb) => eb.fn.countAll<string>().as("sent"))
      .where("target_type", "=", "user")
      .where("target_id", "=", input.userId)
      .where("action", "=", "pager.phone_added")
      .where("at", ">", new Date(now.getTime() - 3_600_000))
      .executeTakeFirstOrThrow();
    if (Number(sent) >= CODES_PER_HOUR) {
      throw new ApiError(
        "rate_limited",
        `At most ${CODES_PER_HOUR} codes an hour are texted: try again later`,
      );
    }
    const sealed = sealPager(ctx.pii, "sms", phone);
    const values = {
      phone_ciphertext: sealed.ciphertext,
      phone_key_id: sealed.keyId,
      phone_index: sealed.index,
      verified_at: null,
      code_hash: codeHash(ctx.pii, input.userId, code),
      code_expires_at: new Date(now.getTime() + CODE_MINUTES * 60_000),
      code_attempts: 0,
      updated_at: now,
    };
    await tx
      .insertInto("pager_phones")
      .values({ user_id: input.userId, created_at: now, ...values })
      .onConflict((oc) => oc.column("user_id").doUpdateSet(values))
      .execute();
    await recordAudit(tx, {
      actor: `user:${input.userId}`,
      action: "pager.phone_added",
      target: { type: "user", id: input.userId },
      at: now,
    });
  });
  try {
    await ctx.senders.sms.send({ channel: "sms", to: phone, text: verificationText(code), ttlSeconds: 600 });
  } catch (error) {
    ctx.log.warn({ code: error instanceof SendError ? error.code : "send_failed" }, "pager code not sent");
    throw new ApiError("conflict", "The code could not be texted to that number: check it and try again");
  }
  return { ending: phone.slice(-2) };
}

/** The code typed back: right, the number pages from now on; wrong, one fewer try is left. */
export async function verifyPagerPhone({
  ctx,
  input,
}: {
  ctx: Pick<Ctx, "db" | "pii" | "clock">;
  input: { userId: string; code: string };
}): Promise<void> {
  const typed = input.code.replace(/\s/g, "");
  if (!/^\d{6}$/.test(typed)) throw invalid("code", "is the six digits texted to your number");
  const now = ctx.clock.now();
  // The wrong guess is counted in its own committed transaction; the refusal is thrown after.
  const outcome = await withTransaction(ctx.db, async (tx) => {
    const row = await tx
      .selectFrom("pager_phones")
      .select(["code_hash", "code_expires_at", "code_attempts", "verified_at"])
      .where("user_id", "=", input.userId)
      .forUpdate()
      .executeTakeFirst();
    if (!row?.code_hash || !row.code_expires_at) return "none" as const;
    if (row.code_attempts >= MAX_ATTEMPTS) return "exhausted" as const;
    if (row.code_expires_at <= now) return "expired" as const;
    const right = timingSafeEqual(row.code_hash, codeHash(ctx.pii, input.userId, typed));
    if (!right) {
      await tx
        .updateTable("pager_phones")
        .set({ code_attempts: row.code_attempts + 1, updated_at: now })
        .where("user_id", "=", input.userId)
        .execute();
      return row.code_attempts + 1 >= MAX_ATTEMPTS ? ("exhausted" as const) : ("wrong" as const);
    }
    await tx
      .updateTable("pager_phones")
      .set({ verified_at: now, code_hash: null, code_expires_at: null, code_attempts: 0, updated_at: now })
      .where("user_id", "=", input.userId)
      .execute();
    await recordAudit(tx, {
      actor: `user:${input.userId}`,
      action: "pager.phone_verified",
      target: { type: "user", id: input.userId },
      at: now,
    });
    return "verified" as const;
  });
  if (outcome === "verified") return;
  if (outcome === "wrong") throw invalid("code", "Wrong code");
  if (outcome === "none") throw new ApiError("conflict", "No code is waiting: add your number first");
  if (outcome === "expired") throw new ApiError("conflict", "That code has expired: ask for a new one");
  throw new ApiError("rate_limited", "Too many wrong codes: ask for a new code");
}

export async function removePagerPhone({
  ctx,
  input,
}: {
  ctx: Pick<Ctx, "db" | "clock">;
  input: { userId: string };
}): Promise<boolean> {
  return withTransaction(ctx.db, async (tx) => {
    const removed = await tx
      .deleteFrom("pager_phones")
      .where("user_id", "=", input.userId)
      .executeTakeFirst();
    if (Number(removed.numDeletedRows) === 0) return false;
    await recordAudit(tx, {
      actor: `user:${input.userId}`,
      action: "pager.phone_removed",
      target: { type: "user", id: input.userId },
      at: ctx.clock.now(),
    });
    return true;
  });
}

export type PagerPhoneStatus = { ending: string; verified: boolean; codeWaiting: boolean } | null;

/** What the account page shows: the number's last two digits and whether it pages yet. */
export async function pagerPhoneStatus(
  ctx: Pick<Ctx, "db" | "pii" | "clock">,
  userId: string,
): Promise<PagerPhoneStatus> {
  const row = await ctx.db
    .selectFrom("pager_phones")
    .select(["phone_ciphertext", "phone_key_id", "verified_at", "code_hash", "code_expires_at"])
    .where("user_id", "=", userId)
    .executeTakeFirst();
  if (!row) return null;
  const phone = openPager(ctx.pii, "sms", { ciphertext: row.phone_ciphertext, keyId: row.phone_key_id });
  return {
    ending: phone.slice(-2),
    verified: row.verified_at !== null,
    codeWaiting: row.code_hash !== null && (row.code_expires_at?.getTime() ?? 0) > ctx.clock.now().getTime(),
  };
}
