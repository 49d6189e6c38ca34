/**
 * Senders wrapped to time each provider acceptance: measuring, not changing, what they do; and the
 * delivery workers (Aviso's or the naive ones) started with such senders, as the fan-out
 * benchmark runs them in its own process and in each extra worker process. Times are wall-clock
 * milliseconds (performance.timeOrigin + performance.now()), so the hand-offs of several worker
 * processes can be put on one time line.
 */
import type { Config } from "../src/config.ts";
import type { AppContext } from "../src/context.ts";
import type { Channel } from "../src/db/database.ts";
import type { Sender } from "../src/delivery/sender.ts";
import type { Runtime } from "../src/runtime.ts";
import { startDeliveryWorkers } from "../workers/deliveries.ts";
import { naiveSenders, startNaiveWorkers } from "./naive.ts";

export type Handoffs = Record<Channel, number[]>;

export const wallClockMs = () => performance.timeOrigin + performance.now();

export function timed(senders: Record<Channel, Sender>): {
  senders: Record<Channel, Sender>;
  handoffs: Handoffs;
} {
  const handoffs: Handoffs = { sms: [], email: [], push: [], whatsapp: [], voice: [] };
  const wrap = (sender: Sender): Sender => ({
    channel: sender.channel,
    mode: sender.mode,
    async send(message) {
      const result = await sender.send(message);
      handoffs[sender.channel].push(wallClockMs());
      return result;
    },
    close: sender.close?.bind(sender),
  });
  return {
    senders: {
      sms: wrap(senders.sms),
      email: wrap(senders.email),
      push: wrap(senders.push),
      whatsapp: wrap(senders.whatsapp),
      voice: wrap(senders.voice),
    },
    handoffs,
  };
}

export type Way = "aviso" | "naive";

/**
 * Aviso's delivery workers on the runtime's senders, or the naive ones (one job per message) on
 * the naive senders, every sender timed. `ctx` is the context they run with (publish through it);
 * stop() stops them and closes the naive senders (the runtime closes its own). `channels` limits
 * Aviso's workers to those channels' queues, as `aviso worker --channels` does (all by default).
 */
export async function startTimedWorkers(input: {
  way: Way;
  runtime: Runtime;
  config: Config;
  /** The push peer's certificate, for the naive senders. */
  pushCa: string;
  naiveConcurrency: number;
  channels?: readonly Channel[];
}): Promise<{ ctx: AppContext; handoffs: Handoffs; stop(): Promise<void> }> {
  const { way, runtime } = input;
  const measured = timed(way === "aviso" ? runtime.senders : naiveSenders(input.config, input.pushCa));
  const ctx: AppContext = { ...runtime, senders: measured.senders };
  const workers =
    way === "aviso"
      ? await startDeliveryWorkers(ctx, { channels: input.channels })
      : await startNaiveWorkers(ctx, measured.senders, input.naiveConcurrency);
  return {
    ctx,
    handoffs: measured.handoffs,
    async stop() {
      await workers.stop();
      if (way === "naive") for (const sender of Object.values(measured.senders)) await sender.close?.();
    },
  };
}
