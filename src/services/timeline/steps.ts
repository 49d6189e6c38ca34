/**
 * The alert timeline's steps (issue 16, point 9), in the order a report becomes residents'
 * messages, and the pure arithmetic over them: each step's wait since the step before it that
 * happened, and the medians the admin page shows. No database here; alert-timeline.ts reads the
 * times.
 *
 * A step goes in TIMELINE_STEPS at its place in the story and its time in alert-timeline.ts's read;
 * the intervals and medians follow.
 */

export const TIMELINE_STEPS = [
  "reported",
  "dispatched",
  "escalated",
  "first_yes",
  "first_confirm",
  "decided",
  "drafted",
  "paged",
  "approval_opened",
  "approved",
  "published",
  "first_handoff",
  "last_handoff",
] as const;

export type TimelineStepName = (typeof TIMELINE_STEPS)[number];

/** What each step means, for the console and the API description. */
export const STEP_LABELS: Record<TimelineStepName, string> = {
  reported: "Report logged",
  dispatched: "First responder dispatched",
  escalated: "Next responders asked on silence",
  first_yes: "First responder on the way (Y)",
  first_confirm: "First confirmation from the scene",
  decided: "Verifier's decision",
  drafted: "Alert drafted",
  paged: "Approvers paged",
  approval_opened: "Approval page opened",
  approved: "Approved by a second person",
  published: "Published",
  first_handoff: "First message handed to a provider",
  last_handoff: "Last message handed to a provider",
};

export type TimelineStep = {
  step: TimelineStepName;
  /** When it happened; null when it did not (or is not recorded), e.g. sighting steps of an alert drafted from scratch. */
  at: Date | null;
  /** The step before it that happened, and how long after it this one came; null for the first or a missing step. */
  after: TimelineStepName | null;
  sincePreviousMs: number | null;
};

export type Timeline = { steps: TimelineStep[]; totalMs: number | null };

export function buildTimeline(times: Partial<Record<TimelineStepName, Date | null>>): Timeline {
  let previous: { step: TimelineStepName; at: Date } | null = null;
  const happened: Date[] = [];
  const steps = TIMELINE_STEPS.map((step): TimelineStep => {
    const at = times[step] ?? null;
    if (!at) return { step, at: null, after: null, sincePreviousMs: null };
    const entry: TimelineStep = {
      step,
      at,
      after: previous?.step ?? null,
      sincePreviousMs: previous ? at.getTime() - previous.at.getTime() : null,
    };
    previous = { step, at };
    happened.push(at);
    return entry;
  });
  const first = happened[0];
  const last = happened.at(-1);
  return { steps, totalMs: first && last ? last.getTime() - first.getTime() : null };
}

/** The median of each step's wait since the step before it, over many timelines; null where none had it. */
export function medianWaits(timelines: Timeline[]): Record<TimelineStepName, number | null> & {
  total: number | null;
} {
  const median = (values: number[]): number | null => {
    if (values.length === 0) return null;
    const sorted = [...values].sort((a, b) => a - b);
    const mid = Math.floor(sorted.length / 2);
    return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  };
  const out = {} as Record<TimelineStepName, number | null>;
  for (const [index, step] of TIMELINE_STEPS.entries()) {
    out[step] = median(
      timelines.flatMap((t) => {
        const ms = t.steps[index]?.sincePreviousMs;
        return ms === null || ms === undefined ? [] : [ms];
      }),
    );
  }
  return { ...out, total: median(timelines.flatMap((t) => (t.totalMs === null ? [] : [t.totalMs]))) };
}
