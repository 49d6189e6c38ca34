/**
 * The in-process limit on public POSTs cannot be filled up: an attacker cycling through more client
 * addresses than the limiter tracks evicts the oldest counters instead of pushing every new address
 * into one shared counter, so a fresh address is never refused for someone else's flood. IPv6
 * clients are counted by /64 (one subscriber line, one host), IPv4-mapped IPv6 as IPv4.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../../src/app.ts";
import { createTestRuntime, type TestRuntime } from "../support/runtime.ts";

const LIMIT = 5;
/** One instant: every request below falls in the same one-minute window. */
const clock = { now: () => new Date("2026-12-05T03:00:10Z") };

let runtime: TestRuntime;
let app: ReturnType<typeof createApp>;
beforeAll(async () => {
  runtime = await createTestRuntime({
    clock,
    env: {
      PUBLIC_POSTS_PER_IP_PER_MINUTE: String(LIMIT),
      CLIENT_IP_HEADER: "X-Forwarded-For",
      LOG_LEVEL: "warn",
    },
  });
  app = createApp(runtime);
});
afterAll(() => runtime.close());

/** A public POST to a path no route answers: counted by the limiter, then 404, no database work. */
const post = async (ip: string) =>
  (await app.request("/no-such-form", { method: "POST", headers: { "x-forwarded-for": ip } })).status;

describe("the public-POST limiter under a flood of addresses", () => {
  it("evicts rather than shares: after 60,000 other addresses a fresh one is not refused", async () => {
    // The victim uses part of its allowance before the flood.
    expect(await post("192.0.2.1")).toBe(404);
    for (let i = 0; i < 60_000; i++) {
      const status = await post(`10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`);
      if (status !== 404) throw new Error(`flooding address ${i} got ${status}`);
    }
    expect(await post("192.0.2.2")).toBe(404);
    expect(await post("192.0.2.1")).toBe(404);
    // A fresh address still meets its own limit, and only its own.
    const statuses: number[] = [];
    for (let i = 0; i < LIMIT + 1; i++) statuses.push(await post("192.0.2.3"));
    expect(statuses).toEqual([...Array(LIMIT).fill(404), 429]);
    expect(await post("192.0.2.4")).toBe(404);
  }, 120_000);

  it("keeps counting an address that keeps hammering while others come and go", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 20_000; i++) {
      if (i % 1000 === 0) statuses.push(await post("192.0.2.50"));
      await post(`10.200.${(i >> 8) & 255}.${i & 255}`);
    }
    expect(statuses.slice(0, LIMIT)).toEqual(Array(LIMIT).fill(404));
    expect(new Set(statuses.slice(LIMIT))).toEqual(new Set([429]));
  }, 120_000);

  it("counts an IPv6 /64 as one client, and IPv4-mapped IPv6 as the IPv4 address", async () => {
    const statuses: number[] = [];
    for (let i = 1; i <= LIMIT + 2; i++) statuses.push(await post(`2001:db8:aa:bb::${i.toString(16)}`));
    expect(statuses).toEqual([...Array(LIMIT).fill(404), 429, 429]);
    expect(await post("2001:db8:aa:bb:ffff:ffff:ffff:ffff")).toBe(429);
    expect(await post("2001:db8:aa:bc::1")).toBe(404); // the next /64 is another client

    const mapped: number[] = [];
    for (let i = 0; i < LIMIT + 1; i++)
      mapped.push(await post(i % 2 === 0 ? "198.51.100.77" : "::ffff:198.51.100.77"));
    expect(mapped).toEqual([...Array(LIMIT).fill(404), 429]);
  });
});
