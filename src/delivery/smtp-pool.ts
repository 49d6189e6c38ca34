/**
 * A few long-lived SMTP connections, each carrying one message at a time: nodemailer's
 * SMTPConnection (STARTTLS, AUTH, pipelining, dot-stuffing, the SMTP_URL's settings as nodemailer
 * reads them) without nodemailer's mailer and pool around it. Those turn every raw message into a
 * MIME tree and a stream and back (about half the CPU of a mail: `npm run bench:senders`); here the
 * message built by mime.ts goes on the connection as it is.
 *
 * A connection is opened when a message finds none free and fewer than `maxConnections` are open;
 * one the server closes or times out while idle is dropped, and the next message opens another. A
 * refused recipient or message (a 4xx or 5xx reply) resets the session and keeps the connection;
 * any other failure closes it. The errors are SMTPConnection's own (code, responseCode), which
 * smtp-sender.ts maps, and never carry the message.
 */

import { Readable } from "node:stream";
import type { ConnectionUrlOptions } from "nodemailer/lib/shared";
import { parseConnectionUrl } from "nodemailer/lib/shared";
import SMTPConnection from "nodemailer/lib/smtp-connection";

export type SmtpPoolOptions = {
  maxConnections: number;
  connectionTimeout: number;
  greetingTimeout: number;
  socketTimeout: number;
};

export type SmtpEnvelope = { from: string; to: string[] };

export type SmtpPool = {
  /** Sends `raw` (a whole RFC 5322 message) to the envelope's recipients. */
  send(envelope: SmtpEnvelope, raw: string): Promise<void>;
  close(): void;
};

type SmtpError = Error & { code?: string; responseCode?: number };
/**
 * A failed send. `messageLeft`: the connection failed (no SMTP reply) after the message had begun
 * to go out, so the server may have queued it: a retry may deliver it twice.
 */
export type SmtpSendFailure = SmtpError & { messageLeft?: boolean };
/** A connection; `used` once it has carried a message. */
type Lane = { connection: SMTPConnection; used: boolean; dead: boolean };

export function createSmtpPool(url: string, options: SmtpPoolOptions): SmtpPool {
  const settings: ConnectionUrlOptions = parseConnectionUrl(url);
  const { auth, ...connectionSettings } = settings as ConnectionUrlOptions & {
    auth?: { user: string; pass: string };
  };
  const idle: Lane[] = [];
  const waiting: { resolve(lane: Lane): void; reject(error: Error): void }[] = [];
  let open = 0;
  let closed = false;

  function drop(lane: Lane) {
    if (lane.dead) return;
    lane.dead = true;
    open -= 1;
    const at = idle.indexOf(lane);
    if (at >= 0) idle.splice(at, 1);
    lane.connection.close();
    // A message waiting for a connection may now open one.
    const next = closed ? undefined : waiting.shift();
    if (next) openLane().then(next.resolve, next.reject);
  }

  function openLane(): Promise<Lane> {
    open += 1;
    const connection = new SMTPConnection({
      ...connectionSettings,
      connectionTimeout: options.connectionTimeout,
      greetingTimeout: options.greetingTimeout,
      socketTimeout: options.socketTimeout,
    } as SMTPConnection.Options);
    const lane: Lane = { connection, used: false, dead: false };
    return new Promise<Lane>((resolve, reject) => {
      let settled = false;
      const fail = (error: Error) => {
        // Settled before the drop: closing the connection emits 'end', whose error is not the cause.
        if (!settled) {
          settled = true;
          reject(error);
        }
        drop(lane);
      };
      // Always listened for: an unheard 'error' event would end the process. Idle, a server's
      // timeout or close drops the connection; while a message is on it, send's callback has it.
      connection.on("error", (error: Error) => {
        if (!settled || idle.includes(lane)) fail(error);
      });
      connection.on("end", () => fail(poolError("the SMTP connection closed")));
      connection.connect((error?: Error | null) => {
        if (error) return fail(error);
        if (!auth || !connection.allowsAuth) {
          settled = true;
          return resolve(lane);
        }
        connection.login(
          { user: auth.user, credentials: { user: auth.user, pass: auth.pass } },
          (loginError) => {
            if (loginError) return fail(loginError);
            settled = true;
            resolve(lane);
          },
        );
      });
    });
  }

  function acquire(): Promise<Lane> {
    if (closed) return Promise.reject(poolError("the SMTP pool is closed"));
    const lane = idle.pop();
    if (lane) return Promise.resolve(lane);
    if (open < options.maxConnections) return openLane();
    return new Promise((resolve, reject) => waiting.push({ resolve, reject }));
  }

  function release(lane: Lane) {
    if (lane.dead) return;
    if (closed) return drop(lane);
    const next = waiting.shift();
    if (next) next.resolve(lane);
    else idle.push(lane);
  }

  /** Rejects with `messageLeft` set when the message had begun to go out (see SmtpSendFailure). */
  function sendOn(lane: Lane, envelope: SmtpEnvelope, raw: string): Promise<void> {
    // Read only once the server has taken the envelope and said 354: before that, nothing of
    // the message has left, whatever then happens to the connection.
    let left = false;
    const message = new Readable({
      read() {
        left = true;
        this.push(raw);
        this.push(null);
      },
    });
    return new Promise((resolve, reject) => {
      lane.connection.send(envelope, message, (error) => {
        lane.used = true;
        if (!error) {
          release(lane);
          return resolve();
        }
        const refused = error as SmtpSendFailure;
        if (
          (refused.code === "EENVELOPE" || refused.code === "EMESSAGE") &&
          refused.responseCode !== 421 &&
          typeof refused.responseCode === "number"
        ) {
          // The server refused this message; the session is still good once reset.
          lane.connection.reset((resetError) => (resetError ? drop(lane) : release(lane)));
        } else {
          drop(lane);
        }
        refused.messageLeft = left && typeof refused.responseCode !== "number";
        reject(refused);
      });
    });
  }

  return {
    async send(envelope, raw) {
      const lane = await acquire();
      const reused = lane.used;
      try {
        await sendOn(lane, envelope, raw);
      } catch (error) {
        // A connection that had carried mail before, lost before this message began to go out:
        // the server dropped it while idle (the race with its close). Once more, on a new one.
        const lost = error as SmtpSendFailure;
        if (reused && lane.dead && !closed && !lost.messageLeft && typeof lost.responseCode !== "number") {
          return sendOn(await acquire(), envelope, raw);
        }
        throw error;
      }
    },
    close() {
      closed = true;
      for (const waiter of waiting.splice(0)) waiter.reject(poolError("the SMTP pool is closed"));
      for (const lane of [...idle]) drop(lane);
    },
  };
}

/** Before any message went on a connection: nothing can have been delivered. */
function poolError(message: string): SmtpError {
  return Object.assign(new Error(message), { code: "ECONNECTION" });
}
