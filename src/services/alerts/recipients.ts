/**
 * Who an alert reaches, for the preview's counts and for publishing drills and follow-ups.
 *
 * - a live alert or statement: active subscribers of its target ZIPs on its channels, each once
 *   per channel, counted under their own-ZIP subscription when they have one — the same rule as
 *   publishAlert (src/services/alerts/publish.ts) uses to write the ledger;
 * - a drill: only the DRILL_ALLOWLIST's active subscribers, wherever they subscribe;
 * - an update or cancel: exactly the original's recipients, on the same channels (its ledger),
 *   whatever has changed in subscriptions since.
 */
import { sql } from "kysely";
import type { AppContext } from "../../context.ts";
import type { Channel } from "../../db/database.ts";
import type { DbOrTx } from "../../db/transaction.ts";
import type { Language } from "../../i18n/languages.ts";
import { targetFollowers } from "../../ledger/rows.ts";
import { addressIndexes } from "../../security/addresses.ts";
import { channelsFor } from "./publish.ts";

export type Audience = "target" | "drill_allowlist" | "original_recipients";

export type RecipientCounts = {
  total: number;
  byChannel: Record<Channel, number>;
  /** Per ZIP and channel (drills: none, their recipients are chosen by address). */
  byZip: Record<string, Record<Channel, number>>;
  /** Per channel and the recipient's language (which text they get: compose.ts's pickText). */
  byLanguage: Record<Channel, Partial<Record<Language, number>>>;
};

export type AudienceAlert = {
  id: string;
  is_drill: boolean;
  references_alert_id: string | null;
  priority: Parameters<typeof channelsFor>[0];
  channels: Channel[];
  target_zips: string[];
};

export function audienceOf(alert: Pick<AudienceAlert, "is_drill" | "references_alert_id">): Audience {
  if (alert.references_alert_id) return "original_recipients";
  return alert.is_drill ? "drill_allowlist" : "target";
}

/** The channels a live alert or drill goes on: those chosen, as far as its priority allows. */
export function effectiveChannels(
  alert: AudienceAlert,
  config: Pick<AppContext["config"], "delivery">,
): Channel[] {
  return channelsFor(alert.priority, config).filter((channel) => alert.channels.includes(channel));
}

type Ctx = Pick<AppContext, "config" | "pii">;
type Row = { subscriber_id: string; channel: Channel; zip: string | null; language: Language };

/** The (subscriber, channel, zip) rows a drill or a follow-up is delivered to. */
export async function restrictedRecipients(db: DbOrTx, ctx: Ctx, alert: AudienceAlert): Promise<Row[]> {
  if (alert.references_alert_id) {
    // The language as the subscriber has it now: the dispatcher picks the text by it at sending.
    return db
      .selectFrom("deliveries as d")
      .innerJoin("subscribers as s", "s.id", "d.subscriber_id")
      .select(["d.subscriber_id", "d.channel", "d.zip", "s.language"])
      .where("d.alert_id", "=", alert.references_alert_id)
      .orderBy("d.channel")
      .orderBy("d.id")
      .execute() as Promise<Row[]>;
  }
  if (!alert.is_drill) throw new Error("a live alert's recipients are its target's subscribers");
  const list = ctx.config.operators.drillAllowlist;
  const channels = effectiveChannels(alert, ctx.config);
  const phones = list.phones.flatMap((phone) => addressIndexes(ctx.pii, "sms", phone));
  // An allowlisted phone is drilled on WhatsApp too, when it subscribes there.
  const whatsappPhones = list.phones.flatMap((phone) => addressIndexes(ctx.pii, "whatsapp", phone));
  const emails = list.emails.flatMap((email) => addressIndexes(ctx.pii, "email", email));
  if (channels.length === 0 || phones.length + emails.length + list.subscriberIds.length === 0) return [];
  const rows = await db
    .selectFrom("subscribers")
    .select(["id", "channel", "language"])
    .where("status", "=", "active")
    .where("channel", "in", channels)
    .where((eb) =>
      eb.or([
        ...(phones.length > 0
          ? [eb.and([eb("channel", "=", "sms"), eb("address_index", "in", phones)])]
          : []),
        // And called, when it chose alerts by phone call (a voice row has the SMS row's index).
        ...(phones.length > 0
          ? [eb.and([eb("channel", "=", "voice"), eb("address_index", "in", phones)])]
          : []),
        ...(whatsappPhones.length > 0
          ? [eb.and([eb("channel", "=", "whatsapp"), eb("address_index", "in", whatsappPhones)])]
          : []),
        ...(emails.length > 0
          ? [eb.and([eb("channel", "=", "email"), eb("address_index", "in", emails)])]
          : []),
        ...(list.subscriberIds.length > 0 ? [eb("id", "in", list.subscriberIds)] : []),
      ]),
    )
    .orderBy("channel")
    .orderBy("id")
    .execute();
  return rows.map((row) => ({
    subscriber_id: row.id,
    channel: row.channel,
    zip: null,
    language: row.language,
  }));
}

export async function countRecipients(db: DbOrTx, ctx: Ctx, alert: AudienceAlert): Promise<RecipientCounts> {
  const counts: RecipientCounts = {
    total: 0,
    byChannel: { sms: 0, email: 0, push: 0, whatsapp: 0, voice: 0 },
    byZip: {},
    byLanguage: { sms: {}, email: {}, push: {}, whatsapp: {}, voice: {} },
  };
  const add = (channel: Channel, zip: string | null, language: Language, n: number) => {
    counts.total += n;
    counts.byChannel[channel] += n;
    counts.byLanguage[channel][language] = (counts.byLanguage[channel][language] ?? 0) + n;
    if (zip) {
      counts.byZip[zip] ??= { sms: 0, email: 0, push: 0, whatsapp: 0, voice: 0 };
      counts.byZip[zip][channel] += n;
    }
  };
  if (audienceOf(alert) !== "target") {
    for (const row of await restrictedRecipients(db, ctx, alert)) add(row.channel, row.zip, row.language, 1);
    return counts;
  }
  const channels = effectiveChannels(alert, ctx.config);
  if (channels.length === 0) return counts;
  const { rows } = await sql<{ channel: Channel; zip: string; language: Language; n: string }>`
    SELECT s.channel, m.zip, s.language, count(*)::text AS n
    FROM ${targetFollowers(alert.target_zips)} m
    JOIN subscribers s ON s.id = m.subscriber_id
    WHERE s.status = 'active' AND s.channel = ANY(${channels}::text[])
    GROUP BY s.channel, m.zip, s.language
    ORDER BY m.zip, s.channel, s.language`.execute(db);
  for (const row of rows) add(row.channel, row.zip, row.language, Number(row.n));
  return counts;
}
