/**
 * Claim and record: how a delivery attempt takes ledger rows and writes back what happened to
 * them. The claim token (`<job id>:<attempt>`) fences the record, so a late result from a dead
 * attempt changes nothing (the invariant is told in full in workers/dispatch.ts).
 */
import { sql } from "kysely";
import type { DeliveryStatus } from "../db/database.ts";
import { PREPARED } from "../db/prepared.ts";
import type { DbOrTx } from "../db/transaction.ts";
import type { Language } from "../i18n/languages.ts";
import type { DeliveryJob } from "./jobs.ts";

export type ClaimedRow = {
  id: string;
  subscriber_id: string | null;
  previous_status: DeliveryStatus;
  was_duplicate: boolean;
  subscriber_status: string | null;
  language: Language | null;
  address_ciphertext: Buffer | null;
  address_key_id: string | null;
  /** WhatsApp: when they last wrote to us (the 24-hour free-form window). */
  last_inbound_at: Date | null;
};

/**
 * Takes up to `limit` rows of the batch for this attempt: queued ones, and `sending` ones held by
 * another attempt of this job — pg-boss only starts a new attempt once the previous one is over,
 * so those were left by an attempt that died. SKIP LOCKED keeps two claimers from waiting on
 * each other.
 */
export async function claimRows(
  db: DbOrTx,
  job: DeliveryJob,
  token: string,
  limit: number,
  now: Date,
): Promise<ClaimedRow[]> {
  const { rows } = await sql<ClaimedRow>`${PREPARED}
    WITH picked AS (
      SELECT d.id, d.subscriber_id, d.status AS previous_status, d.possible_duplicate AS was_duplicate,
             s.status AS subscriber_status, s.language, s.address_ciphertext, s.address_key_id,
             s.last_inbound_at
      FROM deliveries d
      LEFT JOIN subscribers s ON s.id = d.subscriber_id
      WHERE d.alert_id = ${job.alertId} AND d.channel = ${job.channel}
        AND d.id BETWEEN ${job.firstId}::bigint AND ${job.lastId}::bigint
        AND (d.status = 'queued' OR (d.status = 'sending' AND d.claim IS DISTINCT FROM ${token}))
        AND (d.voice_retry_at IS NULL OR d.status <> 'queued' OR d.voice_retry_at <= ${now})
      ORDER BY d.id
      LIMIT ${limit}
      FOR UPDATE OF d SKIP LOCKED
    )
    UPDATE deliveries d
    SET status = 'sending', attempts = d.attempts + 1, claim = ${token}, claimed_at = ${now},
        possible_duplicate = d.possible_duplicate OR d.status = 'sending', updated_at = ${now}
    FROM picked
    WHERE d.id = picked.id
    RETURNING d.id::text AS id, picked.subscriber_id, picked.previous_status, picked.was_duplicate,
              picked.subscriber_status, picked.language, picked.address_ciphertext, picked.address_key_id,
              picked.last_inbound_at`.execute(db);
  return rows;
}

/** What became of one claimed row. `queued` puts it back for the job's next attempt. */
export type RowOutcome = {
  id: string;
  status: "sent" | "queued" | "failed" | "skipped";
  providerId: string | null;
  error: string | null;
  ambiguous: boolean;
};

/** One UPDATE per chunk, only for rows this attempt still holds. */
export async function recordOutcomes(
  db: DbOrTx,
  token: string,
  outcomes: RowOutcome[],
  now: Date,
): Promise<void> {
  if (outcomes.length === 0) return;
  await sql`${PREPARED}
    UPDATE deliveries d
    SET status = v.status,
        provider_id = COALESCE(v.provider_id, d.provider_id),
        last_error = v.last_error,
        sent_at = CASE WHEN v.status = 'sent' THEN ${now}::timestamptz ELSE d.sent_at END,
        possible_duplicate = d.possible_duplicate OR v.ambiguous,
        claim = CASE WHEN v.status = 'queued' THEN NULL ELSE d.claim END,
        updated_at = ${now}
    FROM unnest(
      ${outcomes.map((o) => o.id)}::bigint[],
      ${outcomes.map((o) => o.status)}::text[],
      ${outcomes.map((o) => o.providerId)}::text[],
      ${outcomes.map((o) => o.error)}::text[],
      ${outcomes.map((o) => o.ambiguous)}::boolean[]
    ) AS v(id, status, provider_id, last_error, ambiguous)
    WHERE d.id = v.id AND d.claim = ${token} AND d.status = 'sending'`.execute(db);
}
