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
import { freePort } from "../support/free-port.ts";

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

  it("closes the connection after a 421 (the server is shutting it) and sends the next over a new one", async () => {
    const { peer, sender } = await rig({ maxConnections: 1 });
    await sender.send(mail("first@example.org"));
    peer.failNext(1, 421);
    expect(await sender.send(mail("refused@example.org")).catch((e: unknown) => e)).toMatchObject({
      kind: "retry",
      code: "smtp 421",
    });
    await sender.send(mail("next@example.org"));
    const mails = await peer.waitFor(2);
    expect(mails.map((m) => [m.to[0], m.connection])).toEqual([
      ["first@example.org", 1],
      ["next@example.org", 2],
    ]);
  });

  it("with requireTLS, sends nothing to a server that offers no STARTTLS (one that had it removed on the way)", async () => {
    const { peer, sender } = await rig({
      requireAuth: true,
      url: (p) => `smtp://relay-user:s3cret@127.0.0.1:${p.port}?requireTLS=true`,
    });
    const refused = await sender.send(mail("resident@example.org")).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(SendError);
    expect(refused).toMatchObject({ kind: "retry", ambiguous: false });
    expect((refused as SendError).message).not.toContain("s3cret");
    expect(peer.messages).toHaveLength(0);
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
    const port = await freePort(); // listened on once, then closed: nothing answers there
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

describe("a connection lost in the middle of a message", () => {
  it("after the message began to go out: retried later and marked a possible duplicate, never sent again at once", async () => {
    const server = await scriptedSmtp({ dropSecondAt: "data" });
    const sender = createSmtpSender({ smtpUrl: server.url, from: FROM }, { maxConnections: 1 });
    opened.push({ sender });
    await sender.send(mail("first@example.org"));
    const error = await sender.send(mail("second@example.org")).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SendError);
    expect(error).toMatchObject({ kind: "retry", ambiguous: true });
    // The server had the whole second message when the connection went: it may have queued it.
    expect(server.messages).toEqual(["first@example.org", "second@example.org"]);
    server.close();
  });

  it("before the message began (the server closed the idle connection as it was reused): sent once more at once, on a new connection", async () => {
    const server = await scriptedSmtp({ dropSecondAt: "mail" });
    const sender = createSmtpSender({ smtpUrl: server.url, from: FROM }, { maxConnections: 1 });
    opened.push({ sender });
    await sender.send(mail("first@example.org"));
    await sender.send(mail("second@example.org"));
    expect(server.messages).toEqual(["first@example.org", "second@example.org"]);
    expect(server.connections).toBe(2);
    server.close();
  });
});

/**
 * A minimal SMTP server that accepts every mail but, on the second mail of the whole run, drops the
 * connection: at its MAIL command (`mail`) or once its data has arrived, before answering (`data`).
 */
async function scriptedSmtp(options: { dropSecondAt: "mail" | "data" }) {
  const messages: string[] = [];
  let connections = 0;
  let mailCommands = 0;
  const server = net.createServer((socket) => {
    connections += 1;
    socket.write("220 scripted ESMTP\r\n");
    let buffered = "";
    let inData = false;
    let recipient = "";
    socket.on("data", (chunk: Buffer) => {
      buffered += chunk.toString("latin1");
      for (;;) {
        if (inData) {
          const end = buffered.indexOf("\r\n.\r\n");
          if (end < 0) return;
          buffered = buffered.slice(end + 5);
          inData = false;
          messages.push(recipient);
          if (options.dropSecondAt === "data" && messages.length === 2) return socket.destroy();
          socket.write("250 queued\r\n");
          continue;
        }
        const end = buffered.indexOf("\r\n");
        if (end < 0) return;
        const line = buffered.slice(0, end);
        buffered = buffered.slice(end + 2);
        if (line.startsWith("EHLO")) socket.write("250-scripted\r\n250 PIPELINING\r\n");
        else if (line.startsWith("MAIL")) {
          mailCommands += 1;
          if (options.dropSecondAt === "mail" && mailCommands === 2) return socket.destroy();
          socket.write("250 sender ok\r\n");
        } else if (line.startsWith("RCPT")) {
          recipient = /<([^>]*)>/.exec(line)?.[1] ?? "";
          socket.write("250 recipient ok\r\n");
        } else if (line.startsWith("DATA")) {
          inData = true;
          socket.write("354 go ahead\r\n");
        } else if (line.startsWith("QUIT")) socket.end("221 bye\r\n");
        else socket.write("500 unknown\r\n");
      }
    });
    socket.on("error", () => {});
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    messages,
    get connections() {
      return connections;
    },
    close: () => server.close(),
  };
}
