/**
 * Who may do what, in one place. Each API route names one permission; this table says which
 * roles hold it and whether it needs a person (a signed-in user) rather than an integration's API
 * key. The role-matrix test walks every route against every role using this table.
 *
 * Finer rules that depend on the object (a statement is drafted and approved by comms, an alert by
 * operators and verifiers; nobody approves what they drafted) live in
 * src/services/alerts/approval-rules.ts.
 */
import type { Role } from "../db/database.ts";

export const ROLES = ["operator", "verifier", "comms", "admin"] as const satisfies readonly Role[];

type Rule = { roles: readonly Role[]; personOnly?: boolean; summary: string };

export const PERMISSIONS = {
  "account:self": {
    roles: ROLES,
    personOnly: true,
    summary: "see one's own account, change one's password",
  },
  "users:manage": {
    roles: ["admin"],
    personOnly: true,
    summary: "create, change and disable accounts; issue and revoke API keys",
  },
  "audit:read": { roles: ["admin"], personOnly: true, summary: "read the audit log" },
  "sightings:read": { roles: ["operator", "verifier"], summary: "read sightings" },
  "sightings:write": {
    roles: ["operator", "verifier"],
    summary: "log, edit, dispatch, add verification records to and merge sightings",
  },
  "sightings:callback": {
    roles: ["operator", "verifier"],
    personOnly: true,
    summary: "read a reporter's callback number (audited)",
  },
  "sightings:resolve": {
    roles: ["verifier"],
    summary: "mark a sighting verified, unconfirmed or false alarm",
  },
  "responders:manage": {
    roles: ["operator", "admin"],
    summary: "see and change the organisation's responder roster",
  },
  "alerts:read": { roles: ROLES, summary: "read alerts, statements and their previews" },
  "alerts:draft": { roles: ["operator", "verifier"], summary: "draft alerts about sightings" },
  "statements:draft": { roles: ["comms"], summary: "draft official statements" },
  "drafts:edit": {
    roles: ["operator", "verifier", "comms"],
    summary: "edit drafts, draft updates and cancels (alerts: operator, verifier; statements: comms)",
  },
  "drafts:approve": {
    roles: ["verifier", "comms"],
    personOnly: true,
    summary: "approve someone else's draft (alerts: verifier; statements: comms)",
  },
  "drafts:publish": {
    roles: ["operator", "verifier", "comms"],
    personOnly: true,
    summary: "publish an approved draft",
  },
} as const satisfies Record<string, Rule>;

export type Permission = keyof typeof PERMISSIONS;

export type Actor = {
  /** "user:<id>" or "key:<id>", as the audit log names them. */
  id: string;
  kind: "user" | "key";
  /** The user's or the key's own id. */
  subjectId: string;
  role: Role;
  name: string;
  organisationId: string;
  organisationName: string;
  /** The session a user came with (so logout can end it). */
  sessionId?: string;
};

export type Denial = { ok: false; reason: string };

export function authorize(actor: Actor, permission: Permission): { ok: true } | Denial {
  const rule: Rule = PERMISSIONS[permission];
  if (!rule.roles.includes(actor.role)) {
    return { ok: false, reason: `Your role (${actor.role}) may not ${rule.summary}` };
  }
  if (rule.personOnly && actor.kind !== "user") {
    return { ok: false, reason: `Only a signed-in person may ${rule.summary}, not an API key` };
  }
  return { ok: true };
}
