/**
 * Sightings in the console: the board by status, the intake form for a hotline call, and a
 * sighting's page with dispatch, verification records, the verifier's decision, and drafting the
 * alert once verified. Each form goes through the same services as the API.
 */
import { Hono } from "hono";
import { html } from "hono/html";
import { ApiError } from "../../http/errors.ts";
import {
  consolePage,
  csrfField,
  type FieldErrors,
  formErrors,
  input,
  select,
  textarea,
} from "../../pages/console/chrome.ts";
import { CreateSightingBody, MergeBody, ResolveBody, VerificationBody } from "../../schemas/sightings.ts";
import { draftAlert } from "../../services/alerts/draft-alert.ts";
import { addVerification, changeSightingStatus } from "../../services/sightings/change-sighting-status.ts";
import { createSighting } from "../../services/sightings/create-sighting.ts";
import { findDuplicateSightings } from "../../services/sightings/find-duplicates.ts";
import { listSightings } from "../../services/sightings/list-sightings.ts";
import { mergeSightings } from "../../services/sightings/merge-sightings.ts";
import { revealReporterCallback } from "../../services/sightings/reporter-callback.ts";
import { type SightingView, sightingView } from "../../services/sightings/shape.ts";
import {
  type ConsoleContext,
  type ConsoleEnv,
  check,
  denied,
  errorsFrom,
  type Form,
  fromLocalInput,
  list,
  optional,
  readForm,
  text,
  toLocalInput,
  view,
  when,
} from "./support.ts";

const STATUSES = [
  ["reported", "Reported"],
  ["dispatched", "Responders dispatched"],
  ["verified", "Verified"],
  ["unconfirmed", "Unconfirmed"],
  ["false_alarm", "False alarm"],
] as const;
const AGENCIES = [
  ["ice", "ICE"],
  ["cbp", "CBP"],
  ["unknown", "Unknown agency"],
  ["other", "Other law enforcement"],
] as const;
const ACTIVITIES = [
  ["sweep", "Sweep"],
  ["targeted_arrest", "Targeted arrest"],
  ["checkpoint", "Checkpoint"],
  ["traffic_stop", "Traffic stop"],
  ["workplace", "Workplace operation"],
  ["other", "Other"],
] as const;
const SOURCES = [
  ["hotline_call", "Hotline call"],
  ["text", "Text message"],
  ["responder", "Responder"],
] as const;
const METHODS = [
  ["responder_on_scene", "Responder on scene"],
  ["photo", "Photo"],
  ["independent_reports", "Independent reports"],
  ["other", "Other"],
] as const;
const label = (options: readonly (readonly [string, string])[], value: string) =>
  options.find(([v]) => v === value)?.[1] ?? value;

export const sightingConsoleRoutes = new Hono<ConsoleEnv>()
  .get("/sightings", async (c) => {
    const no = denied(c, "sightings:read");
    if (no) return no;
    const ctx = c.get("ctx");
    const sightings = await listSightings({ ctx, input: { limit: 200, scope: c.get("actor") } });
    const tz = ctx.config.operators.timeZone;
    return c.html(
      consolePage(
        view(c),
        "Sightings",
        html`<h1>Sightings</h1>
<p><a href="/console/sightings/new">Log a sighting</a></p>
<div class="board">
${STATUSES.map(([status, name]) => {
  const column = sightings.filter((s) => s.status === status);
  return html`<section aria-labelledby="col-${status}"><h2 id="col-${status}">${name} (${column.length})</h2>
<ul>${column.map(
    (s) =>
      html`<li><a href="/console/sightings/${s.id}">${label(AGENCIES, s.agency)} ${label(ACTIVITIES, s.activity).toLowerCase()}, ${placeOf(s)} (${s.zip})</a><br><small>${when(s.observedAt, tz)}</small></li>`,
  )}</ul></section>`;
})}
</div>`,
      ),
    );
  })
  .get("/sightings/new", (c) => {
    const no = denied(c, "sightings:write");
    if (no) return no;
    const tz = c.get("ctx").config.operators.timeZone;
    return c.html(
      intakePage(c, { observedAt: toLocalInput(c.get("ctx").clock.now(), tz), source: "hotline_call" }, {}),
    );
  })
  .post("/sightings", async (c) => {
    const no = denied(c, "sightings:write");
    if (no) return no;
    const ctx = c.get("ctx");
    const form = await readForm(c);
    const observedAt = fromLocalInput(text(form, "observedAt"), ctx.config.operators.timeZone);
    const number = (name: string) => (text(form, name) === "" ? null : Number(text(form, name)));
    const parsed = check(CreateSightingBody, {
      zip: text(form, "zip"),
      place: text(form, "place"),
      crossStreets: optional(text(form, "crossStreets")) ?? null,
      observedAt: observedAt?.toISOString() ?? text(form, "observedAt"),
      agency: text(form, "agency"),
      activity: text(form, "activity"),
      vehicles: number("vehicles"),
      agents: number("agents"),
      description: optional(text(form, "description")) ?? null,
      source: text(form, "source"),
      reporterCallback: optional(text(form, "reporterCallback")) ?? null,
    });
    if (!parsed.ok) return c.html(intakePage(c, form, parsed.errors), 400);
    try {
      const created = await createSighting({ ctx, input: { ...parsed.value, actor: c.get("actor") } });
      return c.redirect(`/console/sightings/${created.sighting.id}`, 303);
    } catch (error) {
      return c.html(intakePage(c, form, errorsFrom(error)), 400);
    }
  })
  .get("/sightings/:id", async (c) => {
    const no = denied(c, "sightings:read");
    if (no) return no;
    return sightingPage(c, c.req.param("id"), {});
  })
  .post("/sightings/:id/dispatch", async (c) => {
    const no = denied(c, "sightings:write");
    if (no) return no;
    return act(c, () =>
      changeSightingStatus({
        ctx: c.get("ctx"),
        input: { sightingId: c.req.param("id"), status: "dispatched", actor: c.get("actor") },
      }),
    );
  })
  .post("/sightings/:id/verifications", async (c) => {
    const no = denied(c, "sightings:write");
    if (no) return no;
    const form = await readForm(c);
    const parsed = check(VerificationBody, {
      method: text(form, "method"),
      notes: optional(text(form, "notes")) ?? null,
    });
    if (!parsed.ok) return sightingPage(c, c.req.param("id"), parsed.errors, form, 400);
    return act(
      c,
      () =>
        addVerification({
          ctx: c.get("ctx"),
          input: { sightingId: c.req.param("id"), verification: parsed.value, actor: c.get("actor") },
        }),
      form,
    );
  })
  .post("/sightings/:id/resolve", async (c) => {
    const no = denied(c, "sightings:resolve");
    if (no) return no;
    const form = await readForm(c);
    const parsed = check(ResolveBody, { status: text(form, "status") });
    if (!parsed.ok) return sightingPage(c, c.req.param("id"), parsed.errors, form, 400);
    return act(
      c,
      () =>
        changeSightingStatus({
          ctx: c.get("ctx"),
          input: { sightingId: c.req.param("id"), status: parsed.value.status, actor: c.get("actor") },
        }),
      form,
    );
  })
  .post("/sightings/:id/merge", async (c) => {
    const no = denied(c, "sightings:write");
    if (no) return no;
    const form = await readForm(c);
    const chosen = list(form, "duplicateIds");
    if (chosen.length === 0)
      return sightingPage(c, c.req.param("id"), { duplicateIds: "Choose the reports to merge" }, form, 400);
    // The API's own check (ids, at most 50): a made-up id is refused here, not by Postgres (a 500).
    const parsed = check(MergeBody, { duplicateIds: chosen });
    if (!parsed.ok)
      return sightingPage(
        c,
        c.req.param("id"),
        { duplicateIds: "Choose the reports to merge from the list" },
        form,
        400,
      );
    const { duplicateIds } = parsed.value;
    return act(
      c,
      () =>
        mergeSightings({
          ctx: c.get("ctx"),
          input: { sightingId: c.req.param("id"), duplicateIds, actor: c.get("actor") },
        }),
      form,
    );
  })
  .post("/sightings/:id/callback", async (c) => {
    const no = denied(c, "sightings:callback");
    if (no) return no;
    try {
      const revealed = await revealReporterCallback({
        ctx: c.get("ctx"),
        input: { sightingId: c.req.param("id"), actor: c.get("actor") },
      });
      return sightingPage(c, c.req.param("id"), {}, {}, 200, revealed.phone);
    } catch (error) {
      return sightingPage(c, c.req.param("id"), errorsFrom(error), {}, 409);
    }
  })
  .post("/sightings/:id/alert", async (c) => {
    const no = denied(c, "alerts:draft");
    if (no) return no;
    const form = await readForm(c);
    try {
      const draft = await draftAlert({
        ctx: c.get("ctx"),
        input: {
          sightingId: c.req.param("id"),
          priority: "alert",
          channels: ["sms", "email", "push"],
          drill: text(form, "drill") === "on",
          actor: c.get("actor"),
        },
      });
      return c.redirect(`/console/alerts/${draft.id}`, 303);
    } catch (error) {
      return sightingPage(c, c.req.param("id"), errorsFrom(error), form, 409);
    }
  });

/** What to call a sighting's place: what was typed, or its ZIP once the text was erased. */
function placeOf(s: { place: string | null; zip: string }): string {
  return s.place ?? `ZIP ${s.zip}`;
}

async function act(c: ConsoleContext, change: () => Promise<unknown>, form: Form = {}) {
  try {
    await change();
    return c.redirect(`/console/sightings/${c.req.param("id")}`, 303);
  } catch (error) {
    const errors = errorsFrom(error);
    const status = error instanceof ApiError && error.code === "not_found" ? 404 : 409;
    return sightingPage(c, c.req.param("id") ?? "", errors, form, status);
  }
}

function intakePage(c: ConsoleContext, form: Form, errors: FieldErrors) {
  const v = (name: string) => text(form, name);
  return consolePage(
    view(c),
    "Log a sighting",
    html`<h1>Log a sighting</h1>
${formErrors(errors)}
<form method="post" action="/console/sightings">
${csrfField(c.get("csrf"))}
${input({ name: "zip", label: "ZIP code", value: v("zip"), errors, required: true, attrs: html` inputmode="numeric" maxlength="5"` })}
${input({ name: "place", label: "Place", hint: "Street and landmark, as the caller said it", value: v("place"), errors, required: true })}
${input({ name: "crossStreets", label: "Cross streets", value: v("crossStreets"), errors })}
${input({ name: "observedAt", label: "Seen at", type: "datetime-local", hint: `Local time (${c.get("ctx").config.operators.timeZone})`, value: v("observedAt"), errors, required: true })}
${select({ name: "agency", label: "Agency", options: AGENCIES, value: v("agency") || "unknown", errors })}
${select({ name: "activity", label: "Activity", options: ACTIVITIES, value: v("activity") || "other", errors })}
${input({ name: "vehicles", label: "Vehicles", type: "number", value: v("vehicles"), errors, attrs: html` min="0"` })}
${input({ name: "agents", label: "Agents", type: "number", value: v("agents"), errors, attrs: html` min="0"` })}
${textarea({ name: "description", label: "What was seen", value: v("description"), errors })}
${select({ name: "source", label: "Source", options: SOURCES, value: v("source") || "hotline_call", errors })}
${input({ name: "reporterCallback", label: "Caller's callback number (optional)", hint: "Encrypted, and purged after the retention window", value: v("reporterCallback"), errors, attrs: html` inputmode="tel" autocomplete="off"` })}
<button type="submit">Log sighting</button>
</form>`,
  );
}

async function sightingPage(
  c: ConsoleContext,
  id: string,
  errors: FieldErrors,
  form: Form = {},
  status: 200 | 400 | 404 | 409 = 200,
  callback?: string,
) {
  let sighting: SightingView;
  try {
    sighting = await sightingView(c.get("ctx").db, id, c.get("actor"));
  } catch {
    return c.html(
      consolePage(
        view(c),
        "Not found",
        html`<h1>No such sighting</h1><p><a href="/console/sightings">Back to the board</a></p>`,
      ),
      404,
    );
  }
  const actor = c.get("actor");
  const tz = c.get("ctx").config.operators.timeZone;
  const csrf = c.get("csrf");
  const s = sighting;
  const duplicates = await findDuplicateSightings({
    ctx: c.get("ctx"),
    input: { sightingId: s.id, scope: actor },
  });
  return c.html(
    consolePage(
      view(c),
      `Sighting ${placeOf(s)}`,
      html`<h1>${label(AGENCIES, s.agency)} ${label(ACTIVITIES, s.activity).toLowerCase()} near ${placeOf(s)}</h1>
${formErrors(errors)}
<dl class="facts">
<dt>Status</dt><dd><strong>${label(STATUSES, s.status)}</strong></dd>
<dt>Where</dt><dd>${s.place ?? ""}${s.crossStreets ? ` (${s.crossStreets})` : ""}${s.place ? ", " : ""}ZIP ${s.zip}</dd>
${s.textErasedAt ? html`<dt>Free text</dt><dd>erased ${when(s.textErasedAt, tz)} (retention rule)</dd>` : ""}
<dt>Seen at</dt><dd>${when(s.observedAt, tz)}</dd>
<dt>Vehicles / agents</dt><dd>${s.vehicles ?? "?"} / ${s.agents ?? "?"}</dd>
<dt>What was seen</dt><dd>${s.description ?? ""}</dd>
<dt>Callback number</dt><dd>${
        callback
          ? html`<strong>${callback}</strong> (this view was recorded in the audit log)`
          : s.reporterCallback === "held"
            ? html`held until ${when(s.reporterCallbackPurgeAfter, tz)}
<form method="post" action="/console/sightings/${s.id}/callback" class="inline-form">${csrfField(csrf)}<button type="submit" class="secondary">Show the number</button></form>`
            : s.reporterCallback
      }</dd>
</dl>
${
  duplicates.length > 0
    ? html`<h2>Likely duplicates</h2>
<form method="post" action="/console/sightings/${s.id}/merge">
${csrfField(csrf)}
<fieldset><legend>Reports in the same ZIP close in time: merge them into this incident</legend>
${errors.duplicateIds ? html`<p class="error">${errors.duplicateIds}</p>` : ""}
${duplicates.map(
  (d) =>
    html`<div class="check"><input type="checkbox" id="dup-${d.id}" name="duplicateIds" value="${d.id}"> <label for="dup-${d.id}">${label(ACTIVITIES, d.activity)} near ${placeOf(d)}, ${when(d.observedAt, tz)} (${label(STATUSES, d.status)})</label></div>`,
)}
</fieldset>
<button type="submit" class="secondary">Merge the chosen reports</button>
</form>`
    : ""
}
<h2>Verifications</h2>
${s.verifications.length === 0 ? html`<p>None yet.</p>` : html`<ul>${s.verifications.map((v) => html`<li>${label(METHODS, v.method)} by ${v.actor} at ${when(v.at, tz)}${v.notes ? html`: ${v.notes}` : ""}</li>`)}</ul>`}
${
  ["reported"].includes(s.status)
    ? html`<form method="post" action="/console/sightings/${s.id}/dispatch">${csrfField(csrf)}<button type="submit">Mark responders dispatched</button></form>`
    : ""
}
<h3>Record a verification</h3>
<form method="post" action="/console/sightings/${s.id}/verifications">
${csrfField(csrf)}
${select({ name: "method", label: "How it was confirmed", options: METHODS, value: text(form, "method") || "responder_on_scene", errors })}
${textarea({ name: "notes", label: "Notes", value: text(form, "notes"), errors, rows: 2 })}
<button type="submit">Record verification</button>
</form>
${
  actor.role === "verifier" && ["reported", "dispatched"].includes(s.status)
    ? html`<h3>Decide</h3>
<form method="post" action="/console/sightings/${s.id}/resolve">
${csrfField(csrf)}
${select({ name: "status", label: "Outcome", options: STATUSES.slice(2), value: text(form, "status") || "verified", errors })}
<button type="submit">Save the decision</button>
</form>`
    : ""
}
${
  s.status === "verified"
    ? html`<h3>Alert</h3>
<form method="post" action="/console/sightings/${s.id}/alert">
${csrfField(csrf)}
<p>Drafts the alert from the template for this activity in English, Spanish, Chinese and Vietnamese; you can edit it before a second person approves it.</p>
<input type="checkbox" id="drill" name="drill"> <label for="drill">This is a drill (reaches only the drill allowlist)</label>
<p><button type="submit">Draft the alert</button></p>
</form>`
    : ""
}
<p><a href="/console/sightings">Back to the board</a></p>`,
    ),
    status,
  );
}
