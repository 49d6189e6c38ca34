/**
 * Which client a request is counted as by the per-address limits: an IPv4 address as itself (also
 * when the socket writes it IPv4-mapped), an IPv6 address by its /64, the block one subscriber line
 * or one host is given, so cycling through the addresses of one /64 is one client.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { clientKey } from "../../src/security/client-key.ts";

describe("clientKey", () => {
  it.each([
    ["198.51.100.7", "198.51.100.7"],
    [" 198.51.100.7 ", "198.51.100.7"],
    ["::ffff:198.51.100.7", "198.51.100.7"], // IPv4-mapped, as a dual-stack socket reports it
    ["::FFFF:C633:6407", "198.51.100.7"],
    ["[::ffff:198.51.100.7]", "198.51.100.7"],
    ["0:0:0:0:0:ffff:198.51.100.7", "198.51.100.7"],
    ["2001:db8:1:2::1", "2001:db8:1:2::/64"],
    ["2001:0DB8:0001:0002:ffff:ffff:ffff:ffff", "2001:db8:1:2::/64"],
    ["[2001:db8:1:2::99]", "2001:db8:1:2::/64"],
    ["fe80::1%eth0", "fe80::/64"],
    ["198.51.100.7:5123", "198.51.100.7"], // a proxy that writes the port too
    ["[2001:db8:1:2::1]:5123", "2001:db8:1:2::/64"],
    ["[::ffff:198.51.100.7]:80", "198.51.100.7"],
    ["::1", "::/64"],
    ["2001:db8::", "2001:db8::/64"],
    ["unknown", "unknown"],
    ["", ""],
    ["1:2:3", "1:2:3"], // not an address: counted as written
    ["1::2::3", "1::2::3"],
    ["2001:db8:1:2:3:4:5:6:7", "2001:db8:1:2:3:4:5:6:7"],
    ["256.1.1.1", "256.1.1.1"],
  ])("%j counts as %j", (input, key) => {
    expect(clientKey(input)).toBe(key);
  });

  const group = fc.integer({ min: 0, max: 0xffff });
  const groups = fc.array(group, { minLength: 8, maxLength: 8 });
  const full = (g: number[]) => g.map((n) => n.toString(16).padStart(4, "0")).join(":");

  it("fuzz: every way of writing an IPv6 address gives its /64, and one /64 is one client", () => {
    fc.assert(
      fc.property(groups, groups, (a, b) => {
        // WHATWG's serializer compresses the longest zero run: an independent writer of the same address.
        const compressed = new URL(`http://[${full(a)}]/`).hostname.slice(1, -1);
        const key = clientKey(full(a));
        expect(clientKey(compressed)).toBe(key);
        expect(clientKey(full(a).toUpperCase())).toBe(key);
        const sameBlock = [...a.slice(0, 4), ...b.slice(4)];
        expect(clientKey(full(sameBlock))).toBe(key);
        const isMapped = a.slice(0, 5).every((n) => n === 0) && a[5] === 0xffff;
        if (!isMapped) expect(key).toMatch(/\/64$/);
      }),
      { numRuns: 2000 },
    );
  });
});
