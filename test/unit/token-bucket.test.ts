import { describe, expect, it } from "vitest";
import { createTokenBucket } from "../../src/delivery/token-bucket.ts";

describe("token bucket", () => {
  it("lets `capacity` through at once, then one every 1/rate seconds, in order of asking", async () => {
    const bucket = createTokenBucket(100, { capacity: 5 });
    const started = performance.now();
    const order: number[] = [];
    const times: number[] = [];
    await Promise.all(
      Array.from({ length: 25 }, (_, i) =>
        bucket.take().then(() => {
          order.push(i);
          times.push(performance.now() - started);
        }),
      ),
    );
    expect(order).toEqual(Array.from({ length: 25 }, (_, i) => i));
    expect(times[4]!).toBeLessThan(15); // the burst
    // 20 more at 100/s take about 200 ms.
    expect(times[24]!).toBeGreaterThanOrEqual(190);
    expect(times[24]!).toBeLessThan(400);
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
