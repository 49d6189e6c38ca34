/**
 * Per-IP limits on every POST that needs no sign-in (the subscribe form, email confirmations,
 * unsubscribe clicks, the console's and the API's login, push sign-ups, the phone simulator): at
 * most PUBLIC_POSTS_PER_IP_PER_MINUTE per client a minute, else 429 with Retry-After, before the
 * body is read or the database touched. Not limited here: Twilio's signed webhooks (Twilio sends
 * from shared addresses; the signature and the reply ceilings bound their cost) and signed-in
 * staff (a hotline office shares one address; their routes authenticate first).
 *
 * Counted per client (src/security/client-key.ts: an IPv4 address or an IPv6 /64, so one host
 * cannot cycle through its addresses) in fixed one-minute windows in this process's memory, so a
 * flood costs no database work. The table keeps at most MAX_TRACKED clients and evicts the least
 * recently seen, so a flood from many addresses never makes a fresh one share a full counter.
 * Addresses are never stored or logged. The limit is per process, not per deployment: what to do
 * with several API processes, or at the edge, is in
 * docs/privacy.md#several-api-processes-the-per-ip-limit-on-public-posts-is-per-process.
 */
import type { MiddlewareHandler } from "hono";
import type { AppContext, AppEnv } from "../context.ts";
import { clientKey } from "../security/client-key.ts";
import type { ApiRoute } from "./api-route.ts";
import { clientIp } from "./authenticate.ts";
import { errorBody } from "./errors.ts";

const MAX_TRACKED = 50_000;
const WINDOW_MS = 60_000;

/** Per client: the window counted and the count in it. A Map iterates in insertion order, so
 * re-inserting a client on every request keeps the least recently seen first. */
type Counts = Map<string, { window: number; count: number }>;
const counters = new WeakMap<AppContext, Counts>();

/** The operator API's routes that need no sign-in and change something, as path patterns. */
export function publicApiPatterns(routes: readonly ApiRoute[], base = "/api/v1"): RegExp[] {
  return routes
    .filter((route) => route.permission === "public" && route.method !== "get")
    .map((route) => new RegExp(`^${base}${route.path.replace(/:[A-Za-z0-9_]+/g, "[^/]+")}/?$`));
}

/**
 * Whether a request is a public POST: anything but GET/HEAD/OPTIONS, outside the signed webhooks,
 * the operator API (but its public routes) and the console (but its login).
 */
export function isPublicPost(method: string, path: string, publicApi: readonly RegExp[]): boolean {
  if (method === "GET" || method === "HEAD" || method === "OPTIONS") return false;
  if (path.startsWith("/webhooks/twilio/")) return false;
  if (path.startsWith("/api/")) return publicApi.some((pattern) => pattern.test(path));
  if (path === "/console" || path.startsWith("/console/"))
    return path === "/console/login" || path === "/console/login/code";
  return true;
}

/** Takes one request from the client's allowance; the seconds to wait when there is none left. */
export function takePublicPost(ctx: AppContext, address: string): number | null {
  const now = ctx.clock.now().getTime();
  const window = Math.floor(now / WINDOW_MS);
  const key = clientKey(address);
  let counts = counters.get(ctx);
  if (!counts) {
    counts = new Map();
    counters.set(ctx, counts);
  }
  const previous = counts.get(key);
  const count = previous && previous.window === window ? previous.count + 1 : 1;
  counts.delete(key);
  if (counts.size >= MAX_TRACKED) {
    const oldest = counts.keys().next();
    if (!oldest.done) counts.delete(oldest.value);
  }
  counts.set(key, { window, count });
  if (count <= ctx.config.publicPostsPerIpPerMinute) return null;
  return Math.max(1, Math.ceil(((window + 1) * WINDOW_MS - now) / 1000));
}

export function publicPostLimit(apiRoutes: readonly ApiRoute[]): MiddlewareHandler<AppEnv> {
  const publicApi = publicApiPatterns(apiRoutes);
  return async (c, next) => {
    if (!isPublicPost(c.req.method, c.req.path, publicApi)) return next();
    const ctx = c.get("ctx");
    const wait = takePublicPost(ctx, clientIp(c));
    if (wait === null) return next();
    c.header("Retry-After", String(wait));
    c.header("Cache-Control", "no-store");
    const message = `Too many requests from your address; try again in ${wait} seconds`;
    if ((c.req.header("accept") ?? "").includes("text/html")) {
      return c.html(tooManyPage(wait), 429);
    }
    return c.json(errorBody("rate_limited", message, c.get("requestId"), { retryAfterSeconds: wait }), 429);
  };
}

/** For forms: a plain page in the four languages the public site speaks. */
function tooManyPage(wait: number): string {
  return `<!doctype html><html lang="en"><meta charset="utf-8"><title>Too many requests</title>
<h1>Too many requests</h1>
<p>Too many requests came from your address. Wait ${wait} seconds and try again.</p>
<p lang="es">Demasiadas solicitudes desde su dirección. Espere ${wait} segundos e inténtelo de nuevo.</p>
<p lang="zh">来自您地址的请求过多。请等待 ${wait} 秒后重试。</p>
<p lang="vi">Quá nhiều yêu cầu từ địa chỉ của bạn. Vui lòng đợi ${wait} giây rồi thử lại.</p>
</html>`;
}
