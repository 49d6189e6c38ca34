/**
 * draftAlert: an alert about a sighting, drafted by an operator or verifier. From a verified
 * sighting, its texts come from the template for the sighting's activity in the languages asked
 * for (all four by default); any text given replaces the template's for that language. Without a
 * sighting ("from scratch") the drafter writes the texts and names the target; the verifier who
 * approves it vouches for it.
 */
import type { Actor } from "../../auth/permissions.ts";
import type { AppContext } from "../../context.ts";
import type { AlertPriority, Channel } from "../../db/database.ts";
import { withTransaction } from "../../db/transaction.ts";
import { ApiError, invalid } from "../../errors.ts";
import { LANGUAGES, type Language } from "../../i18n/languages.ts";
import { loadSightingRow } from "../sightings/shape.ts";
import { type AlertView, alertView, type Texts } from "./alert-record.ts";
import { checkChannels, checkTexts, expiryFor, requireDrafter } from "./draft-rules.ts";
import { insertDraft } from "./insert-draft.ts";
import { resolveTarget, type TargetInput } from "./targets.ts";
import { sightingTemplate } from "./templates.ts";

export type DraftAlertInput = {
  sightingId?: string;
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
  const now = ctx.clock.now();
  return withTransaction(ctx.db, async (tx) => {
    let texts: Texts = { ...input.texts };
    let ownZip: string | undefined;
    if (input.sightingId) {
      const sighting = await loadSightingRow(tx, input.sightingId, input.actor).catch(() => {
        throw invalid("sightingId", "no such sighting");
      });
      if (sighting.status !== "verified") {
        throw new ApiError(
          "conflict",
          `Alerts are drafted from verified sightings (this one is ${sighting.status})`,
        );
      }
      ownZip = sighting.zip;
      const templated: Texts = {};
      for (const language of input.templateLanguages ?? LANGUAGES) {
        templated[language] = sightingTemplate(
          {
            zip: sighting.zip,
            // Once its free text is erased, a sighting is placed by its ZIP alone.
            place: sighting.place,
            crossStreets: sighting.cross_streets,
            observedAt: sighting.observed_at,
            agency: sighting.agency,
            activity: sighting.activity,
          },
          language,
          ctx.config.operators.timeZone,
        );
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
        texts,
      },
      now,
      { template: input.sightingId !== undefined },
      ctx,
    );
    return alertView(tx, id);
  });
}
