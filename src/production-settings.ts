/**
 * What `NODE_ENV=production` refuses beyond missing settings: settings that work but leave
 * residents exposed. Keys that are not random (src/security/key-strength.ts), a PUBLIC_URL or a
 * provider or link URL that is not https, SMTP that may fall back to plaintext, and a Postgres on
 * another machine reached without TLS and a checked certificate. Each problem
 * names its variable and never includes the value: these are secrets, and URLs carry passwords.
 */
import { MAKE_A_KEY, weakKeyReason } from "./security/key-strength.ts";

type Env = Record<string, unknown>;
type KeyringEntry = { id: string; key: Buffer };

export function productionProblems(
  e: Env,
  parsed: {
    keyring: KeyringEntry[] | null;
    blindIndexKey: Buffer | undefined;
    databaseThroughHyperdrive?: boolean;
  },
): string[] {
  const problems: string[] = [];
  const text = (name: string) => (typeof e[name] === "string" ? (e[name] as string) : undefined);

  // Only the first key encrypts. Older ones stay in the ring only to read what `aviso keys rotate`
  // is moving away from them, so a weak one must be allowed there: it is the way out.
  const [active] = parsed.keyring ?? [];
  const ring = text("PII_ENCRYPTION_KEYS");
  if (active && ring) {
    const encoded = ring
      .split(",")[0]!
      .trim()
      .slice(active.id.length + 1);
    const weak = weakKeyReason(active.key, encoded);
    if (weak) {
      problems.push(`PII_ENCRYPTION_KEYS: the first key ("${active.id}") ${weak}; ${MAKE_A_KEY}`);
    }
  }
  const indexKey = text("BLIND_INDEX_KEY");
  if (parsed.blindIndexKey && indexKey) {
    const weak = weakKeyReason(parsed.blindIndexKey, indexKey);
    if (weak) problems.push(`BLIND_INDEX_KEY: ${weak}; ${MAKE_A_KEY}`);
    if (parsed.keyring?.some((entry) => entry.key.equals(parsed.blindIndexKey!))) {
      problems.push("BLIND_INDEX_KEY: must differ from every key in PII_ENCRYPTION_KEYS");
    }
  }
  const vapid = text("VAPID_PRIVATE_KEY");
  if (vapid) {
    const key = Buffer.from(vapid, "base64url");
    const weak = key.length === 32 ? weakKeyReason(key, vapid) : "is not 32 bytes, base64url-encoded";
    if (weak) problems.push(`VAPID_PRIVATE_KEY: ${weak}; make a pair with: npx web-push generate-vapid-keys`);
  }

  const publicUrl = text("PUBLIC_URL");
  if (publicUrl && protocolOf(publicUrl) !== "https:") {
    problems.push("PUBLIC_URL: must be an https:// URL in production");
  }
  const twilio = text("TWILIO_API_URL");
  if (twilio && protocolOf(twilio) !== "https:" && !onLoopback(twilio)) {
    problems.push("TWILIO_API_URL: must be an https:// URL in production (or a relay on this machine)");
  }
  for (const name of [
    "KNOW_YOUR_RIGHTS_LINKS",
    "KNOW_YOUR_RIGHTS_LINKS_ES",
    "KNOW_YOUR_RIGHTS_LINKS_ZH",
    "KNOW_YOUR_RIGHTS_LINKS_VI",
  ]) {
    const value = text(name);
    // Residents follow these; over http anyone on their network can change where they lead.
    const urls = value?.split(";").map((entry) => entry.slice(entry.lastIndexOf("|") + 1).trim()) ?? [];
    if (urls.some((url) => url !== "" && protocolOf(url) !== "https:")) {
      problems.push(`${name}: every link must be https:// in production`);
    }
  }
  const smtp = text("SMTP_URL");
  const smtpProblem = smtp ? smtpTlsProblem(smtp) : null;
  if (smtpProblem) problems.push(`SMTP_URL: ${smtpProblem}`);
  // Hyperdrive's string names Cloudflare's own proxy; Hyperdrive reaches the database over TLS.
  const database = parsed.databaseThroughHyperdrive ? undefined : text("DATABASE_URL");
  const databaseProblem = database ? databaseTlsProblem(database) : null;
  if (databaseProblem) problems.push(`DATABASE_URL: ${databaseProblem}`);
  return problems;
}

function protocolOf(value: string): string | undefined {
  try {
    return new URL(value).protocol;
  } catch {
    return undefined;
  }
}

/**
 * A relay on this machine (a local Postfix, stunnel): the traffic never leaves it, and the relay
 * does TLS onward. Read from the raw text, strictly, so that no URL parser can see another host.
 */
function onLoopback(value: string): boolean {
  return /^[a-z]+:\/\/(?:[^@/?#\\]*@)?(?:localhost|127\.\d{1,3}\.\d{1,3}\.\d{1,3}|\[::1\])(?::\d{1,5})?(?:[/?#]|$)/i.test(
    value,
  );
}

/**
 * SMTP must be encrypted, with the certificate checked: `smtps://` (TLS from the first byte, port
 * 465) or `smtp://…?requireTLS=true` (STARTTLS, and no mail or password unless it succeeds). A plain
 * `smtp://` only uses STARTTLS when the server offers it, and anyone on the path can remove the
 * offer. A relay on this machine is exempt (see onLoopback), not from certificate checks. The
 * parameters read here are the ones nodemailer reads from the URL.
 */
export function smtpTlsProblem(value: string): string | null {
  // The checks below and nodemailer's own (legacy) URL parser must read the same URL.
  const unsafe = [...value].some((ch) => ch.charCodeAt(0) < 0x20 || ch.charCodeAt(0) === 0x7f);
  if (unsafe || /[\s\\]/.test(value)) return "must not contain spaces, backslashes or control characters";
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return "must be a URL";
  }
  const verify = url.searchParams.getAll("tls.rejectUnauthorized");
  if (verify.some((v) => v !== "true")) {
    return "tls.rejectUnauthorized must not turn off certificate checks in production";
  }
  if (url.protocol === "smtps:" || onLoopback(value)) return null;
  const required = url.searchParams.getAll("requireTLS");
  if (required.length === 1 && required[0] === "true") return null;
  return "smtp:// may send mail and the SMTP password in plaintext; use smtps://host:465, or smtp://host:587?requireTLS=true to require STARTTLS";
}

/**
 * Postgres on another machine carries every sealed address, the audit log and the sessions; on
 * the wire without TLS, anyone on the path reads the queries and can answer them. pg turns TLS on
 * for `sslmode` or `ssl=true`, and checks the certificate unless told not to: `verify-full` checks
 * it and the host name; `require`/`verify-ca` only with a CA of our own (`sslrootcert`), since pg
 * may come to read them as libpq does (encrypt, check nothing); `no-verify`, `prefer`, `allow`,
 * `disable` and `uselibpqcompat` leave a man in the middle possible. A Unix socket or loopback
 * never leaves the machine.
 */
export function databaseTlsProblem(value: string): string | null {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return "must be a URL";
  }
  const params = url.searchParams;
  const socketHost = params.get("host") ?? decodeURIComponent(url.hostname);
  if (url.hostname === "" || socketHost.startsWith("/") || onLoopback(value)) return null;
  const mode = params.getAll("sslmode");
  const ssl = params.getAll("ssl");
  const fix =
    "add sslmode=verify-full (with sslrootcert=<CA file> for a private CA) so the connection is encrypted and the server's certificate checked";
  if (params.get("uselibpqcompat") === "true") {
    return `uselibpqcompat makes sslmode=require skip the certificate check; ${fix}`;
  }
  if (mode.length > 1 || ssl.length > 1) return `give sslmode once; ${fix}`;
  if (mode[0] === "verify-full") return null;
  if ((mode[0] === "require" || mode[0] === "verify-ca") && params.get("sslrootcert")) return null;
  if (mode.length === 0 && (ssl[0] === "true" || ssl[0] === "1")) return null;
  return `a database on another machine must be reached over TLS with its certificate checked; ${fix}`;
}
