/**
 * Who did something, in words a person reads: the console shows "Dana Ruiz (verifier)" where the
 * records and the API keep "user:<id>". An actor is "user:<id>", "key:<id>", "system" or
 * "anonymous" (a sign-in to no known account); anything else is someone outside the staff, which
 * is never echoed, since it could be a resident's number.
 *
 * Names are looked up in the caller's organisation only (src/services/organisations/scope.ts): an
 * account or key of another organisation is "someone outside your organisation", never its name.
 * A disabled account or revoked key keeps its name; what it did is still theirs.
 */
import type { DbOrTx } from "../../db/transaction.ts";
import type { OrganisationScope } from "../organisations/scope.ts";

/** Turns an actor (or a bare user id, as alerts store their author) into words. */
export type NameOf = (actor: string | null | undefined) => string;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const OUTSIDE = "someone outside your organisation";

/** Names for these actors, each looked up once; `scope` bounds whose names may be shown. */
export async function actorNames(
  db: DbOrTx,
  actors: readonly (string | null | undefined)[],
  scope: Pick<OrganisationScope, "organisationId">,
): Promise<NameOf> {
  const userIds = new Set<string>();
  const keyIds = new Set<string>();
  for (const actor of actors) {
    const parsed = parseActor(actor);
    if (parsed?.kind === "user") userIds.add(parsed.id);
    if (parsed?.kind === "key") keyIds.add(parsed.id);
  }
  const users = new Map<string, string>();
  const keys = new Map<string, string>();
  if (userIds.size > 0) {
    const rows = await db
      .selectFrom("users")
      .select(["id", "name", "role", "disabled_at"])
      .where("id", "in", [...userIds])
      .where("organisation_id", "=", scope.organisationId)
      .execute();
    for (const row of rows)
      users.set(row.id, `${row.name} (${row.role}${row.disabled_at ? ", account disabled" : ""})`);
  }
  if (keyIds.size > 0) {
    const rows = await db
      .selectFrom("api_keys")
      .select(["id", "name", "revoked_at"])
      .where("id", "in", [...keyIds])
      .where("organisation_id", "=", scope.organisationId)
      .execute();
    for (const row of rows) keys.set(row.id, `API key “${row.name}”${row.revoked_at ? " (revoked)" : ""}`);
  }
  return (actor) => {
    if (actor === "system") return "the system";
    if (actor === "anonymous") return "someone not signed in";
    const parsed = parseActor(actor);
    if (!parsed) return actor ? "a resident" : "nobody recorded";
    return (parsed.kind === "user" ? users : keys).get(parsed.id) ?? OUTSIDE;
  };
}

/** "user:<id>" and "key:<id>"; a bare UUID is a user id (an alert's author, editors, approver). */
function parseActor(actor: string | null | undefined): { kind: "user" | "key"; id: string } | null {
  if (!actor) return null;
  if (UUID.test(actor)) return { kind: "user", id: actor.toLowerCase() };
  const [kind, id] = actor.split(":", 2);
  if ((kind === "user" || kind === "key") && id && UUID.test(id)) return { kind, id: id.toLowerCase() };
  return null;
}
