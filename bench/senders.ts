/**
 * What one message costs a sender, against the least its transport can cost (issue 20): for each
 * channel, the CPU of this process per message through Aviso's own Sender, and through the bare
 * transport that carries the same bytes to the same loopback peer:
 *
 *   sms    the Twilio sender (the twilio package on our undici transport, token bucket lifted)
 *          against a keep-alive undici POST of the same form to the same Messages resource, its
 *          JSON answer parsed;
 *   email  the SMTP sender (its pool of nodemailer SMTPConnections, the MIME built by us) against
 *          raw SMTP on as many connections: MAIL, RCPT and DATA pipelined, then the same message;
 *   push   the web push sender (RFC 8291 encryption, a reused VAPID JWT, node:https) against a
 *          keep-alive undici POST over TLS of one body encrypted beforehand; the floor shown adds one
 *          encryption (push_encrypt_ms), which every push needs.
 *
 * Each is `--messages` sends (default 5,000) with `--in-flight` at a time (default 50, a delivery
 * chunk), `--rounds` times (default 3) alternating, and the median round is reported. The peers run
 * in processes of their own (bench/peers.ts), as in the fan-out benchmark, so this process's CPU is
 * the sender's alone. No database: this is the part of a fan-out's CPU that is the sending.
 *
 *   npm run bench:senders -- [--messages 5000] [--in-flight 50] [--rounds 3]
 *
 * Prints a table and, as its last line, one JSON object. Exits 1 unless the peers took every
 * message: .ci/run runs a short one as a smoke test of the senders and of the benchmark.
 */
import net from "node:net";
import { parseArgs } from "node:util";
import { request, Agent as UndiciAgent } from "undici";
import webpush from "web-push";
import { loadConfig } from "../src/config.ts";
import type { Channel } from "../src/db/database.ts";
import { buildMime, mailOf } from "../src/delivery/mime.ts";
import type { OutboundMessage, Sender } from "../src/delivery/sender.ts";
import { createSmtpSender } from "../src/delivery/smtp-sender.ts";
import { createTwilioSender } from "../src/delivery/twilio-sender.ts";
import { createPushAgent, createVapidSigner, createWebPushSender } from "../src/delivery/webpush-sender.ts";
import { createLogger } from "../src/log.ts";
import { loadKeys } from "../src/security/keys.ts";
import { createPiiCipher } from "../src/security/pii.ts";
import { sampleMessage } from "../workers/dispatch.ts";
import { startPeerProcess } from "./peer-process.ts";
import { pushEncryptMs } from "./push-calibration.ts";
import { providerEnv, residentAddress } from "./setting.ts";

const { values: args } = parseArgs({
  options: {
    messages: { type: "string", default: "5000" },
    "in-flight": { type: "string", default: "50" },
    rounds: { type: "string", default: "3" },
  },
});
const MESSAGES = Number(args.messages);
const IN_FLIGHT = Number(args["in-flight"]);
const ROUNDS = Number(args.rounds);
for (const [name, value] of [
  ["--messages", MESSAGES],
  ["--in-flight", IN_FLIGHT],
  ["--rounds", ROUNDS],
] as const) {
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive whole number`);
}

const [smsPeer, smtpPeer, pushPeer] = await Promise.all([
  startPeerProcess("sms"),
  startPeerProcess("smtp"),
  startPeerProcess("push", MESSAGES),
]);
const config = loadConfig({
  NODE_ENV: "test",
  DATA_DIR: "/tmp/aviso-bench",
  ...providerEnv({ sms: smsPeer.ready, smtp: smtpPeer.ready, push: pushPeer.ready }),
  SMS_RATE_PER_SECOND: "10000", // lifted: the bench measures the sender, not a long code's 1/s
});
const log = createLogger({ level: "warn", destination: process.stderr });
const keys = loadKeys(config, (message) => log.warn(message));
const pii = createPiiCipher(keys.keyring, keys.blindIndexKey, keys.previousBlindIndexKey);
const ctx = { config, pii, clock: { now: () => new Date() } } as Parameters<typeof sampleMessage>[0];
const pushAgent = createPushAgent({ ca: pushPeer.ready.ca! });
const subscriptions = pushPeer.ready.subscriptions!;

const addressOf: Record<"sms" | "email" | "push", (i: number) => string> = {
  sms: (i) => residentAddress("sms", i, () => ""),
  email: (i) => residentAddress("email", i, () => ""),
  push: (i) => subscriptions[i % subscriptions.length]!,
};

// --- the ways to send --------------------------------------------------------------------------
type Way = { send(i: number): Promise<unknown>; close(): Promise<void> };

function viaSender(sender: Sender, channel: "sms" | "email" | "push"): Way {
  const message = sampleMessage(ctx, channel as Channel);
  return {
    send: (i) =>
      sender.send({ ...message, to: addressOf[channel](i), deliveryId: String(i) } as OutboundMessage),
    close: async () => sender.close?.(),
  };
}

/**
 * A keep-alive POST of `body(i)` to `url` with undici (the least CPU a request we know: node:http
 * cost twice as much), its answer read whole (and parsed when `json`). `ca` trusts the push peer.
 */
function barePost(
  url: URL,
  headers: Record<string, string>,
  body: (i: number) => Buffer | string,
  json: boolean,
  ca?: string,
): Way {
  const dispatcher = new UndiciAgent({ connections: IN_FLIGHT, ...(ca ? { connect: { ca } } : {}) });
  return {
    send: async (i) => {
      const response = await request(url, { method: "POST", dispatcher, headers, body: body(i) });
      const text = await response.body.text();
      if (response.statusCode >= 300) throw new Error(`answer ${response.statusCode}`);
      return json ? JSON.parse(text) : undefined;
    },
    close: () => dispatcher.close(),
  };
}

function bareTwilio(): Way {
  const sms = config.sms!;
  const url = new URL(`${sms.apiUrl}/2010-04-01/Accounts/${sms.accountSid}/Messages.json`);
  const message = sampleMessage(ctx, "sms");
  const auth = `Basic ${Buffer.from(`${sms.accountSid}:${sms.authToken}`).toString("base64")}`;
  return barePost(
    url,
    { authorization: auth, "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
    (i) =>
      new URLSearchParams({
        To: addressOf.sms(i),
        Body: message.text,
        MessagingServiceSid: sms.messagingServiceSid!,
        StatusCallback: `${config.publicUrl}/webhooks/twilio/status?d=${i}`,
        ValidityPeriod: "3600",
      }).toString(),
    true,
  );
}

function barePush(): Way {
  const message = sampleMessage(ctx, "push");
  const subscription = JSON.parse(subscriptions[0]!) as {
    endpoint: string;
    keys: { p256dh: string; auth: string };
  };
  const url = new URL(subscription.endpoint);
  const authorization = createVapidSigner(config.push!).authorization(url.origin);
  // One body, encrypted once: the floor is the request; the encryption is added from the calibration.
  const details = webpush.generateRequestDetails(subscription, message.text, {
    headers: { Authorization: authorization },
    TTL: 3600,
  });
  const body = details.body as Buffer;
  const headers = Object.fromEntries(
    Object.entries(details.headers).filter(([name]) => name.toLowerCase() !== "content-length"),
  ) as Record<string, string>;
  return barePost(url, headers, () => body, false, pushPeer.ready.ca!);
}

/** Raw SMTP on `connections` sockets: per mail, MAIL/RCPT/DATA in one write, then the message. */
async function bareSmtp(connections: number): Promise<Way> {
  const target = new URL(config.email!.smtpUrl);
  const message = sampleMessage(ctx, "email");
  const mime = (i: number) =>
    buildMime(mailOf(config.email!.from, { ...message, to: addressOf.email(i) })).raw;
  const idle: SmtpLine[] = [];
  const waiting: ((line: SmtpLine) => void)[] = [];
  for (let c = 0; c < connections; c++) {
    const line = await openSmtpLine(target);
    idle.push(line);
  }
  const take = () =>
    idle.length > 0
      ? Promise.resolve(idle.pop()!)
      : new Promise<SmtpLine>((resolve) => waiting.push(resolve));
  const give = (line: SmtpLine) => {
    const next = waiting.shift();
    if (next) next(line);
    else idle.push(line);
  };
  return {
    async send(i) {
      const line = await take();
      try {
        const raw = mime(i);
        line.socket.write(`MAIL FROM:<alerts@aviso.bench>\r\nRCPT TO:<${addressOf.email(i)}>\r\nDATA\r\n`);
        await line.replies(3, [250, 250, 354]);
        // Dot-stuffing: a line that starts with "." gets another; the message ends in CRLF.
        line.socket.write(`${raw.replace(/\r\n\./g, "\r\n..")}${raw.endsWith("\r\n") ? "" : "\r\n"}.\r\n`);
        await line.replies(1, [250]);
      } finally {
        give(line);
      }
    },
    async close() {
      for (const line of idle) line.socket.end("QUIT\r\n");
    },
  };
}

type SmtpLine = { socket: net.Socket; replies(count: number, codes: number[]): Promise<void> };

async function openSmtpLine(target: URL): Promise<SmtpLine> {
  const socket = net.connect(Number(target.port), target.hostname);
  let buffered = "";
  let pending: {
    count: number;
    codes: number[];
    seen: number[];
    resolve(): void;
    reject(e: Error): void;
  } | null = null;
  socket.setEncoding("latin1");
  socket.on("data", (data: string) => {
    buffered += data;
    let end = buffered.indexOf("\r\n");
    while (end >= 0 && pending) {
      const text = buffered.slice(0, end);
      buffered = buffered.slice(end + 2);
      end = buffered.indexOf("\r\n");
      if (text[3] === "-") continue; // a multi-line reply goes on
      pending.seen.push(Number(text.slice(0, 3)));
      if (pending.seen.length === pending.count) {
        const done = pending;
        pending = null;
        if (done.seen.every((code, k) => code === done.codes[k])) done.resolve();
        else done.reject(new Error(`SMTP replies ${done.seen.join(" ")}`));
      }
    }
  });
  const replies = (count: number, codes: number[]) =>
    new Promise<void>((resolve, reject) => {
      pending = { count, codes, seen: [], resolve, reject };
    });
  const line = { socket, replies };
  const greeting = replies(1, [220]);
  await new Promise((resolve) => socket.once("connect", resolve));
  await greeting;
  socket.write("EHLO aviso.bench\r\n");
  await replies(1, [250]);
  return line;
}

// --- measuring -----------------------------------------------------------------------------------
/** This process's CPU ms per message over MESSAGES sends, IN_FLIGHT at a time. */
async function cpuPerMessage(way: Way): Promise<number> {
  let next = 0;
  const before = process.cpuUsage();
  const lane = async () => {
    while (next < MESSAGES) await way.send(next++);
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, lane));
  const used = process.cpuUsage(before);
  return (used.user + used.system) / 1000 / MESSAGES;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

const ways = {
  sms: {
    sender: viaSender(
      createTwilioSender(config.sms!, { publicUrl: config.publicUrl, ratePerSecond: 10_000 }),
      "sms",
    ),
    bare: bareTwilio(),
  },
  email: { sender: viaSender(createSmtpSender(config.email!), "email"), bare: await bareSmtp(16) },
  push: {
    sender: viaSender(
      createWebPushSender(config.push!, { hosts: config.delivery.pushEndpointHosts, agent: pushAgent }),
      "push",
    ),
    bare: barePush(),
  },
};

const pushEncrypt = pushEncryptMs();
// A first pass of each, untimed: connections opened, code compiled.
const WARM_UP = 200;
for (const way of Object.values(ways)) {
  for (let i = 0; i < WARM_UP; i++) await way.sender.send(i);
  for (let i = 0; i < WARM_UP; i++) await way.bare.send(i);
}
const measured = Object.fromEntries(
  Object.keys(ways).map((channel) => [channel, { sender: [] as number[], bare: [] as number[] }]),
);
for (let round = 0; round < ROUNDS; round++) {
  for (const [channel, way] of Object.entries(ways)) {
    const slot = measured[channel]!;
    // Alternate which goes first, so that neither always meets the other's garbage.
    if (round % 2 === 0) {
      slot.sender.push(await cpuPerMessage(way.sender));
      slot.bare.push(await cpuPerMessage(way.bare));
    } else {
      slot.bare.push(await cpuPerMessage(way.bare));
      slot.sender.push(await cpuPerMessage(way.sender));
    }
  }
}
const peerStats = await Promise.all([smsPeer, smtpPeer, pushPeer].map((peer) => peer.stats()));
for (const way of Object.values(ways)) {
  await way.sender.close();
  await way.bare.close();
}
for (const peer of [smsPeer, smtpPeer, pushPeer]) peer.close();

const result: Record<string, number> = {};
const rows: string[] = [];
for (const [channel, slot] of Object.entries(measured)) {
  const sender = median(slot.sender);
  const floor = median(slot.bare) + (channel === "push" ? pushEncrypt : 0);
  result[`${channel}_sender_cpu_ms`] = round3(sender);
  result[`${channel}_floor_cpu_ms`] = round3(floor);
  rows.push(
    `${channel.padEnd(6)} ${sender.toFixed(3).padStart(10)} ${floor.toFixed(3).padStart(10)} ${(sender / floor).toFixed(2).padStart(8)}`,
  );
}
function round3(value: number) {
  return Number(value.toFixed(3));
}
const received = peerStats.reduce((sum, stats) => sum + stats.received, 0);
const rejected = peerStats.reduce((sum, stats) => sum + stats.rejected, 0);
// Every way of every channel: the warm-up's WARM_UP a way, then ROUNDS × MESSAGES a way.
const expected = Object.keys(ways).length * 2 * (WARM_UP + ROUNDS * MESSAGES);
process.stderr.write(
  `${MESSAGES} messages × ${ROUNDS} rounds a way, ${IN_FLIGHT} in flight; push encryption ${pushEncrypt.toFixed(3)} ms; the peers received ${received}\n` +
    `channel  sender ms   floor ms   sender/floor   (CPU of this process a message, median round)\n${rows.join("\n")}\n`,
);
console.log(
  JSON.stringify({
    messages: MESSAGES,
    in_flight: IN_FLIGHT,
    rounds: ROUNDS,
    push_encrypt_ms: round3(pushEncrypt),
    ...result,
  }),
);
// .ci/run uses a short run as a smoke test: it fails unless the peers took every message.
if (received !== expected || rejected > 0) {
  process.stderr.write(`the peers received ${received} of ${expected} messages and rejected ${rejected}\n`);
  process.exit(1);
}
process.exit(0);
