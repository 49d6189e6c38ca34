/**
 * A text from a number on a responder roster (issue 16, points 1, 2 and 4), recognised by the
 * number's blind index before the resident grammar sees it (receive-sms.ts calls this inside its
 * transaction, after the message is claimed and the number locked):
 *
 * - YES from an invited responder puts them on the roster (consent recorded, like a resident's);
 * - ON / OFF / LIST (ACTIVO, INACTIVO, LISTA…) change or show their duty;
 * - answers ("4821 Y", "Y 4821", "4821 CONFIRM 2 vans", a lone "N"…) are recorded against the
 *   sighting; a CONFIRM also becomes a verification record, method responder on scene.
 * - STOP takes them off the roster as it stops a resident (the resident grammar answers it).
 *
 * Bad input gets a short reply that says so and changes nothing: a case code nobody was given, a
 * case they were not asked about, a closed case, an answer from a number on no roster. Anything
 * else (a ZIP, HELP, an email) is not for this module: it answers undefined and the resident
 * grammar applies, unchanged. Nothing here reaches residents: answers are records for staff, and
 * an alert drafted from them still needs a second person's approval.
 */
import type { AppContext } from "../../context.ts";
import type { DbOrTx } from "../../db/transaction.ts";
import type { InboundCommand } from "../../sms/keywords.ts";
import { parseResponderText, type ResponderText } from "../../sms/responder-grammar.ts";
import {
  answerThanksText,
  caseRefusalText,
  dutyListText,
  type ResponderLanguage,
  responderLanguage,
  responderReply,
  whichCaseText,
} from "../../sms/responder-replies.ts";
import { recordAudit } from "../audit/record-audit.ts";
import { OPEN_CASE_STATUSES } from "./dispatch-responders.ts";
import type { ResponderRow } from "./roster.ts";

type Ctx = Pick<AppContext, "clock" | "config"> & { db: DbOrTx };

export type ResponderOutcome = {
  reply: string[];
  /** LIST: a responder who also follows ZIPs hears about both. */
  residentToo?: boolean;
};

export async function receiveResponderText(
  ctx: Ctx,
  input: { indexes: Buffer[]; body: string; command: InboundCommand; onRoster: boolean },
): Promise<ResponderOutcome | undefined> {
  // onRoster comes from the statement that claimed the message (inbound-messages.ts): a resident's
  // text costs no statement here. A number on no roster still gets the "not on the roster" answer.
  const rows = input.onRoster
    ? await ctx.db
        .selectFrom("responders")
        .selectAll()
        .where("phone_index", "in", input.indexes)
        .forUpdate()
        .execute()
    : [];
  if (input.command.kind === "stop_all") {
    await leaveRosters(ctx, rows);
    return undefined;
  }
  const text = parseResponderText(input.body);
  if (!text) return undefined;
  const program = ctx.config.program.name;
  const active = rows.filter((r) => r.status === "active");
  const invited = rows.filter((r) => r.status === "invited");
  const lang: ResponderLanguage =
    text.language === "es" ? "es" : responderLanguage((active[0] ?? invited[0])?.languages ?? ["en"]);

  if (invited.length > 0 && text.kind === "answer" && text.answer === "yes" && !text.code) {
    await joinRosters(ctx, invited);
    return { reply: [responderReply(lang, program, "joined")] };
  }
  if (active.length === 0) {
    if (text.kind === "answer" && text.code) return { reply: [responderReply(lang, program, "notOnRoster")] };
    if (text.kind !== "answer" && invited.length > 0)
      return { reply: [responderReply(lang, program, "joinFirst")] };
    return undefined;
  }
  const now = ctx.clock.now();
  switch (text.kind) {
    case "on":
    case "off":
      await ctx.db
        .updateTable("responders")
        .set({ on_duty: text.kind === "on", updated_at: now })
        .where(
          "id",
          "in",
          active.map((r) => r.id),
        )
        .execute();
      return { reply: [responderReply(lang, program, text.kind)] };
    case "list": {
      const open = await openRequests(ctx.db, active);
      const openCodes = [...new Set(open.map((r) => r.case_code))];
      return {
        reply: [dutyListText(lang, { program, onDuty: active.some((r) => r.on_duty), openCodes })],
        residentToo: true,
      };
    }
    case "answer":
      return { reply: [await recordAnswer(ctx, active, text, lang)] };
  }
}

type Answer = Extract<ResponderText, { kind: "answer" }>;

async function recordAnswer(ctx: Ctx, active: ResponderRow[], text: Answer, lang: ResponderLanguage) {
  const program = ctx.config.program.name;
  const mine = await ctx.db
    .selectFrom("responder_requests as r")
    .innerJoin("sightings as s", "s.id", "r.sighting_id")
    .select(["r.id", "r.case_code", "r.sighting_id", "r.responder_id", "s.status"])
    .where(
      "r.responder_id",
      "in",
      active.map((r) => r.id),
    )
    .orderBy("r.created_at", "desc")
    .execute();
  const isOpen = (status: (typeof mine)[number]["status"]) => OPEN_CASE_STATUSES.includes(status);
  let request: (typeof mine)[number] | undefined;
  if (text.code) {
    const code = text.code;
    const withCode = mine.filter((r) => r.case_code === code);
    request = withCode.find((r) => isOpen(r.status));
    if (!request) {
      if (withCode.length > 0) return caseRefusalText(lang, { program, code, why: "closed" });
      const someoneElses = await ctx.db
        .selectFrom("responder_requests as r")
        .innerJoin("sightings as s", "s.id", "r.sighting_id")
        .select("r.id")
        .where("r.case_code", "=", code)
        .where("s.status", "in", OPEN_CASE_STATUSES)
        .executeTakeFirst();
      return caseRefusalText(lang, { program, code, why: someoneElses ? "not_asked" : "unknown" });
    }
  } else {
    const open = mine.filter((r) => isOpen(r.status));
    const codes = [...new Set(open.map((r) => r.case_code))];
    if (codes.length === 0) return responderReply(lang, program, "noOpenCase");
    if (codes.length > 1) return whichCaseText(lang, { program, codes });
    request = open[0];
  }
  const now = ctx.clock.now();
  const notes = text.answer === "confirm" ? (text.notes ?? null) : null;
  await ctx.db
    .insertInto("responder_answers")
    .values({
      request_id: request!.id,
      sighting_id: request!.sighting_id,
      answer: text.answer,
      notes,
      created_at: now,
    })
    .execute();
  const actor = `responder:${request!.responder_id}`;
  if (text.answer === "confirm") {
    await ctx.db
      .insertInto("sighting_verifications")
      .values({
        sighting_id: request!.sighting_id,
        actor,
        method: "responder_on_scene",
        notes,
        created_at: now,
      })
      .execute();
  }
  await ctx.db
    .updateTable("sightings")
    .set({ updated_at: now })
    .where("id", "=", request!.sighting_id)
    .execute();
  await recordAudit(ctx.db, {
    actor,
    action: "sighting.responder_answered",
    target: { type: "sighting", id: request!.sighting_id },
    details: { answer: text.answer, caseCode: request!.case_code },
    at: now,
  });
  return answerThanksText(lang, { program, code: request!.case_code, answer: text.answer });
}

async function openRequests(db: DbOrTx, active: ResponderRow[]) {
  return db
    .selectFrom("responder_requests as r")
    .innerJoin("sightings as s", "s.id", "r.sighting_id")
    .select(["r.case_code"])
    .where(
      "r.responder_id",
      "in",
      active.map((r) => r.id),
    )
    .where("s.status", "in", OPEN_CASE_STATUSES)
    .orderBy("r.created_at")
    .execute();
}

async function joinRosters(ctx: Ctx, invited: ResponderRow[]) {
  const now = ctx.clock.now();
  const ids = invited.map((r) => r.id);
  await ctx.db
    .updateTable("responders")
    .set({ status: "active", consented_at: now, updated_at: now })
    .where("id", "in", ids)
    .execute();
  await ctx.db
    .insertInto("responder_consent_events")
    .values(ids.map((id) => ({ responder_id: id, kind: "opt_in" as const, keyword: "yes", at: now })))
    .execute();
}

/** STOP: off every roster the number is on; the resident grammar still answers (and stops them). */
async function leaveRosters(ctx: Ctx, rows: ResponderRow[]) {
  const leaving = rows.filter((r) => r.status !== "stopped").map((r) => r.id);
  if (leaving.length === 0) return;
  const now = ctx.clock.now();
  await ctx.db
    .updateTable("responders")
    .set({ status: "stopped", on_duty: false, updated_at: now })
    .where("id", "in", leaving)
    .execute();
  await ctx.db
    .insertInto("responder_consent_events")
    .values(
      leaving.map((id) => ({ responder_id: id, kind: "opt_out" as const, keyword: "stop_all", at: now })),
    )
    .execute();
}
