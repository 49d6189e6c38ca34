/**
 * A sighting's live view as server-sent events, for the console page and the API alike: a
 * `sighting` event (src/services/sightings/live-snapshot.ts) on connect and whenever the sighting's
 * status or dispatch changes, found by polling a cheap fingerprint once a second (why polling:
 * see live-snapshot.ts).
 *
 * Bounded, because each open stream polls the database:
 * - at most LIVE_STREAMS_PER_USER open at once per person or API key (counted in this process; a
 *   deployment with several processes allows that many per process), one more is a 429;
 * - each ends after LIVE_STREAM_SECONDS and the browser's EventSource reconnects after `retry`
 *   (the first event sets it), so a forgotten tab or a revoked session does not hold a stream for
 *   ever: the reconnection goes through sign-in and the organisation check again;
 * - a comment line every 15 s of silence, so proxies do not drop an idle connection;
 * - the slot is given back when the client goes away (Hono's onAbort) or the stream ends.
 *
 * In the Cloudflare Worker the database closes once the response is returned
 * (`requestScopedDatabase`), so the stream there is one snapshot taken before answering, with a
 * longer `retry`: the browser polls every few seconds instead of holding a stream.
 */
import type { Context } from "hono";
import { streamSSE } from "hono/streaming";
import type { Actor } from "../auth/permissions.ts";
import type { AppContext } from "../context.ts";
import { ApiError } from "../errors.ts";
import { type LiveSnapshot, liveFingerprint, liveSnapshot } from "../services/sightings/live-snapshot.ts";

const POLL_MS = 1_000;
const HEARTBEAT_MS = 15_000;
/** How soon EventSource reconnects after a stream's lifetime ends. */
const RETRY_MS = 2_000;
/** …and after the Worker's one-snapshot answer. */
const WORKER_RETRY_MS = 5_000;

const openStreams = new Map<string, number>();
const stoppers = new Set<() => void>();

/**
 * Ends every live stream of this process within a poll. On shutdown: the server's close waits for
 * open connections, which a stream would hold for LIVE_STREAM_SECONDS, and the browsers'
 * EventSource reconnects to a process still running.
 */
export function endLiveStreams(): void {
  for (const stop of stoppers) stop();
}

/** Streams this person or key holds open in this process (for tests and the cap). */
export function openStreamCount(actorId: string): number {
  return openStreams.get(actorId) ?? 0;
}

function take(actorId: string, cap: number): boolean {
  const held = openStreamCount(actorId);
  if (held >= cap) return false;
  openStreams.set(actorId, held + 1);
  return true;
}

function give(actorId: string): void {
  const held = openStreamCount(actorId) - 1;
  if (held > 0) openStreams.set(actorId, held);
  else openStreams.delete(actorId);
}

/**
 * The stream, once the caller was authenticated and authorised. Throws "No such sighting"
 * (not_found) outside the actor's organisation, before anything is sent, and rate_limited when
 * the actor holds LIVE_STREAMS_PER_USER streams already.
 */
export async function sightingEventStream(
  c: Context,
  input: {
    ctx: AppContext;
    actor: Actor;
    sightingId: string;
    /** What else each event carries (the console's page fragments), from the same snapshot. */
    decorate?: (snapshot: LiveSnapshot) => Promise<Record<string, unknown>>;
  },
): Promise<Response> {
  const { ctx, actor, sightingId } = input;
  const eventData = async () => {
    const snapshot = await liveSnapshot(ctx.db, sightingId, actor, ctx.config.operators.timeZone);
    return JSON.stringify(input.decorate ? { ...snapshot, ...(await input.decorate(snapshot)) } : snapshot);
  };
  if (ctx.requestScopedDatabase) {
    const data = await eventData();
    return unbuffered(
      streamSSE(c, async (stream) => {
        await stream.writeSSE({ event: "sighting", data, retry: WORKER_RETRY_MS });
      }),
    );
  }
  const { liveStreamsPerUser, liveStreamSeconds } = ctx.config.operators;
  if (!take(actor.id, liveStreamsPerUser)) {
    throw new ApiError(
      "rate_limited",
      `At most ${liveStreamsPerUser} live views open at once: close one (another tab?) first`,
    );
  }
  let held = true;
  const giveBack = () => {
    if (held) give(actor.id);
    held = false;
  };
  let last: string | null;
  let data: string;
  try {
    // The fingerprint first: a change between the two reads is sent again, never missed.
    last = await liveFingerprint(ctx.db, sightingId, actor);
    data = await eventData();
  } catch (error) {
    giveBack();
    throw error;
  }
  return unbuffered(
    streamSSE(
      c,
      async (stream) => {
        stream.onAbort(giveBack);
        let stopped = false;
        const stop = () => {
          stopped = true;
        };
        stoppers.add(stop);
        try {
          await stream.writeSSE({ event: "sighting", data, retry: RETRY_MS });
          const until = Date.now() + liveStreamSeconds * 1000;
          let quietUntil = Date.now() + HEARTBEAT_MS;
          while (!stream.aborted && !stopped && Date.now() < until) {
            await stream.sleep(Math.min(POLL_MS, Math.max(0, until - Date.now())));
            if (stream.aborted || stopped || Date.now() >= until) break;
            const now = await liveFingerprint(ctx.db, sightingId, actor);
            if (now === null) {
              // Merged away or deleted: nothing more to show; the reconnection would be a 404.
              await stream.writeSSE({ event: "gone", data: "{}" });
              break;
            }
            if (now !== last) {
              last = now;
              await stream.writeSSE({
                event: "sighting",
                data: await eventData(),
              });
              quietUntil = Date.now() + HEARTBEAT_MS;
            } else if (Date.now() >= quietUntil) {
              await stream.write(": heartbeat\n\n");
              quietUntil = Date.now() + HEARTBEAT_MS;
            }
          }
        } finally {
          stoppers.delete(stop);
          giveBack();
        }
      },
      async (error) => {
        giveBack();
        ctx.log.warn({ err: error, sightingId }, "live sighting stream ended by an error");
      },
    ),
  );
}

/**
 * Never stored by a cache (streamSSE says no-cache: it could be stored and revalidated), and
 * not held back by nginx and the like, which buffer responses unless told not to.
 */
function unbuffered(res: Response): Response {
  res.headers.set("Cache-Control", "no-store");
  res.headers.set("X-Accel-Buffering", "no");
  return res;
}
