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
 *   cancel of an alert, when VERIFIER_MAY_CANCEL_ALONE is on (the default), if it is the
 *   pre-written cancel and nothing more (prewritten-cancel.ts): one person's say-so publishes no
 *   words, link or setting of their own.
 * - VERIFIED must be true when it goes out: an alert tied to a sighting is approved and published
 *   only while that sighting is verified.
 * - UNCONFIRMED must be true too (UNCONFIRMED_ALERTS on): such an alert is approved and published
 *   only while its sighting is still undecided (dispatched, or decided unconfirmed) and the setting
 *   is still on. A decided sighting has its own follow-up (sightings/decision-drafts.ts).
 */
import type { AlertKind, AlertStatus, Role, SightingLabel, SightingStatus } from "../../db/database.ts";
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
  /** A cancel that is exactly its reason's pre-written text, with nothing of its drafter's. */
  prewritten: boolean;
  /** For an alert about a sighting: that sighting's status now (null: drafted from scratch). */
  sightingStatus: SightingStatus | null;
  /** alerts.sighting_label: "unconfirmed" for an UNCONFIRMED alert. */
  sightingLabel?: SightingLabel | null;
  /** UNCONFIRMED_ALERTS now. */
  unconfirmedAlerts?: boolean;
};

export type ApprovalDecision =
  | { ok: true; alone: boolean }
  | { ok: false; code: "forbidden" | "conflict"; reason: string };

export function decideApproval(c: ApprovalCase): ApprovalDecision {
  if (c.actor.kind !== "user") return { ok: false, code: "forbidden", reason: "Only a person can approve" };
  const approver = APPROVERS[c.family];
  if (!mayApprove(c.family, c.actor.role)) {
    return {
      ok: false,
      code: "forbidden",
      reason: `${c.family === "statement" ? "Statements" : "Alerts"} are approved by a ${approver}`,
    };
  }
  if (c.status !== "draft") {
    return { ok: false, code: "conflict", reason: `Only a draft can be approved (this one is ${c.status})` };
  }
  const own = draftedOrEditedBy(c, c.actor.id);
  const loneCancel = c.kind === "cancel" && mayCancelAlone(c.family, c.actor.role, c.verifierMayCancelAlone);
  if (own && loneCancel && !c.prewritten) {
    return {
      ok: false,
      code: "forbidden",
      reason:
        "A cancel goes out on one person's say-so only as pre-written; this one differs (its words, link, priority, expiry or sender), so another verifier must approve it",
    };
  }
  const alone = own && loneCancel;
  if (own && !alone) {
    return {
      ok: false,
      code: "forbidden",
      reason: "You wrote or edited this draft: someone else must approve it",
    };
  }
  const untrue = unverifiedSighting(c.kind, c.sightingStatus, c.sightingLabel, c.unconfirmedAlerts);
  if (untrue) return { ok: false, code: "conflict", reason: untrue };
  if (c.quotedHash !== c.currentHash) {
    return {
      ok: false,
      code: "conflict",
      reason: "The draft is not what you previewed (it changed since): preview it again",
    };
  }
  return { ok: true, alone };
}

/**
 * Why an alert about a sighting may not go out now (its sighting is no longer verified, so it
 * would say VERIFIED untruly), or null. Follow-ups go out whatever became of the sighting: a
 * false alarm's cancel most of all.
 */
export function unverifiedSighting(
  kind: AlertKind,
  sightingStatus: SightingStatus | null,
  sightingLabel: SightingLabel | null = null,
  unconfirmedAlerts = false,
): string | null {
  if (kind === "sighting" && sightingLabel === "unconfirmed" && sightingStatus !== null) {
    if (!unconfirmedAlerts) {
      return "Unconfirmed alerts are off here (UNCONFIRMED_ALERTS=false): this UNCONFIRMED alert cannot go out";
    }
    if (sightingStatus === "dispatched" || sightingStatus === "unconfirmed") return null;
    return `The sighting this UNCONFIRMED alert is about is now ${sightingStatus === "false_alarm" ? "a false alarm" : sightingStatus}: it cannot go out as unconfirmed (${sightingStatus === "verified" ? "the VERIFIED alert drafted by the decision says it now" : "nothing is to be sent"})`;
  }
  if (kind !== "sighting" || sightingStatus === null || sightingStatus === "verified") return null;
  return `The sighting this alert is about is now ${sightingStatus}, not verified: it cannot go out saying VERIFIED (if residents still need to know, draft an alert from scratch, which says ADVISORY)`;
}

/** Whose role approves drafts of this family (the author and editors aside: draftedOrEditedBy). */
export function mayApprove(family: Family, role: Role): boolean {
  return APPROVERS[family] === role;
}

/** Whether this person wrote or edited the draft, and so may not approve it (but for the lone cancel). */
export function draftedOrEditedBy(
  draft: { authorId: string | null; editorIds: readonly string[] },
  userId: string,
) {
  return draft.authorId === userId || draft.editorIds.includes(userId);
}

/**
 * Whether this role may publish a cancel of an alert on its own say-so (with the pre-written text
 * only): the alert family's approver, when VERIFIER_MAY_CANCEL_ALONE is on.
 */
export function mayCancelAlone(family: Family, role: Role, verifierMayCancelAlone: boolean): boolean {
  return family === "alert" && verifierMayCancelAlone && mayApprove(family, role);
}

export function mayDraft(family: Family, role: Role): boolean {
  return DRAFTERS[family].includes(role);
}

/** Who may publish an approved draft: its family's drafters and approver. */
export function mayPublish(family: Family, role: Role): boolean {
  return mayDraft(family, role) || APPROVERS[family] === role;
}
