/**
 * draftAlert: an alert about a sighting, drafted by an operator or verifier. From a verified
 * sighting, its texts come from the template for the sighting's activity in the languages asked
 * for (all four by default); any text given replaces the template's for that language. Without a
 * sighting ("from scratch") the drafter writes the texts and names the target; the verifier who
 * approves it vouches for it.
 *
 * With `unconfirmed` (UNCONFIRMED_ALERTS on), from a sighting responders were dispatched to but
 * nobody verified yet: the unconfirmed template ("reported…, responders on the way, avoid the
 * area"), labelled UNCONFIRMED (alerts.sighting_label). The setting off, or a sighting nobody was
 * dispatched to, is refused before anything is written. When the sighting is decided its
 * follow-up goes to exactly this alert's recipients (sightings/decision-drafts.ts).
 */
import type { Actor } from "../../auth/permissions.ts";
import type { AppContext } from "../../context.ts";
import type { AlertPriority, Channel } from "../../db/database.ts";
import { type DbOrTx, withTransaction } from "../../db/transaction.ts";
import { ApiError, invalid } from "../../errors.ts";
import { LANGUAGES, type Language } from "../../i18n/languages.ts";
import { loadSightingRow, type SightingRow } from "../sightings/shape.ts";
import { type AlertView, alertView, type Texts } from "./alert-record.ts";
import { checkChannels, checkTexts, expiryFor, requireDrafter } from "./draft-rules.ts";
import { insertDraft } from "./insert-draft.ts";
import { resolveTarget, type TargetInput } from "./targets.ts";
import { type SightingFacts, sightingTemplate, unconfirmedTemplate } from "./templates.ts";

export type DraftAlertInput = {
  sightingId?: string;
  /** An UNCONFIRMED alert from a dispatched, unverified sighting (UNCONFIRMED_ALERTS on). */
  unconfirmed?: boolean;
  /** Languages to fill from the template (default: all four). Ignored without a sighting. */
  templateLanguages?: Language[];
  texts?: Texts;
  priority: AlertPriority;
  target?: TargetInput;
  channels: Channel[];
  expiresAt?: Date;
  drill: boolean;
  actor: Actor;
};

export async function draftAlert({
  ctx,
  input,
}: {
  ctx: Pick<AppContext, "db" | "clock" | "config" | "boss">;
  input: DraftAlertInput;
}): Promise<AlertView> {
  requireDrafter("alert", input.actor);
  if (input.unconfirmed && !ctx.config.operators.unconfirmedAlerts) {
    throw new ApiError(
      "forbidden",
      "Unconfirmed alerts are off here (UNCONFIRMED_ALERTS=false): wait until the sighting is verified",
    );
  }
  if (input.unconfirmed && !input.sightingId) {
    throw invalid("sightingId", "an unconfirmed alert is about a sighting responders were dispatched to");
  }
  const now = ctx.clock.now();
  return withTransaction(ctx.db, async (tx) => {
    let texts: Texts = { ...input.texts };
    let ownZip: string | undefined;
    if (input.sightingId) {
      const sighting = await loadSightingRow(tx, input.sightingId, input.actor).catch(() => {
        throw invalid("sightingId", "no such sighting");
      });
      if (input.unconfirmed) {
        await requireDispatchedUnverified(tx, sighting);
      } else if (sighting.status !== "verified") {
        throw new ApiError(
          "conflict",
          `Alerts are drafted from verified sightings (this one is ${sighting.status})`,
        );
      }
      ownZip = sighting.zip;
      const template = input.unconfirmed ? unconfirmedTemplate : sightingTemplate;
      const templated: Texts = {};
      for (const language of input.templateLanguages ?? LANGUAGES) {
        templated[language] = template(sightingFacts(sighting), language, ctx.config.operators.timeZone);
      }
      texts = { ...templated, ...input.texts };
    } else if (!input.texts) {
      throw invalid("texts", "give the texts, or a sightingId to start from its template");
    }
    if (!input.target && !ownZip) throw invalid("target", "name the ZIPs (or a radius around one)");
    checkTexts(texts, {
      alert: {
        kind: "sighting",
        priority: input.priority,
        is_drill: input.drill,
        verifiedSighting: input.sightingId !== undefined,
        sightingLabel: input.unconfirmed ? "unconfirmed" : null,
      },
      publicUrl: ctx.config.publicUrl,
    });
    checkChannels(input.priority, input.channels, ctx.config);
    const targetZips = await resolveTarget(
      tx,
      ctx.config.serviceArea,
      input.target ?? { zips: [ownZip!] },
      ownZip,
    );
    const id = await insertDraft(
      tx,
      input.actor,
      {
        kind: "sighting",
        priority: input.priority,
        targetZips,
        channels: input.channels,
        drill: input.drill,
        expiresAt: expiryFor("sighting", input.expiresAt, now),
        sightingId: input.sightingId ?? null,
        sightingLabel: input.unconfirmed ? "unconfirmed" : null,
        texts,
      },
      now,
      { template: input.sightingId !== undefined, ...(input.unconfirmed ? { label: "unconfirmed" } : {}) },
      ctx,
    );
    return alertView(tx, id);
  });
}

/** A sighting's facts as the templates take them. Once its free text is erased, its ZIP places it. */
export function sightingFacts(sighting: SightingRow): SightingFacts {
  return {
    zip: sighting.zip,
    place: sighting.place,
    crossStreets: sighting.cross_streets,
    observedAt: sighting.observed_at,
    agency: sighting.agency,
    activity: sighting.activity,
  };
}

/**
 * An UNCONFIRMED alert needs someone on the way: the sighting dispatched (and not yet decided), or
 * decided unconfirmed after responders were asked. Reported-only sightings and decided ones are
 * refused: the first has nobody going to look, the second is known true or false.
 */
async function requireDispatchedUnverified(tx: DbOrTx, sighting: SightingRow): Promise<void> {
  if (sighting.status === "dispatched") return;
  if (sighting.status === "unconfirmed") {
    const asked = await tx
      .selectFrom("responder_requests")
      .select("id")
      .where("sighting_id", "=", sighting.id)
      .limit(1)
      .executeTakeFirst();
    if (asked) return;
  }
  throw new ApiError(
    "conflict",
    sighting.status === "verified"
      ? "This sighting is verified: draft the VERIFIED alert, not an unconfirmed one"
      : `An unconfirmed alert is drafted only from a sighting responders were dispatched to and nobody has decided yet (this one is ${sighting.status})`,
  );
}
