/** Push endpoints Aviso may send to (SSRF): the known push services, or PUSH_ENDPOINT_HOSTS. */
import { parse as legacyParse } from "node:url";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../src/config.ts";
import {
  allowedPushEndpoint,
  DEFAULT_PUSH_ENDPOINT_HOSTS,
  parsePushEndpointHosts,
  pushEndpointAllowed,
} from "../../src/security/push-endpoints.ts";

describe("the default list: the push services browsers use", () => {
  it.each([
    "https://fcm.googleapis.com/fcm/send/dQw4w9WgXcQ:APA91bH", // Chrome
    "https://fcm.googleapis.com/wp/dQw4w9WgXcQ:APA91bH",
    "https://updates.push.services.mozilla.com/wpush/v2/gAAAAABk", // Firefox
    "https://web.push.apple.com/QGvJ8YQnD2q", // Safari
    "https://wns2-by3p.notify.windows.com/w/?token=BQYAAAB", // Edge
    "https://FCM.googleapis.com:443/fcm/send/x", // case and the default port written out
  ])("allows %s", (endpoint) => {
    expect(pushEndpointAllowed(endpoint, DEFAULT_PUSH_ENDPOINT_HOSTS)).toBe(true);
  });

  it.each([
    "http://fcm.googleapis.com/fcm/send/x", // not https
    "https://169.254.169.254/latest/meta-data/", // cloud metadata
    "https://127.0.0.1:5432/",
    "https://localhost/admin",
    "https://[::1]/",
    "https://10.0.0.7/",
    "https://fcm.googleapis.com.evil.example/x", // a suffix is not the host
    "https://evilfcm.googleapis.com/x",
    "https://evil.example/?fcm.googleapis.com",
    "https://evil.example/#@fcm.googleapis.com",
    "https://fcm.googleapis.com@evil.example/x", // the host is evil.example
    "https://user:pass@fcm.googleapis.com/x", // credentials
    "https://fcm.googleapis.com:8443/x", // another port
    "https://push.apple.com/x", // *.push.apple.com is hosts under it, not the domain
    "https://notify.windows.com.evil.example/w/",
    "https://fcm.googleapis.com./x", // a trailing dot is another name
    // A host the URL parser reads one way and another parser (web-push's url.parse) another:
    // WHATWG's hostname ends in .push.apple.com, url.parse's is 127.0.0.1.
    "https://127.0.0.1;.push.apple.com/x",
    "https://127.0.0.1%3B.push.apple.com/x", // the same, percent-encoded
    "https://fcm%2Egoogleapis.com/x", // percent-encoding that decodes to an allowed name
    "https://web%2Epush.apple.com/x",
    "https://127.0.0.1\\.push.apple.com/x",
    "https://a_b.push.apple.com/x", // not a letter, digit, hyphen or dot
    "https://a..push.apple.com/x", // an empty label
    "https://-a.push.apple.com/x", // a label may not start with a hyphen
    "https://@fcm.googleapis.com/x", // empty credentials are still credentials
    "https://fcm.google\tapis.com/x", // WHATWG drops tabs and newlines; we do not guess
    " https://fcm.googleapis.com/x",
    "HTTPS://fcm.googleapis.com/x", // browsers write it in lower case; anything else is not theirs
    "not a url",
    "",
  ])("refuses %s", (endpoint) => {
    expect(pushEndpointAllowed(endpoint, DEFAULT_PUSH_ENDPOINT_HOSTS)).toBe(false);
  });
});

describe("PUSH_ENDPOINT_HOSTS", () => {
  it("replaces the list; `default` extends it; an entry without a port allows 443 only", () => {
    expect(parsePushEndpointHosts("127.0.0.1:8443")).toEqual(["127.0.0.1:8443"]);
    expect(parsePushEndpointHosts("default, Push.Example.org")).toEqual([
      ...DEFAULT_PUSH_ENDPOINT_HOSTS,
      "push.example.org",
    ]);
    const hosts = parsePushEndpointHosts("127.0.0.1:8443,localhost:9000,*.push.example.org,[::1]:7000")!;
    expect(pushEndpointAllowed("https://127.0.0.1:8443/push/abc", hosts)).toBe(true);
    expect(pushEndpointAllowed("https://127.0.0.1/push/abc", hosts)).toBe(false);
    expect(pushEndpointAllowed("https://127.0.0.1:8444/push/abc", hosts)).toBe(false);
    expect(pushEndpointAllowed("https://localhost:9000/x", hosts)).toBe(true);
    expect(pushEndpointAllowed("https://a.push.example.org/x", hosts)).toBe(true);
    expect(pushEndpointAllowed("https://push.example.org/x", hosts)).toBe(false);
    expect(pushEndpointAllowed("https://[::1]:7000/x", hosts)).toBe(true);
    expect(pushEndpointAllowed("https://fcm.googleapis.com/fcm/send/x", hosts)).toBe(false);
  });

  it.each(["", " , ", "https://fcm.googleapis.com", "fcm.googleapis.com/fcm", "*", "*.com:99999", "a b"])(
    "refuses %j",
    (value) => {
      expect(parsePushEndpointHosts(value)).toBeUndefined();
    },
  );

  it("is read at start-up: unset means the known services, a bad value names the variable", () => {
    expect(loadConfig({}).delivery.pushEndpointHosts).toEqual(DEFAULT_PUSH_ENDPOINT_HOSTS);
    expect(
      loadConfig({ PUSH_ENDPOINT_HOSTS: "default,push.example.org" }).delivery.pushEndpointHosts,
    ).toContain("push.example.org");
    try {
      loadConfig({ PUSH_ENDPOINT_HOSTS: "http://evil.example" });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).problems).toEqual([expect.stringMatching(/^PUSH_ENDPOINT_HOSTS: /)]);
    }
  });
});

describe("one URL: what is checked is what is sent to", () => {
  it("answers the canonical URL (WHATWG href) of an allowed endpoint", () => {
    expect(
      allowedPushEndpoint("https://FCM.googleapis.com:443/fcm/send/x", DEFAULT_PUSH_ENDPOINT_HOSTS)?.href,
    ).toBe("https://fcm.googleapis.com/fcm/send/x");
    expect(
      allowedPushEndpoint("https://127.0.0.1;.push.apple.com/x", DEFAULT_PUSH_ENDPOINT_HOSTS),
    ).toBeUndefined();
  });

  it("matches an IP address only where PUSH_ENDPOINT_HOSTS names it exactly, never through a wildcard", () => {
    const hosts = parsePushEndpointHosts("127.0.0.1:8443,[::1]:7000,*.push.example.org")!;
    expect(pushEndpointAllowed("https://127.0.0.1:8443/push/a", hosts)).toBe(true);
    expect(pushEndpointAllowed("https://[::1]:7000/push/a", hosts)).toBe(true);
    // The same addresses written another way are another string: refused, not normalised.
    expect(pushEndpointAllowed("https://2130706433:8443/push/a", hosts)).toBe(false);
    expect(pushEndpointAllowed("https://0x7f.0.0.1:8443/push/a", hosts)).toBe(false);
    expect(pushEndpointAllowed("https://127.1:8443/push/a", hosts)).toBe(false);
    expect(pushEndpointAllowed("https://[0:0::1]:7000/push/a", hosts)).toBe(false);
    expect(pushEndpointAllowed("https://[::ffff:127.0.0.1]:7000/push/a", hosts)).toBe(false);
    // A wildcard stands for names; one that could only match addresses is refused at start-up.
    for (const entry of ["*.0.1", "*.1", "*.0.0.1:8443", "0x7f.0.0.1", "127.1", "2130706433", "1.2.3.999"])
      expect(parsePushEndpointHosts(entry), entry).toBeUndefined();
  });

  // Every printable ASCII character, in hosts built to end like an allowed service.
  const PRINTABLE = Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i));
  const hostPart = fc.string({ unit: fc.constantFrom(...PRINTABLE), maxLength: 12 });
  const suffixes = [
    ".push.apple.com",
    ".notify.windows.com",
    "fcm.googleapis.com",
    ".push.services.mozilla.com",
  ];

  it("fuzz: an allowed endpoint's host is letters, digits, hyphens and dots, and every parser agrees on it", () => {
    fc.assert(
      fc.property(hostPart, fc.constantFrom(...suffixes), hostPart, (before, suffix, after) => {
        const endpoint = `https://${before}${suffix}${after}/x`;
        if (!pushEndpointAllowed(endpoint, DEFAULT_PUSH_ENDPOINT_HOSTS)) return;
        const url = new URL(endpoint);
        expect(url.hostname).toMatch(/^[a-z0-9-]+(\.[a-z0-9-]+)+$/);
        // Node's legacy parser, which web-push used to send with, reads the same host.
        expect(legacyParse(endpoint).hostname).toBe(url.hostname);
        expect(allowedPushEndpoint(endpoint, DEFAULT_PUSH_ENDPOINT_HOSTS)?.href).toBe(url.href);
      }),
      { numRuns: 5000 },
    );
  });

  it("fuzz: each printable character at each place in an allowed host: refused, unless it is a letter, digit, hyphen or dot or ends the host", () => {
    const base = "web.push.apple.com";
    for (const char of PRINTABLE) {
      for (let at = 0; at <= base.length; at++) {
        const host = `${base.slice(0, at)}${char}${base.slice(at)}`;
        const endpoint = `https://${host}/x`;
        if (!pushEndpointAllowed(endpoint, DEFAULT_PUSH_ENDPOINT_HOSTS)) continue;
        // Allowed only when the character is outside the host (a path, query or fragment).
        const { hostname } = new URL(endpoint);
        expect(hostname, JSON.stringify(host)).toMatch(/^[a-z0-9.-]+$/);
        expect(legacyParse(endpoint).hostname, JSON.stringify(host)).toBe(hostname);
      }
    }
  });
});
