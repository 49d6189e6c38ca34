/** Push endpoints Aviso may send to (SSRF): the known push services, or PUSH_ENDPOINT_HOSTS. */
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../src/config.ts";
import {
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
