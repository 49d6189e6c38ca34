/**
 * Sightings in the console: the board by status, the intake form for a hotline call, and a
 * sighting's page with dispatch, verification records, the verifier's decision, and drafting the
 * alert once verified. Each form goes through the same schemas and services as the API; the pages
 * are in src/pages/console/.
 */
import { Hono } from "hono";
import { authorize } from "../../auth/permissions.ts";
import { ApiError } from "../../errors.ts";
import { scrubPii } from "../../log.ts";
import type { FieldErrors } from "../../pages/console/chrome.ts";
import { notFoundPage } from "../../pages/console/not-found.ts";
import { sightingBoardPage } from "../../pages/console/sighting-board.ts";
import { intakePage as renderIntakePage } from "../../pages/console/sighting-intake.ts";
import { label, STATUSES } from "../../pages/console/sighting-labels.ts";
import {
  answerLine,
  decideHint,
  sightingPage as renderSightingPage,
  responderSection,
  type SightingAlert,
  verificationSection,
} from "../../pages/console/sighting-page.ts";
import { fromLocalInput, toLocalInput } from "../../pages/console/time.ts";
import { CreateSightingBody, MergeBody, ResolveBody, VerificationBody } from "../../schemas/sightings.ts";
import { alertLabel } from "../../services/alerts/compose.ts";
import { draftAlert } from "../../services/alerts/draft-alert.ts";
import { DEFAULT_DISPATCH_COUNT, dispatchResponders } from "../../services/responders/dispatch-responders.ts";
import { dispatchView } from "../../services/responders/dispatch-view.ts";
import { addVerification, changeSightingStatus } from "../../services/sightings/change-sighting-status.ts";
import { createSighting } from "../../services/sightings/create-sighting.ts";
import { nothingFoundNote } from "../../services/sightings/decision-drafts.ts";
import { findDuplicateSightings } from "../../services/sightings/find-duplicates.ts";
import { listSightings } from "../../services/sightings/list-sightings.ts";
import type { LiveSnapshot } from "../../services/sightings/live-snapshot.ts";
import { mergeSightings } from "../../services/sightings/merge-sightings.ts";
import { revealReporterCallback } from "../../services/sightings/reporter-callback.ts";
import { loadSightingRow, type SightingView, sightingView } from "../../services/sightings/shape.ts";
import { actorNames } from "../../services/users/actor-names.ts";
import { sightingEventStream } from "../sighting-events.ts";
import {
  type ConsoleContext,
  type ConsoleEnv,
  check,
  denied,
  errorsFrom,
  type Form,
  list,
  optional,
  readForm,
  text,
  view,
} from "./support.ts";

export const sightingConsoleRoutes = new Hono<ConsoleEnv>()
  .get("/sightings", async (c) => {
    const no = denied(c, "sightings:read");
    if (no) return no;
    const ctx = c.get("ctx");
    const sightings = await listSightings({ ctx, input: { limit: 200, scope: c.get("actor") } });
    const tz = ctx.config.operators.timeZone;
    return c.html(sightingBoardPage(view(c), sightings, tz));
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
  // The page's live view (web/sighting-live.js): its status and responders as they change.
  .get("/sightings/:id/events", async (c) => {
    const no = denied(c, "sightings:read");
    if (no) return no;
    const ctx = c.get("ctx");
    const actor = c.get("actor");
    try {
      return await sightingEventStream(c, {
        ctx,
        actor,
        sightingId: c.req.param("id"),
        decorate: (snapshot) => pageFragments(c, snapshot),
      });
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      if (error.code === "rate_limited") return c.text(error.message, 429);
      if (error.code === "not_found") return c.text("No such sighting", 404);
      throw error;
    }
  })
  .post("/sightings/:id/dispatch", async (c) => {
    const no = denied(c, "sightings:write");
    if (no) return no;
    return act(c, () =>
      dispatchResponders({
        ctx: c.get("ctx"),
        input: { sightingId: c.req.param("id"), count: DEFAULT_DISPATCH_COUNT, actor: c.get("actor") },
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
    try {
      const decided = await changeSightingStatus({
        ctx: c.get("ctx"),
        input: { sightingId: c.req.param("id"), status: parsed.value.status, actor: c.get("actor") },
      });
      // Straight to what the decision drafted: the verifier reads it and finds a second approver.
      const first = decided.drafts[0];
      return c.redirect(first ? `/console/alerts/${first.id}` : `/console/sightings/${decided.id}`, 303);
    } catch (error) {
      const status = error instanceof ApiError && error.code === "not_found" ? 404 : 409;
      return sightingPage(c, c.req.param("id"), errorsFrom(error), form, status);
    }
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
          unconfirmed: text(form, "unconfirmed") === "on",
          priority: "alert",
          channels: ["sms", "email", "push", "whatsapp", "voice"],
          drill: text(form, "drill") === "on",
          actor: c.get("actor"),
        },
      });
      return c.redirect(`/console/alerts/${draft.id}`, 303);
    } catch (error) {
      const status = error instanceof ApiError && error.code === "forbidden" ? 403 : 409;
      return sightingPage(c, c.req.param("id"), errorsFrom(error), form, status);
    }
  });

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

/**
 * What the page's script puts in place from an event: the status's words, the verifications and
 * responders sections rendered here exactly as on load (escaped by the same templates), and one
 * line per answer for the screen reader to hear the new ones.
 */
async function pageFragments(c: ConsoleContext, snapshot: LiveSnapshot) {
  const ctx = c.get("ctx");
  const actor = c.get("actor");
  const tz = ctx.config.operators.timeZone;
  // Verification notes are typed by staff: scrubbed like the snapshot's, no number in an event.
  const verifications = (await sightingView(ctx.db, snapshot.sighting.id, actor)).verifications.map((v) => ({
    ...v,
    notes: v.notes === null ? null : scrubPii(v.notes),
  }));
  const nameOf = await actorNames(
    ctx.db,
    verifications.map((v) => v.actor),
    actor,
  );
  return {
    statusLabel: label(STATUSES, snapshot.sighting.status),
    decideHint: decideHint(verifications.length),
    html: {
      verifications: String(await verificationSection(verifications, nameOf, tz, snapshot.dispatch)),
      responders: String(await responderSection(snapshot.dispatch, tz)),
    },
    answers: snapshot.dispatch.requests.flatMap((r) =>
      r.answers.map((a) => ({
        key: `${r.id}|${a.at}|${a.answer}`,
        text: answerLine(r.responderName, a.answer, a.notes),
      })),
    ),
  };
}

function intakePage(c: ConsoleContext, form: Form, errors: FieldErrors) {
  return renderIntakePage(view(c), {
    values: (name) => text(form, name),
    errors,
    timeZone: c.get("ctx").config.operators.timeZone,
  });
}

async function sightingPage(
  c: ConsoleContext,
  id: string,
  errors: FieldErrors,
  form: Form = {},
  status: 200 | 400 | 403 | 404 | 409 = 200,
  callback?: string,
) {
  const actor = c.get("actor");
  let sighting: SightingView;
  try {
    sighting = await sightingView(c.get("ctx").db, id, actor);
  } catch {
    return c.html(
      notFoundPage(view(c), "No such sighting", { href: "/console/sightings", label: "Back to the board" }),
      404,
    );
  }
  const duplicates = await findDuplicateSightings({
    ctx: c.get("ctx"),
    input: { sightingId: sighting.id, scope: actor },
  });
  // Who logged and verified it, by name (sightings are their organisation's alone).
  const nameOf = await actorNames(
    c.get("ctx").db,
    [sighting.createdBy, ...sighting.verifications.map((v) => v.actor)],
    actor,
  );
  const dispatch = await dispatchView(
    c.get("ctx").db,
    sighting.id,
    actor,
    c.get("ctx").config.operators.timeZone,
  );
  const row = await loadSightingRow(c.get("ctx").db, sighting.id, actor);
  return c.html(
    renderSightingPage(view(c), {
      sighting,
      duplicates,
      nameOf,
      dispatch,
      errors,
      typed: (name) => text(form, name),
      mayResolve: authorize(actor, "sightings:resolve").ok,
      callback,
      timeZone: c.get("ctx").config.operators.timeZone,
      unconfirmedAlerts: c.get("ctx").config.operators.unconfirmedAlerts,
      alerts: await sightingAlerts(c.get("ctx").db, sighting.id),
      nothingFound: await nothingFoundNote(c.get("ctx").db, c.get("ctx"), row),
    }),
    status,
  );
}

/** The alerts about a sighting and their follow-ups, with the label each says, newest first. */
async function sightingAlerts(
  db: ConsoleContext["var"]["ctx"]["db"],
  sightingId: string,
): Promise<SightingAlert[]> {
  const rows = await db
    .selectFrom("alerts as a")
    .leftJoin("alert_texts as t", (join) => join.onRef("t.alert_id", "=", "a.id").on("t.language", "=", "en"))
    .select([
      "a.id",
      "a.kind",
      "a.status",
      "a.priority",
      "a.is_drill",
      "a.cancel_reason",
      "a.sighting_label",
      "t.headline",
    ])
    .where("a.sighting_id", "=", sightingId)
    .orderBy("a.created_at", "desc")
    .execute();
  return rows.map((r) => ({
    id: r.id,
    kind: r.kind,
    status: r.status,
    headline: r.headline ?? "",
    label: alertLabel(
      {
        id: r.id,
        kind: r.kind,
        priority: r.priority,
        is_drill: r.is_drill,
        ...(r.cancel_reason ? { cancelReason: r.cancel_reason } : {}),
        verifiedSighting: true,
        sightingLabel: r.sighting_label,
      },
      "en",
    ),
  }));
}
