/**
 * The alert timeline in the console (issue 16, point 9): on an alert's page, when each step
 * happened and how long after the one before it; on the admin page, the organisation's medians over
 * the last 30 days. Steps that did not happen are shown as such, never hidden.
 */
import { html } from "hono/html";
import {
  type medianWaits,
  STEP_LABELS,
  TIMELINE_STEPS,
  type Timeline,
} from "../../services/timeline/steps.ts";
import { type ConsoleView, consolePage } from "./chrome.ts";
import { when } from "./time.ts";

/** A wait as people read it: "350 ms", "4.2 s", "7 min 0 s", "2 h 5 min". */
export function formatWait(ms: number | null): string {
  if (ms === null) return "—";
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms < 3_600_000) return `${Math.floor(ms / 60_000)} min ${Math.floor((ms % 60_000) / 1000)} s`;
  return `${Math.floor(ms / 3_600_000)} h ${Math.floor((ms % 3_600_000) / 60_000)} min`;
}

/** Seconds as well as the wall clock: the steps after approval are often within the same minute. */
function instant(at: Date, tz: string): string {
  const seconds = new Intl.DateTimeFormat("en-US", { second: "2-digit", timeZone: tz })
    .format(at)
    .padStart(2, "0");
  return `${when(at, tz)} (:${seconds})`;
}

export function timelineSection(timeline: Timeline, tz: string) {
  return html`<section aria-labelledby="timeline"><h2 id="timeline">Timeline</h2>
<table><thead><tr><th scope="col">Step</th><th scope="col">When</th><th scope="col">After the step before</th></tr></thead>
<tbody>${timeline.steps.map(
    (s) =>
      html`<tr><th scope="row">${STEP_LABELS[s.step]}</th><td>${s.at ? instant(s.at, tz) : html`<span class="hint">not recorded</span>`}</td><td>${s.after ? `${formatWait(s.sincePreviousMs)} after ${STEP_LABELS[s.after].toLowerCase()}` : ""}</td></tr>`,
  )}</tbody></table>
<p>From the first step to the last: <strong>${formatWait(timeline.totalMs)}</strong></p></section>`;
}

export function timelineMediansPage(
  view: ConsoleView,
  figures: { alerts: number; since: Date; medians: ReturnType<typeof medianWaits> },
  days: number,
) {
  const { medians } = figures;
  return consolePage(
    view,
    "Timeline medians",
    html`<h1>From report to residents: medians</h1>
<p>Your organisation's ${figures.alerts} ${figures.alerts === 1 ? "alert" : "alerts"} drafted in the last ${days} days. Each step's median wait since the step before it that happened; steps no alert had show —.</p>
<table><thead><tr><th scope="col">Step</th><th scope="col">Median wait before it</th></tr></thead>
<tbody>${TIMELINE_STEPS.map(
      (step) => html`<tr><th scope="row">${STEP_LABELS[step]}</th><td>${formatWait(medians[step])}</td></tr>`,
    )}
<tr><th scope="row">From the first step to the last</th><td><strong>${formatWait(medians.total)}</strong></td></tr></tbody></table>`,
  );
}
