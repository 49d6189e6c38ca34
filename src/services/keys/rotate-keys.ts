/**
 * rotateKeys (`aviso keys rotate`): brings every sealed value under the keyring's first key and
 * every blind index under the current BLIND_INDEX_KEY, in batches, while the service runs.
 *
 * Sealed values: subscribers' addresses (with their blind index), the local outbox's recipients
 * (with theirs), responders' numbers (with theirs, the same as a resident's), reporters' callback numbers and staff's TOTP secrets (no index). Each batch is read, decrypted, sealed
 * again and written back with one UPDATE that only touches rows still holding what was read, so a
 * row changed or erased meanwhile is left to the service (and counted as `raced`); rows the
 * service writes meanwhile are already under the new keys. Nothing is written for a row already
 * under both keys, so a run can be stopped at any point and run again: it picks up where it is.
 *
 * Re-indexing needs the plaintext (an HMAC cannot be re-keyed), which is why it happens here with
 * the decryption. While it runs, lookups try both index keys (PiiCipher.blindIndexes). If a
 * process that did not know the previous key created a second subscriber for the same address,
 * the two meet here as a unique-index conflict and are merged: the row already under the new
 * index stays, with the other's ZIPs when both are active, and the other is deleted.
 *
 * Values only indexed, never sealed (inbound-message records, reply and sign-up counters, login
 * attempts, the simulator transcript) cannot be re-indexed; they expire within days (see
 * docs/privacy.md, "Rotating keys").
 */
import { type Kysely, sql } from "kysely";
import type { Channel, Database } from "../../db/database.ts";
import { addressPurpose } from "../../security/addresses.ts";
import type { PiiCipher } from "../../security/pii.ts";
import { openPager, type PagerChannel, sealPager } from "../paging/pager-addresses.ts";
import { openTotpSecret, sealTotpSecret } from "../second-factor/totp-factor.ts";
import { REPORTER_CALLBACK_PURPOSE } from "../sightings/shape.ts";

export type TableRotation = {
  /** Rows looked at. */
  scanned: number;
  /** Sealed again under the keyring's first key. */
  reencrypted: number;
  /** Given their index under the current blind-index key. */
  reindexed: number;
  /** Duplicate subscribers (one per index key) merged into one. */
  merged: number;
  /** Changed or erased by the service between read and write; the next run looks again. */
  raced: number;
  /** Could not be decrypted (a key missing from the ring); left as they are. */
  failed: number;
};

export type RotationReport = {
  subscribers: TableRotation;
  outbox: TableRotation;
  sightings: TableRotation;
  totpFactors: TableRotation;
  responders: TableRotation;
  /** Staff pager addresses: browsers and proven numbers (src/services/paging/). */
  pagers: TableRotation;
};

type Ctx = { db: Kysely<Database>; pii: PiiCipher };
type Options = {
  batchSize?: number;
  /** Stop after this many batches per table (an interrupted run, in tests). */
  maxBatches?: number;
  onBatch?: (table: keyof RotationReport, progress: TableRotation) => void;
};

const empty = (): TableRotation => ({
  scanned: 0,
  reencrypted: 0,
  reindexed: 0,
  merged: 0,
  raced: 0,
  failed: 0,
});

export async function rotateKeys({
  ctx,
  input = {},
}: {
  ctx: Ctx;
  input?: Options;
}): Promise<RotationReport> {
  return {
    subscribers: await rotateSubscribers(ctx, input),
    outbox: await rotateOutbox(ctx, input),
    sightings: await rotateCallbacks(ctx, input),
    totpFactors: await rotateTotpSecrets(ctx, input),
    responders: await rotateResponders(ctx, input),
    pagers: await rotatePagers(ctx, input),
  };
}

/** What one row becomes: its new sealed value and index, and what it held when read. */
type Change = {
  id: string;
  channel: Channel;
  ciphertext: Buffer;
  keyId: string;
  index: Buffer;
  oldCiphertext: Buffer;
  oldIndex: Buffer;
  reencrypt: boolean;
  reindex: boolean;
};

/** A row as read: its sealed value and index. */
type Row = { id: string; channel: Channel; ciphertext: Buffer; keyId: string; index: Buffer };

/** Decrypts a row and decides what it needs; none when nothing (or when it cannot be read). */
function plan(pii: PiiCipher, report: TableRotation, row: Row): Change[] {
  const purpose = addressPurpose(row.channel);
  let plaintext: string;
  try {
    plaintext = pii.decrypt({ ciphertext: row.ciphertext, keyId: row.keyId }, purpose);
  } catch {
    report.failed += 1;
    return [];
  }
  const reencrypt = row.keyId !== pii.activeKeyId;
  const index = pii.blindIndex(plaintext, purpose);
  const reindex = !index.equals(row.index);
  if (!reencrypt && !reindex) return [];
  const sealed = reencrypt
    ? pii.encrypt(plaintext, purpose)
    : { ciphertext: row.ciphertext, keyId: row.keyId };
  return [
    {
      id: row.id,
      channel: row.channel,
      ...sealed,
      index,
      oldCiphertext: row.ciphertext,
      oldIndex: row.index,
      reencrypt,
      reindex,
    },
  ];
}

/** Counts what was written: `written` are the ids the UPDATE touched. */
function tally(report: TableRotation, changes: Change[], written: Set<string>): void {
  for (const change of changes) {
    if (!written.has(change.id)) report.raced += 1;
    else {
      if (change.reencrypt) report.reencrypted += 1;
      if (change.reindex) report.reindexed += 1;
    }
  }
}

function values(changes: Change[]) {
  return sql.join(
    changes.map(
      (c) =>
        sql`(${c.id}::text, ${c.ciphertext}::bytea, ${c.keyId}::text, ${c.index}::bytea, ${c.oldCiphertext}::bytea, ${c.oldIndex}::bytea)`,
    ),
  );
}

async function rotateSubscribers(ctx: Ctx, options: Options): Promise<TableRotation> {
  const report = empty();
  await inBatches("subscribers", options, report, async (after, limit) => {
    const rows = await ctx.db
      .selectFrom("subscribers")
      .select([
        "id",
        "channel",
        "address_ciphertext as ciphertext",
        "address_key_id as keyId",
        "address_index as index",
      ])
      .where("id", ">", after)
      .orderBy("id")
      .limit(limit)
      .execute();
    const changes = rows.flatMap((row) => plan(ctx.pii, report, row));
    if (changes.length > 0) {
      try {
        tally(report, changes, await updateSubscribers(ctx.db, changes));
      } catch (error) {
        if (!isUniqueViolation(error)) throw error;
        // Some address exists twice (once per index key): row by row, merging those.
        for (const change of changes) await rotateOneSubscriber(ctx.db, change, report);
      }
    }
    return { read: rows.length, last: rows.at(-1)?.id };
  });
  return report;
}

async function updateSubscribers(db: Kysely<Database>, changes: Change[]): Promise<Set<string>> {
  const result = await sql<{ id: string }>`
    UPDATE subscribers s
    SET address_ciphertext = v.ciphertext, address_key_id = v.key_id, address_index = v.index
    FROM (VALUES ${values(changes)}) AS v(id, ciphertext, key_id, index, old_ciphertext, old_index)
    WHERE s.id = v.id::uuid AND s.address_ciphertext = v.old_ciphertext AND s.address_index = v.old_index
    RETURNING s.id::text AS id`.execute(db);
  return new Set(result.rows.map((row) => row.id));
}

async function rotateOneSubscriber(
  db: Kysely<Database>,
  change: Change,
  report: TableRotation,
): Promise<void> {
  await db.transaction().execute(async (tx) => {
    const twin = await tx
      .selectFrom("subscribers")
      .select(["id", "status"])
      .where("channel", "=", change.channel)
      .where("address_index", "=", change.index)
      .where("id", "<>", change.id)
      .forUpdate()
      .executeTakeFirst();
    const self = await tx
      .selectFrom("subscribers")
      .select(["id", "status"])
      .where("id", "=", change.id)
      .where("address_ciphertext", "=", change.oldCiphertext)
      .where("address_index", "=", change.oldIndex)
      .forUpdate()
      .executeTakeFirst();
    if (!self || !twin) {
      tally(report, [change], self ? await updateSubscribers(tx, [change]) : new Set());
      return;
    }
    // The twin is already under the new index: it was written more recently, so it says what the
    // person wants now. Their other ZIPs join it only when both are active.
    if (self.status === "active" && twin.status === "active") {
      await sql`INSERT INTO subscriptions (subscriber_id, zip)
        SELECT ${twin.id}::uuid, zip FROM subscriptions WHERE subscriber_id = ${self.id}::uuid
        ON CONFLICT DO NOTHING`.execute(tx);
    }
    await tx.deleteFrom("subscribers").where("id", "=", self.id).execute();
    report.merged += 1;
  });
}

async function rotateOutbox(ctx: Ctx, options: Options): Promise<TableRotation> {
  const report = empty();
  await inBatches("outbox", options, report, async (after, limit) => {
    const rows = await ctx.db
      .selectFrom("outbox")
      .select([
        "id",
        "channel",
        "recipient_ciphertext as ciphertext",
        "recipient_key_id as keyId",
        "recipient_index as index",
      ])
      .where("id", ">", after)
      .orderBy("id")
      .limit(limit)
      .execute();
    const changes = rows.flatMap((row) => plan(ctx.pii, report, { ...row, id: String(row.id) }));
    if (changes.length > 0) {
      const result = await sql<{ id: string }>`
        UPDATE outbox o
        SET recipient_ciphertext = v.ciphertext, recipient_key_id = v.key_id, recipient_index = v.index
        FROM (VALUES ${values(changes)}) AS v(id, ciphertext, key_id, index, old_ciphertext, old_index)
        WHERE o.id = v.id::bigint AND o.recipient_ciphertext = v.old_ciphertext
        RETURNING o.id::text AS id`.execute(ctx.db);
      tally(report, changes, new Set(result.rows.map((row) => row.id)));
    }
    const last = rows.at(-1);
    return { read: rows.length, last: last ? String(last.id) : undefined };
  });
  return report;
}

/** Responders' numbers: sealed and indexed as residents' SMS addresses (src/security/addresses.ts). */
async function rotateResponders(ctx: Ctx, options: Options): Promise<TableRotation> {
  const report = empty();
  await inBatches("responders", options, report, async (after, limit) => {
    const rows = await ctx.db
      .selectFrom("responders")
      .select(["id", "phone_ciphertext as ciphertext", "phone_key_id as keyId", "phone_index as index"])
      .where("id", ">", after)
      .orderBy("id")
      .limit(limit)
      .execute();
    const changes = rows.flatMap((row) => plan(ctx.pii, report, { ...row, channel: "sms" }));
    if (changes.length > 0) {
      const result = await sql<{ id: string }>`
        UPDATE responders r
        SET phone_ciphertext = v.ciphertext, phone_key_id = v.key_id, phone_index = v.index
        FROM (VALUES ${values(changes)}) AS v(id, ciphertext, key_id, index, old_ciphertext, old_index)
        WHERE r.id = v.id::uuid AND r.phone_ciphertext = v.old_ciphertext
        RETURNING r.id::text AS id`.execute(ctx.db);
      tally(report, changes, new Set(result.rows.map((row) => row.id)));
    }
    return { read: rows.length, last: rows.at(-1)?.id };
  });
  return report;
}

/**
 * Staff pager addresses, sealed and indexed under `staff-pager:*` purposes. Few rows (one number
 * and a few browsers per staff member): read at once, each written only if still as read.
 */
async function rotatePagers(ctx: Ctx, options: Options): Promise<TableRotation> {
  const report = empty();
  const { pii } = ctx;
  const rotate = (channel: PagerChannel, sealed: { ciphertext: Buffer; keyId: string; index: Buffer }) => {
    let plaintext: string;
    try {
      plaintext = openPager(pii, channel, sealed);
    } catch {
      report.failed += 1;
      return null;
    }
    const fresh = sealPager(pii, channel, plaintext);
    const reencrypt = sealed.keyId !== pii.activeKeyId;
    const reindex = !fresh.index.equals(sealed.index);
    if (!reencrypt && !reindex) return null;
    return { ...(reencrypt ? fresh : { ...sealed, index: fresh.index }), reencrypt, reindex };
  };
  const count = (changed: boolean, change: { reencrypt: boolean; reindex: boolean }) => {
    if (!changed) report.raced += 1;
    else {
      if (change.reencrypt) report.reencrypted += 1;
      if (change.reindex) report.reindexed += 1;
    }
  };
  const browsers = await ctx.db.selectFrom("pager_push_subscriptions").selectAll().execute();
  for (const row of browsers) {
    report.scanned += 1;
    const change = rotate("push", {
      ciphertext: row.address_ciphertext,
      keyId: row.address_key_id,
      index: row.address_index,
    });
    if (!change) continue;
    const result = await ctx.db
      .updateTable("pager_push_subscriptions")
      .set({
        address_ciphertext: change.ciphertext,
        address_key_id: change.keyId,
        address_index: change.index,
      })
      .where("id", "=", row.id)
      .where("address_ciphertext", "=", row.address_ciphertext)
      .executeTakeFirst();
    count(Number(result.numUpdatedRows) === 1, change);
  }
  const phones = await ctx.db.selectFrom("pager_phones").selectAll().execute();
  for (const row of phones) {
    report.scanned += 1;
    const change = rotate("sms", {
      ciphertext: row.phone_ciphertext,
      keyId: row.phone_key_id,
      index: row.phone_index,
    });
    if (!change) continue;
    const result = await ctx.db
      .updateTable("pager_phones")
      .set({ phone_ciphertext: change.ciphertext, phone_key_id: change.keyId, phone_index: change.index })
      .where("user_id", "=", row.user_id)
      .where("phone_ciphertext", "=", row.phone_ciphertext)
      .executeTakeFirst();
    count(Number(result.numUpdatedRows) === 1, change);
  }
  options.onBatch?.("pagers", report);
  return report;
}

async function rotateCallbacks(ctx: Ctx, options: Options): Promise<TableRotation> {
  const report = empty();
  const { pii } = ctx;
  await inBatches("sightings", options, report, async (after, limit) => {
    const rows = await ctx.db
      .selectFrom("sightings")
      .select(["id", "reporter_callback_ciphertext", "reporter_callback_key_id"])
      .where("id", ">", after)
      .where("reporter_callback_ciphertext", "is not", null)
      .where("reporter_callback_key_id", "<>", pii.activeKeyId)
      .orderBy("id")
      .limit(limit)
      .execute();
    for (const row of rows) {
      let phone: string;
      try {
        phone = pii.decrypt(
          { ciphertext: row.reporter_callback_ciphertext!, keyId: row.reporter_callback_key_id! },
          REPORTER_CALLBACK_PURPOSE,
        );
      } catch {
        report.failed += 1;
        continue;
      }
      const sealed = pii.encrypt(phone, REPORTER_CALLBACK_PURPOSE);
      // Only if it is still there: the purge may have dropped it meanwhile.
      const result = await ctx.db
        .updateTable("sightings")
        .set({ reporter_callback_ciphertext: sealed.ciphertext, reporter_callback_key_id: sealed.keyId })
        .where("id", "=", row.id)
        .where("reporter_callback_ciphertext", "=", row.reporter_callback_ciphertext!)
        .executeTakeFirst();
      if (Number(result.numUpdatedRows) === 1) report.reencrypted += 1;
      else report.raced += 1;
    }
    return { read: rows.length, last: rows.at(-1)?.id };
  });
  return report;
}

/** Staff's TOTP secrets, sealed under a purpose per user (no index). */
async function rotateTotpSecrets(ctx: Ctx, options: Options): Promise<TableRotation> {
  const report = empty();
  const { pii } = ctx;
  await inBatches("totpFactors", options, report, async (after, limit) => {
    const rows = await ctx.db
      .selectFrom("totp_factors")
      .select(["id", "user_id", "secret_ciphertext", "secret_key_id"])
      .where("id", ">", after)
      .where("secret_key_id", "<>", pii.activeKeyId)
      .orderBy("id")
      .limit(limit)
      .execute();
    for (const row of rows) {
      let secret: string;
      try {
        secret = openTotpSecret(pii, row.user_id, row);
      } catch {
        report.failed += 1;
        continue;
      }
      // Only if it is still there: a reset or a new enrolment may have replaced it meanwhile.
      const result = await ctx.db
        .updateTable("totp_factors")
        .set(sealTotpSecret(pii, row.user_id, secret))
        .where("id", "=", row.id)
        .where("secret_ciphertext", "=", row.secret_ciphertext)
        .executeTakeFirst();
      if (Number(result.numUpdatedRows) === 1) report.reencrypted += 1;
      else report.raced += 1;
    }
    return { read: rows.length, last: rows.at(-1)?.id };
  });
  return report;
}

/**
 * Walks a table in id order, one batch at a time; `batch` reads up to `limit` rows after `after`
 * and returns how many it read and the last id.
 */
async function inBatches(
  table: keyof RotationReport,
  options: Options,
  report: TableRotation,
  batch: (after: string, limit: number) => Promise<{ read: number; last?: string }>,
): Promise<void> {
  const limit = options.batchSize ?? 500;
  let after = table === "outbox" ? "0" : "00000000-0000-0000-0000-000000000000";
  for (let n = 0; options.maxBatches === undefined || n < options.maxBatches; n += 1) {
    const { read, last } = await batch(after, limit);
    report.scanned += read;
    if (last === undefined) break;
    after = last;
    options.onBatch?.(table, report);
    if (read < limit) break;
  }
}

function isUniqueViolation(error: unknown): boolean {
  return typeof error === "object" && error !== null && (error as { code?: unknown }).code === "23505";
}
