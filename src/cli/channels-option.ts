/**
 * `aviso worker --channels sms,email`: the channels whose delivery queues a worker process serves,
 * so that a deployment can give a channel processes of its own (a slow SMS sender class beside
 * fast push, say). Loaded before the configuration, so it imports no database code.
 */
import type { Channel } from "../db/database.ts";
import { ALL_CHANNELS } from "../schemas/common.ts";

/** The channels a comma-separated list names, in the usual order and each once; throws what is wrong. */
export function parseChannels(list: string): Channel[] {
  const names = list.split(",").map((name) => name.trim());
  const unknown = names.find((name) => !ALL_CHANNELS.includes(name as Channel));
  if (unknown !== undefined) {
    throw new Error(
      unknown === ""
        ? `--channels takes a comma-separated list of channels: ${ALL_CHANNELS.join(", ")}`
        : `--channels: unknown channel "${unknown}" (the channels are ${ALL_CHANNELS.join(", ")})`,
    );
  }
  return ALL_CHANNELS.filter((channel) => names.includes(channel));
}
