/**
 * recordSmsStatus: what Twilio's status callback says about one message, applied to its ledger
 * row. Statuses only move forward (queued → sending → sent → delivered | undelivered | failed): a
 * late "sent" after "delivered" changes nothing, and a final state is never replaced.
 *
 * The row is found by the delivery id in the callback URL (`?d=`, covered by the signature), so a
 * callback that outruns the worker's own record of the send still lands; without it, by MessageSid.
 * A callback can also rescue a row the worker had put back to `queued` after a timeout: Twilio
 * did accept it, so it is not sent again.
 */
import type { AppContext } from "../../context.ts";
import type { DeliveryStatus } from "../../db/database.ts";
import type { DbOrTx } from "../../db/transaction.ts";
import { TWILIO_ADDRESS_DEAD } from "../../delivery/twilio-codes.ts";
import { WHATSAPP_ADDRESS_DEAD } from "../../delivery/whatsapp-codes.ts";
import { stopDeadAddresses } from "../../ledger/rows.ts";
import { markRead } from "../../whatsapp/read-receipts.ts";

/** Twilio's callbacks are the same for SMS and WhatsApp (whose "read" comes on top). */
const TWILIO_CHANNELS = ["sms", "whatsapp"] as const;
const ADDRESS_DEAD: Record<number, string> = { ...TWILIO_ADDRESS_DEAD, ...WHATSAPP_ADDRESS_DEAD };

const TARGET: Record<string, DeliveryStatus> = {
  sent: "sent",
  delivered: "delivered",
  read: "delivered",
  undelivered: "undelivered",
  failed: "failed",
  canceled: "failed",
};

/** The states a row may be in for `target` to be a step forward. */
const MAY_MOVE_FROM: Partial<Record<DeliveryStatus, DeliveryStatus[]>> = {
  sent: ["queued", "sending"],
  delivered: ["queued", "sending", "sent"],
  undelivered: ["queued", "sending", "sent"],
  failed: ["queued", "sending", "sent"],
};

export type SmsStatusInput = {
  messageSid: string;
  messageStatus: string;
  errorCode?: string;
  deliveryId?: string;
};

export type SmsStatusResult = "updated" | "unchanged" | "unknown";

export async function recordSmsStatus({
  ctx,
  input,
}: {
  ctx: Pick<AppContext, "clock" | "log"> & { db: DbOrTx };
  input: SmsStatusInput;
}): Promise<SmsStatusResult> {
  // Own keys only: a status of "constructor" or "toString" is no status (found by the fuzz test).
  const target = Object.hasOwn(TARGET, input.messageStatus) ? TARGET[input.messageStatus] : undefined;
  if (!target) return "unchanged"; // accepted, queued, sending, scheduled: nothing the ledger lacks
  const now = ctx.clock.now();
  const code = input.errorCode && /^\d{1,6}$/.test(input.errorCode) ? Number(input.errorCode) : undefined;
  const deliveryId = input.deliveryId && /^\d{1,18}$/.test(input.deliveryId) ? input.deliveryId : undefined;
  // WhatsApp's "read" is noted whatever the row's state (it usually comes after "delivered").
  const read =
    input.messageStatus === "read"
      ? await markRead(ctx.db, { messageSid: input.messageSid, deliveryId, now })
      : false;

  let query = ctx.db
    .updateTable("deliveries")
    .set((eb) => ({
      status: target,
      provider_id: eb.fn.coalesce("provider_id", eb.val(input.messageSid)),
      sent_at: eb.fn.coalesce("sent_at", eb.val(now)),
      updated_at: now,
      ...(code === undefined ? {} : { last_error: `twilio ${code}${describe(code)}` }),
    }))
    .where("channel", "in", TWILIO_CHANNELS)
    .where("status", "in", MAY_MOVE_FROM[target]!);
  query = deliveryId
    ? query
        .where("id", "=", deliveryId)
        .where((eb) => eb.or([eb("provider_id", "is", null), eb("provider_id", "=", input.messageSid)]))
    : query.where("provider_id", "=", input.messageSid);
  const row = await query.returning(["id", "subscriber_id"]).executeTakeFirst();

  if (!row) {
    const known = await ctx.db
      .selectFrom("deliveries")
      .select("id")
      .where("channel", "in", TWILIO_CHANNELS)
      .where((eb) => (deliveryId ? eb("id", "=", deliveryId) : eb("provider_id", "=", input.messageSid)))
      .executeTakeFirst();
    return read ? "updated" : known ? "unchanged" : "unknown";
  }
  if (code !== undefined && ADDRESS_DEAD[code] && row.subscriber_id) {
    await stopDeadAddresses(ctx.db, [row.subscriber_id], now);
  }
  return "updated";
}

function describe(code: number): string {
  const text = ADDRESS_DEAD[code];
  return text ? `: ${text}` : "";
}
