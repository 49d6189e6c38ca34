/** The responder roster in the console (issue 16, point 1); the page is src/pages/console/responders-page.ts. */
import { Hono } from "hono";
import type { FieldErrors } from "../../pages/console/chrome.ts";
import { respondersPage } from "../../pages/console/responders-page.ts";
import { CreateResponderBody } from "../../schemas/responders.ts";
import {
  inviteResponder,
  listResponders,
  removeResponder,
  updateResponder,
} from "../../services/responders/roster.ts";
import {
  type ConsoleContext,
  type ConsoleEnv,
  check,
  denied,
  errorsFrom,
  type Form,
  list,
  optional,
  type PageStatus,
  readForm,
  statusOf,
  text,
  view,
} from "./support.ts";

export const responderConsoleRoutes = new Hono<ConsoleEnv>()
  .get("/responders", async (c) => {
    const no = denied(c, "responders:manage");
    if (no) return no;
    return rosterPage(c, {}, {});
  })
  .post("/responders", async (c) => {
    const no = denied(c, "responders:manage");
    if (no) return no;
    const form = await readForm(c);
    const radius = optional(text(form, "radiusMiles"));
    const parsed = check(CreateResponderBody, {
      name: text(form, "name"),
      phone: text(form, "phone"),
      languages: list(form, "languages"),
      zips: text(form, "zips")
        .split(/[\s,]+/)
        .filter(Boolean),
      homeZip: optional(text(form, "homeZip")),
      radiusMiles: radius === undefined ? undefined : Number(radius),
    });
    if (!parsed.ok) return rosterPage(c, form, parsed.errors, 400);
    try {
      await inviteResponder({ ctx: c.get("ctx"), input: { ...parsed.value, actor: c.get("actor") } });
      return c.redirect("/console/responders", 303);
    } catch (error) {
      return rosterPage(c, form, errorsFrom(error), statusOf(error));
    }
  })
  .post("/responders/:id", async (c) => {
    const no = denied(c, "responders:manage");
    if (no) return no;
    const form = await readForm(c);
    const onDuty = text(form, "onDuty");
    if (onDuty !== "true" && onDuty !== "false") return rosterPage(c, {}, { onDuty: "on or off duty?" }, 400);
    try {
      await updateResponder({
        ctx: c.get("ctx"),
        input: { id: c.req.param("id"), changes: { onDuty: onDuty === "true" }, actor: c.get("actor") },
      });
      return c.redirect("/console/responders", 303);
    } catch (error) {
      return rosterPage(c, {}, errorsFrom(error), statusOf(error));
    }
  })
  .post("/responders/:id/remove", async (c) => {
    const no = denied(c, "responders:manage");
    if (no) return no;
    try {
      await removeResponder({ ctx: c.get("ctx"), input: { id: c.req.param("id"), actor: c.get("actor") } });
      return c.redirect("/console/responders", 303);
    } catch (error) {
      return rosterPage(c, {}, errorsFrom(error), statusOf(error));
    }
  });

async function rosterPage(c: ConsoleContext, form: Form, errors: FieldErrors, status: PageStatus = 200) {
  const ctx = c.get("ctx");
  const roster = await listResponders({ ctx, input: { scope: c.get("actor") } });
  const languages = list(form, "languages");
  return c.html(
    respondersPage(view(c), roster, {
      values: (name) => text(form, name),
      errors,
      languages: languages.length > 0 ? languages : ["en"],
    }),
    status,
  );
}
