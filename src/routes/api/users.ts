/** Accounts and API keys: admins only, each of their own organisation. */
import { route } from "../../http/api-route.ts";
import {
  ApiKey,
  CreatedKey,
  CreateKeyBody,
  CreateUserBody,
  UpdateUserBody,
  User,
} from "../../schemas/accounts.ts";
import { IdParams, list } from "../../schemas/common.ts";
import { createApiKey, listApiKeys, revokeApiKey } from "../../services/api-keys/manage-api-keys.ts";
import { resetSecondFactor } from "../../services/second-factor/manage-second-factor.ts";
import { createUser } from "../../services/users/create-user.ts";
import { getUser, listUsers } from "../../services/users/list-users.ts";
import { updateUser } from "../../services/users/update-user.ts";

export const userRoutes = [
  route({
    method: "get",
    path: "/users",
    tag: "Accounts",
    summary: "List accounts",
    permission: "users:manage",
    responses: { 200: { description: "Every account of the admin's organisation", schema: list(User) } },
    handler: async (c, { actor }) =>
      c.json({ items: await listUsers({ ctx: c.get("ctx"), input: { scope: actor } }) }),
  }),
  route({
    method: "post",
    path: "/users",
    tag: "Accounts",
    summary: "Create an account",
    description:
      "In the admin's own organisation (`organisation` may name it, or be left out), with one role. Another organisation's first admin is created with `aviso user create`.",
    permission: "users:manage",
    body: CreateUserBody,
    responses: { 201: { description: "Created", schema: User } },
    handler: async (c, { body, actor }) =>
      c.json(await createUser({ ctx: c.get("ctx"), input: { ...body, actor: actor.id, scope: actor } }), 201),
  }),
  route({
    method: "get",
    path: "/users/:id",
    tag: "Accounts",
    summary: "One account",
    permission: "users:manage",
    params: IdParams,
    responses: { 200: { description: "The account", schema: User } },
    handler: async (c, { params, actor }) =>
      c.json(await getUser({ ctx: c.get("ctx"), input: { userId: params.id, scope: actor } })),
  }),
  route({
    method: "patch",
    path: "/users/:id",
    tag: "Accounts",
    summary: "Change or disable an account",
    description:
      "Disabling, a new role or a new password ends the account's sessions. Accounts stay in their organisation.",
    permission: "users:manage",
    params: IdParams,
    body: UpdateUserBody,
    responses: { 200: { description: "The account", schema: User } },
    handler: async (c, { params, body, actor }) =>
      c.json(
        await updateUser({
          ctx: c.get("ctx"),
          input: { ...body, userId: params.id, actor: actor.id, scope: actor },
        }),
      ),
  }),
  route({
    method: "delete",
    path: "/users/:id/second-factor",
    tag: "Accounts",
    summary: "Reset an account's second factor",
    description:
      "For someone who lost both their authenticator and their recovery codes: removes both and ends their sessions; they set up a new one at their next sign-in. Audited; another admin must do it for one's own account.",
    permission: "users:manage",
    params: IdParams,
    responses: { 204: { description: "Reset" } },
    handler: async (c, { params, actor }) => {
      await resetSecondFactor({
        ctx: c.get("ctx"),
        input: { userId: params.id, actor: actor.id, scope: actor },
      });
      return c.body(null, 204);
    },
  }),
  route({
    method: "get",
    path: "/keys",
    tag: "Accounts",
    summary: "List API keys",
    permission: "users:manage",
    responses: {
      200: { description: "The admin's organisation's keys (never the secret)", schema: list(ApiKey) },
    },
    handler: async (c, { actor }) =>
      c.json({ items: await listApiKeys({ ctx: c.get("ctx"), input: { scope: actor } }) }),
  }),
  route({
    method: "post",
    path: "/keys",
    tag: "Accounts",
    summary: "Issue an API key",
    description:
      "For an integration, scoped to one role (operator, verifier or comms) and the admin's own organisation (`organisation` may name it, or be left out): the key sees and does only that organisation's work. Send it as `Authorization: Bearer <key>`. Keys cannot approve or publish.",
    permission: "users:manage",
    body: CreateKeyBody,
    responses: { 201: { description: "The key, shown once", schema: CreatedKey } },
    handler: async (c, { body, actor }) =>
      c.json(
        await createApiKey({
          ctx: c.get("ctx"),
          input: { ...body, createdBy: actor.subjectId, actor: actor.id, scope: actor },
        }),
        201,
      ),
  }),
  route({
    method: "delete",
    path: "/keys/:id",
    tag: "Accounts",
    summary: "Revoke an API key",
    permission: "users:manage",
    params: IdParams,
    responses: { 200: { description: "The revoked key", schema: ApiKey } },
    handler: async (c, { params, actor }) =>
      c.json(
        await revokeApiKey({ ctx: c.get("ctx"), input: { keyId: params.id, actor: actor.id, scope: actor } }),
      ),
  }),
];
