/**
 * Alerts and statements in the console: the approval queue, the composer (new, edit, update,
 * statement), the approver's page showing exactly what will be sent with the preview hash they
 * approve, publish, cancel, and live delivery progress by server-sent events. Two people for a
 * mass alert: the services refuse an approval by whoever drafted or edited it, and the page says
 * why. Forms are read in alert-form.ts, pages rendered in src/pages/console/.
 */
import { Hono } from "hono";
import { streamSSE } from "hono/streaming";
import { z } from "zod";
import { ApiError } from "../../errors.ts";
import { errorBody } from "../../http/errors.ts";
import { newAlertPage, statementPage } from "../../pages/console/alert-drafts.ts";
import { alertListPage } from "../../pages/console/alert-list.ts";
import { alertActs, alertPage as renderAlertPage } from "../../pages/console/alert-page.ts";
import type { FormValues } from "../../pages/console/alert-settings.ts";
import type { FieldErrors } from "../../pages/console/chrome.ts";
import { describeCount, smsPreview } from "../../pages/console/composer.ts";
import { notFoundPage } from "../../pages/console/not-found.ts";
import { AlertKind, CancelReason, TEXT_LIMITS } from "../../schemas/alerts.ts";
import { Id, Language, Priority } from "../../schemas/common.ts";
import { alertViewForActor } from "../../services/alerts/alert-access.ts";
import { listAlertHistory } from "../../services/alerts/alert-history.ts";
import type { AlertView, Texts } from "../../services/alerts/alert-record.ts";
import { mayDraft } from "../../services/alerts/approval-rules.ts";
import { approveAlert } from "../../services/alerts/approve-alert.ts";
import { deliveryFigures } from "../../services/alerts/delivery-figures.ts";
import { draftAlert } from "../../services/alerts/draft-alert.ts";
import { cancelAlert, draftUpdate } from "../../services/alerts/draft-follow-up.ts";
import { editAlert } from "../../services/alerts/edit-alert.ts";
import { listAlerts } from "../../services/alerts/list-alerts.ts";
import { previewAlert } from "../../services/alerts/preview-alert.ts";
import { publishApproved } from "../../services/alerts/publish-approved.ts";
import { sentFigures } from "../../services/alerts/sent-figures.ts";
import { recordApprovalPageOpened } from "../../services/paging/approval-pages.ts";
import { draftStatement } from "../../services/statements/draft-statement.ts";
import { alertTimeline } from "../../services/timeline/alert-timeline.ts";
import { actorNames } from "../../services/users/actor-names.ts";
import { composerFormOf, linkOf, textsOf, valuesOf, valuesOfAlert } from "./alert-form.ts";
import { HISTORY_PAGE_SIZE, readHistoryFilter } from "./history-filter.ts";
import {
  type ConsoleContext,
  type ConsoleEnv,
  denied,
  errorsFrom,
  type PageStatus,
  readForm,
  statusOf,
  text,
  view,
} from "./support.ts";

/** The composer's live SMS preview: what web/composer.js sends as the author types. */
const PreviewSmsBody = z.object({
  language: Language,
  smsText: z.string().max(TEXT_LIMITS.smsText),
  kind: AlertKind,
  priority: Priority.default("alert"),
  drill: z.boolean().default(false),
  cancelReason: CancelReason.optional(),
  /** Drafted from a verified sighting (VERIFIED); a new alert from scratch is an ADVISORY. */
  verifiedSighting: z.boolean().default(false),
  /** A saved draft's id (its short link is shown); a new draft's preview uses a stand-in. */
  alertId: Id.optional(),
});

export const alertConsoleRoutes = new Hono<ConsoleEnv>()
  .get("/alerts", async (c) => {
    const no = denied(c, "alerts:read");
    if (no) return no;
    const ctx = c.get("ctx");
    const tz = ctx.config.operators.timeZone;
    const scope = c.get("actor");
    const now = ctx.clock.now();
    const read = readHistoryFilter(c.req.query());
    const f = read.ok ? read.filter : null;
    const [drafts, approved, live, history] = await Promise.all([
      listAlerts({ ctx, input: { status: "draft", limit: 100, scope } }),
      listAlerts({ ctx, input: { status: "approved", limit: 100, scope } }),
      listAlertHistory({ ctx, input: { state: "live", page: 1, pageSize: 100, scope, now } }),
      // A refused filter lists nothing rather than something the person did not ask for.
      f
        ? listAlertHistory({
            ctx,
            input: {
              state: f.state,
              ...(f.kind ? { kind: f.kind } : {}),
              ...(f.days === "all" ? {} : { since: new Date(now.getTime() - Number(f.days) * 86_400_000) }),
              ...(f.zip ? { zip: f.zip } : {}),
              page: f.page,
              pageSize: HISTORY_PAGE_SIZE,
              scope,
              now,
            },
          })
        : { entries: [], more: false },
    ]);
    return c.html(
      alertListPage(view(c), {
        drafts,
        approved,
        live: live.entries.map((e) => e.alert),
        history: {
          values: read.values,
          errors: read.ok ? {} : read.errors,
          entries: history.entries,
          page: f?.page ?? 1,
          more: history.more,
        },
        mayDraft: mayDraft("alert", c.get("actor").role),
        timeZone: tz,
      }),
      read.ok ? 200 : 400,
    );
  })
  .get("/alerts/new", (c) => {
    const no = denied(c, "alerts:draft");
    if (no) return no;
    return c.html(newAlertPage(view(c), composer(c, {}, {}, ["sms", "email", "push", "whatsapp", "voice"])));
  })
  .post("/alerts", async (c) => {
    const no = denied(c, "alerts:draft");
    if (no) return no;
    const ctx = c.get("ctx");
    const form = await readForm(c);
    const { texts, target, channels, priority, expiresAt, errors } = composerFormOf(form, {
      statement: false,
      timeZone: ctx.config.operators.timeZone,
    });
    if (Object.keys(errors).length > 0)
      return c.html(newAlertPage(view(c), composer(c, valuesOf(form), errors, channels)), 400);
    try {
      const draft = await draftAlert({
        ctx,
        input: {
          texts,
          target,
          channels,
          priority,
          expiresAt,
          drill: text(form, "drill") === "on",
          actor: c.get("actor"),
        },
      });
      return c.redirect(`/console/alerts/${draft.id}`, 303);
    } catch (error) {
      return c.html(newAlertPage(view(c), composer(c, valuesOf(form), errorsFrom(error), channels)), 400);
    }
  })
  .get("/statements/new", (c) => {
    const no = denied(c, "statements:draft");
    if (no) return no;
    return c.html(
      statementPage(
        view(c),
        composer(c, { priority: "advisory" }, {}, ["sms", "email", "push", "whatsapp", "voice"]),
      ),
    );
  })
  .post("/statements", async (c) => {
    const no = denied(c, "statements:draft");
    if (no) return no;
    const ctx = c.get("ctx");
    const form = await readForm(c);
    const { texts, target, channels, priority, expiresAt, errors } = composerFormOf(form, {
      statement: true,
      timeZone: ctx.config.operators.timeZone,
    });
    const link = linkOf(form, errors);
    if (Object.keys(errors).length > 0)
      return c.html(statementPage(view(c), composer(c, valuesOf(form), errors, channels)), 400);
    try {
      const draft = await draftStatement({
        ctx,
        input: {
          texts,
          target,
          channels,
          priority,
          expiresAt,
          link: link || undefined,
          drill: text(form, "drill") === "on",
          actor: c.get("actor"),
        },
      });
      return c.redirect(`/console/alerts/${draft.id}`, 303);
    } catch (error) {
      return c.html(statementPage(view(c), composer(c, valuesOf(form), errorsFrom(error), channels)), 400);
    }
  })
  .post("/preview-sms", async (c) => {
    const body = PreviewSmsBody.safeParse(await c.req.json().catch(() => null));
    // The API's error envelope, request id included, like every other JSON refusal.
    if (!body.success)
      return c.json(errorBody("validation_failed", body.error.message, c.get("requestId")), 400);
    const b = body.data;
    const preview = smsPreview(
      {
        kind: b.kind,
        priority: b.priority,
        is_drill: b.drill,
        ...(b.cancelReason ? { cancelReason: b.cancelReason } : {}),
        verifiedSighting: b.verifiedSighting,
        ...(b.alertId ? { id: b.alertId } : {}),
      },
      b.language,
      b.smsText,
      c.get("ctx").config.publicUrl,
    );
    return c.json({ ...preview, description: describeCount(preview) });
  })
  .get("/alerts/:id", async (c) => alertPage(c, {}, undefined, 200, { opening: true }))
  .post("/alerts/:id", async (c) => {
    const no = denied(c, "drafts:edit");
    if (no) return no;
    const ctx = c.get("ctx");
    const form = await readForm(c);
    const current = await loadOr404(c);
    if (current instanceof Response) return current;
    const statement = current.family === "statement";
    const { texts, empty, target, channels, priority, expiresAt, errors } = composerFormOf(form, {
      statement,
      timeZone: ctx.config.operators.timeZone,
    });
    if (Object.keys(errors).length > 0) return alertPage(c, errors, valuesOf(form), 400);
    const removed = Object.fromEntries(
      empty.filter((l) => l !== "en" && current.texts[l as keyof Texts]).map((l) => [l, null]),
    );
    try {
      await editAlert({
        ctx,
        input: {
          alertId: current.id,
          changes: {
            texts: { ...texts, ...removed },
            // A follow-up goes to the original's recipients on its channels: not the form's to change.
            ...(current.referencesAlertId ? {} : { target, channels }),
            priority,
            ...(expiresAt ? { expiresAt } : {}),
            ...(statement ? { link: text(form, "link") || null } : {}),
          },
          actor: c.get("actor"),
        },
      });
      return c.redirect(`/console/alerts/${current.id}`, 303);
    } catch (error) {
      return alertPage(c, errorsFrom(error), valuesOf(form), statusOf(error));
    }
  })
  .post("/alerts/:id/approve", async (c) => {
    const no = denied(c, "drafts:approve");
    if (no) return no;
    const form = await readForm(c);
    try {
      await approveAlert({
        ctx: c.get("ctx"),
        input: {
          alertId: c.req.param("id"),
          hash: text(form, "hash"),
          publishNow: text(form, "publishNow") === "on",
          actor: c.get("actor"),
        },
      });
      return c.redirect(`/console/alerts/${c.req.param("id")}`, 303);
    } catch (error) {
      return alertPage(c, errorsFrom(error), undefined, statusOf(error));
    }
  })
  .post("/alerts/:id/publish", async (c) => {
    const no = denied(c, "drafts:publish");
    if (no) return no;
    try {
      await publishApproved({
        ctx: c.get("ctx"),
        input: { alertId: c.req.param("id"), actor: c.get("actor") },
      });
      return c.redirect(`/console/alerts/${c.req.param("id")}`, 303);
    } catch (error) {
      return alertPage(c, errorsFrom(error), undefined, statusOf(error));
    }
  })
  .post("/alerts/:id/cancel", async (c) => {
    const no = denied(c, "drafts:edit");
    if (no) return no;
    const form = await readForm(c);
    const reason = CancelReason.safeParse(text(form, "reason"));
    if (!reason.success) return alertPage(c, { reason: "Choose why" }, undefined, 400);
    try {
      const result = await cancelAlert({
        ctx: c.get("ctx"),
        input: {
          alertId: c.req.param("id"),
          reason: reason.data,
          publishNow: text(form, "publishNow") === "on",
          actor: c.get("actor"),
        },
      });
      return c.redirect(`/console/alerts/${result.alert.id}`, 303);
    } catch (error) {
      return alertPage(c, errorsFrom(error), undefined, statusOf(error));
    }
  })
  .post("/alerts/:id/updates", async (c) => {
    const no = denied(c, "drafts:edit");
    if (no) return no;
    const form = await readForm(c);
    const { texts, errors } = textsOf(form, {});
    if (Object.keys(errors).length > 0) return alertPage(c, errors, valuesOf(form), 400);
    try {
      const draft = await draftUpdate({
        ctx: c.get("ctx"),
        input: { alertId: c.req.param("id"), texts, actor: c.get("actor") },
      });
      return c.redirect(`/console/alerts/${draft.id}`, 303);
    } catch (error) {
      return alertPage(c, errorsFrom(error), valuesOf(form), statusOf(error));
    }
  })
  .get("/alerts/:id/progress", async (c) => {
    const ctx = c.get("ctx");
    const alertId = c.req.param("id");
    const alert = await loadOr404(c);
    if (alert instanceof Response) return alert;
    c.header("Cache-Control", "no-store");
    return streamSSE(c, async (stream) => {
      const until = Date.now() + 120_000;
      let last = "";
      while (!stream.aborted && Date.now() < until) {
        const figures = await deliveryFigures({ ctx, input: { alertId } });
        const data = JSON.stringify({
          total: figures.total,
          byChannel: figures.byChannel,
          possibleDuplicates: figures.possibleDuplicates,
          reads: figures.reads,
        });
        if (data !== last) await stream.writeSSE({ event: "figures", data });
        last = data;
        const open = Object.values(figures.byChannel).some((counts) => counts.queued + counts.sending > 0);
        if (figures.total > 0 && !open) break;
        await stream.sleep(1000);
      }
      await stream.writeSSE({ event: "done", data: "{}" });
    });
  });

async function loadOr404(c: ConsoleContext): Promise<AlertView | Response> {
  try {
    return await alertViewForActor(c.get("ctx").db, c.req.param("id") ?? "", c.get("actor"));
  } catch (error) {
    if (error instanceof ApiError || error instanceof Error)
      return c.html(
        notFoundPage(view(c), "No such alert", { href: "/console/alerts", label: "Back to alerts" }),
        404,
      );
    throw error;
  }
}

async function alertPage(
  c: ConsoleContext,
  errors: FieldErrors,
  typed?: FormValues,
  status: PageStatus = 200,
  options: { opening?: boolean } = {},
) {
  const no = denied(c, "alerts:read");
  if (no) return no;
  const ctx = c.get("ctx");
  const alert = await loadOr404(c);
  if (alert instanceof Response) return alert;
  const actor = c.get("actor");
  // An approver opening a waiting draft's page: the re-page is no longer needed. (A draft is
  // shown only to its own organisation, so the organisation is the reader's.)
  if (options.opening && alert.status === "draft") {
    await recordApprovalPageOpened(ctx, { ...alert, organisationId: actor.organisationId }, actor);
  }
  const preview = await previewAlert({ ctx, input: { alertId: alert.id, actor } });
  const tz = ctx.config.operators.timeZone;
  // Another organisation's alert comes without its staff (alertViewFor), so no name leaks here.
  const nameOf = await actorNames(ctx.db, [alert.authorId, ...alert.editorIds, alert.approverId], actor);
  const sent = alert.publishedAt
    ? await sentFigures(ctx.db, { alertId: alert.id, languages: preview.languages.map((l) => l.language) })
    : null;
  const timeline = await alertTimeline(ctx.db, alert.id, actor);
  return c.html(
    renderAlertPage(
      { ...view(c), actor },
      {
        alert,
        preview,
        acts: alertActs(alert, actor, ctx.config.operators.verifierMayCancelAlone),
        errors,
        typed,
        values: typed ?? valuesOfAlert(alert, tz),
        nameOf,
        sent,
        timeline,
        timeZone: tz,
        publicUrl: ctx.config.publicUrl,
      },
    ),
    status,
  );
}

function composer(c: ConsoleContext, values: FormValues, errors: FieldErrors, channels: string[]) {
  return { values, errors, channels, publicUrl: c.get("ctx").config.publicUrl };
}
