/**
 * An organisation's responder roster (issue 16, point 1). Responders are volunteers, not staff
 * accounts: a name or alias, a number sealed and blind-indexed like a resident's SMS address, the
 * languages they speak, the ZIPs they cover and/or a home ZIP and a radius, and whether they are on
 * duty. A new responder is texted an invitation and is `invited` until they reply YES
 * (receive-responder-text.ts); only then are they dispatched. The roster is its organisation's
 * (src/services/organisations/scope.ts): another organisation's entry is "No such responder".
 */
import type { Selectable, Transaction } from "kysely";
import type { Actor } from "../../auth/permissions.ts";
import type { AppContext } from "../../context.ts";
import type { Database, RespondersTable } from "../../db/database.ts";
import type { DbOrTx } from "../../db/transaction.ts";
import { withTransaction } from "../../db/transaction.ts";
import { ApiError, invalid } from "../../errors.ts";
import type { Language } from "../../i18n/languages.ts";
import { openAddress, sealAddress } from "../../security/addresses.ts";
import { invitationText, responderLanguage } from "../../sms/responder-replies.ts";
import { recordAudit } from "../audit/record-audit.ts";
import type { OrganisationScope } from "../organisations/scope.ts";
import { normalizeUsPhone } from "../subscriptions/phone-number.ts";
import { textResponder } from "./text-responder.ts";

export type ResponderRow = Selectable<RespondersTable>;
type Ctx = Pick<AppContext, "db" | "clock" | "pii" | "senders" | "log" | "config">;

export type ResponderView = {
  id: string;
  name: string;
  phoneEnding: string;
  languages: Language[];
  zips: string[];
  homeZip: string | null;
  radiusMiles: number | null;
  onDuty: boolean;
  status: ResponderRow["status"];
  consentedAt: string | null;
  organisationId: string;
  createdAt: string;
  updatedAt: string;
};

export function responderView(pii: Ctx["pii"], row: ResponderRow): ResponderView {
  const phone = openAddress(pii, "sms", {
    address_ciphertext: row.phone_ciphertext,
    address_key_id: row.phone_key_id,
  });
  return {
    id: row.id,
    name: row.name,
    phoneEnding: phone.slice(-2),
    languages: row.languages,
    zips: row.zips,
    homeZip: row.home_zip,
    radiusMiles: row.radius_miles,
    onDuty: row.on_duty,
    status: row.status,
    consentedAt: row.consented_at?.toISOString() ?? null,
    organisationId: row.organisation_id,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

async function loadResponder(db: DbOrTx, id: string, scope: Pick<OrganisationScope, "organisationId">) {
  const row = await db
    .selectFrom("responders")
    .selectAll()
    .where("id", "=", id)
    .where("organisation_id", "=", scope.organisationId)
    .forUpdate()
    .executeTakeFirst();
  if (!row) throw new ApiError("not_found", "No such responder");
  return row;
}

/** Every ZIP named must be in the reference table (a typo would silently cover nothing). */
async function checkZips(db: DbOrTx, zips: readonly string[]) {
  const unique = [...new Set(zips)];
  if (unique.length === 0) return;
  const found = await db.selectFrom("zip_codes").select("zip").where("zip", "in", unique).execute();
  const missing = unique.filter((zip) => !found.some((row) => row.zip === zip));
  if (missing.length > 0) throw invalid("zips", `no such ZIP: ${missing.join(", ")}`);
}

export async function listResponders({ ctx, input }: { ctx: Ctx; input: { scope: OrganisationScope } }) {
  const rows = await ctx.db
    .selectFrom("responders")
    .selectAll()
    .where("organisation_id", "=", input.scope.organisationId)
    .orderBy("name")
    .orderBy("id")
    .execute();
  return rows.map((row) => responderView(ctx.pii, row));
}

export async function getResponder({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { id: string; scope: OrganisationScope };
}) {
  return responderView(ctx.pii, await loadResponder(ctx.db, input.id, input.scope));
}

export type NewResponder = {
  name: string;
  phone: string;
  languages: Language[];
  zips: string[];
  homeZip?: string | null;
  radiusMiles?: number | null;
};

/** Adds someone to the roster as `invited` and texts them the invitation. */
export async function inviteResponder({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: NewResponder & { actor: Actor };
}): Promise<ResponderView> {
  const phone = normalizeUsPhone(input.phone);
  if (!phone) throw invalid("phone", "must be a US phone number");
  const homeZip = input.homeZip ?? null;
  const row = await withTransaction(ctx.db, async (tx) => {
    await checkZips(tx, [...input.zips, ...(homeZip ? [homeZip] : [])]);
    const sealed = sealAddress(ctx.pii, "sms", phone);
    const now = ctx.clock.now();
    await takeInvitationSlot(ctx, tx, input.actor.organisationId, now);
    const inserted = await tx
      .insertInto("responders")
      .values({
        organisation_id: input.actor.organisationId,
        name: input.name,
        phone_ciphertext: sealed.address_ciphertext,
        phone_key_id: sealed.address_key_id,
        phone_index: sealed.address_index,
        languages: input.languages,
        zips: [...new Set(input.zips)].sort(),
        home_zip: homeZip,
        radius_miles: input.radiusMiles ?? null,
        created_by: input.actor.id,
        created_at: now,
        updated_at: now,
      })
      .onConflict((oc) => oc.columns(["organisation_id", "phone_index"]).doNothing())
      .returningAll()
      .executeTakeFirst();
    if (!inserted) throw new ApiError("conflict", "That number is on the roster already");
    await recordAudit(tx, {
      actor: input.actor.id,
      action: "responder.invited",
      target: { type: "responder", id: inserted.id },
      at: now,
    });
    return inserted;
  });
  // After the commit: the invitation names the organisation, never anything about a case.
  await textResponder(
    ctx,
    row,
    invitationText(responderLanguage(row.languages), {
      program: ctx.config.program.name,
      organisation: input.actor.organisationName,
    }),
  );
  return responderView(ctx.pii, row);
}

/**
 * RESPONDER_INVITATIONS_PER_HOUR per organisation: an operator (or a stolen session) cannot make
 * Aviso text an invitation to any number of strangers. The organisation's row is locked first, so
 * concurrent invitations count one after another and the limit holds; a slot is taken in the
 * invitation's own transaction, so a refused or rolled-back invitation (a repeated number) takes
 * none. Deleting responders again frees nothing: the slots are their own rows.
 */
async function takeInvitationSlot(ctx: Ctx, tx: Transaction<Database>, organisationId: string, now: Date) {
  await tx.selectFrom("organisations").select("id").where("id", "=", organisationId).forUpdate().execute();
  const since = new Date(now.getTime() - 3_600_000);
  // What no longer limits anything goes (a day's worth is kept, for nothing but this count).
  await tx
    .deleteFrom("responder_invitations")
    .where("organisation_id", "=", organisationId)
    .where("at", "<", new Date(now.getTime() - 86_400_000))
    .execute();
  const recent = await tx
    .selectFrom("responder_invitations")
    .select("at")
    .where("organisation_id", "=", organisationId)
    .where("at", ">", since)
    .orderBy("at")
    .execute();
  const limit = ctx.config.responders.invitationsPerHour;
  if (recent.length >= limit) {
    const oldest = recent[recent.length - limit]!.at.getTime();
    const retryAfterSeconds = Math.max(1, Math.ceil((oldest + 3_600_000 - now.getTime()) / 1000));
    throw new ApiError(
      "rate_limited",
      `Your organisation has sent ${limit} invitations in the last hour, the most allowed; nothing was sent. Try again later.`,
      { retryAfterSeconds },
    );
  }
  await tx.insertInto("responder_invitations").values({ organisation_id: organisationId, at: now }).execute();
}

export type ResponderChanges = Partial<{
  name: string;
  languages: Language[];
  zips: string[];
  homeZip: string | null;
  radiusMiles: number | null;
  onDuty: boolean;
}>;

export async function updateResponder({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { id: string; changes: ResponderChanges; actor: Actor };
}): Promise<ResponderView> {
  return withTransaction(ctx.db, async (tx) => {
    const row = await loadResponder(tx, input.id, input.actor);
    const { changes } = input;
    const zips = changes.zips ? [...new Set(changes.zips)].sort() : row.zips;
    const homeZip = changes.homeZip !== undefined ? changes.homeZip : row.home_zip;
    const radius = changes.radiusMiles !== undefined ? changes.radiusMiles : row.radius_miles;
    if (zips.length === 0 && !(homeZip && radius)) {
      throw invalid("zips", "give the ZIPs they cover, or a home ZIP and a radius");
    }
    if (changes.onDuty && row.status !== "active") {
      throw new ApiError(
        "conflict",
        `An ${row.status} responder cannot go on duty: they must reply YES first`,
      );
    }
    await checkZips(tx, [...(changes.zips ?? []), ...(changes.homeZip ? [changes.homeZip] : [])]);
    const now = ctx.clock.now();
    const updated = await tx
      .updateTable("responders")
      .set({
        name: changes.name ?? row.name,
        languages: changes.languages ?? row.languages,
        zips,
        home_zip: homeZip,
        radius_miles: radius,
        on_duty: changes.onDuty ?? row.on_duty,
        updated_at: now,
      })
      .where("id", "=", row.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordAudit(tx, {
      actor: input.actor.id,
      action: "responder.changed",
      target: { type: "responder", id: row.id },
      details: { fields: Object.keys(changes).sort() },
      at: now,
    });
    return responderView(ctx.pii, updated);
  });
}

/** Off the roster: the row and the number go; their past requests stay, unnamed. */
export async function removeResponder({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { id: string; actor: Actor };
}): Promise<ResponderView> {
  return withTransaction(ctx.db, async (tx) => {
    const row = await loadResponder(tx, input.id, input.actor);
    await tx.deleteFrom("responders").where("id", "=", row.id).execute();
    await recordAudit(tx, {
      actor: input.actor.id,
      action: "responder.removed",
      target: { type: "responder", id: row.id },
      at: ctx.clock.now(),
    });
    return responderView(ctx.pii, row);
  });
}
