/**
 * SMTP peer: a real SMTP server (RFC 5321, via `smtp-server`) on 127.0.0.1 that parses every
 * message it accepts with `mailparser` (RFC 5322 / MIME), so tests assert on what a mail client
 * would see. Plain text only (no STARTTLS); AUTH is optional and any credentials are accepted.
 *
 *   const smtp = await startSmtpPeer();
 *   // point nodemailer at smtp.url, send, then:
 *   const [mail] = await smtp.waitFor(1);
 *   smtp.failNext(2, 451); // next two messages get "451 …" after DATA (temporary), 550 = permanent
 */
import type { AddressInfo } from "node:net";
import { simpleParser } from "mailparser";
import { SMTPServer, type SMTPServerDataStream } from "smtp-server";
import { arrivals } from "./wait.ts";

/** What an unparsed mail shows in place of mailparser's result (parse: false). */
const UNPARSED = { subject: undefined, text: undefined, html: false, headerLines: [] } as const;

export interface ReceivedMail {
  /** Envelope sender (MAIL FROM). */
  from: string;
  /** Envelope recipients (RCPT TO), Bcc included. */
  to: string[];
  subject: string;
  text: string;
  html: string | null;
  /** Header name (lower case) → raw unfolded value of its first occurrence. */
  headers: Record<string, string>;
  /** The message exactly as received. */
  raw: string;
  /** Which SMTP connection (1-based) carried it. */
  connection: number;
  /** Set when the client authenticated. */
  authUser: string | null;
}

export interface SmtpRejection {
  to: string[];
  code: number;
}

export interface SmtpPeer {
  url: string;
  port: number;
  messages: ReceivedMail[];
  rejected: SmtpRejection[];
  /** Number of SMTP connections opened so far. */
  readonly connections: number;
  waitFor(n: number, timeoutMs?: number): Promise<ReceivedMail[]>;
  /** Answer the next `count` messages with `code` after DATA (4xx = try again later, 5xx = permanent). */
  failNext(count: number, code?: number): void;
  close(): Promise<void>;
}

export interface SmtpPeerOptions {
  /** Require AUTH before MAIL FROM (any username/password is accepted). Default false. */
  requireAuth?: boolean;
  /**
   * Default true: every mail is parsed (headers, text, HTML) for tests to inspect. false: the raw
   * mail is kept unparsed and subject, text, html and headers stay empty, as an MTA that queues
   * mail without reading it; the fan-out benchmark's peer, whose CPU would be a real provider's.
   */
  parse?: boolean;
  /** Close a connection idle this long, as servers do (smtp-server's socketTimeout; default 60 s). */
  idleTimeoutMs?: number;
}

export async function startSmtpPeer(opts: SmtpPeerOptions = {}): Promise<SmtpPeer> {
  const messages: ReceivedMail[] = [];
  const rejected: SmtpRejection[] = [];
  const arrived = arrivals(messages, "mails");
  let connections = 0;
  const connectionNumber = new Map<string, number>(); // session id → 1-based connection number
  let failures: { remaining: number; code: number } = { remaining: 0, code: 451 };
  const parse = opts.parse ?? true;

  const server = new SMTPServer({
    secure: false,
    disabledCommands: ["STARTTLS"],
    authOptional: !opts.requireAuth,
    allowInsecureAuth: true,
    logger: false,
    disableReverseLookup: true,
    closeTimeout: 100,
    ...(opts.idleTimeoutMs ? { socketTimeout: opts.idleTimeoutMs } : {}),
    onConnect(session, callback) {
      connections += 1;
      connectionNumber.set(session.id, connections);
      callback();
    },
    onClose(session) {
      connectionNumber.delete(session.id);
    },
    onAuth(auth, _session, callback) {
      callback(null, { user: auth.username ?? "anonymous" });
    },
    onData(stream: SMTPServerDataStream, session, callback) {
      const connection = connectionNumber.get(session.id) ?? connections;
      const to = session.envelope.rcptTo.map((rcpt) => rcpt.address);
      const from = session.envelope.mailFrom ? session.envelope.mailFrom.address : "";
      const authUser = typeof session.user === "string" ? session.user : null;
      readAll(stream)
        .then(async (raw) => {
          if (failures.remaining > 0) {
            failures = { ...failures, remaining: failures.remaining - 1 };
            rejected.push({ to, code: failures.code });
            const reason = failures.code < 500 ? "try again later" : "message rejected";
            return callback(Object.assign(new Error(`peer: ${reason}`), { responseCode: failures.code }));
          }
          const parsed = parse ? await simpleParser(raw) : UNPARSED;
          messages.push({
            from,
            to,
            subject: parsed.subject ?? "",
            text: parsed.text ?? "",
            html: typeof parsed.html === "string" ? parsed.html : null,
            headers: headerRecord(parsed.headerLines),
            raw: raw.toString("utf8"),
            connection,
            authUser,
          });
          callback(null, "queued by aviso smtp peer");
          arrived.notify();
        })
        .catch((err: unknown) => callback(err instanceof Error ? err : new Error(String(err))));
    },
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.server.address() as AddressInfo;

  return {
    url: `smtp://127.0.0.1:${port}`,
    port,
    messages,
    rejected,
    get connections() {
      return connections;
    },
    waitFor: arrived.waitFor,
    failNext(count, code = 451) {
      failures = { remaining: count, code };
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function readAll(stream: SMTPServerDataStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function headerRecord(lines: ReadonlyArray<{ key: string; line: string }>): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const { key, line } of lines) {
    if (key in headers) continue;
    const value = line.slice(line.indexOf(":") + 1).replace(/\r?\n[ \t]+/g, " ");
    headers[key] = value.trim();
  }
  return headers;
}
