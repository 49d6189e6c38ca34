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
 * `:port`; without one only the https default port (443) is allowed. The check is made when a
 * browser subscribes (POST /api/v1/push-subscriptions answers 400) and again by the delivery
 * worker before each send, so an endpoint stored before the list was narrowed is never called.
 */

export const DEFAULT_PUSH_ENDPOINT_HOSTS: readonly string[] = [
  "fcm.googleapis.com",
  "*.push.services.mozilla.com",
  "*.push.apple.com",
  "*.notify.windows.com",
];

const ENTRY =
  /^(?:(\*\.)?((?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)|(\[[0-9a-f:.]+\]))(?::(\d{1,5}))?$/;

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
  const port = match[4] ?? "";
  if (port !== "" && (Number(port) < 1 || Number(port) > 65535)) return undefined;
  // The URL parser writes 443 as no port at all.
  return { wildcard: match[1] !== undefined, host: match[2] ?? match[3]!, port: port === "443" ? "" : port };
}

/** Whether the worker may send to this endpoint: https, no credentials, a host and port on the list. */
export function pushEndpointAllowed(endpoint: string, hosts: readonly string[]): boolean {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    return false;
  }
  if (url.protocol !== "https:" || url.username !== "" || url.password !== "") return false;
  const hostname = url.hostname.toLowerCase();
  return hosts.some((entry) => {
    const rule = parseRule(entry);
    if (!rule || rule.port !== url.port) return false;
    return rule.wildcard ? hostname.endsWith(`.${rule.host}`) : hostname === rule.host;
  });
}
