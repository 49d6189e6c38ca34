/**
 * Structured logging (pino). Addresses must never reach a log: fields that may hold one are
 * redacted by name, and every string that is logged, message or field, is scrubbed of anything
 * shaped like a phone number or an email address, as a second line of defence.
 */
import pino, { type DestinationStream, type Logger } from "pino";

export type { Logger };

const EMAIL = /[\p{L}\p{N}._%+-]+@[\p{L}\p{N}.-]+\.[\p{L}]{2,}/gu;
// 10 to 15 digits, allowing the separators people and providers write numbers with, but not
// inside a longer token: a UUID or a hex id has digit runs too, and must stay readable.
const PHONE = /(?<![\p{L}\p{N}_-])\+?\d(?:[\s().-]*\d){9,14}(?![\p{L}\p{N}_-])/gu;

export function scrubPii(text: string): string {
  return text.replace(EMAIL, "[email]").replace(PHONE, "[phone]");
}

function scrubValue(value: unknown, depth = 0): unknown {
  if (typeof value === "string") return scrubPii(value);
  if (depth > 6 || value === null || typeof value !== "object") return value;
  if (value instanceof Error) {
    return {
      type: value.name,
      message: scrubPii(value.message),
      stack: value.stack && scrubPii(value.stack),
    };
  }
  if (Array.isArray(value)) return value.map((item) => scrubValue(item, depth + 1));
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, scrubValue(v, depth + 1)]));
}

const REDACTED_FIELDS = [
  "phone",
  "email",
  "address",
  "to",
  "from",
  "From",
  "To",
  "Body",
  "body",
  "recipient",
  "endpoint",
  "password",
  "token",
  "authorization",
  "cookie",
];

export function createLogger(options: { level: string; destination?: DestinationStream }): Logger {
  return pino(
    {
      level: options.level,
      base: { service: "aviso" },
      redact: {
        paths: [...REDACTED_FIELDS, ...REDACTED_FIELDS.map((field) => `*.${field}`)],
        censor: "[redacted]",
      },
      formatters: { log: (object) => scrubValue(object) as Record<string, unknown> },
      // pino's browser build (what a Cloudflare Worker bundles) ignores redact, formatters and
      // destination: the same redaction and scrubbing are applied here, and lines go to console.
      browser: {
        asObject: true,
        write: (object) => console.log(consoleLine(object)),
      },
      hooks: {
        logMethod(args, method) {
          method.apply(
            this,
            args.map((arg) => (typeof arg === "string" ? scrubPii(arg) : arg)) as Parameters<typeof method>,
          );
        },
      },
    },
    options.destination,
  );
}

/** A log record as the Worker writes it: redacted by field name and scrubbed, as on Node. */
export function consoleLine(object: object): string {
  return JSON.stringify(scrubValue(redactByName(object)));
}

/** REDACTED_FIELDS at the top level and one level down, as the Node build's redact paths. */
function redactByName(object: object): Record<string, unknown> {
  const redact = (value: unknown): unknown =>
    value && typeof value === "object" && !Array.isArray(value) && !(value instanceof Error)
      ? Object.fromEntries(
          Object.entries(value).map(([k, v]) => [k, REDACTED_FIELDS.includes(k) ? "[redacted]" : v]),
        )
      : value;
  return Object.fromEntries(
    Object.entries(object).map(([k, v]) => [k, REDACTED_FIELDS.includes(k) ? "[redacted]" : redact(v)]),
  );
}
