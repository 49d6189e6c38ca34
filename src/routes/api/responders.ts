/** The responder roster (issue 16): volunteers texted to go and look at a sighting. */
import { route } from "../../http/api-route.ts";
import { IdParams, list } from "../../schemas/common.ts";
import { CreateResponderBody, Responder, UpdateResponderBody } from "../../schemas/responders.ts";
import {
  getResponder,
  inviteResponder,
  listResponders,
  removeResponder,
  updateResponder,
} from "../../services/responders/roster.ts";

export const responderRoutes = [
  route({
    method: "get",
    path: "/responders",
    tag: "Responders",
    summary: "The organisation's responder roster",
    permission: "responders:manage",
    responses: { 200: { description: "By name", schema: list(Responder) } },
    handler: async (c, { actor }) =>
      c.json({ items: await listResponders({ ctx: c.get("ctx"), input: { scope: actor } }) }),
  }),
  route({
    method: "post",
    path: "/responders",
    tag: "Responders",
    summary: "Invite a responder",
    description:
      "Texts them an invitation; they are on the roster (status active, dispatchable) only once they reply YES, which is recorded as their consent. The number is sealed and never shown again in full. At most RESPONDER_INVITATIONS_PER_HOUR invitations per organisation an hour (default 20): beyond it 429 `rate_limited` with `details.retryAfterSeconds`, and nothing is sent or saved.",
    permission: "responders:manage",
    body: CreateResponderBody,
    responses: { 201: { description: "Invited", schema: Responder } },
    handler: async (c, { body, actor }) =>
      c.json(await inviteResponder({ ctx: c.get("ctx"), input: { ...body, actor } }), 201),
  }),
  route({
    method: "get",
    path: "/responders/:id",
    tag: "Responders",
    summary: "One responder",
    permission: "responders:manage",
    params: IdParams,
    responses: { 200: { description: "The responder", schema: Responder } },
    handler: async (c, { params, actor }) =>
      c.json(await getResponder({ ctx: c.get("ctx"), input: { id: params.id, scope: actor } })),
  }),
  route({
    method: "patch",
    path: "/responders/:id",
    tag: "Responders",
    summary: "Change a responder's name, languages, coverage or duty",
    description: "Responders also go on and off duty themselves by texting ON and OFF (ACTIVO, INACTIVO).",
    permission: "responders:manage",
    params: IdParams,
    body: UpdateResponderBody,
    responses: { 200: { description: "The responder", schema: Responder } },
    handler: async (c, { params, body, actor }) =>
      c.json(await updateResponder({ ctx: c.get("ctx"), input: { id: params.id, changes: body, actor } })),
  }),
  route({
    method: "delete",
    path: "/responders/:id",
    tag: "Responders",
    summary: "Take a responder off the roster",
    description: "Deletes the entry and its number; the requests they were sent stay, unnamed.",
    permission: "responders:manage",
    params: IdParams,
    responses: { 200: { description: "The removed responder", schema: Responder } },
    handler: async (c, { params, actor }) =>
      c.json(await removeResponder({ ctx: c.get("ctx"), input: { id: params.id, actor } })),
  }),
];
