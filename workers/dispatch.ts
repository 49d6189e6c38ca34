/**
 * The delivery dispatch loop, shared by every channel. A job is a batch of ledger rows (alert,
 * channel, id range); the loop works through it a chunk at a time:
 *
 *   claim    UPDATE … SET status = 'sending', claim = <job id:attempt> … RETURNING, with the
 *            subscriber's sealed address — queued rows, and `sending` rows a dead attempt left
 *   send     decrypt each address just before its Sender call; nothing else ever holds it
 *   record   one UPDATE for the chunk: sent + provider id, queued again (retryable), failed,
 *            skipped — fenced by the claim, so a late result from a dead attempt changes nothing
 *
 * Nothing doubled: a row the provider accepted is `sent` and no claim takes it again. The window:
 * a worker that dies after a hand-off and before the record leaves the row `sending`; the job's
 * next attempt (pg-boss retries it once the heartbeat stops) sends it again and marks it
 * `possible_duplicate` — counted, reported, and at most once: a row found stale a second time is
 * failed rather than sent a third time (a message that kills its worker must not loop). A chunk is
 * small (about a second of sends), so the window is too.
 *
 * Retryable errors (rate limits, outages, timeouts) put the row back to `queued` and the job throws
 * at the end, so pg-boss retries it with backoff; on the last attempt they fail instead. Permanent
 * errors fail the row at once and, when the address is dead, stop the subscriber.
 *
 * The claim and record statements and the job payload are the ledger's (src/ledger/).
 */
import { jsonArrayFrom } from "kysely/helpers/postgres";
import type { AppContext } from "../src/context.ts";
import type { AlertKind, AlertPriority, AlertStatus, Channel } from "../src/db/database.ts";
import type { OutboundMessage } from "../src/delivery/sender.ts";
import { SendError } from "../src/delivery/sender.ts";
import { type ClaimedRow, claimRows, type RowOutcome, recordOutcomes } from "../src/ledger/claim.ts";
import { noteHandoffs } from "../src/ledger/handoffs.ts";
import { deliveryJobPayload } from "../src/ledger/jobs.ts";
import { stopDeadAddresses } from "../src/ledger/rows.ts";
import { openAddress } from "../src/security/addresses.ts";
import { pushEndpointAllowed } from "../src/security/push-endpoints.ts";
import { unsubscribeToken, unsubscribeUrl } from "../src/security/unsubscribe-token.ts";
import {
  composeEmail,
  composePush,
  composeSms,
  type MessageAlert,
  type MessageText,
  pickText,
} from "../src/services/alerts/compose.ts";
import { voiceMessage } from "./voice-message.ts";
import { whatsappMessage } from "./whatsapp-message.ts";

/** Rows claimed at a time: the most that can be in `sending` for one job at once. */
export const MAX_CHUNK = 50;
/** Rows in the first claim of a job's first attempt (see dispatchBatch). */
const FIRST_CHUNK = 1;

export type DispatchContext = Pick<AppContext, "db" | "pii" | "senders" | "config" | "clock" | "log">;

/** One attempt of a job, as pg-boss handed it over. */
export type DispatchAttempt = {
  jobId: string;
  retryCount: number;
  retryLimit: number;
  /** Aborted when pg-boss takes the job away (the claim lapsed): stop claiming. */
  signal?: AbortSignal;
};

export type DispatchSummary = {
  sent: number;
  failed: number;
  skipped: number;
  /** Rows put back to `queued` for the job's next attempt. */
  retry: number;
  /** Rows a dead attempt left `sending`, sent again now: possible duplicates. */
  resentAfterCrash: number;
  /** Codes of the retryable errors, for the job's failure output (no addresses). */
  retryCodes: string[];
};

/** Thrown at the end of a batch with retryable rows, so pg-boss retries the job with backoff. */
export class RetryLaterError extends Error {
  readonly summary: DispatchSummary;
  constructor(summary: DispatchSummary) {
    super(`${summary.retry} deliveries to retry (${summary.retryCodes.join(", ")})`);
    this.name = "RetryLaterError";
    this.summary = summary;
  }
}

type LoadedAlert = MessageAlert & {
  status: AlertStatus;
  expiresAt: Date;
  texts: MessageText[];
};

type Outcome = RowOutcome & { stopSubscriber: string | null; retryCode?: string };

export async function dispatchBatch(
  ctx: DispatchContext,
  payload: unknown,
  attempt: DispatchAttempt,
): Promise<DispatchSummary> {
  const job = deliveryJobPayload.parse(payload);
  const token = `${attempt.jobId}:${attempt.retryCount}`;
  const lastAttempt = attempt.retryCount >= attempt.retryLimit;
  const summary: DispatchSummary = {
    sent: 0,
    failed: 0,
    skipped: 0,
    retry: 0,
    resentAfterCrash: 0,
    retryCodes: [],
  };
  const alert = await loadAlert(ctx, job.alertId);
  const fullChunk = chunkSize(ctx, job.channel);
  // The first chunk is one row. When an alert is published every worker slot starts a job at
  // once, and a process that begins by building a chunk of requests for each of them answers
  // nothing until all of them are out: the first residents would wait for the last requests (one
  // row against five: first hand-off 83-97 ms after the approval against 97-129, docs/benchmarks.md).
  // A retry starts with a full chunk: rows put back by a provider's refusal go out as fast as the
  // backoff allows, not one an attempt.
  let chunk = attempt.retryCount === 0 ? Math.min(FIRST_CHUNK, fullChunk) : fullChunk;
  // The record times of the first and last chunk that handed anything over, for the timeline.
  let handoffs = null as { first: Date; last: Date } | null;

  for (;;) {
    if (attempt.signal?.aborted) break;
    const rows = await claimRows(ctx.db, job, token, chunk, ctx.clock.now());
    if (rows.length === 0) break;
    const stale = rows.filter((row) => row.previous_status === "sending" && !row.was_duplicate).length;
    if (stale > 0) {
      summary.resentAfterCrash += stale;
      ctx.log.warn(
        { alert: job.alertId, channel: job.channel, rows: stale },
        "re-sending deliveries a dead attempt left in flight (possible duplicates)",
      );
    }
    const outcomes = await Promise.all(rows.map((row) => deliver(ctx, alert, job.channel, row, lastAttempt)));
    const recordedAt = await recordChunk(ctx, token, outcomes);
    if (outcomes.some((outcome) => outcome.status === "sent")) {
      handoffs = { first: handoffs?.first ?? recordedAt, last: recordedAt };
    }
    for (const outcome of outcomes) {
      if (outcome.status === "queued") {
        summary.retry += 1;
        if (outcome.retryCode && !summary.retryCodes.includes(outcome.retryCode)) {
          summary.retryCodes.push(outcome.retryCode);
        }
      } else summary[outcome.status] += 1;
    }
    // A provider pushing back (429, 5xx, timeouts): stop here and let the job's backoff pace us
    // rather than run the rest of the batch into the same wall.
    if (rows.length < chunk || outcomes.some((outcome) => outcome.status === "queued")) break;
    chunk = fullChunk;
  }
  // Once per job, not per message: the fan-out's cost stays in the ledger statements.
  if (handoffs) await noteHandoffs(ctx.db, job.alertId, handoffs.first, handoffs.last);
  return summary;
}

/** About one second of sends at the SMS, WhatsApp or call rate, so the crash window stays small; else MAX_CHUNK. */
function chunkSize(ctx: DispatchContext, channel: Channel): number {
  if (channel === "email" || channel === "push" || ctx.senders[channel].mode === "local") return MAX_CHUNK;
  const rate = {
    sms: ctx.config.delivery.smsRatePerSecond,
    whatsapp: ctx.config.delivery.whatsappRatePerSecond,
    voice: ctx.config.delivery.voiceCallsPerSecond,
  }[channel];
  return Math.max(1, Math.min(MAX_CHUNK, Math.ceil(rate)));
}

/** The alert and its texts in one statement: it is the first round trip of every job. */
async function loadAlert(ctx: DispatchContext, alertId: string): Promise<LoadedAlert> {
  const alert = await ctx.db
    .selectFrom("alerts")
    .select((eb) => [
      "id",
      "kind",
      "priority",
      "is_drill",
      "status",
      "expires_at",
      "cancel_reason",
      "sighting_id",
      "sighting_label",
      jsonArrayFrom(
        eb
          .selectFrom("alert_texts")
          .select(["language", "headline", "body", "sms_text"])
          .whereRef("alert_texts.alert_id", "=", "alerts.id"),
      ).as("texts"),
    ])
    .where("id", "=", alertId)
    .executeTakeFirst();
  if (!alert) throw new Error(`alert ${alertId} not found`);
  return {
    id: alert.id,
    kind: alert.kind as AlertKind,
    priority: alert.priority as AlertPriority,
    is_drill: alert.is_drill,
    // FALSE ALARM or ALL CLEAR on a cancel (2026-11-24T0300-operators).
    ...(alert.cancel_reason ? { cancelReason: alert.cancel_reason } : {}),
    // VERIFIED or ADVISORY: publishing checked that the sighting was still verified.
    verifiedSighting: alert.sighting_id !== null,
    sightingLabel: alert.sighting_label,
    status: alert.status,
    expiresAt: alert.expires_at,
    texts: alert.texts as MessageText[],
  };
}

async function deliver(
  ctx: DispatchContext,
  alert: LoadedAlert,
  channel: Channel,
  row: ClaimedRow,
  lastAttempt: boolean,
): Promise<Outcome> {
  const outcome = (
    status: Outcome["status"],
    error: string | null,
    extra: Partial<Outcome> = {},
  ): Outcome => ({
    id: row.id,
    status,
    providerId: null,
    error,
    ambiguous: false,
    stopSubscriber: null,
    ...extra,
  });
  if (row.previous_status === "sending" && row.was_duplicate) {
    // Second time this row is found abandoned mid-send: it may already have gone out twice.
    return outcome("failed", "unknown outcome after repeated worker loss");
  }
  if (alert.status !== "published") return outcome("skipped", `alert_${alert.status}`);
  if (
    !row.subscriber_id ||
    row.subscriber_status !== "active" ||
    !row.address_ciphertext ||
    !row.address_key_id
  ) {
    return outcome("skipped", "opted_out");
  }
  const now = ctx.clock.now();
  const ttlSeconds = Math.floor((alert.expiresAt.getTime() - now.getTime()) / 1000);
  if (ttlSeconds <= 0) return outcome("skipped", "expired");

  let to: string;
  try {
    to = openAddress(ctx.pii, channel, {
      address_ciphertext: row.address_ciphertext,
      address_key_id: row.address_key_id,
    });
  } catch {
    return outcome("failed", "address cannot be decrypted");
  }
  const endpoint = channel === "push" ? pushEndpointOf(to) : undefined;
  if (endpoint !== undefined && !pushEndpointAllowed(endpoint, ctx.config.delivery.pushEndpointHosts)) {
    // Sign-up refuses such endpoints; this one was stored before PUSH_ENDPOINT_HOSTS was narrowed
    // (or written around the API). Never aim a request at it. The subscriber is kept: widening
    // the list again makes it reachable. The reason names no endpoint (it identifies a browser).
    return outcome("failed", "push endpoint not allowed (PUSH_ENDPOINT_HOSTS)");
  }
  const message = buildMessage(ctx, alert, channel, row, to, ttlSeconds);
  try {
    const result = await ctx.senders[channel].send(message);
    return outcome("sent", null, { providerId: result.providerId ?? null });
  } catch (error) {
    const failure =
      error instanceof SendError ? error : new SendError("retry", "internal", "internal error while sending");
    if (failure.kind === "permanent") {
      return outcome("failed", failure.message, {
        stopSubscriber: failure.addressDead ? row.subscriber_id : null,
      });
    }
    if (lastAttempt)
      return outcome("failed", `${failure.message} (retries exhausted)`, { ambiguous: failure.ambiguous });
    return outcome("queued", failure.message, { ambiguous: failure.ambiguous, retryCode: failure.code });
  }
}

function buildMessage(
  ctx: DispatchContext,
  alert: LoadedAlert,
  channel: Channel,
  row: ClaimedRow,
  to: string,
  ttlSeconds: number,
): OutboundMessage {
  const text = pickText(alert.texts, row.language ?? "en");
  const base = { channel, to, subscriberId: row.subscriber_id ?? undefined, deliveryId: row.id, ttlSeconds };
  switch (channel) {
    case "sms":
      return { ...base, text: composeSms(alert, text, ctx.config.publicUrl) };
    case "whatsapp":
      return whatsappMessage(ctx, alert, text, base, row.last_inbound_at);
    case "voice":
      return voiceMessage(ctx, alert, text, { ...base, subscriberId: row.subscriber_id! });
    case "push":
      return {
        ...base,
        text: composePush(alert, text, ctx.config.publicUrl),
        urgency: alert.priority === "alert" ? "high" : alert.priority === "advisory" ? "normal" : "low",
      };
    case "email": {
      const unsubscribe = unsubscribeUrl(ctx.config.publicUrl, unsubscribeToken(ctx.pii, row.subscriber_id!));
      const mail = composeEmail(alert, text, {
        publicUrl: ctx.config.publicUrl,
        unsubscribeUrl: unsubscribe,
      });
      return {
        ...base,
        subject: mail.subject,
        text: mail.text,
        html: mail.html,
        headers: {
          "List-Unsubscribe": `<${unsubscribe}>`,
          "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
      };
    }
  }
}

/** A message of each channel for a sample alert, as the first alert's would be built (warm-up.ts). */
export function sampleMessage(ctx: DispatchContext, channel: Channel): OutboundMessage {
  const alert: LoadedAlert = {
    id: "00000000-0000-4000-8000-000000000000",
    kind: "sighting",
    priority: "alert",
    is_drill: false,
    verifiedSighting: true,
    sightingLabel: null,
    status: "published",
    expiresAt: new Date(ctx.clock.now().getTime() + 3_600_000),
    texts: [{ language: "en", headline: "Warm-up", body: "Warm-up", sms_text: "Warm-up" }],
  };
  const row = { id: "0", subscriber_id: alert.id, language: "en" } as ClaimedRow;
  return buildMessage(ctx, alert, channel, row, "warm-up", 3600);
}

/** A stored push address's endpoint; undefined when it is not one (the sender refuses those). */
function pushEndpointOf(address: string): string | undefined {
  try {
    const endpoint = (JSON.parse(address) as { endpoint?: unknown } | null)?.endpoint;
    return typeof endpoint === "string" ? endpoint : undefined;
  } catch {
    return undefined;
  }
}

/** The chunk's outcomes into the ledger (fenced by the claim); then stop dead addresses. */
/** Records a chunk; returns the time written as the rows' `sent_at`. */
async function recordChunk(ctx: DispatchContext, token: string, outcomes: Outcome[]): Promise<Date> {
  const now = ctx.clock.now();
  await recordOutcomes(ctx.db, token, outcomes, now);
  const dead = [...new Set(outcomes.flatMap((o) => (o.stopSubscriber ? [o.stopSubscriber] : [])))];
  if (dead.length > 0) {
    await stopDeadAddresses(ctx.db, dead, now);
    ctx.log.info(
      { subscribers: dead.length },
      "subscribers stopped: their provider says the address is gone",
    );
  }
  return now;
}
