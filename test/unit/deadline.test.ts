import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { withDeadline } from "../../src/delivery/deadline.ts";

describe("withDeadline", () => {
  it("aborts a request still running at the deadline with ETIMEDOUT", async () => {
    const started = Date.now();
    // As undici does: a request aborted by its signal rejects with the signal's reason.
    const error = await withDeadline(
      50,
      "test request",
      (signal) => new Promise((_, reject) => signal.addEventListener("abort", () => reject(signal.reason))),
    ).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "ETIMEDOUT", message: "test request timed out" });
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it("clears the timer once the request has settled: its signal never aborts afterwards", async () => {
    let seen: AbortSignal | undefined;
    expect(
      await withDeadline(30, "test request", async (signal) => {
        seen = signal;
        return "answered";
      }),
    ).toBe("answered");
    await sleep(80);
    expect(seen!.aborted).toBe(false);
  });

  it("clears it after a failure too", async () => {
    let seen: AbortSignal | undefined;
    await expect(
      withDeadline(30, "test request", async (signal) => {
        seen = signal;
        throw new Error("refused");
      }),
    ).rejects.toThrow("refused");
    await sleep(80);
    expect(seen!.aborted).toBe(false);
  });
});
