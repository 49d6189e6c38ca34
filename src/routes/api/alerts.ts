/**
 * Alerts and statements: draft, preview, approve (the second person), publish, follow up.
 */
import { route } from "../../http/api-route.ts";
import {
  Alert,
  AlertQuery,
  ApprovalAnswer,
  ApproveBody,
  CancelBody,
  DraftAlertBody,
  DraftStatementBody,
  EditAlertBody,
  Preview,
  PreviewQuery,
  Published,
  UpdateBody,
} from "../../schemas/alerts.ts";
import { IdParams, list } from "../../schemas/common.ts";
import { AlertTimeline } from "../../schemas/timeline.ts";
import { alertViewForActor } from "../../services/alerts/alert-access.ts";
import { approveAlert } from "../../services/alerts/approve-alert.ts";
import { draftAlert } from "../../services/alerts/draft-alert.ts";
import { cancelAlert, draftUpdate } from "../../services/alerts/draft-follow-up.ts";
import { editAlert } from "../../services/alerts/edit-alert.ts";
import { listAlerts } from "../../services/alerts/list-alerts.ts";
import { previewAlert } from "../../services/alerts/preview-alert.ts";
import { publishApproved } from "../../services/alerts/publish-approved.ts";
import { draftStatement } from "../../services/statements/draft-statement.ts";
import { alertTimeline } from "../../services/timeline/alert-timeline.ts";

export const alertRoutes = [
  route({
    method: "get",
    path: "/alerts",
    tag: "Alerts",
    summary: "List alerts and statements",
    permission: "alerts:read",
    query: AlertQuery,
    responses: { 200: { description: "Newest first", schema: list(Alert) } },
    handler: async (c, { query, actor }) =>
      c.json({ items: await listAlerts({ ctx: c.get("ctx"), input: { ...query, scope: actor } }) }),
  }),
  route({
    method: "post",
    path: "/alerts",
    tag: "Alerts",
    summary: "Draft an alert",
    description:
      "From a verified sighting (texts from the template for its activity, in every language unless `templateLanguages` says otherwise; `texts` replace the template's), labelled VERIFIED; or from scratch with `texts` and `target`, labelled ADVISORY (AVISO, 提示, KHUYẾN CÁO); or, with `unconfirmed: true` and UNCONFIRMED_ALERTS on, from a sighting responders were dispatched to but nobody verified yet, labelled UNCONFIRMED (SIN CONFIRMAR, 未证实, CHƯA XÁC NHẬN) with the unconfirmed template (reported, responders on the way, avoid the area); off, that is refused (403) and nothing is written. An alert about a sighting is approved and published only while the sighting is still verified (409 otherwise). Target: ZIPs, or a radius in miles around the sighting's ZIP or `aroundZip`. Expiry defaults to 4 hours.",
    permission: "alerts:draft",
    body: DraftAlertBody,
    responses: { 201: { description: "The draft", schema: Alert } },
    handler: async (c, { body, actor }) =>
      c.json(await draftAlert({ ctx: c.get("ctx"), input: { ...body, actor } }), 201),
  }),
  route({
    method: "post",
    path: "/statements",
    tag: "Alerts",
    summary: "Draft an official statement",
    description:
      "Comms only. City-wide (`target: {cityWide: true}`, the whole SERVICE_AREA) or by ZIP. Labelled OFFICIAL CITY STATEMENT everywhere; another comms user approves it. Expiry defaults to 24 hours.",
    permission: "statements:draft",
    body: DraftStatementBody,
    responses: { 201: { description: "The draft", schema: Alert } },
    handler: async (c, { body, actor }) =>
      c.json(await draftStatement({ ctx: c.get("ctx"), input: { ...body, actor } }), 201),
  }),
  route({
    method: "get",
    path: "/alerts/:id",
    tag: "Alerts",
    summary: "One alert or statement",
    permission: "alerts:read",
    params: IdParams,
    responses: { 200: { description: "The alert", schema: Alert } },
    handler: async (c, { params, actor }) =>
      c.json(await alertViewForActor(c.get("ctx").db, params.id, actor)),
  }),
  route({
    method: "get",
    path: "/alerts/:id/timeline",
    tag: "Alerts",
    summary: "The alert's timeline: when each step happened and the wait between them",
    description:
      "Steps in order: `reported` (the sighting logged), `dispatched` (first responder asked), `first_yes`, `first_confirm` (from the scene), `decided` (the verifier's latest decision), `drafted`, `approved`, `published`, `first_handoff` and `last_handoff` (first and last message handed to a provider). A step that did not happen has `at: null` (an alert drafted from scratch has no sighting steps; another organisation's published alert shows none either); each step that happened gives the milliseconds since the step before it that happened (`after`).",
    permission: "alerts:read",
    params: IdParams,
    responses: { 200: { description: "The timeline", schema: AlertTimeline } },
    handler: async (c, { params, actor }) => {
      const timeline = await alertTimeline(c.get("ctx").db, params.id, actor);
      return c.json({
        ...timeline,
        steps: timeline.steps.map((s) => ({ ...s, at: s.at?.toISOString() ?? null })),
      });
    },
  }),
  route({
    method: "patch",
    path: "/alerts/:id",
    tag: "Alerts",
    summary: "Edit a draft",
    description:
      "Editing an approved alert voids the approval. A whole text adds a language; a partial one edits an existing language; null removes one. Whoever edits someone else's draft may not approve it.",
    permission: "drafts:edit",
    params: IdParams,
    body: EditAlertBody,
    responses: { 200: { description: "The draft", schema: Alert } },
    handler: async (c, { params, body, actor }) =>
      c.json(await editAlert({ ctx: c.get("ctx"), input: { alertId: params.id, changes: body, actor } })),
  }),
  route({
    method: "get",
    path: "/alerts/:id/preview",
    tag: "Alerts",
    summary: "Preview: exactly what would be sent, to whom, and the approval hash",
    permission: "alerts:read",
    params: IdParams,
    query: PreviewQuery,
    responses: { 200: { description: "The preview", schema: Preview } },
    handler: async (c, { params, query, actor }) =>
      c.json(
        await previewAlert({
          ctx: c.get("ctx"),
          input: { alertId: params.id, language: query.language, actor },
        }),
      ),
  }),
  route({
    method: "post",
    path: "/alerts/:id/approve",
    tag: "Alerts",
    summary: "Approve (and publish)",
    description:
      "By someone who neither wrote nor edited the draft: a verifier for alerts, comms for statements; a person, not an API key (the one exception: a verifier's own cancel that is exactly the pre-written one, when VERIFIER_MAY_CANCEL_ALONE is on). Quote the preview's hash, which covers everything residents can see or follow, the link included. Publishes at once unless `publishNow` is false.",
    permission: "drafts:approve",
    params: IdParams,
    body: ApproveBody,
    responses: { 200: { description: "Approved (and published)", schema: ApprovalAnswer } },
    handler: async (c, { params, body, actor }) =>
      c.json(
        await approveAlert({
          ctx: c.get("ctx"),
          input: { alertId: params.id, hash: body.hash, publishNow: body.publishNow, actor },
        }),
      ),
  }),
  route({
    method: "post",
    path: "/alerts/:id/publish",
    tag: "Alerts",
    summary: "Publish an approved alert",
    description:
      "Refused when the alert was edited after approval (it is a draft again), when what would be sent no longer matches the approved hash, or when the sighting an alert is about is no longer verified.",
    permission: "drafts:publish",
    params: IdParams,
    responses: { 200: { description: "Published", schema: Published } },
    handler: async (c, { params, actor }) =>
      c.json(await publishApproved({ ctx: c.get("ctx"), input: { alertId: params.id, actor } })),
  }),
  route({
    method: "post",
    path: "/alerts/:id/updates",
    tag: "Alerts",
    summary: "Draft an update",
    description: "Reaches exactly the original's recipients on the same channels. Needs approval.",
    permission: "drafts:edit",
    params: IdParams,
    body: UpdateBody,
    responses: { 201: { description: "The update draft", schema: Alert } },
    handler: async (c, { params, body, actor }) =>
      c.json(await draftUpdate({ ctx: c.get("ctx"), input: { alertId: params.id, ...body, actor } }), 201),
  }),
  route({
    method: "post",
    path: "/alerts/:id/cancel",
    tag: "Alerts",
    summary: "Cancel: false alarm or all clear",
    description:
      "Drafts a cancel from the template in the original's languages, built from the original's own facts (when it was sent; the place, if the original named it); it reaches exactly the original's recipients on the same channels. With `publishNow`, a verifier approves and publishes it alone (when VERIFIER_MAY_CANCEL_ALONE is on), and then it carries only that pre-written text: `texts` or `expiresAt` with `publishNow` are refused (400). Otherwise it is a draft that needs approval like any other; its own drafter may approve it alone only while it is still exactly the pre-written cancel (no edited text, link, priority or expiry).",
    permission: "drafts:edit",
    params: IdParams,
    body: CancelBody,
    responses: { 201: { description: "The cancel (and its publication)", schema: ApprovalAnswer } },
    handler: async (c, { params, body, actor }) =>
      c.json(await cancelAlert({ ctx: c.get("ctx"), input: { alertId: params.id, ...body, actor } }), 201),
  }),
];
