/**
 * Builds an alert email as a raw RFC 5322 / MIME message: multipart/alternative, text and HTML as
 * base64 UTF-8, the subject as RFC 2047 encoded words. nodemailer's composer does the same through
 * a tree of streams, which was most of an alert mail's CPU (docs/architecture.md#fan-out,
 * "Senders"), so alert mail is built here in a few string operations and handed raw to the SMTP
 * sender's pool (smtp-pool.ts). Header values never carry CR or LF (no header injection).
 */
import { randomBytes, randomUUID } from "node:crypto";
import { encodeWords } from "nodemailer/lib/mime-funcs";
import type { OutboundMessage } from "./sender.ts";

export type MimeMail = {
  from: string;
  to: string;
  subject: string;
  text: string;
  html?: string;
  headers?: Record<string, string>;
};

/** The mail of an outbound email message, from `from` (MAIL_FROM). */
export function mailOf(from: string, message: OutboundMessage): MimeMail {
  return {
    from,
    to: message.to,
    subject: message.subject ?? "",
    text: message.text,
    html: message.html,
    headers: message.headers,
  };
}

export class MimeHeaderError extends Error {
  constructor(name: string) {
    super(`Header ${name} contains a line break or a non-ASCII character`);
    this.name = "MimeHeaderError";
  }
}

/** Returns the raw message and its Message-ID (without angle brackets). */
export function buildMime(mail: MimeMail, now = new Date()): { raw: string; messageId: string } {
  const domain = /@([A-Za-z0-9.-]+)>?\s*$/.exec(mail.from)?.[1] ?? "localhost";
  const messageId = `${randomUUID()}@${domain}`;
  const boundary = `----=_aviso_${randomBytes(12).toString("hex")}`;
  const headers: [string, string][] = [
    ["From", mail.from],
    ["To", mail.to],
    // Encoded words are at most 75 characters; each goes on its own folded line.
    ["Subject", encodeWords(mail.subject.replace(/[\r\n]+/g, " "), "B", 52).replace(/\?= =\?/g, "?=\r\n =?")],
    ["Date", now.toUTCString().replace(/GMT$/, "+0000")],
    ["Message-ID", `<${messageId}>`],
    ["MIME-Version", "1.0"],
    ...Object.entries(mail.headers ?? {}),
  ];
  const lines: string[] = [];
  for (const [name, value] of headers) {
    const unfolded = name === "Subject" ? value.replace(/\r\n /g, " ") : value;
    if (!/^[\x20-\x7e\t]*$/.test(unfolded) || unfolded.length > 900) throw new MimeHeaderError(name);
    lines.push(`${name}: ${value}`);
  }
  const part = (type: string, body: string) =>
    `Content-Type: ${type}; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n${base64Lines(body)}`;
  if (mail.html === undefined) {
    lines.push(part("text/plain", mail.text));
    return { raw: `${lines.join("\r\n")}\r\n`, messageId };
  }
  lines.push(`Content-Type: multipart/alternative; boundary="${boundary}"`, "");
  const raw = [
    lines.join("\r\n"),
    `--${boundary}`,
    part("text/plain", mail.text),
    `--${boundary}`,
    part("text/html", mail.html),
    `--${boundary}--`,
    "",
  ].join("\r\n");
  return { raw, messageId };
}

function base64Lines(text: string): string {
  const encoded = Buffer.from(text, "utf8").toString("base64");
  const out: string[] = [];
  for (let i = 0; i < encoded.length; i += 76) out.push(encoded.slice(i, i + 76));
  return out.join("\r\n");
}
