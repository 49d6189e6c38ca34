/**
 * Fixtures for fan-out tests: subscribers with sealed addresses following ZIPs, approved alerts
 * with texts, and a reader for the ledger.
 */
import { sql } from "kysely";
import { vi } from "vitest";
import type { AppContext } from "../../src/context.ts";
import type { AlertKind, AlertPriority, Channel, SubscriberStatus } from "../../src/db/database.ts";
import type { Language } from "../../src/i18n/languages.ts";
import { sealAddress } from "../../src/security/addresses.ts";

type Ctx = Pick<AppContext, "db" | "pii">;

export async function addSubscriber(
  ctx: Ctx,
  options: {
    channel: Channel;
    address: string;
    zips: string[];
    language?: Language;
    status?: SubscriberStatus;
  },
): Promise<string> {
  const row = await ctx.db
    .insertInto("subscribers")
    .values({
      channel: options.channel,
      ...sealAddress(ctx.pii, options.channel, options.address),
      language: options.language ?? "en",
      status: options.status ?? "active",
      updated_at: new Date(),
      stopped_at: null,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  if (options.zips.length > 0) {
    await ctx.db
      .insertInto("subscriptions")
      .values(options.zips.map((zip) => ({ subscriber_id: row.id, zip })))
      .execute();
  }
  return row.id;
}

export const TEXTS: Record<Language, { headline: string; body: string; sms_text: string }> = {
  en: {
    headline: "Immigration agents at 7th and Broadway",
    body: "Responders confirmed agents at 7th St and Broadway at 9:40.\n\nKnow your rights: you do not have to open the door.",
    sms_text: "Agents confirmed at 7th & Broadway, 9:40. You do not have to open the door.",
  },
  es: {
    headline: "Agentes de inmigración en 7th y Broadway",
    body: "Voluntarios confirmaron agentes en 7th St y Broadway a las 9:40.\n\nConozca sus derechos: no tiene que abrir la puerta.",
    sms_text: "Agentes confirmados en 7th y Broadway, 9:40. No tiene que abrir la puerta.",
  },
  zh: {
    headline: "移民执法人员在第七街和百老汇",
    body: "志愿者于9:40确认执法人员在第七街和百老汇。\n\n了解您的权利：您不必开门。",
    sms_text: "9:40确认执法人员在第七街和百老汇。您不必开门。",
  },
  vi: {
    headline: "Nhân viên di trú tại đường 7 và Broadway",
    body: "Tình nguyện viên xác nhận có nhân viên tại đường 7 và Broadway lúc 9:40.\n\nHãy biết quyền của mình.",
    sms_text: "Xác nhận có nhân viên tại đường 7 và Broadway, 9:40.",
  },
};

export async function addAlert(
  ctx: Ctx,
  options: {
    zips: string[];
    priority?: AlertPriority;
    kind?: AlertKind;
    status?: "draft" | "approved" | "published";
    expiresInMs?: number;
    languages?: Language[];
    drill?: boolean;
    /** The alert an update or cancel follows. */
    references?: string;
  },
): Promise<string> {
  const now = new Date();
  const alert = await ctx.db
    .insertInto("alerts")
    .values({
      kind: options.kind ?? "sighting",
      priority: options.priority ?? "alert",
      status: options.status ?? "approved",
      target_zips: options.zips,
      is_drill: options.drill ?? false,
      sender_org: "Test hotline",
      author_id: "author",
      approver_id: "approver",
      references_alert_id: options.references ?? null,
      expires_at: new Date(now.getTime() + (options.expiresInMs ?? 3_600_000)),
      updated_at: now,
      published_at: null,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  const languages = options.languages ?? (["en", "es", "zh", "vi"] as const);
  if (languages.length > 0) {
    await ctx.db
      .insertInto("alert_texts")
      .values(languages.map((language) => ({ alert_id: alert.id, language, ...TEXTS[language] })))
      .execute();
  }
  return alert.id;
}

export type LedgerRow = {
  id: string;
  subscriber_id: string | null;
  channel: Channel;
  status: string;
  attempts: number;
  zip: string | null;
  provider_id: string | null;
  last_error: string | null;
  possible_duplicate: boolean;
};

export async function ledger(ctx: Ctx, alertId: string): Promise<LedgerRow[]> {
  const { rows } = await sql<LedgerRow>`
    SELECT id::text AS id, subscriber_id, channel, status, attempts, zip, provider_id, last_error, possible_duplicate
    FROM deliveries WHERE alert_id = ${alertId} ORDER BY deliveries.id`.execute(ctx.db);
  return rows;
}

/** Resolves when no row of the alert is queued or sending (or throws after `timeoutMs`). */
export async function settled(ctx: Ctx, alertId: string, timeoutMs = 20_000): Promise<LedgerRow[]> {
  // Retried until it returns: a dropped connection (a fault test) fails a poll or two and the pool
  // reconnects; the last error is the one reported at the timeout.
  return vi.waitFor(
    async () => {
      const rows = await ledger(ctx, alertId);
      const open = rows.filter((row) => row.status === "queued" || row.status === "sending");
      if (open.length > 0) {
        throw new Error(
          `${open.length} deliveries still open after ${timeoutMs} ms: ${JSON.stringify(open.slice(0, 3))}`,
        );
      }
      return rows;
    },
    { timeout: timeoutMs, interval: 50 },
  );
}
