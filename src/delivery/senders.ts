/**
 * Chooses each channel's sender: the provider when one is configured, the local outbox otherwise.
 */
import type { Config } from "../config.ts";
import type { Channel } from "../db/database.ts";
import type { DbOrTx } from "../db/transaction.ts";
import type { PiiCipher } from "../security/pii.ts";
import { createLocalOutboxSender } from "./local-outbox.ts";
import type { Sender } from "./sender.ts";

export function createSenders(config: Config, db: DbOrTx, pii: PiiCipher): Record<Channel, Sender> {
  const configured = (["sms", "email", "push"] as const).filter((channel) => config[channel] !== undefined);
  if (configured.length > 0) {
    // Provider senders (Twilio, SMTP, web push) arrive with the fan-out work; until then refuse
    // rather than quietly keep real residents' messages in the outbox.
    throw new Error(
      `Provider configured for ${configured.join(", ")}, but this version can only use the local outbox. ` +
        "Unset the provider variables to run in local mode.",
    );
  }
  return {
    sms: createLocalOutboxSender(db, pii, "sms"),
    email: createLocalOutboxSender(db, pii, "email"),
    push: createLocalOutboxSender(db, pii, "push"),
  };
}
