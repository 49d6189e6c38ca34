/**
 * Alerts and statements in the console: the approval queue, the composer (new, edit, update,
 * statement), the approver's page showing exactly what will be sent with the preview hash they
 * approve, publish, cancel, and live delivery progress by server-sent events. Two people for a
 * mass alert: the services refuse an approval by whoever drafted or edited it, and the page says
 * why.
 */
import { Hono } from "hono";
import { html } from "hono/html";
import { streamSSE } from "hono/streaming";
import { z } from "zod";
import type { Actor } from "../../auth/permissions.ts";
import type { AlertPriority, Channel } from "../../db/database.ts";
import { ApiError } from "../../errors.ts";
import { errorBody } from "../../http/errors.ts";
import { isLanguage, LANGUAGE_NAMES, LANGUAGES } from "../../i18n/languages.ts";
import {
  checkboxes,
  consolePage,
  csrfField,
  type FieldErrors,
  formErrors,
  input,
  select,
  textarea,
} from "../../pages/console/chrome.ts";
import { composerFields, describeCount, smsPreview } from "../../pages/console/composer.ts";
import { alertViewForActor } from "../../services/alerts/alert-access.ts";
import type { AlertView, Texts } from "../../services/alerts/alert-record.ts";
import { mayDraft } from "../../services/alerts/approval-rules.ts";
import { approveAlert } from "../../services/alerts/approve-alert.ts";
import { deliveryFigures } from "../../services/alerts/delivery-figures.ts";
import { draftAlert } from "../../services/alerts/draft-alert.ts";
import { cancelAlert, draftUpdate } from "../../services/alerts/draft-follow-up.ts";
import { editAlert } from "../../services/alerts/edit-alert.ts";
import { listAlerts } from "../../services/alerts/list-alerts.ts";
import { type AlertPreview, previewAlert } from "../../services/alerts/preview-alert.ts";
import { publishApproved } from "../../services/alerts/publish-approved.ts";
import { draftStatement } from "../../services/statements/draft-statement.ts";
import { parseTypedZips } from "../../services/subscriptions/typed-zips.ts";
import {
  type ConsoleContext,
  type ConsoleEnv,
  denied,
  errorsFrom,
  type Form,
  fromLocalInput,
  list,
  type PageStatus,
  readForm,
  statusOf,
  text,
  toLocalInput,
  view,
  when,
} from "./support.ts";

const PRIORITIES = [
  ["alert", "Alert (urgent: SMS, email and push)"],
  ["advisory", "Advisory"],
  ["community", "Community (email and push unless COMMUNITY_SMS)"],
] as const;
const CHANNELS = [
  ["sms", "SMS"],
  ["email", "Email"],
  ["push", "Web push"],
] as const;

type Values = Record<string, string>;

/** The composer's form as plain values (what to show again after an error). */
function valuesOf(form: Form): Values {
  return Object.fromEntries(Object.entries(form).map(([k, v]) => [k, Array.isArray(v) ? (v[0] ?? "") : v]));
}

function valuesOfAlert(alert: AlertView, timeZone: string): Values {
  const values: Values = {
    priority: alert.priority,
    zips: alert.targetZips.join(" "),
    expiresAt: toLocalInput(new Date(alert.expiresAt), timeZone),
    link: alert.link ?? "",
  };
  for (const language of LANGUAGES) {
    const t = alert.texts[language];
    if (!t) continue;
    values[`texts.${language}.headline`] = t.headline;
    values[`texts.${language}.body`] = t.body;
    values[`texts.${language}.smsText`] = t.smsText;
  }
  return values;
}

/** Texts from the composer: a language with nothing typed is left out; a partly typed one is checked. */
function textsOf(
  form: Form,
  o: { smsOptional?: boolean },
): { texts: Texts; errors: FieldErrors; empty: string[] } {
  const texts: Texts = {};
  const errors: FieldErrors = {};
  const empty: string[] = [];
  for (const language of LANGUAGES) {
    const headline = text(form, `texts.${language}.headline`);
    const body = text(form, `texts.${language}.body`);
    const smsText = text(form, `texts.${language}.smsText`) || (o.smsOptional ? headline : "");
    if (!headline && !body && !text(form, `texts.${language}.smsText`)) {
      empty.push(language);
      if (language === "en")
        errors["texts.en.headline"] =
          "An English text is required: residents whose language is missing get it";
      continue;
    }
    if (!headline) errors[`texts.${language}.headline`] = "Write a headline";
    else if (headline.length > 200) errors[`texts.${language}.headline`] = "At most 200 characters";
    if (!body) errors[`texts.${language}.body`] = "Write the full text";
    else if (body.length > 4000) errors[`texts.${language}.body`] = "At most 4000 characters";
    if (!smsText) errors[`texts.${language}.smsText`] = "Write the SMS text";
    else if (smsText.length > 600) errors[`texts.${language}.smsText`] = "At most 600 characters";
    texts[language] = { headline, body, smsText };
  }
  return { texts, errors, empty };
}

function targetOf(form: Form, errors: FieldErrors, allowCityWide: boolean) {
  if (allowCityWide && text(form, "cityWide") === "on") return { cityWide: true as const };
  const zips = parseTypedZips(text(form, "zips"));
  if (zips.malformed) errors.zips = `“${zips.malformed}” is not a 5-digit ZIP`;
  else if (zips.zips.length === 0) errors.zips = "Name at least one ZIP";
  return { zips: zips.zips };
}

function channelsOf(form: Form, errors: FieldErrors): Channel[] {
  const channels = list(form, "channels").filter(
    (c): c is Channel => c === "sms" || c === "email" || c === "push",
  );
  if (channels.length === 0) errors.channels = "Choose at least one channel";
  return channels;
}

function priorityOf(form: Form, errors: FieldErrors): AlertPriority {
  const p = text(form, "priority");
  if (p === "alert" || p === "advisory" || p === "community") return p;
  errors.priority = "Choose a priority";
  return "alert";
}

function expiryOf(form: Form, errors: FieldErrors, timeZone: string): Date | undefined {
  const raw = text(form, "expiresAt");
  if (raw === "") return undefined;
  const at = fromLocalInput(raw, timeZone);
  if (!at) errors.expiresAt = "Give a date and time";
  return at;
}

function settingsFields(
  values: Values,
  errors: FieldErrors,
  o: { statement?: boolean; channels?: string[] },
) {
  return html`${select({ name: "priority", label: "Priority", options: PRIORITIES, value: values.priority ?? (o.statement ? "advisory" : "alert"), errors })}
${
  o.statement
    ? html`<div class="check"><input type="checkbox" id="f-cityWide" name="cityWide"${values.cityWide === "on" ? html` checked` : ""}> <label for="f-cityWide">City-wide (the whole service area)</label></div>`
    : ""
}
${textarea({ name: "zips", label: o.statement ? "ZIP codes (unless city-wide)" : "ZIP codes", hint: "Separated by spaces or commas", value: values.zips ?? "", errors, rows: 2 })}
${checkboxes({ name: "channels", legend: "Channels", options: CHANNELS, checked: o.channels ?? ["sms", "email", "push"], errors })}
${input({ name: "expiresAt", label: "Expires", type: "datetime-local", hint: "Leave empty for the default (4 hours; statements 24)", value: values.expiresAt ?? "", errors })}
${o.statement ? input({ name: "link", label: "Link (optional)", type: "url", value: values.link ?? "", errors }) : ""}`;
}

export const alertConsoleRoutes = new Hono<ConsoleEnv>()
  .get("/alerts", async (c) => {
    const no = denied(c, "alerts:read");
    if (no) return no;
    const ctx = c.get("ctx");
    const tz = ctx.config.operators.timeZone;
    const [drafts, approved, published] = await Promise.all([
      listAlerts({ ctx, input: { status: "draft", limit: 100, scope: c.get("actor") } }),
      listAlerts({ ctx, input: { status: "approved", limit: 100, scope: c.get("actor") } }),
      listAlerts({ ctx, input: { status: "published", limit: 100, scope: c.get("actor") } }),
    ]);
    const row = (a: AlertView) =>
      html`<tr><td><a href="/console/alerts/${a.id}">${a.texts.en?.headline ?? a.id}</a></td><td>${a.kind}${a.drill ? " (drill)" : ""}</td><td>${a.priority}</td><td>${a.targetZips.length <= 5 ? a.targetZips.join(", ") : `${a.targetZips.length} ZIPs`}</td><td>${when(a.updatedAt, tz)}</td></tr>`;
    const table = (caption: string, alerts: AlertView[]) =>
      html`<table><caption>${caption} (${alerts.length})</caption><thead><tr><th scope="col">Headline</th><th scope="col">Kind</th><th scope="col">Priority</th><th scope="col">ZIPs</th><th scope="col">Changed</th></tr></thead>
<tbody>${alerts.map(row)}</tbody></table>`;
    return c.html(
      consolePage(
        view(c),
        "Alerts",
        html`<h1>Alerts</h1>
${mayDraft("alert", c.get("actor").role) ? html`<p><a href="/console/alerts/new">Draft an alert from scratch</a>, labelled ADVISORY (or draft one from a verified sighting, labelled VERIFIED)</p>` : ""}
<h2>Approval queue</h2>
${table("Drafts awaiting a second person", drafts)}
${table("Approved, not yet published", approved)}
<h2>Published</h2>
${table("Live", published)}`,
      ),
    );
  })
  .get("/alerts/new", (c) => {
    const no = denied(c, "alerts:draft");
    if (no) return no;
    return c.html(newAlertPage(c, {}, {}, ["sms", "email", "push"]));
  })
  .post("/alerts", async (c) => {
    const no = denied(c, "alerts:draft");
    if (no) return no;
    const ctx = c.get("ctx");
    const form = await readForm(c);
    const { texts, errors } = textsOf(form, {});
    const target = targetOf(form, errors, false);
    const channels = channelsOf(form, errors);
    const priority = priorityOf(form, errors);
    const expiresAt = expiryOf(form, errors, ctx.config.operators.timeZone);
    if (Object.keys(errors).length > 0) return c.html(newAlertPage(c, valuesOf(form), errors, channels), 400);
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
      return c.html(newAlertPage(c, valuesOf(form), errorsFrom(error), channels), 400);
    }
  })
  .get("/statements/new", (c) => {
    const no = denied(c, "statements:draft");
    if (no) return no;
    return c.html(statementPage(c, { priority: "advisory" }, {}, ["sms", "email", "push"]));
  })
  .post("/statements", async (c) => {
    const no = denied(c, "statements:draft");
    if (no) return no;
    const ctx = c.get("ctx");
    const form = await readForm(c);
    const { texts, errors } = textsOf(form, { smsOptional: true });
    const target = targetOf(form, errors, true);
    const channels = channelsOf(form, errors);
    const priority = priorityOf(form, errors);
    const expiresAt = expiryOf(form, errors, ctx.config.operators.timeZone);
    const link = text(form, "link");
    if (link && !z.url({ protocol: /^https?$/ }).safeParse(link).success)
      errors.link = "Give a full http(s) URL";
    if (Object.keys(errors).length > 0)
      return c.html(statementPage(c, valuesOf(form), errors, channels), 400);
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
      return c.html(statementPage(c, valuesOf(form), errorsFrom(error), channels), 400);
    }
  })
  .post("/preview-sms", async (c) => {
    const body = z
      .object({
        language: z.string().refine(isLanguage),
        smsText: z.string().max(600),
        kind: z.enum(["sighting", "statement", "update", "cancel"]),
        priority: z.enum(["alert", "advisory", "community"]).default("alert"),
        drill: z.boolean().default(false),
        cancelReason: z.enum(["all_clear", "false_alarm"]).optional(),
        /** Drafted from a verified sighting (VERIFIED); a new alert from scratch is an ADVISORY. */
        verifiedSighting: z.boolean().default(false),
        /** A saved draft's id (its short link is shown); a new draft's preview uses a stand-in. */
        alertId: z.uuid().optional(),
      })
      .safeParse(await c.req.json().catch(() => null));
    // The API's error envelope, request id included, like every other JSON refusal.
    if (!body.success)
      return c.json(errorBody("validation_failed", body.error.message, c.get("requestId")), 400);
    const b = body.data;
    if (!isLanguage(b.language))
      return c.json(errorBody("validation_failed", "language", c.get("requestId")), 400);
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
  .get("/alerts/:id", async (c) => alertPage(c, {}))
  .post("/alerts/:id", async (c) => {
    const no = denied(c, "drafts:edit");
    if (no) return no;
    const ctx = c.get("ctx");
    const form = await readForm(c);
    const current = await loadOr404(c);
    if (current instanceof Response) return current;
    const statement = current.family === "statement";
    const { texts, errors, empty } = textsOf(form, { smsOptional: statement });
    const target = targetOf(form, errors, statement);
    const channels = channelsOf(form, errors);
    const priority = priorityOf(form, errors);
    const expiresAt = expiryOf(form, errors, ctx.config.operators.timeZone);
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
    const reason = text(form, "reason");
    if (reason !== "false_alarm" && reason !== "all_clear")
      return alertPage(c, { reason: "Choose why" }, undefined, 400);
    try {
      const result = await cancelAlert({
        ctx: c.get("ctx"),
        input: {
          alertId: c.req.param("id"),
          reason,
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
        consolePage(
          view(c),
          "Not found",
          html`<h1>No such alert</h1><p><a href="/console/alerts">Back to alerts</a></p>`,
        ),
        404,
      );
    throw error;
  }
}

function newAlertPage(c: ConsoleContext, values: Values, errors: FieldErrors, channels: string[]) {
  return consolePage(
    view(c),
    "Draft an alert",
    html`<h1>Draft an alert</h1>
<p>An alert drafted from scratch says ADVISORY (AVISO, 提示, KHUYẾN CÁO): only one drafted from a verified sighting says VERIFIED.</p>
${formErrors(errors)}
<form method="post" action="/console/alerts" class="composer" data-csrf="${c.get("csrf")}" data-kind="sighting" data-priority="${values.priority ?? "alert"}">
${csrfField(c.get("csrf"))}
${composerFields({ alert: { kind: "sighting", priority: "alert", is_drill: values.drill === "on", verifiedSighting: false }, publicUrl: c.get("ctx").config.publicUrl, values, errors })}
${settingsFields(values, errors, { channels })}
<div class="check"><input type="checkbox" id="f-drill" name="drill"${values.drill === "on" ? html` checked` : ""}> <label for="f-drill">Drill (reaches only the drill allowlist)</label></div>
<button type="submit">Save the draft</button>
</form>`,
    ["composer.js"],
  );
}

function statementPage(c: ConsoleContext, values: Values, errors: FieldErrors, channels: string[]) {
  return consolePage(
    view(c),
    "Draft a statement",
    html`<h1>Draft an official statement</h1>
<p>Labelled OFFICIAL CITY STATEMENT everywhere; another comms person approves it.</p>
${formErrors(errors)}
<form method="post" action="/console/statements" class="composer" data-csrf="${c.get("csrf")}" data-kind="statement">
${csrfField(c.get("csrf"))}
${composerFields({ alert: { kind: "statement", priority: "advisory", is_drill: false, verifiedSighting: false }, publicUrl: c.get("ctx").config.publicUrl, values, errors, smsOptional: true })}
${settingsFields(values, errors, { statement: true, channels })}
<div class="check"><input type="checkbox" id="f-drill" name="drill"> <label for="f-drill">Drill (reaches only the drill allowlist)</label></div>
<button type="submit">Save the draft</button>
</form>`,
    ["composer.js"],
  );
}

async function alertPage(c: ConsoleContext, errors: FieldErrors, typed?: Values, status: PageStatus = 200) {
  const no = denied(c, "alerts:read");
  if (no) return no;
  const ctx = c.get("ctx");
  const alert = await loadOr404(c);
  if (alert instanceof Response) return alert;
  const preview = await previewAlert({ ctx, input: { alertId: alert.id, actor: c.get("actor") } });
  const actor = c.get("actor");
  const tz = ctx.config.operators.timeZone;
  const csrf = c.get("csrf");
  const editable = ["draft", "approved"].includes(alert.status) && mayDraft(alert.family, actor.role);
  // Another organisation's alert is shown here only once published; it follows up its own.
  const ownAlert = alert.senderOrg === actor.organisationName;
  const values = typed ?? valuesOfAlert(alert, tz);
  const messageAlert = {
    kind: alert.kind,
    priority: alert.priority,
    is_drill: alert.drill,
    ...(alert.cancelReason ? { cancelReason: alert.cancelReason } : {}),
    verifiedSighting: alert.sightingId !== null,
  };
  const body = html`<h1>${preview.languages[0]?.label ?? ""}: ${alert.texts.en?.headline ?? ""}</h1>
${formErrors(errors)}
<dl class="facts">
<dt>Status</dt><dd><strong>${alert.status}</strong>${alert.drill ? " · DRILL" : ""}</dd>
<dt>Kind</dt><dd>${alert.kind} (${alert.family}) · priority ${alert.priority}</dd>
<dt>From</dt><dd>${alert.senderOrg}</dd>
<dt>Drafted by</dt><dd>${alert.authorId ?? "?"}${alert.editorIds.length > 0 ? ` · edited by ${alert.editorIds.join(", ")}` : ""}</dd>
${alert.approverId ? html`<dt>Approved by</dt><dd>${alert.approverId} at ${when(alert.approvedAt, tz)}</dd>` : ""}
${alert.publishedAt ? html`<dt>Published</dt><dd>${when(alert.publishedAt, tz)} · <a href="/alerts/${alert.id}">public page</a></dd>` : ""}
${alert.referencesAlertId ? html`<dt>Follows</dt><dd><a href="/console/alerts/${alert.referencesAlertId}">the original alert</a></dd>` : ""}
</dl>
${previewSection(preview, tz)}
${approvalSection(alert, preview, actor, csrf)}
${
  alert.status === "approved" && ["operator", "verifier", "comms"].includes(actor.role)
    ? html`<form method="post" action="/console/alerts/${alert.id}/publish">${csrfField(csrf)}<button type="submit">Publish now</button></form>`
    : ""
}
${alert.publishedAt ? progressSection(alert.id) : ""}
${
  editable
    ? html`<details${alert.authorId === actor.id || Object.keys(errors).length > 0 ? html` open` : ""}><summary><h2 class="inline-heading">Edit</h2></summary>
${alert.authorId !== actor.id ? html`<p class="notice">If you change this draft, someone else must approve it.</p>` : ""}
${alert.status === "approved" ? html`<p class="notice">Saving changes voids the approval: a second person must approve again.</p>` : ""}
<form method="post" action="/console/alerts/${alert.id}" class="composer" data-csrf="${csrf}" data-alert-id="${alert.id}" data-kind="${alert.kind}" data-priority="${alert.priority}" data-drill="${alert.drill ? "true" : "false"}" data-verified-sighting="${alert.sightingId ? "true" : "false"}"${alert.cancelReason ? html` data-cancel-reason="${alert.cancelReason}"` : ""}>
${csrfField(csrf)}
${composerFields({ alert: { ...messageAlert, id: alert.id }, publicUrl: ctx.config.publicUrl, values, errors, smsOptional: alert.family === "statement" })}
${settingsFields(values, errors, { statement: alert.family === "statement", channels: alert.channels })}
<button type="submit">Save changes</button>
</form></details>`
    : ""
}
${alert.status === "published" && ownAlert && mayDraft(alert.family, actor.role) && !["update", "cancel"].includes(alert.kind) ? followUpSection(alert, actor, csrf, typed ?? {}, errors, ctx.config.publicUrl) : ""}
<p><a href="/console/alerts">Back to alerts</a></p>`;
  return c.html(consolePage(view(c), "Alert", body, ["composer.js"]), status);
}

function previewSection(preview: AlertPreview, tz: string) {
  return html`<section aria-labelledby="what-is-sent">
<h2 id="what-is-sent">Exactly what will be sent</h2>
<p>To ${preview.audience === "target" ? html`subscribers of ${preview.targetZips && preview.targetZips.length > 12 ? `${preview.targetZips.length} ZIPs` : (preview.targetZips ?? []).join(", ")}` : preview.audience === "drill_allowlist" ? "the drill allowlist only" : "exactly the original alert's recipients"},
by ${preview.channels.join(", ")}; expires ${when(preview.expiresAt, tz)}.
${preview.link ? html`The alert page links to <a href="${preview.link}" rel="noopener noreferrer">${preview.link}</a>.` : "The alert page has no link of its own."}
Recipients now: ${preview.recipients.total} (SMS ${preview.recipients.byChannel.sms}, email ${preview.recipients.byChannel.email}, push ${preview.recipients.byChannel.push}).</p>
${preview.languages.map(
  (l) => html`<h3 lang="${l.language}">${LANGUAGE_NAMES[l.language]}</h3>
<p class="hint">SMS · ${describeCount(l.sms)}</p>
<p class="sms-preview" lang="${l.language}">${l.sms.text}</p>
<p>Email subject: <span lang="${l.language}">${l.emailSubject}</span><br>Push: <span lang="${l.language}">${l.pushTitle}</span></p>`,
)}
<p>Preview hash: <code class="hash">${preview.hash}</code></p>
</section>`;
}

function approvalSection(alert: AlertView, preview: AlertPreview, actor: Actor, csrf: string) {
  if (alert.status !== "draft") return "";
  const approver = alert.family === "statement" ? "comms" : "verifier";
  if (actor.role !== approver)
    return html`<p>Waiting for a ${approver} other than the author to approve it.</p>`;
  const mine = alert.authorId === actor.id || alert.editorIds.includes(actor.id);
  return html`<section aria-labelledby="approve"><h2 id="approve">Approve</h2>
${mine ? html`<p class="notice">You drafted or edited this, so someone else must approve it.</p>` : ""}
<form method="post" action="/console/alerts/${alert.id}/approve">
${csrfField(csrf)}
<input type="hidden" name="hash" value="${preview.hash}">
<p>You approve exactly the messages above (hash <code>${preview.hash.slice(0, 12)}…</code>). If anyone changes the draft in the meantime, the approval is refused.</p>
<div class="check"><input type="checkbox" id="f-publishNow" name="publishNow" checked> <label for="f-publishNow">Publish as soon as it is approved</label></div>
<button type="submit">Approve</button>
</form></section>`;
}

function progressSection(alertId: string) {
  return html`<section aria-labelledby="progress" class="progress" data-progress="/console/alerts/${alertId}/progress">
<h2 id="progress">Delivery</h2>
<table class="figures"><thead><tr><th scope="col">Channel</th><th scope="col">Queued</th><th scope="col">Sending</th><th scope="col">Sent</th><th scope="col">Delivered</th><th scope="col">Failed</th><th scope="col">Skipped</th></tr></thead>
<tbody>${CHANNELS.map(
    ([channel, name]) =>
      html`<tr data-channel="${channel}"><th scope="row">${name}</th>${["queued", "sending", "sent", "delivered", "failed", "skipped"].map((s) => html`<td data-status="${s}">–</td>`)}</tr>`,
  )}</tbody></table>
<p class="hint" role="status" data-progress-status>Live figures need JavaScript; <a href="/console/alerts/${alertId}">reload</a> to see them.</p>
</section>`;
}

function followUpSection(
  alert: AlertView,
  actor: Actor,
  csrf: string,
  values: Values,
  errors: FieldErrors,
  publicUrl: string,
) {
  return html`<section aria-labelledby="follow-up"><h2 id="follow-up">Follow up</h2>
<form method="post" action="/console/alerts/${alert.id}/cancel">
${csrfField(csrf)}
${select({
  name: "reason",
  label: "Withdraw this alert because",
  options: [
    ["all_clear", "The activity has ended (ALL CLEAR)"],
    ["false_alarm", "It was a false alarm (FALSE ALARM)"],
  ],
  value: "all_clear",
  errors,
})}
${actor.role === "verifier" ? html`<div class="check"><input type="checkbox" id="f-cancelNow" name="publishNow"> <label for="f-cancelNow">Publish the cancel now, without a second person (with its pre-written text only)</label></div>` : ""}
<button type="submit" class="danger">Draft the cancel</button>
</form>
<h3>Draft an update</h3>
<form method="post" action="/console/alerts/${alert.id}/updates" class="composer" data-csrf="${csrf}" data-kind="update" data-priority="${alert.priority}">
${csrfField(csrf)}
${composerFields({ alert: { kind: "update", priority: alert.priority, is_drill: alert.drill, verifiedSighting: alert.sightingId !== null }, publicUrl, values, errors })}
<button type="submit">Draft the update</button>
</form></section>`;
}
