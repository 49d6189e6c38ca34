/**
 * The real `twilio` client, optionally aimed at a Twilio-compatible API base (TWILIO_API_URL: a
 * compatible provider, or the loopback peer in tests) instead of https://api.twilio.com.
 *
 * How: the client accepts a custom `httpClient` (a documented option). Ours is the library's own
 * RequestClient with one change — it swaps the origin of every URL the client builds
 * (https://api.twilio.com/2010-04-01/… → <apiUrl>/2010-04-01/…) and keeps path and query. Auth,
 * form encoding, error mapping (RestException) stay the library's. No monkey-patching, and it works
 * for every Twilio domain (api, messaging, …) and for an apiUrl with a path prefix.
 */
import twilio from "twilio";
import type RequestClient from "twilio/lib/base/RequestClient.js";
import { UndiciTwilioHttpClient } from "./twilio-http.ts";

export interface TwilioClientOptions {
  accountSid: string;
  authToken: string;
  /** A Twilio-compatible API base; unset → api.twilio.com. */
  apiUrl?: string | undefined;
  /** Per-request timeout in ms (the library's default is 30 000). */
  timeoutMs?: number | undefined;
  /** Carry requests with undici instead of the library's axios client (see twilio-http.ts). */
  undici?: boolean | undefined;
}

export type TwilioClient = twilio.Twilio;

/** Closes the client's connections, when it carries its requests on our pool (senders do). */
export async function closeTwilioClient(client: TwilioClient): Promise<void> {
  if (client.httpClient instanceof UndiciTwilioHttpClient) await client.httpClient.close();
}

export function createTwilioClient(opts: TwilioClientOptions): TwilioClient {
  // We retry (and back off) ourselves, so the library must not retry 429s behind our back.
  const clientOptions = { timeout: opts.timeoutMs, autoRetry: false };
  if (opts.undici) {
    const httpClient = new UndiciTwilioHttpClient({ apiUrl: opts.apiUrl, timeoutMs: opts.timeoutMs });
    return twilio(opts.accountSid, opts.authToken, { ...clientOptions, httpClient });
  }
  if (!opts.apiUrl) return twilio(opts.accountSid, opts.authToken, clientOptions);
  const httpClient = new RebasedRequestClient(opts.apiUrl, clientOptions);
  return twilio(opts.accountSid, opts.authToken, { ...clientOptions, httpClient });
}

class RebasedRequestClient extends twilio.RequestClient {
  readonly #base: URL;

  constructor(apiUrl: string, opts: RequestClient.RequestClientOptions) {
    super(opts);
    this.#base = new URL(apiUrl);
  }

  override request<TData>(opts: RequestClient.RequestOptions<TData>) {
    return super.request({ ...opts, uri: this.#rebase(opts.uri) });
  }

  #rebase(uri: string): string {
    const original = new URL(uri);
    const prefix = this.#base.pathname.replace(/\/+$/, "");
    return `${this.#base.origin}${prefix}${original.pathname}${original.search}`;
  }
}
