/**
 * What the public may read: alerts and statements once published (and after they expire or are
 * withdrawn), never drafts, and nothing about who received them. The public pages and the feeds
 * (Atom, JSON Feed, CAP) all read through here, so they show the same alerts.
 *
 * Drills are shown only where they are marked as such to machines (CAP's status Exercise) and on
 * their own page (the drill's recipients follow its link); the home page and the Atom and JSON
 * feeds, which people read, leave them out.
 */
import type { AppContext } from "../../context.ts";
import type { AlertKind, AlertPriority, AlertStatus } from "../../db/database.ts";
import type { DbOrTx } from "../../db/transaction.ts";
import type { Language } from "../../i18n/languages.ts";
import type { MessageAlert, MessageText } from "../alerts/compose.ts";

export type PublicAlert = {
  id: string;
  kind: AlertKind;
  priority: AlertPriority;
  status: AlertStatus;
  drill: boolean;
  senderOrg: string;
  targetZips: string[];
  publishedAt: Date;
  expiresAt: Date;
  updatedAt: Date;
  cancelReason: "all_clear" | "false_alarm" | null;
  link: string | null;
  referencesAlertId: string | null;
  /** Tied to a sighting that was verified when it was published: VERIFIED rather than ADVISORY. */
  verifiedSighting: boolean;
  /** UNCONFIRMED or VERIFIED beyond what kind and sighting say (compose.ts's MessageAlert). */
  sightingLabel: "unconfirmed" | "verified" | null;
  texts: MessageText[];
};

const PUBLIC_STATUSES: AlertStatus[] = ["published", "expired", "cancelled"];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

type Ctx = { db: DbOrTx } & Partial<Pick<AppContext, "clock">>;

function baseQuery(db: DbOrTx) {
  return db
    .selectFrom("alerts")
    .select([
      "id",
      "kind",
      "priority",
      "status",
      "is_drill",
      "sender_org",
      "target_zips",
      "published_at",
      "expires_at",
      "updated_at",
      "cancel_reason",
      "link",
      "references_alert_id",
      "sighting_id",
      "sighting_label",
    ])
    .where("status", "in", PUBLIC_STATUSES)
    .where("published_at", "is not", null);
}

type Row = Awaited<ReturnType<ReturnType<typeof baseQuery>["execute"]>>[number];

async function withTexts(db: DbOrTx, rows: Row[]): Promise<PublicAlert[]> {
  if (rows.length === 0) return [];
  const texts = await db
    .selectFrom("alert_texts")
    .select(["alert_id", "language", "headline", "body", "sms_text"])
    .where(
      "alert_id",
      "in",
      rows.map((row) => row.id),
    )
    .execute();
  const order: Language[] = ["en", "es", "zh", "vi"];
  return rows.map((row) => ({
    id: row.id,
    kind: row.kind,
    priority: row.priority,
    status: row.status,
    drill: row.is_drill,
    senderOrg: row.sender_org,
    targetZips: row.target_zips,
    publishedAt: row.published_at!,
    expiresAt: row.expires_at,
    updatedAt: row.updated_at,
    cancelReason: row.cancel_reason,
    link: row.link,
    referencesAlertId: row.references_alert_id,
    verifiedSighting: row.sighting_id !== null,
    sightingLabel: row.sighting_label,
    texts: texts
      .filter((text) => text.alert_id === row.id)
      .sort((a, b) => order.indexOf(a.language) - order.indexOf(b.language))
      .map(({ language, headline, body, sms_text }) => ({ language, headline, body, sms_text })),
  }));
}

/** Live now: published, not expired, not withdrawn, not a drill (unless asked); newest first; optionally for one ZIP. */
export async function listActiveAlerts({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { zip?: string; now: Date; limit?: number; drills?: boolean };
}): Promise<PublicAlert[]> {
  let query = baseQuery(ctx.db)
    .where("status", "=", "published")
    .where("expires_at", ">", input.now)
    .orderBy("published_at", "desc")
    .limit(input.limit ?? 100);
  if (!input.drills) query = query.where("is_drill", "=", false);
  if (input.zip) {
    const zip = input.zip;
    query = query.where((eb) => eb(eb.val(zip), "=", eb.fn.any("target_zips")));
  }
  return withTexts(ctx.db, await query.execute());
}

/** The newest published alerts, live or not, for feeds. */
export async function listRecentAlerts({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { limit: number; drills: boolean };
}): Promise<PublicAlert[]> {
  let query = baseQuery(ctx.db).orderBy("published_at", "desc").limit(input.limit);
  if (!input.drills) query = query.where("is_drill", "=", false);
  return withTexts(ctx.db, await query.execute());
}

/** One published alert with what it follows and what followed it; undefined for drafts and unknown ids. */
export async function findPublicAlert({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { id: string };
}): Promise<{ alert: PublicAlert; original: PublicAlert | null; followUps: PublicAlert[] } | undefined> {
  if (!UUID.test(input.id)) return undefined;
  const [row] = await baseQuery(ctx.db).where("id", "=", input.id).execute();
  if (!row) return undefined;
  const [alert] = await withTexts(ctx.db, [row]);
  const originalRows = row.references_alert_id
    ? await baseQuery(ctx.db).where("id", "=", row.references_alert_id).execute()
    : [];
  const followRows = await baseQuery(ctx.db)
    .where("references_alert_id", "=", row.id)
    .orderBy("published_at", "desc")
    .execute();
  const [original] = await withTexts(ctx.db, originalRows);
  return { alert: alert!, original: original ?? null, followUps: await withTexts(ctx.db, followRows) };
}

/** The alert as the message composer sees it (for its label). */
export function asMessageAlert(alert: PublicAlert): MessageAlert {
  return {
    id: alert.id,
    kind: alert.kind,
    priority: alert.priority,
    is_drill: alert.drill,
    ...(alert.cancelReason ? { cancelReason: alert.cancelReason } : {}),
    verifiedSighting: alert.verifiedSighting,
    sightingLabel: alert.sightingLabel,
  };
}

/** Whether the alert is live at `now` (published, not withdrawn, not past its expiry). */
export function isLive(alert: PublicAlert, now: Date): boolean {
  return alert.status === "published" && alert.expiresAt.getTime() > now.getTime();
}
