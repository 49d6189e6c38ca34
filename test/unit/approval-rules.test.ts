/**
 * The two-person rule as a table: who may approve which draft, and when.
 */
import { describe, expect, it } from "vitest";
import type { AlertKind, AlertStatus, Role, SightingStatus } from "../../src/db/database.ts";
import type { Family } from "../../src/services/alerts/alert-record.ts";
import { decideApproval, mayDraft, mayPublish } from "../../src/services/alerts/approval-rules.ts";

const AUTHOR = "user:author";
const EDITOR = "user:editor";
const OTHER = "user:other";
const HASH = "a".repeat(64);

type Row = {
  case: string;
  family: Family;
  kind: AlertKind;
  status?: AlertStatus;
  actor: string;
  role: Role;
  key?: boolean;
  quoted?: string;
  alone?: boolean;
  /** A cancel exactly as pre-written (default: yes). */
  prewritten?: boolean;
  sighting?: SightingStatus | null;
  expect: "approve" | "approve alone" | "forbidden" | "conflict";
};

const TABLE: Row[] = [
  {
    case: "a verifier approves someone else's alert",
    family: "alert",
    kind: "sighting",
    actor: OTHER,
    role: "verifier",
    expect: "approve",
  },
  {
    case: "an operator cannot approve",
    family: "alert",
    kind: "sighting",
    actor: OTHER,
    role: "operator",
    expect: "forbidden",
  },
  {
    case: "comms cannot approve an alert",
    family: "alert",
    kind: "sighting",
    actor: OTHER,
    role: "comms",
    expect: "forbidden",
  },
  {
    case: "an admin cannot approve",
    family: "alert",
    kind: "sighting",
    actor: OTHER,
    role: "admin",
    expect: "forbidden",
  },
  {
    case: "the author cannot approve their own draft",
    family: "alert",
    kind: "sighting",
    actor: AUTHOR,
    role: "verifier",
    expect: "forbidden",
  },
  {
    case: "an editor cannot approve a draft they changed",
    family: "alert",
    kind: "sighting",
    actor: EDITOR,
    role: "verifier",
    expect: "forbidden",
  },
  {
    case: "an API key cannot approve",
    family: "alert",
    kind: "sighting",
    actor: "key:k",
    role: "verifier",
    key: true,
    expect: "forbidden",
  },
  {
    case: "a stale hash is refused",
    family: "alert",
    kind: "sighting",
    actor: OTHER,
    role: "verifier",
    quoted: "b".repeat(64),
    expect: "conflict",
  },
  {
    case: "an approved alert is not approved twice",
    family: "alert",
    kind: "sighting",
    status: "approved",
    actor: OTHER,
    role: "verifier",
    expect: "conflict",
  },
  {
    case: "a published alert is not approved",
    family: "alert",
    kind: "sighting",
    status: "published",
    actor: OTHER,
    role: "verifier",
    expect: "conflict",
  },
  {
    case: "a verifier approves someone else's update",
    family: "alert",
    kind: "update",
    actor: OTHER,
    role: "verifier",
    expect: "approve",
  },
  {
    case: "the author of an update cannot approve it",
    family: "alert",
    kind: "update",
    actor: AUTHOR,
    role: "verifier",
    expect: "forbidden",
  },
  {
    case: "a verifier may approve their own cancel (VERIFIER_MAY_CANCEL_ALONE)",
    family: "alert",
    kind: "cancel",
    actor: AUTHOR,
    role: "verifier",
    expect: "approve alone",
  },
  {
    case: "…but not a cancel with words, a link or settings of their own",
    family: "alert",
    kind: "cancel",
    actor: AUTHOR,
    role: "verifier",
    prewritten: false,
    expect: "forbidden",
  },
  {
    case: "…nor one they edited after someone else drafted it with words of their own",
    family: "alert",
    kind: "cancel",
    actor: EDITOR,
    role: "verifier",
    prewritten: false,
    expect: "forbidden",
  },
  {
    case: "another verifier approves a cancel with words of its own",
    family: "alert",
    kind: "cancel",
    actor: OTHER,
    role: "verifier",
    prewritten: false,
    expect: "approve",
  },
  {
    case: "…but not when that is switched off",
    family: "alert",
    kind: "cancel",
    actor: AUTHOR,
    role: "verifier",
    alone: false,
    expect: "forbidden",
  },
  {
    case: "an operator's own cancel still needs a verifier",
    family: "alert",
    kind: "cancel",
    actor: AUTHOR,
    role: "operator",
    expect: "forbidden",
  },
  {
    case: "a verifier approves an operator's cancel",
    family: "alert",
    kind: "cancel",
    actor: OTHER,
    role: "verifier",
    expect: "approve",
  },
  {
    case: "an alert about a sighting still verified is approved",
    family: "alert",
    kind: "sighting",
    actor: OTHER,
    role: "verifier",
    sighting: "verified",
    expect: "approve",
  },
  {
    case: "an alert about a sighting found to be a false alarm since is not",
    family: "alert",
    kind: "sighting",
    actor: OTHER,
    role: "verifier",
    sighting: "false_alarm",
    expect: "conflict",
  },
  {
    case: "a cancel goes out whatever became of the sighting",
    family: "alert",
    kind: "cancel",
    actor: OTHER,
    role: "verifier",
    sighting: "false_alarm",
    expect: "approve",
  },
  {
    case: "comms approves someone else's statement",
    family: "statement",
    kind: "statement",
    actor: OTHER,
    role: "comms",
    expect: "approve",
  },
  {
    case: "comms cannot approve their own statement",
    family: "statement",
    kind: "statement",
    actor: AUTHOR,
    role: "comms",
    expect: "forbidden",
  },
  {
    case: "a verifier cannot approve a statement",
    family: "statement",
    kind: "statement",
    actor: OTHER,
    role: "verifier",
    expect: "forbidden",
  },
  {
    case: "comms cannot cancel their own statement alone",
    family: "statement",
    kind: "cancel",
    actor: AUTHOR,
    role: "comms",
    expect: "forbidden",
  },
  {
    case: "comms approves another's cancel of a statement",
    family: "statement",
    kind: "cancel",
    actor: OTHER,
    role: "comms",
    expect: "approve",
  },
];

describe("approval rules", () => {
  it.each(TABLE)("$case → $expect", (row) => {
    const decision = decideApproval({
      family: row.family,
      kind: row.kind,
      status: row.status ?? "draft",
      authorId: AUTHOR,
      editorIds: [EDITOR],
      actor: { id: row.actor, kind: row.key ? "key" : "user", role: row.role },
      quotedHash: row.quoted ?? HASH,
      currentHash: HASH,
      verifierMayCancelAlone: row.alone ?? true,
      prewritten: row.prewritten ?? true,
      sightingStatus: row.sighting ?? null,
    });
    const outcome = decision.ok ? (decision.alone ? "approve alone" : "approve") : decision.code;
    expect(outcome).toBe(row.expect);
  });

  it.each([
    ["alert", "operator", true, true],
    ["alert", "verifier", true, true],
    ["alert", "comms", false, false],
    ["alert", "admin", false, false],
    ["statement", "comms", true, true],
    ["statement", "operator", false, false],
    ["statement", "verifier", false, false],
    ["statement", "admin", false, false],
  ] as const)("a %s: %s may draft %s, publish %s", (family, role, draft, publish) => {
    expect(mayDraft(family, role)).toBe(draft);
    expect(mayPublish(family, role)).toBe(publish);
  });
});
