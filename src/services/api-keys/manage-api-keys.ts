/**
 * API keys for integrations (a hotline's call system logging sightings, a city site reading
 * alerts): created by an admin, scoped to one role (never admin) and the admin's own organisation,
 * shown once, stored as a SHA-256 hash, revocable. Keys cannot approve or publish: those need a
 * person. An admin sees and revokes their organisation's keys only.
 */
import type { AppContext } from "../../context.ts";
import type { Role } from "../../db/database.ts";
import { type DbOrTx, withTransaction } from "../../db/transaction.ts";
import { ApiError } from "../../errors.ts";
import { newApiKey, tokenHash } from "../../security/tokens.ts";
import { recordAudit } from "../audit/record-audit.ts";
import { type OrganisationScope, ownOrganisation } from "../organisations/scope.ts";
import { ensureOrganisation } from "../users/shape.ts";

export type ApiKeyView = {
  id: string;
  name: string;
  prefix: string;
  role: Exclude<Role, "admin">;
  organisation: { id: string; name: string };
  createdAt: string;
  lastUsedAt: string | null;
  revoked: boolean;
};

type Ctx = Pick<AppContext, "db" | "clock">;

export async function createApiKey({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: {
    name: string;
    role: Exclude<Role, "admin">;
    /** The admin's own organisation (the default); the CLI and tests may name any. */
    organisation?: string;
    createdBy: string;
    actor: string;
    /** The admin's organisation; without one (the CLI), `organisation` is required. */
    scope?: OrganisationScope;
  };
}): Promise<{ key: string; apiKey: ApiKeyView }> {
  const organisation = ownOrganisation(input.scope, input.organisation);
  const { key, prefix } = newApiKey();
  return withTransaction(ctx.db, async (tx) => {
    const organisationId = await ensureOrganisation(tx, organisation);
    const now = ctx.clock.now();
    const { id } = await tx
      .insertInto("api_keys")
      .values({
        name: input.name.trim(),
        prefix,
        key_hash: tokenHash(key),
        role: input.role,
        organisation_id: organisationId,
        created_by: input.createdBy,
        created_at: now,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    await recordAudit(tx, {
      actor: input.actor,
      action: "api_key.created",
      target: { type: "api_key", id },
      details: { role: input.role, prefix, organisationId },
      at: now,
    });
    const [view] = await keyViews(tx, { organisationId }, id);
    return { key, apiKey: view! };
  });
}

export async function revokeApiKey({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { keyId: string; actor: string; scope: OrganisationScope };
}): Promise<ApiKeyView> {
  return withTransaction(ctx.db, async (tx) => {
    const now = ctx.clock.now();
    const result = await tx
      .updateTable("api_keys")
      .set({ revoked_at: now })
      .where("id", "=", input.keyId)
      .where("organisation_id", "=", input.scope.organisationId)
      .where("revoked_at", "is", null)
      .executeTakeFirst();
    const [view] = await keyViews(tx, input.scope, input.keyId);
    if (!view) throw new ApiError("not_found", "No such API key");
    if (Number(result.numUpdatedRows) > 0) {
      await recordAudit(tx, {
        actor: input.actor,
        action: "api_key.revoked",
        target: { type: "api_key", id: input.keyId },
        at: now,
      });
    }
    return view;
  });
}

export async function listApiKeys({
  ctx,
  input,
}: {
  ctx: Pick<AppContext, "db">;
  input: { scope: OrganisationScope };
}): Promise<ApiKeyView[]> {
  return keyViews(ctx.db, input.scope);
}

async function keyViews(db: DbOrTx, scope: Pick<OrganisationScope, "organisationId">, id?: string) {
  let query = db
    .selectFrom("api_keys")
    .innerJoin("organisations", "organisations.id", "api_keys.organisation_id")
    .select([
      "api_keys.id",
      "api_keys.name",
      "api_keys.prefix",
      "api_keys.role",
      "api_keys.created_at",
      "api_keys.last_used_at",
      "api_keys.revoked_at",
      "organisations.id as organisation_id",
      "organisations.name as organisation_name",
    ])
    .where("api_keys.organisation_id", "=", scope.organisationId)
    .orderBy("api_keys.created_at");
  if (id) query = query.where("api_keys.id", "=", id);
  const rows = await query.execute();
  return rows.map(
    (row): ApiKeyView => ({
      id: row.id,
      name: row.name,
      prefix: row.prefix,
      role: row.role,
      organisation: { id: row.organisation_id, name: row.organisation_name },
      createdAt: row.created_at.toISOString(),
      lastUsedAt: row.last_used_at?.toISOString() ?? null,
      revoked: row.revoked_at !== null,
    }),
  );
}
