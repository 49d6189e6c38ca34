/** Sightings: logged by operators, dispatched, verified by verifiers, clustered into incidents. */
import { z } from "zod";
import { route } from "../../http/api-route.ts";
import { IdParams, list } from "../../schemas/common.ts";
import { Dispatch, DispatchBody, DispatchedSighting, SightingEvent } from "../../schemas/responders.ts";
import {
  CreatedSighting,
  CreateSightingBody,
  DecidedSighting,
  MergeBody,
  ResolveBody,
  Sighting,
  SightingQuery,
  UpdateSightingBody,
  VerificationBody,
} from "../../schemas/sightings.ts";
import { dispatchResponders } from "../../services/responders/dispatch-responders.ts";
import { dispatchView } from "../../services/responders/dispatch-view.ts";
import { addVerification, changeSightingStatus } from "../../services/sightings/change-sighting-status.ts";
import { createSighting } from "../../services/sightings/create-sighting.ts";
import { findDuplicateSightings } from "../../services/sightings/find-duplicates.ts";
import { listSightings } from "../../services/sightings/list-sightings.ts";
import { mergeSightings } from "../../services/sightings/merge-sightings.ts";
import { revealReporterCallback } from "../../services/sightings/reporter-callback.ts";
import { sightingView } from "../../services/sightings/shape.ts";
import { updateSighting } from "../../services/sightings/update-sighting.ts";
import { sightingEventStream } from "../sighting-events.ts";

export const sightingRoutes = [
  route({
    method: "get",
    path: "/sightings",
    tag: "Sightings",
    summary: "List sightings",
    permission: "sightings:read",
    query: SightingQuery,
    responses: { 200: { description: "Newest observed first", schema: list(Sighting) } },
    handler: async (c, { query, actor }) =>
      c.json({ items: await listSightings({ ctx: c.get("ctx"), input: { ...query, scope: actor } }) }),
  }),
  route({
    method: "post",
    path: "/sightings",
    tag: "Sightings",
    summary: "Log a sighting",
    description:
      "What a caller reported. Answers with likely duplicates: sightings in the same ZIP within SIGHTING_DUPLICATE_WINDOW_MINUTES.",
    permission: "sightings:write",
    body: CreateSightingBody,
    responses: { 201: { description: "Logged", schema: CreatedSighting } },
    handler: async (c, { body, actor }) =>
      c.json(await createSighting({ ctx: c.get("ctx"), input: { ...body, actor } }), 201),
  }),
  route({
    method: "get",
    path: "/sightings/:id",
    tag: "Sightings",
    summary: "One sighting",
    permission: "sightings:read",
    params: IdParams,
    responses: { 200: { description: "The sighting", schema: Sighting } },
    handler: async (c, { params, actor }) => c.json(await sightingView(c.get("ctx").db, params.id, actor)),
  }),
  route({
    method: "patch",
    path: "/sightings/:id",
    tag: "Sightings",
    summary: "Correct a sighting",
    permission: "sightings:write",
    params: IdParams,
    body: UpdateSightingBody,
    responses: { 200: { description: "The sighting", schema: Sighting } },
    handler: async (c, { params, body, actor }) =>
      c.json(
        await updateSighting({ ctx: c.get("ctx"), input: { sightingId: params.id, changes: body, actor } }),
      ),
  }),
  route({
    method: "post",
    path: "/sightings/:id/dispatch",
    tag: "Sightings",
    summary: "Dispatch responders",
    description:
      "Texts the nearest on-duty responders of the roster who cover the sighting's ZIP (count, default 3; nearest by distance between ZIP centres) under one short case code, and marks the sighting dispatched. The text says the place, cross streets, activity, ZIP and time, never who called. Again on a dispatched sighting: the next responders, not asked yet. Texts go to responders only, never residents.",
    permission: "sightings:write",
    params: IdParams,
    body: DispatchBody,
    responses: {
      200: {
        description: "The sighting, with who was asked and how their texts went (`dispatch`)",
        schema: DispatchedSighting,
      },
    },
    handler: async (c, { params, body, actor }) => {
      const ctx = c.get("ctx");
      const dispatch = await dispatchResponders({
        ctx,
        input: { sightingId: params.id, count: body.count, actor },
      });
      return c.json({ ...(await sightingView(ctx.db, params.id, actor)), dispatch });
    },
  }),
  route({
    method: "get",
    path: "/sightings/:id/responders",
    tag: "Sightings",
    summary: "Responders asked and their answers",
    description:
      "Each request: the responder, the case code, whether the text went, and their answers by text (yes, no, confirm with what they see, nothing, gone). A CONFIRM is also a verification record, method responder_on_scene.",
    permission: "sightings:read",
    params: IdParams,
    responses: { 200: { description: "The dispatch", schema: Dispatch } },
    handler: async (c, { params, actor }) =>
      c.json(await dispatchView(c.get("ctx").db, params.id, actor, c.get("ctx").config.operators.timeZone)),
  }),
  route({
    method: "get",
    path: "/sightings/:id/events",
    tag: "Sightings",
    summary: "Follow a sighting live (server-sent events)",
    description:
      "A text/event-stream: a `sighting` event on connect and whenever the sighting's status or dispatch changes (a request texted or failed, a responder's answer, a verification, the decision), its data as in the schema; a `gone` event if the sighting is merged away; comment lines as heartbeats. Responders by name only, never a number, and nothing of the reporter. Each stream ends after LIVE_STREAM_SECONDS (an EventSource reconnects by itself, after the `retry` the first event sets); at most LIVE_STREAMS_PER_USER open at once per person or key (429 beyond).",
    permission: "sightings:read",
    params: IdParams,
    responses: {
      200: {
        description: "The stream; each `sighting` event's data",
        schema: SightingEvent,
        contentType: "text/event-stream",
      },
    },
    handler: (c, { params, actor }) =>
      sightingEventStream(c, { ctx: c.get("ctx"), actor, sightingId: params.id }),
  }),
  route({
    method: "post",
    path: "/sightings/:id/verifications",
    tag: "Sightings",
    summary: "Record a verification",
    description: "Who confirmed what, and how: a responder on scene, a photo, several independent reports.",
    permission: "sightings:write",
    params: IdParams,
    body: VerificationBody,
    responses: { 201: { description: "The sighting", schema: Sighting } },
    handler: async (c, { params, body, actor }) =>
      c.json(
        await addVerification({
          ctx: c.get("ctx"),
          input: { sightingId: params.id, verification: body, actor },
        }),
        201,
      ),
  }),
  route({
    method: "post",
    path: "/sightings/:id/resolve",
    tag: "Sightings",
    summary: "Decide: verified, unconfirmed or false alarm",
    description:
      'Verified needs a verification record (recorded before, or given here). The decision drafts what follows (`drafts`): verified → the alert from the templates, or a VERIFIED update of a published UNCONFIRMED alert to exactly its recipients; false alarm → a FALSE ALARM cancel of each published alert about it, or, when none went out, the "nothing found" note (`nothingFound`). The decider wrote the drafts, so another verifier approves them. Deciding again, or two at once, is refused (409) and drafts nothing more.',
    permission: "sightings:resolve",
    params: IdParams,
    body: ResolveBody,
    responses: {
      200: { description: "The sighting, with what the decision drafted", schema: DecidedSighting },
    },
    handler: async (c, { params, body, actor }) =>
      c.json(
        await changeSightingStatus({
          ctx: c.get("ctx"),
          input: { sightingId: params.id, status: body.status, verification: body.verification, actor },
        }),
      ),
  }),
  route({
    method: "get",
    path: "/sightings/:id/duplicates",
    tag: "Sightings",
    summary: "Likely duplicates",
    permission: "sightings:read",
    params: IdParams,
    responses: { 200: { description: "Same ZIP, close in time, another incident", schema: list(Sighting) } },
    handler: async (c, { params, actor }) =>
      c.json({
        items: await findDuplicateSightings({
          ctx: c.get("ctx"),
          input: { sightingId: params.id, scope: actor },
        }),
      }),
  }),
  route({
    method: "post",
    path: "/sightings/:id/merge",
    tag: "Sightings",
    summary: "Merge duplicates into this sighting's incident",
    permission: "sightings:write",
    params: IdParams,
    body: MergeBody,
    responses: { 200: { description: "The incident's sightings", schema: list(Sighting) } },
    handler: async (c, { params, body, actor }) =>
      c.json({
        items: await mergeSightings({
          ctx: c.get("ctx"),
          input: { sightingId: params.id, duplicateIds: body.duplicateIds, actor },
        }),
      }),
  }),
  route({
    method: "get",
    path: "/sightings/:id/callback",
    tag: "Sightings",
    summary: "The reporter's callback number",
    description: "Audited. Gone once REPORTER_CALLBACK_RETENTION_HOURS have passed.",
    permission: "sightings:callback",
    params: IdParams,
    responses: {
      200: { description: "The number", schema: z.object({ phone: z.string(), purgeAfter: z.string() }) },
    },
    handler: async (c, { params, actor }) => {
      c.header("Cache-Control", "no-store");
      return c.json(
        await revealReporterCallback({ ctx: c.get("ctx"), input: { sightingId: params.id, actor } }),
      );
    },
  }),
];
