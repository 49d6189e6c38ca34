/**
 * Twilio peer: a Twilio-compatible REST server on 127.0.0.1 for the one call Aviso makes,
 * `POST /2010-04-01/Accounts/:AccountSid/Messages.json` (HTTP Basic auth, form-encoded; SMS, and
 * WhatsApp with "whatsapp:" addresses and a body or a template's ContentSid), answering
 * with Twilio's message resource or Twilio's error JSON; and the Calls API,
 * `POST /2010-04-01/Accounts/:AccountSid/Calls.json` (To, From, inline Twiml, StatusCallback), whose
 * status callbacks `completeCall()` plays back (completed, no-answer, busy, failed). It can also play Twilio calling back:
 * `deliverAll()` POSTs each message's StatusCallback, signed with X-Twilio-Signature by the
 * `twilio` package's own signer, so webhook handlers are tested against the real validator.
 *
 *   const sms = await startTwilioPeer();
 *   const client = createTwilioClient({ accountSid: sms.accountSid, authToken: sms.authToken, apiUrl: sms.url });
 *   sms.failNext(1, TWILIO_ERRORS.tooManyRequests);
 */
import { randomBytes } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import twilio from "twilio";
import { arrivals } from "./wait.ts";

export interface TwilioError {
  status: number;
  code: number;
  message: string;
}

/** The errors Aviso must handle, as Twilio sends them. */
export const TWILIO_ERRORS = {
  tooManyRequests: { status: 429, code: 20429, message: "Too Many Requests" },
  unsubscribed: { status: 400, code: 21610, message: "Attempt to send to unsubscribed recipient" },
  invalidTo: { status: 400, code: 21211, message: "Invalid 'To' Phone Number" },
  notMobile: { status: 400, code: 21614, message: "'To' number is not a valid mobile number" },
  serverError: { status: 500, code: 20500, message: "Internal Server Error" },
  // WhatsApp (To and From "whatsapp:+1…").
  whatsappOutsideWindow: {
    status: 400,
    code: 63016,
    message: "Failed to send freeform message because you are outside the allowed window",
  },
  whatsappNotOnWhatsApp: { status: 400, code: 63003, message: "Channel could not find To address" },
  whatsappRateLimit: { status: 429, code: 63018, message: "Rate limit exceeded for Channel" },
  whatsappTemplateMissing: {
    status: 400,
    code: 63027,
    message: "Template does not exist for a language and locale",
  },
} satisfies Record<string, TwilioError>;

export interface SentSms {
  sid: string;
  to: string;
  from: string | null;
  messagingServiceSid: string | null;
  body: string;
  /** WhatsApp templates (Content API): the template and its variables, as sent. */
  contentSid: string | null;
  contentVariables: Record<string, string> | null;
  statusCallback: string | null;
  validityPeriod: number | null;
  numSegments: number;
  status: string;
  /** Every form field as received. */
  params: Record<string, string>;
}

/** An alert call as Twilio's Calls API received it (issue 17). */
export interface PlacedCall {
  sid: string;
  to: string;
  from: string;
  twiml: string;
  statusCallback: string | null;
  status: string;
  /** Every form field as received. */
  params: Record<string, string>;
}

export interface CallbackResult {
  sid: string;
  url: string;
  /** HTTP status our webhook answered (0 if the request failed). */
  status: number;
}

export interface TwilioPeer {
  /** API base to use as TWILIO_API_URL, e.g. http://127.0.0.1:PORT */
  url: string;
  port: number;
  accountSid: string;
  authToken: string;
  messages: SentSms[];
  calls: PlacedCall[];
  /** POST one call's status callback with its final CallStatus (completed, no-answer, busy, failed). */
  completeCall(sid: string, status: string): Promise<CallbackResult>;
  /** Requests answered with an error (auth, validation or a knob). */
  rejected: { to: string | null; error: TwilioError }[];
  /** Latency added before every answer. */
  delayMs: number;
  waitFor(n: number, timeoutMs?: number): Promise<SentSms[]>;
  /** Answer the next `n` create requests with this error. */
  failNext(n: number, error: TwilioError): void;
  /** Answer every message to `to` (E.164, or "whatsapp:+1…") with this error (null clears it). */
  failFor(to: string, error: TwilioError | null): void;
  /** POST a status callback for every message that asked for one; resolves once all are answered. */
  deliverAll(status?: string, errorCode?: number): Promise<CallbackResult[]>;
  /** POST one message's status callback (WhatsApp's "read" comes after "delivered"). */
  deliver(sid: string, status: string, errorCode?: number): Promise<CallbackResult>;
  close(): Promise<void>;
}

export async function startTwilioPeer(
  opts: { accountSid?: string; authToken?: string; delayMs?: number } = {},
): Promise<TwilioPeer> {
  const accountSid = opts.accountSid ?? `AC${"0a".repeat(16)}`;
  const authToken = opts.authToken ?? "peer-auth-token";
  const messages: SentSms[] = [];
  const rejected: TwilioPeer["rejected"] = [];
  const arrived = arrivals(messages, "SMS");
  const failFor = new Map<string, TwilioError>();
  let failNext = { remaining: 0, error: TWILIO_ERRORS.serverError as TwilioError };

  const messagesPath = `/2010-04-01/Accounts/${accountSid}/Messages.json`;
  const callsPath = `/2010-04-01/Accounts/${accountSid}/Calls.json`;
  const calls: PlacedCall[] = [];
  const expectedAuth = `Basic ${Buffer.from(`${accountSid}:${authToken}`).toString("base64")}`;

  async function handle(req: http.IncomingMessage): Promise<{ status: number; json: unknown }> {
    const params = Object.fromEntries(new URLSearchParams(await readBody(req)));
    const to = params.To ?? null;
    const fail = (error: TwilioError) => {
      rejected.push({ to, error });
      return { status: error.status, json: errorJson(error) };
    };
    if (req.headers.authorization !== expectedAuth) {
      return fail({ status: 401, code: 20003, message: "Authenticate" });
    }
    if (req.method === "POST" && req.url === callsPath) {
      if (failNext.remaining > 0) {
        failNext = { ...failNext, remaining: failNext.remaining - 1 };
        return fail(failNext.error);
      }
      const known = to ? failFor.get(to) : undefined;
      if (known) return fail(known);
      if (!to || !/^\+[1-9]\d{6,14}$/.test(to))
        return fail({ status: 400, code: 21211, message: "Invalid 'To' Phone Number" });
      if (!params.From) return fail({ status: 400, code: 21213, message: "No 'From' number is specified" });
      if (!params.Twiml && !params.Url)
        return fail({ status: 400, code: 21205, message: "Url or Twiml is required" });
      const call: PlacedCall = {
        sid: `CA${randomBytes(16).toString("hex")}`,
        to,
        from: params.From,
        twiml: params.Twiml ?? "",
        statusCallback: params.StatusCallback ?? null,
        status: "queued",
        params,
      };
      calls.push(call);
      arrived.notify();
      return {
        status: 201,
        json: {
          sid: call.sid,
          account_sid: accountSid,
          to: call.to,
          from: call.from,
          status: "queued",
          api_version: "2010-04-01",
        },
      };
    }
    if (req.method !== "POST" || req.url !== messagesPath) {
      return fail({ status: 404, code: 20404, message: `The requested resource ${req.url} was not found` });
    }
    if (failNext.remaining > 0) {
      failNext = { ...failNext, remaining: failNext.remaining - 1 };
      return fail(failNext.error);
    }
    if (!to) return fail({ status: 400, code: 21604, message: "A 'To' phone number is required." });
    if (!params.From && !params.MessagingServiceSid) {
      return fail({ status: 400, code: 21603, message: "A 'From' phone number is required." });
    }
    // WhatsApp: both addresses carry the prefix; a template (ContentSid) stands in for the body.
    const whatsapp = to.startsWith("whatsapp:");
    if (whatsapp !== (params.From ?? "").startsWith("whatsapp:")) {
      return fail({
        status: 400,
        code: 63007,
        message: "Twilio could not find a Channel with the specified From address",
      });
    }
    if (params.ContentSid !== undefined && !(whatsapp && /^HX[0-9a-fA-F]{32}$/.test(params.ContentSid))) {
      return fail({ status: 400, code: 21656, message: "The ContentSid is Invalid." });
    }
    let contentVariables: Record<string, string> | null = null;
    if (params.ContentVariables !== undefined) {
      try {
        contentVariables = JSON.parse(params.ContentVariables) as Record<string, string>;
      } catch {
        return fail({ status: 400, code: 21657, message: "The ContentVariables Parameter is invalid." });
      }
    }
    if (!params.Body && !params.ContentSid) {
      return fail({ status: 400, code: 21602, message: "Message body is required." });
    }
    if (!/^\+[1-9]\d{6,14}$/.test(whatsapp ? to.slice("whatsapp:".length) : to))
      return fail({ ...TWILIO_ERRORS.invalidTo, message: `Invalid 'To' Phone Number: ${to}` });
    const recipientError = failFor.get(to);
    if (recipientError) return fail(recipientError);

    const sms: SentSms = {
      sid: `SM${randomBytes(16).toString("hex")}`,
      to,
      from: params.From ?? null,
      messagingServiceSid: params.MessagingServiceSid ?? null,
      body: params.Body ?? "",
      contentSid: params.ContentSid ?? null,
      contentVariables,
      statusCallback: params.StatusCallback ?? null,
      validityPeriod: params.ValidityPeriod ? Number(params.ValidityPeriod) : null,
      numSegments: countSegments(params.Body ?? ""),
      // Twilio says "accepted" while a Messaging Service picks the sender, "queued" otherwise.
      status: params.From ? "queued" : "accepted",
      params,
    };
    messages.push(sms);
    arrived.notify();
    return { status: 201, json: messageResource(accountSid, sms, new Date()) };
  }

  const peer: TwilioPeer = {
    url: "",
    port: 0,
    accountSid,
    authToken,
    messages,
    calls,
    completeCall(sid, status) {
      const call = calls.find((c) => c.sid === sid && c.statusCallback);
      if (!call) throw new Error(`no call ${sid} with a status callback`);
      call.status = status;
      return postSigned(authToken, call.sid, call.statusCallback!, {
        AccountSid: accountSid,
        ApiVersion: "2010-04-01",
        CallSid: call.sid,
        CallStatus: status,
        Direction: "outbound-api",
        To: call.to,
        From: call.from,
      });
    },
    rejected,
    delayMs: opts.delayMs ?? 0,
    waitFor: arrived.waitFor,
    failNext(n, error) {
      failNext = { remaining: n, error };
    },
    failFor(to, error) {
      if (error) failFor.set(to, error);
      else failFor.delete(to);
    },
    deliverAll(status = "delivered", errorCode) {
      const withCallback = messages.filter((sms) => sms.statusCallback);
      return Promise.all(
        withCallback.map((sms) => sendStatusCallback(accountSid, authToken, sms, status, errorCode)),
      );
    },
    deliver(sid, status, errorCode) {
      const sms = messages.find((m) => m.sid === sid && m.statusCallback);
      if (!sms) throw new Error(`no message ${sid} with a status callback`);
      return sendStatusCallback(accountSid, authToken, sms, status, errorCode);
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };

  const server = http.createServer((req, res) => {
    // The delay a request meets is the one set when it arrived: a test that changes delayMs once
    // it sees a message recorded does not change that message's answer.
    const delayMs = peer.delayMs;
    handle(req)
      .then(async ({ status, json }) => {
        if (delayMs > 0) await sleep(delayMs);
        res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(json));
      })
      .catch((err: unknown) => res.writeHead(500).end(String(err)));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  peer.port = (server.address() as AddressInfo).port;
  peer.url = `http://127.0.0.1:${peer.port}`;
  return peer;
}

async function sendStatusCallback(
  accountSid: string,
  authToken: string,
  sms: SentSms,
  status: string,
  errorCode: number | undefined,
): Promise<CallbackResult> {
  const url = sms.statusCallback!;
  const params: Record<string, string> = {
    AccountSid: accountSid,
    ApiVersion: "2010-04-01",
    MessageSid: sms.sid,
    SmsSid: sms.sid,
    MessageStatus: status,
    SmsStatus: status,
    To: sms.to,
    From: sms.from ?? "+15005550006",
    ...(sms.messagingServiceSid ? { MessagingServiceSid: sms.messagingServiceSid } : {}),
    ...(errorCode !== undefined ? { ErrorCode: String(errorCode) } : {}),
  };
  sms.status = status;
  try {
    const response = await fetch(url, {
      method: "POST",
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        "x-twilio-signature": twilio.getExpectedTwilioSignature(authToken, url, params),
      },
      body: new URLSearchParams(params),
    });
    await response.arrayBuffer();
    return { sid: sms.sid, url, status: response.status };
  } catch {
    return { sid: sms.sid, url, status: 0 };
  }
}

async function postSigned(
  authToken: string,
  sid: string,
  url: string,
  params: Record<string, string>,
): Promise<CallbackResult> {
  try {
    const response = await fetch(url, {
      method: "POST",
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        "x-twilio-signature": twilio.getExpectedTwilioSignature(authToken, url, params),
      },
      body: new URLSearchParams(params),
    });
    await response.arrayBuffer();
    return { sid, url, status: response.status };
  } catch {
    return { sid, url, status: 0 };
  }
}

function errorJson(error: TwilioError) {
  return {
    code: error.code,
    message: error.message,
    more_info: `https://www.twilio.com/docs/errors/${error.code}`,
    status: error.status,
  };
}

function messageResource(accountSid: string, sms: SentSms, now: Date) {
  const date = now.toUTCString().replace("GMT", "+0000"); // RFC 2822, as Twilio writes dates
  const uri = `/2010-04-01/Accounts/${accountSid}/Messages/${sms.sid}`;
  return {
    account_sid: accountSid,
    api_version: "2010-04-01",
    body: sms.body,
    date_created: date,
    date_sent: null,
    date_updated: date,
    direction: "outbound-api",
    error_code: null,
    error_message: null,
    from: sms.from,
    messaging_service_sid: sms.messagingServiceSid,
    num_media: "0",
    num_segments: String(sms.numSegments),
    price: null,
    price_unit: "USD",
    sid: sms.sid,
    status: sms.status,
    subresource_uris: { media: `${uri}/Media.json` },
    to: sms.to,
    uri: `${uri}.json`,
  };
}

const GSM7 =
  "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
const GSM7_EXTENDED = "^{}\\[~]|€\f";

/** SMS segments: GSM-7 fits 160 septets (153 per part), anything else is UCS-2 at 70 (67 per part). */
export function countSegments(body: string): number {
  let septets = 0;
  for (const char of body) {
    if (GSM7.includes(char)) septets += 1;
    else if (GSM7_EXTENDED.includes(char)) septets += 2;
    else return body.length <= 70 ? 1 : Math.ceil(body.length / 67);
  }
  return septets <= 160 ? 1 : Math.ceil(septets / 153);
}

async function readBody(req: http.IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}
