/**
 * Senders wrapped to time each provider acceptance: measuring, not changing, what they do. Times
 * are wall-clock milliseconds (performance.timeOrigin + performance.now()), so the hand-offs of
 * several worker processes can be put on one time line.
 */
import type { Channel } from "../src/db/database.ts";
import type { Sender } from "../src/delivery/sender.ts";

export type Handoffs = Record<Channel, number[]>;

export const wallClockMs = () => performance.timeOrigin + performance.now();

export function timed(senders: Record<Channel, Sender>): {
  senders: Record<Channel, Sender>;
  handoffs: Handoffs;
} {
  const handoffs: Handoffs = { sms: [], email: [], push: [] };
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
    senders: { sms: wrap(senders.sms), email: wrap(senders.email), push: wrap(senders.push) },
    handoffs,
  };
}
