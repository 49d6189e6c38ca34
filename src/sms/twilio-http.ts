/**
 * An HTTP client for the `twilio` package built on undici (the Node.js project's HTTP client, the
 * one under Node's own fetch) with a keep-alive connection pool, passed through the package's
 * documented `httpClient` option. The package's own RequestClient goes through axios, which at
 * fan-out volume was most of the CPU an SMS cost us; node:http, which replaced it, still cost
 * 0.13–0.17 ms of CPU a request on loopback where undici costs 0.06–0.07 (docs/benchmarks.md,
 * "2026-12-05, night: undici under the senders, and the SMS sender without MessageInstance"). The
 * twilio package still builds every request and maps every answer (RestException); this only
 * carries the bytes. Like RebasedRequestClient it can swap the origin for TWILIO_API_URL.
 *
 * Errors without an HTTP answer keep Node's codes (ECONNREFUSED, ECONNRESET), and a request without
 * Twilio's whole answer within the timeout fails with ETIMEDOUT, as node:http's did, so the sender
 * can tell "never reached Twilio" from "may have reached Twilio"; a connection that could not be
 * opened in time is UND_ERR_CONNECT_TIMEOUT (never reached).
 */
import twilio from "twilio";
import type RequestClient from "twilio/lib/base/RequestClient.js";
import type * as ResponseModule from "twilio/lib/http/response.js";
import { Agent, request } from "undici";
import { withDeadline } from "../delivery/deadline.ts";

type Response<T> = ResponseModule.default<T>;

/** Keep-alive connections per origin: a delivery chunk has up to 50 requests in flight. */
const CONNECTIONS_PER_ORIGIN = 64;

export class UndiciTwilioHttpClient extends twilio.RequestClient {
  readonly #base: URL | undefined;
  readonly #timeoutMs: number;
  readonly #agent: Agent;

  constructor(options: { apiUrl?: string; timeoutMs?: number } = {}) {
    super({ timeout: options.timeoutMs, autoRetry: false });
    this.#base = options.apiUrl ? new URL(options.apiUrl) : undefined;
    this.#timeoutMs = options.timeoutMs ?? 30_000;
    this.#agent = new Agent({ connections: CONNECTIONS_PER_ORIGIN, connect: { timeout: this.#timeoutMs } });
  }

  override async request<TData>(opts: RequestClient.RequestOptions<TData>): Promise<Response<TData>> {
    const url = this.#rebase(new URL(opts.uri));
    for (const [name, value] of Object.entries(opts.params ?? {})) appendParam(url.searchParams, name, value);
    const headers: Record<string, string> = { ...(opts.headers as Record<string, string>) };
    if (opts.username && opts.password) {
      headers.Authorization = `Basic ${Buffer.from(`${opts.username}:${opts.password}`).toString("base64")}`;
    }
    let body: string | undefined;
    if (opts.data) {
      const form = new URLSearchParams();
      for (const [name, value] of Object.entries(opts.data as Record<string, unknown>))
        appendParam(form, name, value);
      body = form.toString();
    }
    const timeout = opts.timeout ?? this.#timeoutMs;
    const method = opts.method.toUpperCase() as "POST";
    try {
      return await withDeadline(timeout, "Twilio request", async (signal) => {
        const res = await request(url, { dispatcher: this.#agent, method, headers, body, signal });
        // The body stays a string: the twilio package parses it (and maps errors) itself.
        return {
          statusCode: res.statusCode,
          body: (await res.body.text()) as TData,
          headers: res.headers,
        } as Response<TData>;
      });
    } catch (error) {
      throw withNodeCode(error);
    }
  }

  /** Closes the pool's keep-alive connections once their requests are answered. */
  close(): Promise<void> {
    return this.#agent.close();
  }

  #rebase(original: URL): URL {
    if (!this.#base) return original;
    const prefix = this.#base.pathname.replace(/\/+$/, "");
    return new URL(`${this.#base.origin}${prefix}${original.pathname}${original.search}`);
  }
}

/** undici's own timeouts (its defaults, beyond our deadline) are ETIMEDOUT too: the request may have gone. */
function withNodeCode(error: unknown): unknown {
  const code = (error as { code?: unknown } | null)?.code;
  if (code === "UND_ERR_HEADERS_TIMEOUT" || code === "UND_ERR_BODY_TIMEOUT") {
    return Object.assign(new Error("Twilio request timed out"), { code: "ETIMEDOUT" });
  }
  return error;
}

/** Twilio's form encoding: arrays as repeated fields, dates as ISO strings. */
function appendParam(target: URLSearchParams, name: string, value: unknown): void {
  if (value === undefined || value === null) return;
  if (Array.isArray(value)) {
    for (const item of value) appendParam(target, name, item);
    return;
  }
  target.append(name, value instanceof Date ? value.toISOString() : String(value));
}
