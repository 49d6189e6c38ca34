/**
 * Organisations see their own work. Sightings (their callback numbers, verifications, duplicates
 * and merges), unpublished alerts and statements, audit entries, accounts and API keys belong to
 * the organisation that made them; its staff alone see or change them. Another organisation's
 * staff are answered exactly as for an id that names nothing (404, the same message), so an answer
 * never confirms that something exists. A published alert is public: anyone signed in reads it,
 * but only the organisation that published it edits or follows it up (403, naming it).
 *
 * Loaders take the caller's scope and filter by it in the query itself; this file holds what the
 * accounts and keys services share.
 */
import type { Actor } from "../../auth/permissions.ts";
import { ApiError, invalid } from "../../errors.ts";

/** Whose work a caller may see: their organisation. An actor is one. */
export type OrganisationScope = Pick<Actor, "organisationId" | "organisationName">;

/**
 * The organisation a new account or key goes to. An admin (`scope`) names their own, or none for
 * the same; another organisation's first admin is made by whoever runs the installation
 * (`aviso user create`, no scope), who must name it.
 */
export function ownOrganisation(scope: OrganisationScope | undefined, named: string | undefined): string {
  const name = named?.trim() || scope?.organisationName;
  if (!name) throw invalid("organisation", "name the organisation");
  if (scope && name !== scope.organisationName) {
    throw new ApiError(
      "forbidden",
      `An admin manages their own organisation (${scope.organisationName}), not ${name}; the first admin of another organisation is created with \`aviso user create\``,
    );
  }
  return name;
}
