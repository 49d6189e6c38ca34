import { describe, expect, it } from "vitest";
import { createTokenBucket } from "../../src/delivery/token-bucket.ts";

describe("token bucket", () => {
  it("lets `capacity` through at once, then one every 1/rate seconds, in order of asking", async () => {
    // Slow enough (10/s) that a loaded machine's timer lag cannot blur the burst into the pacing:
    // timers fire late, never early, so the lower bounds hold whatever else the machine is doing.
    const bucket = createTokenBucket(10, { capacity: 5 });
    const started = performance.now();
    const order: number[] = [];
    const times: number[] = [];
    await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        bucket.take().then(() => {
          order.push(i);
          times.push(performance.now() - started);
        }),
      ),
    );
    expect(order).toEqual(Array.from({ length: 10 }, (_, i) => i));
    expect(times[5]! - times[4]!).toBeGreaterThanOrEqual(50); // the burst of 5, then a wait
    // 5 more at 10/s take about 500 ms.
    expect(times[9]!).toBeGreaterThanOrEqual(490);
    expect(times[9]!).toBeLessThan(3_000);
  });

  it("defaults to one message a second with no burst (a long code's rate)", async () => {
    let now = 0;
    const bucket = createTokenBucket(1, { now: () => now });
    await bucket.take(); // the first goes at once
    const second = bucket.take();
    let done = false;
    void second.then(() => {
      done = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(done).toBe(false);
    now = 1000;
    await second; // the timer was set for ~1 s of real time; it still resolves
  });

  it("pause() pushes later slots back (a provider's 429)", async () => {
    const bucket = createTokenBucket(1000, { capacity: 1 });
    await bucket.take();
    bucket.pause(150);
    const started = performance.now();
    await bucket.take();
    expect(performance.now() - started).toBeGreaterThanOrEqual(140);
  });

  it("charges a message by its cost (an SMS by its segments)", async () => {
    const bucket = createTokenBucket(20, { capacity: 1 });
    await bucket.take(3); // three segments: the next slot is 150 ms away
    const started = performance.now();
    await bucket.take();
    expect(performance.now() - started).toBeGreaterThanOrEqual(140);
  });

  it("refuses a rate that is not positive", () => {
    expect(() => createTokenBucket(0)).toThrow(/positive/);
  });
});
