/**
 * Housekeeping: periodic deletion of what need not be kept. For now, the local outbox, whose
 * messages are only for a developer to look at; later retention rules join here.
 */
import { z } from "zod";
import type { AppContext } from "../src/context.ts";

export const OUTBOX_RETENTION_DAYS = 7;

export const housekeepingPayload = z.object({ task: z.enum(["purge-outbox"]) });
export type HousekeepingPayload = z.infer<typeof housekeepingPayload>;

export async function runHousekeeping(ctx: AppContext, payload: unknown): Promise<{ deleted: number }> {
  const { task } = housekeepingPayload.parse(payload);
  switch (task) {
    case "purge-outbox": {
      const cutoff = new Date(ctx.clock.now().getTime() - OUTBOX_RETENTION_DAYS * 86_400_000);
      const result = await ctx.db.deleteFrom("outbox").where("created_at", "<", cutoff).executeTakeFirst();
      return { deleted: Number(result.numDeletedRows) };
    }
  }
}
