/**
 * Shared shapes of the subscription services (Text-a-ZIP and email double opt-in).
 *
 * Glossary
 * - texter: whoever sent an inbound SMS: their E.164 number, its blind index, the SMS subscriber
 *   with that index if there is one (locked for the rest of the transaction) and its ZIPs.
 * - outcome: what a verb did, as the replies to send (possibly none). The caller applies the rate
 *   limits; `optOutConfirmation` marks the reply with rules of its own (rate-limits.ts): a number's
 *   first of the window always goes, later ones in the window never do.
 */
import type { AppContext } from "../../context.ts";
import type { SubscriberStatus, TextChannel } from "../../db/database.ts";
import type { DbOrTx } from "../../db/transaction.ts";
import type { Language } from "../../i18n/languages.ts";

export type SubscriptionsContext = Pick<AppContext, "config" | "pii" | "clock" | "boss"> & { db: DbOrTx };

/** The little of a subscriber row the services decide on. */
export type SubscriberRef = { id: string; status: SubscriberStatus; language: Language };
export type SmsSubscriber = SubscriberRef;

/** A ZIP's reference row, as much of it as the service area needs. */
export type ZipRow = { zip: string; state: string };

export type Texter = {
  /** SMS or WhatsApp: the same number has a subscription on each, apart. */
  channel: TextChannel;
  phone: string;
  /** The number's blind index under the current key (what new rows are written with). */
  index: Buffer;
  /** Every index the number may be stored under (the current key's first; see addressIndexes). */
  lookup: Buffer[];
  subscriber: SmsSubscriber | undefined;
  /** The ZIPs the subscriber follows, sorted (loaded after the lock; empty for a new number). */
  zips: string[];
  /** Reference rows of the ZIPs the message names (absent ones do not exist). */
  zipRows: ZipRow[];
  /** The language the number's earlier texts last showed (kept with the inbound records). */
  lastLanguage: Language | undefined;
  /**
   * Given the outcome a command is about to return, the reply to store with the inbound message, if
   * any (receive-sms.ts: the rate limits decide). A command hands it to its last write, so that the
   * change and the stored reply are one statement. Absent where the caller stores the reply itself.
   */
  replyStore?: (outcome: SmsOutcome) => ReplyToStore | undefined;
};

/** A reply to keep on the inbound message it answers (inbound_messages.reply), for Twilio's retries. */
export type ReplyToStore = { messageSid: string; reply: string[] };

/** `replyStored`: the command's last write also stored the reply (Texter.replyStore). */
export type SmsOutcome = { reply: string[]; optOutConfirmation?: boolean; replyStored?: boolean };

export const silence: SmsOutcome = { reply: [] };
