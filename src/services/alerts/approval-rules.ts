/**
 * The two-person rule, as pure functions the services call and a table test checks.
 *
 * - Alerts about sightings (and their updates and cancels) are drafted by operators or verifiers
 *   and approved by a verifier; statements (and theirs) are drafted and approved by comms.
 * - Nobody approves a draft they wrote or edited, and an API key approves nothing: approval is a
 *   person's act.
 * - The approver quotes the preview hash: what they saw is what is approved. A draft that changed
 *   since (or an approval that an edit voided) must be previewed again.
 * - One exception, so a false alarm can be withdrawn in seconds: a verifier may approve their own
 *   cancel of an alert, when VERIFIER_MAY_CANCEL_ALONE is on (the default).
 */
import type { AlertKind, AlertStatus, Role } from "../../db/database.ts";
import type { Family } from "./alert-record.ts";

export const DRAFTERS: Record<Family, readonly Role[]> = {
  alert: ["operator", "verifier"],
  statement: ["comms"],
};

export const APPROVERS: Record<Family, Role> = { alert: "verifier", statement: "comms" };

export type ApprovalCase = {
  family: Family;
  kind: AlertKind;
  status: AlertStatus;
  authorId: string | null;
  editorIds: readonly string[];
  actor: { id: string; kind: "user" | "key"; role: Role };
  quotedHash: string;
  currentHash: string;
  verifierMayCancelAlone: boolean;
};

export type ApprovalDecision =
  | { ok: true; alone: boolean }
  | { ok: false; code: "forbidden" | "conflict"; reason: string };

export function decideApproval(c: ApprovalCase): ApprovalDecision {
  if (c.actor.kind !== "user") return { ok: false, code: "forbidden", reason: "Only a person can approve" };
  const approver = APPROVERS[c.family];
  if (c.actor.role !== approver) {
    return {
      ok: false,
      code: "forbidden",
      reason: `${c.family === "statement" ? "Statements" : "Alerts"} are approved by a ${approver}`,
    };
  }
  if (c.status !== "draft") {
    return { ok: false, code: "conflict", reason: `Only a draft can be approved (this one is ${c.status})` };
  }
  const own = c.authorId === c.actor.id || c.editorIds.includes(c.actor.id);
  const alone = own && c.kind === "cancel" && c.family === "alert" && c.verifierMayCancelAlone;
  if (own && !alone) {
    return {
      ok: false,
      code: "forbidden",
      reason: "You wrote or edited this draft: someone else must approve it",
    };
  }
  if (c.quotedHash !== c.currentHash) {
    return {
      ok: false,
      code: "conflict",
      reason: "The draft is not what you previewed (it changed since): preview it again",
    };
  }
  return { ok: true, alone };
}

export function mayDraft(family: Family, role: Role): boolean {
  return DRAFTERS[family].includes(role);
}

/** Who may publish an approved draft: its family's drafters and approver. */
export function mayPublish(family: Family, role: Role): boolean {
  return mayDraft(family, role) || APPROVERS[family] === role;
}
