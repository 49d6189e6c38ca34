/**
 * One of the benchmark's provider peers, in a child process of its own: the same loopback Twilio,
 * SMTP or push peer the tests use. Each runs in its own process, as real providers are elsewhere:
 * their work then neither shares the workers' event loop nor one another's. They do what the
 * providers do and no more: the SMTP peer queues mail without parsing it, as an MTA does, and the
 * push peer checks VAPID and forwards the payload unread, as a push service does (only the
 * browser can decrypt it). The tests' peers parse and decrypt everything; here a real provider's
 * CPU would not be ours, and on this machine the peers' CPU is taken from the workers'. The push
 * peer makes `count` browser subscriptions and reports them. Answers "stats" with counts, CPU and
 * peak RSS; "close" ends it.
 *
 *   fork("bench/peers.ts", ["push", "20000"]) → { ready: { url, …, subscriptions } }
 */
import { createBrowserSubscription, startPushPeer } from "../test/peers/push-peer.ts";
import { startSmtpPeer } from "../test/peers/smtp-peer.ts";
import { startTwilioPeer } from "../test/peers/twilio-peer.ts";

export type PeerKind = "sms" | "smtp" | "push";

export type PeerReady = {
  url: string;
  /** Twilio credentials the peer accepts. */
  accountSid?: string;
  authToken?: string;
  /** The push peer's certificate, to trust. */
  ca?: string;
  /** Push subscriptions (JSON, as stored) the push peer knows. */
  subscriptions?: string[];
};

export type PeerStats = {
  received: number;
  rejected: number;
  connections: number;
  distinctJwts: number;
  cpuMs: number;
  peakRssMb: number;
};

const kind = process.argv[2] as PeerKind;
const count = Number(process.argv[3] ?? 0);

// The peers keep everything they receive for tests to inspect; here only counts matter, so the
// lists are emptied as they grow and the totals kept.
const totals = { received: 0, rejected: 0 };
let ready: PeerReady;
let drain: () => void;
let connections = () => 0;
let distinctJwts = () => 0;
let close: () => Promise<void>;

if (kind === "sms") {
  const peer = await startTwilioPeer();
  ready = { url: peer.url, accountSid: peer.accountSid, authToken: peer.authToken };
  drain = () => {
    // Messages and alert calls (the Calls API) alike.
    totals.received += peer.messages.splice(0).length + peer.calls.splice(0).length;
    totals.rejected += peer.rejected.splice(0).length;
  };
  close = () => peer.close();
} else if (kind === "smtp") {
  const peer = await startSmtpPeer({ parse: false });
  ready = { url: peer.url };
  drain = () => {
    totals.received += peer.messages.splice(0).length;
    totals.rejected += peer.rejected.splice(0).length;
  };
  connections = () => peer.connections;
  close = () => peer.close();
} else {
  const peer = await startPushPeer({ decrypt: false });
  const subscriptions = Array.from({ length: count }, () =>
    JSON.stringify(createBrowserSubscription(peer).subscription),
  );
  ready = { url: peer.url, ca: peer.ca!, subscriptions };
  drain = () => {
    totals.received += peer.received.splice(0).length;
    totals.rejected += peer.rejected.splice(0).length;
  };
  connections = () => peer.connections;
  distinctJwts = () => peer.distinctJwts;
  close = () => peer.close();
}

let peakRss = process.memoryUsage().rss;
setInterval(() => {
  drain();
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
}, 100).unref();

process.on("message", (message) => {
  if (message === "stats") {
    drain();
    const cpu = process.cpuUsage();
    const stats: PeerStats = {
      ...totals,
      connections: connections(),
      distinctJwts: distinctJwts(),
      cpuMs: Math.round((cpu.user + cpu.system) / 1000),
      peakRssMb: Math.round(Math.max(peakRss, process.memoryUsage().rss) / 1e6),
    };
    process.send?.({ stats });
  } else if (message === "close") {
    close().finally(() => process.exit(0));
  }
});

process.send?.({ ready });
