/**
 * An HTTP client for the `twilio` package built on node:http(s) with keep-alive agents, passed
 * through the package's documented `httpClient` option. The package's own RequestClient goes
 * through axios, which at fan-out volume was most of the CPU an SMS cost us (figures in
 * docs/architecture.md#fan-out, "Senders"). The twilio package still builds every request and
 * maps every answer (RestException); this only carries the bytes. Like RebasedRequestClient it
 * can swap the origin for TWILIO_API_URL.
 *
 * Errors without an HTTP answer keep Node's codes (ECONNREFUSED, ECONNRESET, ETIMEDOUT), which
 * the sender uses to tell "never reached Twilio" from "may have reached Twilio".
 */
import http from "node:http";
import https from "node:https";
import twilio from "twilio";
import type RequestClient from "twilio/lib/base/RequestClient.js";
import type * as ResponseModule from "twilio/lib/http/response.js";

type Response<T> = ResponseModule.default<T>;

export class NodeTwilioHttpClient extends twilio.RequestClient {
  readonly #base: URL | undefined;
  readonly #timeoutMs: number;
  readonly #agents = {
    "http:": new http.Agent({ keepAlive: true, maxSockets: 64 }),
    "https:": new https.Agent({ keepAlive: true, maxSockets: 64 }),
  };

  constructor(options: { apiUrl?: string; timeoutMs?: number } = {}) {
    super({ timeout: options.timeoutMs, autoRetry: false });
    this.#base = options.apiUrl ? new URL(options.apiUrl) : undefined;
    this.#timeoutMs = options.timeoutMs ?? 30_000;
  }

  override request<TData>(opts: RequestClient.RequestOptions<TData>): Promise<Response<TData>> {
    const url = this.#rebase(new URL(opts.uri));
    for (const [name, value] of Object.entries(opts.params ?? {})) appendParam(url.searchParams, name, value);
    const headers: Record<string, string> = {
      ...(opts.headers as Record<string, string>),
      Connection: "keep-alive",
    };
    if (opts.username && opts.password) {
      headers.Authorization = `Basic ${Buffer.from(`${opts.username}:${opts.password}`).toString("base64")}`;
    }
    let body: string | undefined;
    if (opts.data) {
      const form = new URLSearchParams();
      for (const [name, value] of Object.entries(opts.data as Record<string, unknown>))
        appendParam(form, name, value);
      body = form.toString();
      headers["Content-Length"] = String(Buffer.byteLength(body));
    }
    const transport = url.protocol === "https:" ? https : http;
    const agent = this.#agents[url.protocol === "https:" ? "https:" : "http:"];
    const timeout = opts.timeout ?? this.#timeoutMs;

    return new Promise((resolve, reject) => {
      const req = transport.request(url, { method: opts.method.toUpperCase(), headers, agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        // The body stays a string: the twilio package parses it (and maps errors) itself.
        res.on("end", () =>
          resolve({
            statusCode: res.statusCode ?? 0,
            body: Buffer.concat(chunks).toString("utf8") as TData,
            headers: res.headers,
          } as Response<TData>),
        );
        res.on("error", reject);
      });
      req.setTimeout(timeout, () =>
        req.destroy(Object.assign(new Error("Twilio request timed out"), { code: "ETIMEDOUT" })),
      );
      req.on("error", reject);
      req.end(body);
    });
  }

  destroy(): void {
    this.#agents["http:"].destroy();
    this.#agents["https:"].destroy();
  }

  #rebase(original: URL): URL {
    if (!this.#base) return original;
    const prefix = this.#base.pathname.replace(/\/+$/, "");
    return new URL(`${this.#base.origin}${prefix}${original.pathname}${original.search}`);
  }
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
