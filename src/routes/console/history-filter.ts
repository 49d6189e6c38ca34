/**
 * The alert history's filter, read from the console's query string: what became of the alert,
 * its kind, how far back, a ZIP, and the page. A value the form never offers is refused with a
 * message per field (the page answers 400 and lists nothing), never silently widened.
 */
import { z } from "zod";
import type { HistoryFilterValues } from "../../pages/console/alert-list.ts";
import { HISTORY_PERIODS } from "../../pages/console/alert-list.ts";
import type { FieldErrors } from "../../pages/console/chrome.ts";
import { AlertKind } from "../../schemas/alerts.ts";
import { HISTORY_STATES } from "../../services/alerts/alert-history.ts";

export const HISTORY_PAGE_SIZE = 25;

const Filter = z.object({
  state: z
    .enum(HISTORY_STATES, { message: "Choose what became of the alerts from the list" })
    .default("past"),
  kind: z.union([z.literal(""), AlertKind], { message: "Choose a kind from the list" }).default(""),
  days: z.enum(HISTORY_PERIODS, { message: "Choose a period from the list" }).default("30"),
  zip: z
    .string()
    .trim()
    .regex(/^(\d{5})?$/, "A ZIP is 5 digits, or leave it empty")
    .default(""),
  page: z.coerce
    .number({ message: "A page is a whole number from 1" })
    .int("A page is a whole number from 1")
    .min(1, "A page is a whole number from 1")
    .max(1000, "A page is a whole number up to 1000")
    .default(1),
});

export type HistoryFilter = z.infer<typeof Filter>;

export function readHistoryFilter(
  query: Record<string, string>,
):
  | { ok: true; filter: HistoryFilter; values: HistoryFilterValues }
  | { ok: false; errors: FieldErrors; values: HistoryFilterValues } {
  const values: HistoryFilterValues = {
    state: query.state ?? "past",
    kind: query.kind ?? "",
    days: query.days ?? "30",
    zip: query.zip ?? "",
    page: query.page ?? "1",
  };
  const parsed = Filter.safeParse(query);
  if (parsed.success) return { ok: true, filter: parsed.data, values };
  const errors: FieldErrors = {};
  for (const issue of parsed.error.issues) {
    const field = String(issue.path[0] ?? "state");
    errors[field] ??= issue.message;
  }
  return { ok: false, errors, values };
}
