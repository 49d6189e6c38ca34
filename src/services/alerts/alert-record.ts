/**
 * An alert as the operator services handle it: the row, its texts by language, and its family
 * (a statement and the updates and cancels of a statement are comms' business; everything else
 * belongs to operators and verifiers).
 */
import type { Selectable } from "kysely";
import type { AlertsTable, AlertTextsTable } from "../../db/database.ts";
import type { DbOrTx } from "../../db/transaction.ts";
import { ApiError } from "../../errors.ts";
import { LANGUAGES, type Language } from "../../i18n/languages.ts";

export type Family = "alert" | "statement";
export type AlertRow = Selectable<AlertsTable>;
export type TextInput = { headline: string; body: string; smsText: string };
export type Texts = Partial<Record<Language, TextInput>>;

export type AlertRecord = {
  row: AlertRow;
  texts: Texts;
  family: Family;
  /** The alert an update or cancel follows. */
  original: AlertRow | null;
};

export async function loadAlertRecord(db: DbOrTx, alertId: string, lock = false): Promise<AlertRecord> {
  let query = db.selectFrom("alerts").selectAll().where("id", "=", alertId);
  if (lock) query = query.forUpdate();
  const row = await query.executeTakeFirst();
  if (!row) throw new ApiError("not_found", "No such alert");
  const texts = await db.selectFrom("alert_texts").selectAll().where("alert_id", "=", row.id).execute();
  const original = row.references_alert_id
    ? ((await db
        .selectFrom("alerts")
        .selectAll()
        .where("id", "=", row.references_alert_id)
        .executeTakeFirst()) ?? null)
    : null;
  return { row, texts: textsByLanguage(texts), family: familyOf(row, original), original };
}

export function familyOf(row: Pick<AlertRow, "kind">, original: Pick<AlertRow, "kind"> | null): Family {
  return row.kind === "statement" || original?.kind === "statement" ? "statement" : "alert";
}

export function textsByLanguage(rows: Selectable<AlertTextsTable>[]): Texts {
  const texts: Texts = {};
  for (const language of LANGUAGES) {
    const row = rows.find((r) => r.language === language);
    if (row) texts[language] = { headline: row.headline, body: row.body, smsText: row.sms_text };
  }
  return texts;
}

export async function writeTexts(db: DbOrTx, alertId: string, texts: Texts): Promise<void> {
  await db.deleteFrom("alert_texts").where("alert_id", "=", alertId).execute();
  const rows = LANGUAGES.flatMap((language) => {
    const text = texts[language];
    return text
      ? [{ alert_id: alertId, language, headline: text.headline, body: text.body, sms_text: text.smsText }]
      : [];
  });
  if (rows.length > 0) await db.insertInto("alert_texts").values(rows).execute();
}

export type AlertView = {
  id: string;
  kind: AlertRow["kind"];
  family: Family;
  priority: AlertRow["priority"];
  status: AlertRow["status"];
  drill: boolean;
  senderOrg: string;
  authorId: string | null;
  editorIds: string[];
  approverId: string | null;
  referencesAlertId: string | null;
  sightingId: string | null;
  /** UNCONFIRMED (a sighting alert) or VERIFIED (the update that follows one); null otherwise. */
  sightingLabel: AlertRow["sighting_label"];
  cancelReason: AlertRow["cancel_reason"];
  link: string | null;
  channels: AlertRow["channels"];
  targetZips: string[];
  expiresAt: string;
  createdAt: string;
  updatedAt: string;
  approvedAt: string | null;
  publishedAt: string | null;
  texts: Texts;
};

export function toAlertView(record: AlertRecord): AlertView {
  const { row } = record;
  return {
    id: row.id,
    kind: row.kind,
    family: record.family,
    priority: row.priority,
    status: row.status,
    drill: row.is_drill,
    senderOrg: row.sender_org,
    authorId: row.author_id,
    editorIds: row.editor_ids,
    approverId: row.approver_id,
    referencesAlertId: row.references_alert_id,
    sightingId: row.sighting_id,
    sightingLabel: row.sighting_label,
    cancelReason: row.cancel_reason,
    link: row.link,
    channels: row.channels,
    targetZips: row.target_zips,
    expiresAt: row.expires_at.toISOString(),
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
    approvedAt: row.approved_at?.toISOString() ?? null,
    publishedAt: row.published_at?.toISOString() ?? null,
    texts: record.texts,
  };
}

export async function alertView(db: DbOrTx, alertId: string): Promise<AlertView> {
  return toAlertView(await loadAlertRecord(db, alertId));
}
