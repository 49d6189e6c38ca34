/**
 * draftStatement: comms drafts an official statement (headline, body, an optional link, in the
 * languages given), city-wide (the whole service area) or for named ZIPs, with a priority. Every
 * message carries OFFICIAL CITY STATEMENT; another comms user approves it. The link is written
 * into the body and, unless the SMS text is given, into the SMS after the headline.
 */
import type { Actor } from "../../auth/permissions.ts";
import type { AppContext } from "../../context.ts";
import type { AlertPriority, Channel } from "../../db/database.ts";
import { withTransaction } from "../../db/transaction.ts";
import { LANGUAGES, type Language } from "../../i18n/languages.ts";
import { type AlertView, alertView, type Texts } from "../alerts/alert-record.ts";
import { checkChannels, checkTexts, expiryFor, requireDrafter } from "../alerts/draft-rules.ts";
import { insertDraft } from "../alerts/insert-draft.ts";
import { resolveTarget, type TargetInput } from "../alerts/targets.ts";

export type StatementText = { headline: string; body: string; smsText?: string };

export async function draftStatement({
  ctx,
  input,
}: {
  ctx: Pick<AppContext, "db" | "clock" | "config" | "boss">;
  input: {
    texts: Partial<Record<Language, StatementText>>;
    link?: string;
    priority: AlertPriority;
    target: TargetInput;
    channels: Channel[];
    expiresAt?: Date;
    drill: boolean;
    actor: Actor;
  };
}): Promise<AlertView> {
  requireDrafter("statement", input.actor);
  const now = ctx.clock.now();
  const texts: Texts = {};
  for (const language of LANGUAGES) {
    const text = input.texts[language];
    if (!text) continue;
    texts[language] = {
      headline: text.headline,
      body: input.link ? `${text.body}\n\n${input.link}` : text.body,
      smsText: text.smsText ?? (input.link ? `${text.headline} ${input.link}` : text.headline),
    };
  }
  checkTexts(texts, {
    alert: { kind: "statement", priority: input.priority, is_drill: input.drill, verifiedSighting: false },
    publicUrl: ctx.config.publicUrl,
  });
  checkChannels(input.priority, input.channels, ctx.config);
  return withTransaction(ctx.db, async (tx) => {
    const targetZips = await resolveTarget(tx, ctx.config.serviceArea, input.target);
    const id = await insertDraft(
      tx,
      input.actor,
      {
        kind: "statement",
        priority: input.priority,
        targetZips,
        channels: input.channels,
        drill: input.drill,
        expiresAt: expiryFor("statement", input.expiresAt, now),
        link: input.link ?? null,
        texts,
      },
      now,
      {},
      ctx,
    );
    return alertView(tx, id);
  });
}
