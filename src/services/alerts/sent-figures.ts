/**
 * sentFigures: who a published alert actually went to, from the delivery ledger (one row per
 * recipient and channel), not a recount of today's subscribers. Counts per channel, per language
 * of the text sent (the resident's language if the alert has it, else English, as the worker
 * picks), and per outcome. Only counts: no subscriber, address or provider id leaves here.
 *
 * The language is read from the subscriber's current setting: a resident who changed language
 * since (or whose record is gone) is counted under their language now, or "unknown".
 */
import { sql } from "kysely";
import type { Channel, DeliveryStatus } from "../../db/database.ts";
import type { DbOrTx } from "../../db/transaction.ts";
import type { Language } from "../../i18n/languages.ts";
import { pickText } from "./compose.ts";

/** What became of the messages: still going out, handed to the provider, confirmed, refused, not sent. */
export type Outcome = "waiting" | "handedOff" | "delivered" | "failed" | "skipped";
export const OUTCOMES: readonly Outcome[] = ["waiting", "handedOff", "delivered", "failed", "skipped"];
export type OutcomeCounts = Record<Outcome, number>;

const OUTCOME_OF: Record<DeliveryStatus, Outcome> = {
  queued: "waiting",
  sending: "waiting",
  sent: "handedOff",
  delivered: "delivered",
  undelivered: "failed",
  failed: "failed",
  skipped: "skipped",
};

export type SentRow = { channel: Channel; language: Language | null; counts: OutcomeCounts };

export type SentFigures = {
  total: number;
  rows: SentRow[];
  byChannel: Record<Channel, OutcomeCounts>;
  /** Sent again after an attempt with an unknown outcome: the resident may have two copies. */
  possibleDuplicates: number;
  /** The hash the second person approved; null if none was recorded. */
  approvalHash: string | null;
};

const none = (): OutcomeCounts => ({ waiting: 0, handedOff: 0, delivered: 0, failed: 0, skipped: 0 });
const CHANNEL_ORDER: Channel[] = ["sms", "whatsapp", "voice", "email", "push"];

/** `languages`: the languages the alert has texts in, to tell which text each resident got. */
export async function sentFigures(
  db: DbOrTx,
  input: { alertId: string; languages: readonly Language[] },
): Promise<SentFigures> {
  const { rows } = await sql<{
    channel: Channel;
    language: Language | null;
    status: DeliveryStatus;
    n: string;
    dup: string;
  }>`
    SELECT d.channel, s.language, d.status, count(*)::text AS n,
           count(*) FILTER (WHERE d.possible_duplicate)::text AS dup
    FROM deliveries d LEFT JOIN subscribers s ON s.id = d.subscriber_id
    WHERE d.alert_id = ${input.alertId}
    GROUP BY d.channel, s.language, d.status`.execute(db);
  const alert = await db
    .selectFrom("alerts")
    .select("approval_hash")
    .where("id", "=", input.alertId)
    .executeTakeFirst();
  const texts = input.languages.map((language) => ({ language }));
  const figures: SentFigures = {
    total: 0,
    rows: [],
    byChannel: { sms: none(), email: none(), push: none(), whatsapp: none(), voice: none() },
    possibleDuplicates: 0,
    approvalHash: alert?.approval_hash ?? null,
  };
  const byRow = new Map<string, SentRow>();
  for (const row of rows) {
    const n = Number(row.n);
    const outcome = OUTCOME_OF[row.status];
    const language = row.language && texts.length > 0 ? pickText(texts, row.language).language : null;
    const key = `${row.channel}/${language ?? ""}`;
    if (!byRow.has(key)) byRow.set(key, { channel: row.channel, language, counts: none() });
    byRow.get(key)!.counts[outcome] += n;
    figures.byChannel[row.channel][outcome] += n;
    figures.total += n;
    figures.possibleDuplicates += Number(row.dup);
  }
  const order = (r: SentRow) =>
    CHANNEL_ORDER.indexOf(r.channel) * 100 + (r.language ? input.languages.indexOf(r.language) : 99);
  figures.rows = [...byRow.values()].sort((a, b) => order(a) - order(b));
  return figures;
}
