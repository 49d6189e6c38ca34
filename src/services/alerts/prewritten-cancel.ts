/**
 * The pre-written cancel: the one message a verifier may publish alone (VERIFIER_MAY_CANCEL_ALONE).
 * Its text is the false-alarm or all-clear template in each of the original's languages, built
 * only from the original's own facts: when it was sent, and the sighting's place if the original
 * itself named it in that language. A place rewritten on the sighting afterwards never reaches
 * residents this way, since nobody previews a lone cancel.
 *
 * A cancel is "pre-written" when it is exactly that, with nothing of its drafter's: the template's
 * texts, no link, the original's priority, target, channels and sender, and the default expiry.
 * Anything else is someone's own words or choice, and needs a second person like any alert.
 */
import type { AppContext } from "../../context.ts";
import type { DbOrTx } from "../../db/transaction.ts";
import { LANGUAGES } from "../../i18n/languages.ts";
import type { AlertRecord, AlertRow, Texts } from "./alert-record.ts";
import { DEFAULT_EXPIRY_HOURS } from "./draft-rules.ts";
import { canonicalJson } from "./preview-alert.ts";
import { namesPlace } from "./template-places.ts";
import { type CancelReason, cancelTemplate } from "./templates.ts";

type Ctx = Pick<AppContext, "config">;

export async function prewrittenCancelTexts(
  db: DbOrTx,
  ctx: Ctx,
  original: Pick<AlertRecord, "row" | "texts">,
  reason: CancelReason,
): Promise<Texts> {
  const place = original.row.sighting_id
    ? ((
        await db
          .selectFrom("sightings")
          .select("place")
          .where("id", "=", original.row.sighting_id)
          .executeTakeFirst()
      )?.place ?? null)
    : null;
  const texts: Texts = {};
  for (const language of LANGUAGES) {
    const said = original.texts[language];
    if (!said) continue;
    const named =
      place !== null && [said.headline, said.body, said.smsText].some((t) => namesPlace(t, place));
    texts[language] = cancelTemplate(
      reason,
      { publishedAt: original.row.published_at ?? original.row.created_at, place: named ? place : null },
      language,
      ctx.config.operators.timeZone,
    );
  }
  return texts;
}

/** Whether `record` (a cancel) is its reason's pre-written cancel of `original`, and nothing more. */
export async function isPrewrittenCancel(
  db: DbOrTx,
  ctx: Ctx,
  record: AlertRecord,
  original: Pick<AlertRecord, "row" | "texts">,
): Promise<boolean> {
  const { row } = record;
  if (row.kind !== "cancel" || !row.cancel_reason || row.references_alert_id !== original.row.id)
    return false;
  const o: AlertRow = original.row;
  const defaultExpiry = row.created_at.getTime() + DEFAULT_EXPIRY_HOURS.cancel * 3_600_000;
  if (
    row.link !== null ||
    row.priority !== o.priority ||
    row.sender_org !== o.sender_org ||
    row.expires_at.getTime() !== defaultExpiry ||
    canonicalJson(row.target_zips) !== canonicalJson(o.target_zips) ||
    canonicalJson([...row.channels].sort()) !== canonicalJson([...o.channels].sort())
  ) {
    return false;
  }
  const expected = await prewrittenCancelTexts(db, ctx, original, row.cancel_reason);
  return canonicalJson(record.texts) === canonicalJson(expected);
}
