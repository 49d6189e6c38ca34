/** The alert timeline (issue 16, point 9): the answer of GET /alerts/:id/timeline. */
import { z } from "zod";
import { TIMELINE_STEPS } from "../services/timeline/steps.ts";
import { Id } from "./common.ts";

export const TimelineStepName = z.enum(TIMELINE_STEPS);
export const TimelineStep = z.object({
  step: TimelineStepName,
  at: z.string().nullable().describe("When it happened; null when it did not or is not recorded"),
  after: TimelineStepName.nullable().describe("The step before it that happened"),
  sincePreviousMs: z.number().nullable().describe("Milliseconds since `after`"),
});
export const AlertTimeline = z.object({
  alertId: Id,
  steps: z.array(TimelineStep),
  totalMs: z.number().nullable().describe("From the first step that happened to the last"),
});
