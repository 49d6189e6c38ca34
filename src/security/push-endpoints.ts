/**
 * Which push endpoints Aviso will POST to. A browser's PushSubscription names a URL, and the
 * delivery worker sends to it: left open, anyone could make the worker send requests to any host
 * (server-side request forgery: internal services, cloud metadata, other people's servers). So an
 * endpoint must be https, carry no user name or password, and be on a known push service:
 *
 *   fcm.googleapis.com              Chrome, and Chromium browsers that use Google's service
 *   *.push.services.mozilla.com     Firefox (updates.push.services.mozilla.com)
 *   *.push.apple.com                Safari on macOS 13+ and iOS 16.4+ (web.push.apple.com)
 *   *.notify.windows.com            Edge (Windows Push Notification Services, wns2-….notify.windows.com)
 *
 * PUSH_ENDPOINT_HOSTS replaces the list (comma-separated entries; `default` stands for the list
 * above, so `default,push.example.org` extends it). An entry is a host name, `*.` + a domain
 * (any host under it, not the domain itself), or an IP address ([…] for IPv6), with an optional
 * `:port`; without one only the https default port (443) is allowed. An IP address is allowed only
 * where an entry names it exactly (the tests' loopback push peer): a wildcard stands for names, and
 * one that could only match addresses (`*.0.1`) is refused at start-up.
 *
 * One URL. An endpoint is parsed once, by the WHATWG URL parser, and what is checked is the URL
 * object the sender then requests: another parser (web-push's, Node's legacy url.parse) may read
 * another host out of the same string (`https://127.0.0.1;.push.apple.com/` is 127.0.0.1 to
 * url.parse). So the host must be written plainly, as browsers' push services write it: lower-case
 * letters, digits, hyphens and dots in well-formed labels (or an IP literal written exactly as its
 * entry), no percent-encoding, no credentials, nothing the parser would rewrite. What is stored is
 * the URL's canonical `href`. The check is made when a browser subscribes (POST
 * /api/v1/push-subscriptions answers 400), by the delivery worker before each send, and by the push
 * sender itself, so an endpoint stored before the list was narrowed is never called.
 */

export const DEFAULT_PUSH_ENDPOINT_HOSTS: readonly string[] = [
  "fcm.googleapis.com",
  "*.push.services.mozilla.com",
  "*.push.apple.com",
  "*.notify.windows.com",
];

const LABEL = "[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?";
const NAME = new RegExp(`^(?:${LABEL}\\.)*${LABEL}$`);
const IPV4 = /^(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?:\.(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const ENTRY = /^(\*\.)?([a-z0-9.-]+|\[[0-9a-f:.]+\])(?::(\d{1,5}))?$/;
/** How an endpoint's authority must be written: a plain host (or bracketed IPv6) and an optional port. */
const AUTHORITY = /^(?:[a-z0-9.-]+|\[[0-9a-f:.]+\])(?::\d{1,5})?$/;

type Rule = { wildcard: boolean; host: string; port: string };

/** The entries of PUSH_ENDPOINT_HOSTS with `default` expanded, lower-cased; undefined when one is not valid. */
export function parsePushEndpointHosts(value: string): string[] | undefined {
  const entries: string[] = [];
  for (const raw of value.split(",")) {
    const entry = raw.trim().toLowerCase();
    if (entry === "") continue;
    if (entry === "default") entries.push(...DEFAULT_PUSH_ENDPOINT_HOSTS);
    else if (parseRule(entry)) entries.push(entry);
    else return undefined;
  }
  return entries.length > 0 ? [...new Set(entries)] : undefined;
}

function parseRule(entry: string): Rule | undefined {
  const match = ENTRY.exec(entry);
  if (!match) return undefined;
  const wildcard = match[1] !== undefined;
  const host = match[2]!;
  const port = match[3] ?? "";
  if (port !== "" && (Number(port) < 1 || Number(port) > 65535)) return undefined;
  if (host.startsWith("[")) {
    // An IPv6 entry must be written as the URL parser writes it, or it would never match.
    if (wildcard || canonicalHost(host) !== host) return undefined;
  } else if (isNumeric(host)) {
    // An IPv4 entry: a plain dotted quad only (never `127.1` or `0x7f.0.0.1`), never a wildcard.
    if (wildcard || !IPV4.test(host)) return undefined;
  } else if (!NAME.test(host)) return undefined;
  // The URL parser writes 443 as no port at all.
  return { wildcard, host, port: port === "443" ? "" : port };
}

/** A name whose last label is all digits (or hex) is an IPv4 address to the URL parser. */
function isNumeric(host: string): boolean {
  const last = host.split(".").at(-1) ?? "";
  return /^(?:\d+|0x[0-9a-f]*)$/.test(last);
}

function canonicalHost(host: string): string | undefined {
  try {
    return new URL(`https://${host}/`).hostname;
  } catch {
    return undefined;
  }
}

/**
 * The endpoint as the one URL the worker may send to, or undefined: https, written plainly (see
 * above), no credentials, a host and port on the list. Its `href` is the form to store.
 */
export function allowedPushEndpoint(endpoint: string, hosts: readonly string[]): URL | undefined {
  if (!endpoint.startsWith("https://")) return undefined;
  const rest = endpoint.slice("https://".length);
  const authority = rest.slice(0, rest.search(/[/?#\\]|$/)).toLowerCase();
  if (!AUTHORITY.test(authority)) return undefined;
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    return undefined;
  }
  if (url.protocol !== "https:" || url.username !== "" || url.password !== "") return undefined;
  const hostname = url.hostname;
  // The parser rewrote the host (a numeric IPv4 form, IPv6 zeros): it is not what was written.
  const written = authority.replace(/:\d+$/, "");
  if (hostname !== written) return undefined;
  const ip = hostname.startsWith("[") || isNumeric(hostname);
  if (!ip && !NAME.test(hostname)) return undefined;
  const allowed = hosts.some((entry) => {
    const rule = parseRule(entry);
    if (!rule || rule.port !== url.port) return false;
    if (rule.wildcard) return !ip && hostname.endsWith(`.${rule.host}`);
    return hostname === rule.host;
  });
  return allowed ? url : undefined;
}

/** Whether the worker may send to this endpoint (allowedPushEndpoint answers a URL). */
export function pushEndpointAllowed(endpoint: string, hosts: readonly string[]): boolean {
  return allowedPushEndpoint(endpoint, hosts) !== undefined;
}
