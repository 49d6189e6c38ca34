/**
 * What a verifier's decision drafts (issue 16, points 6 and 8), in the decision's own transaction
 * with the sighting row locked: a repeated decision is refused by SIGHTING_TRANSITIONS before it
 * gets here, and two verifiers deciding at once queue on the lock, so the second is refused the
 * same way and nothing is drafted twice.
 *
 * - VERIFIED: each published UNCONFIRMED alert about the sighting gets a VERIFIED update (the
 *   sighting template) for exactly its recipients (draftUpdate, the follow-up mechanism); with none,
 *   a new alert is drafted from the template in all four languages, to the sighting's ZIP on the
 *   default channels.
 * - FALSE ALARM: each published alert about the sighting (UNCONFIRMED or VERIFIED) gets a FALSE
 *   ALARM cancel for exactly its recipients (cancelAlert, not published); with none, nothing went
 *   to residents, and the "nothing found" note is what the hotline tells callers
 *   (nothingFoundNote, rendered on the sighting's page from its facts).
 * - UNCONFIRMED: nothing; with UNCONFIRMED_ALERTS on, an UNCONFIRMED alert may be drafted by hand.
 *
 * The decider is the author of every draft, so another verifier must approve it (the two-person
 * rule; a pre-written false-alarm cancel is the one thing VERIFIER_MAY_CANCEL_ALONE lets them
 * publish alone, as for any cancel). Drafts use the sighting's own facts, never a responder's words.
 */
import type { Transaction } from "kysely";
import type { Actor } from "../../auth/permissions.ts";
import type { AppContext } from "../../context.ts";
import type { AlertKind, Database, SightingStatus } from "../../db/database.ts";
import type { DbOrTx } from "../../db/transaction.ts";
import { LANGUAGES, type Language } from "../../i18n/languages.ts";
import { ALL_CHANNELS } from "../../schemas/common.ts";
import type { Texts } from "../alerts/alert-record.ts";
import { mayDraft } from "../alerts/approval-rules.ts";
import { draftAlert, sightingFacts } from "../alerts/draft-alert.ts";
import { cancelAlert, draftUpdate } from "../alerts/draft-follow-up.ts";
import { nothingFoundTemplate, sightingTemplate, type TemplateText } from "../alerts/templates.ts";
import type { SightingRow } from "./shape.ts";

export type DecisionContext = Pick<AppContext, "db" | "clock" | "config" | "pii" | "boss" | "log">;

/** A draft the decision made: the console takes the verifier to the first. */
export type DecisionDraft = {
  id: string;
  kind: AlertKind;
  /** The published alert it follows (an update or cancel), or null for a new alert. */
  referencesAlertId: string | null;
};

export async function draftForDecision(
  tx: Transaction<Database>,
  ctx: DecisionContext,
  sighting: SightingRow,
  status: SightingStatus,
  actor: Actor,
): Promise<DecisionDraft[]> {
  // An admin deciding (if a role ever may) drafts nothing: the alert is then drafted by hand.
  if (!mayDraft("alert", actor.role)) return [];
  const inner = { ...ctx, db: tx };
  if (status === "verified") {
    const unconfirmed = await publishedAbout(tx, sighting.id, "unconfirmed");
    if (unconfirmed.length > 0) {
      const texts = templated(sighting, ctx, sightingTemplate);
      const drafts: DecisionDraft[] = [];
      for (const original of unconfirmed) {
        const update = await draftUpdate({
          ctx: inner,
          input: { alertId: original.id, texts, confirms: true, actor },
        });
        drafts.push({ id: update.id, kind: "update", referencesAlertId: original.id });
      }
      return drafts;
    }
    const alert = await draftAlert({
      ctx: inner,
      input: {
        sightingId: sighting.id,
        priority: "alert",
        channels: [...ALL_CHANNELS],
        drill: false,
        actor,
      },
    });
    return [{ id: alert.id, kind: "sighting", referencesAlertId: null }];
  }
  if (status === "false_alarm") {
    const drafts: DecisionDraft[] = [];
    for (const original of await publishedAbout(tx, sighting.id, "any")) {
      const { alert } = await cancelAlert({
        ctx: inner,
        input: { alertId: original.id, reason: "false_alarm", publishNow: false, actor },
      });
      drafts.push({ id: alert.id, kind: "cancel", referencesAlertId: original.id });
    }
    return drafts;
  }
  return [];
}

/**
 * Published sighting alerts about this sighting that no cancel has followed yet (a cancel's
 * publishing marks its original cancelled): all of them, or only the UNCONFIRMED ones.
 */
async function publishedAbout(
  tx: Transaction<Database>,
  sightingId: string,
  which: "unconfirmed" | "any",
): Promise<{ id: string }[]> {
  let query = tx
    .selectFrom("alerts")
    .select("id")
    .where("sighting_id", "=", sightingId)
    .where("kind", "=", "sighting")
    .where("status", "=", "published")
    .orderBy("published_at");
  if (which === "unconfirmed") query = query.where("sighting_label", "=", "unconfirmed");
  return query.execute();
}

function templated(
  sighting: SightingRow,
  ctx: Pick<AppContext, "config">,
  template: (facts: ReturnType<typeof sightingFacts>, language: Language, timeZone: string) => TemplateText,
): Texts {
  const texts: Texts = {};
  for (const language of LANGUAGES) {
    texts[language] = template(sightingFacts(sighting), language, ctx.config.operators.timeZone);
  }
  return texts;
}

/**
 * The "nothing found" note for a sighting decided a false alarm about which no alert went out:
 * what the hotline tells a caller who asks, in the four languages. Null otherwise (an alert that
 * went out gets its FALSE ALARM cancel instead). Rendered from the sighting's facts each time, so
 * it holds nothing the sighting's own retention does not already erase.
 */
export async function nothingFoundNote(
  db: DbOrTx,
  ctx: Pick<AppContext, "config">,
  sighting: SightingRow,
): Promise<Texts | null> {
  if (sighting.status !== "false_alarm") return null;
  const published = await db
    .selectFrom("alerts")
    .select("id")
    .where("sighting_id", "=", sighting.id)
    .where("kind", "=", "sighting")
    .where("published_at", "is not", null)
    .limit(1)
    .executeTakeFirst();
  if (published) return null;
  return templated(sighting, ctx, nothingFoundTemplate);
}
