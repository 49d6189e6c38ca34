/**
 * Email over SMTP with nodemailer's SMTPConnection, through a pool of a few long-lived connections
 * (smtp-pool.ts; opening one per message costs a TCP and SMTP handshake each time). SMTP replies
 * become SendErrors: 4xx and lost connections are retried; a 5xx for the recipient is permanent and
 * stops the subscriber; a 5xx for the message fails that message only. Error texts carry the SMTP
 * code, never the server's text, which usually echoes the address.
 */
import addressparser from "nodemailer/lib/addressparser";
import type { EmailProvider } from "../config.ts";
import { isSingleAddrSpec } from "../security/email-address.ts";
import { buildMime, MimeHeaderError, mailOf } from "./mime.ts";
import { type OutboundMessage, SendError, type Sender } from "./sender.ts";
import { createSmtpPool, type SmtpSendFailure } from "./smtp-pool.ts";

export type SmtpSenderOptions = {
  /** Connections in the pool. */
  maxConnections?: number;
};

export function createSmtpSender(provider: EmailProvider, options: SmtpSenderOptions = {}): Sender {
  const pool = createSmtpPool(provider.smtpUrl, {
    maxConnections: options.maxConnections ?? 16,
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 30_000,
  });

  const envelopeFrom = envelopeAddress(provider.from);

  return {
    channel: "email",
    mode: "provider",
    async send(message: OutboundMessage) {
      if (!isSingleAddrSpec(message.to)) {
        // A display name, a list or a line break would reach the envelope's RCPT TO and mail whoever
        // it names.
        throw new SendError("permanent", "smtp address", "smtp address: not a single email address", {
          addressDead: true,
        });
      }
      let mail: ReturnType<typeof buildMime>;
      try {
        mail = buildMime(mailOf(provider.from, message));
      } catch (error) {
        if (error instanceof MimeHeaderError) {
          throw new SendError(
            "permanent",
            "smtp header",
            "smtp header: the address or subject cannot go in a mail header",
          );
        }
        throw error;
      }
      try {
        await pool.send({ from: envelopeFrom, to: [message.to] }, mail.raw);
        return { providerId: `<${mail.messageId}>` };
      } catch (error) {
        throw smtpSendError(error);
      }
    },
    async close() {
      pool.close();
    },
  };
}

/** "Aviso <alerts@example.org>" → "alerts@example.org", for MAIL FROM. */
function envelopeAddress(from: string): string {
  const [first] = addressparser(from, { flatten: true });
  if (!first?.address) throw new Error("MAIL_FROM has no address");
  return first.address;
}

/** Recipient rejected for good: no such mailbox, mailbox unavailable, bad address syntax. */
const RECIPIENT_DEAD = new Set([550, 551, 553, 501]);

export function smtpSendError(error: unknown): SendError {
  const e = (typeof error === "object" && error !== null ? error : {}) as {
    responseCode?: unknown;
    code?: unknown;
  };
  const code = typeof e.code === "string" ? e.code : "unknown";
  if (typeof e.responseCode === "number") {
    const reply = e.responseCode;
    const label = `smtp ${reply}`;
    if (reply >= 400 && reply < 500) return new SendError("retry", label, `${label}: try again later`);
    // Our side of the session, not the resident's: retried, never a failed message.
    if (code === "EAUTH") return new SendError("retry", label, `${label}: authentication refused`);
    if (code === "ETLS")
      return new SendError("retry", label, `${label}: the connection could not be encrypted`);
    if (code === "EENVELOPE" && RECIPIENT_DEAD.has(reply)) {
      return new SendError("permanent", label, `${label}: recipient rejected`, { addressDead: true });
    }
    return new SendError("permanent", label, `${label}: message rejected`);
  }
  // No SMTP reply. A connection lost once the message had begun to go out (after DATA) may have
  // lost only the server's answer: the server may have queued it.
  const ambiguous = (error as SmtpSendFailure | null)?.messageLeft === true;
  return new SendError("retry", `smtp ${code}`, `smtp ${code}: no answer from the mail server`, {
    ambiguous,
  });
}
