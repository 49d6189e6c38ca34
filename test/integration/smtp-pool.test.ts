/**
 * The SMTP sender's own pool (src/delivery/smtp-pool.ts) against a real SMTP server: how many
 * connections it opens, what it does with one the server drops or a message the server refuses,
 * credentials from SMTP_URL, and a server that is not there.
 */
import net from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { SendError, type Sender } from "../../src/delivery/sender.ts";
import { createSmtpSender } from "../../src/delivery/smtp-sender.ts";
import { type SmtpPeer, type SmtpPeerOptions, startSmtpPeer } from "../peers/smtp-peer.ts";

const FROM = "Aviso <alerts@aviso.test>";
const opened: { peer?: SmtpPeer; sender?: Sender }[] = [];

async function rig(
  options: SmtpPeerOptions & { maxConnections?: number; url?: (peer: SmtpPeer) => string } = {},
) {
  const peer = await startSmtpPeer(options);
  const sender = createSmtpSender(
    { smtpUrl: options.url ? options.url(peer) : peer.url, from: FROM },
    { maxConnections: options.maxConnections },
  );
  opened.push({ peer, sender });
  return { peer, sender };
}

afterEach(async () => {
  for (const { peer, sender } of opened.splice(0)) {
    await sender?.close?.();
    await peer?.close();
  }
});

const mail = (to: string) => ({ channel: "email" as const, to, subject: "VERIFIED: test", text: "Hello" });

describe("the SMTP sender's pool", () => {
  it("opens no more connections than allowed, however many messages wait, and delivers each once", async () => {
    const { peer, sender } = await rig({ maxConnections: 3 });
    await Promise.all(Array.from({ length: 30 }, (_, i) => sender.send(mail(`resident${i}@example.org`))));
    const mails = await peer.waitFor(30);
    expect(peer.connections).toBe(3);
    expect(new Set(mails.map((m) => m.to[0])).size).toBe(30);
    expect(mails).toHaveLength(30);
  });

  it("keeps the connection after the server refuses a message, and the next goes over it", async () => {
    const { peer, sender } = await rig({ maxConnections: 1 });
    await sender.send(mail("first@example.org"));
    peer.failNext(1, 554);
    const refused = await sender.send(mail("refused@example.org")).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(SendError);
    expect(refused).toMatchObject({ kind: "permanent", code: "smtp 554" });
    peer.failNext(1, 451);
    expect(await sender.send(mail("later@example.org")).catch((e: unknown) => e)).toMatchObject({
      kind: "retry",
      code: "smtp 451",
    });
    await sender.send(mail("next@example.org"));
    const mails = await peer.waitFor(2);
    expect(mails.map((m) => m.to[0])).toEqual(["first@example.org", "next@example.org"]);
    expect(peer.connections).toBe(1);
  });

  it("replaces a connection the server closed while it was idle: the next message goes out", async () => {
    const { peer, sender } = await rig({ maxConnections: 1, idleTimeoutMs: 300 });
    await sender.send(mail("before@example.org"));
    await new Promise((resolve) => setTimeout(resolve, 800)); // the server times the connection out
    await sender.send(mail("after@example.org"));
    const mails = await peer.waitFor(2);
    expect(mails.map((m) => [m.to[0], m.connection])).toEqual([
      ["before@example.org", 1],
      ["after@example.org", 2],
    ]);
  });

  it("signs in with the credentials in SMTP_URL", async () => {
    const { peer, sender } = await rig({
      requireAuth: true,
      url: (p) => `smtp://relay-user:s3cret@127.0.0.1:${p.port}`,
    });
    await sender.send(mail("resident@example.org"));
    const [received] = await peer.waitFor(1);
    expect(received!.authUser).toBe("relay-user");
  });

  it("a server that is not there: a retryable error for each message, none left hanging", async () => {
    const port = await closedPort();
    const sender = createSmtpSender(
      { smtpUrl: `smtp://127.0.0.1:${port}`, from: FROM },
      { maxConnections: 2 },
    );
    opened.push({ sender });
    const errors = await Promise.all(
      Array.from({ length: 5 }, (_, i) => sender.send(mail(`r${i}@example.org`)).catch((e: unknown) => e)),
    );
    for (const error of errors) {
      expect(error).toBeInstanceOf(SendError);
      expect(error).toMatchObject({ kind: "retry" });
      expect((error as SendError).message).not.toContain("@example.org");
    }
  });
});

/** A loopback port nothing listens on (listened on once, then closed). */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
