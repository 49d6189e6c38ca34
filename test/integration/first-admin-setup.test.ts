/**
 * The first admin through the server's one-time setup link (GET/POST /setup): one admin however
 * many submit at once, the link dies once used or once an admin exists, the form needs its CSRF
 * cookie and token, and it is a public POST under the per-address limit.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createApp } from "../../src/app.ts";
import { openSetupLink, setupLinkOpen } from "../../src/routes/setup.ts";
import { createUser } from "../../src/services/users/create-user.ts";
import { ConsoleClient } from "../support/console.ts";
import { createTestRuntime, type TestRuntime } from "../support/runtime.ts";

let runtime: TestRuntime;
let app: ReturnType<typeof createApp>;

beforeAll(async () => {
  runtime = await createTestRuntime({ env: { CLIENT_IP_HEADER: "X-Forwarded-For" } });
  app = createApp(runtime);
}, 60_000);
afterAll(() => runtime.close());
beforeEach(async () => {
  await runtime.db.deleteFrom("sessions").execute();
  await runtime.db.deleteFrom("users").execute();
});

const PASSWORD = "a long first password";
const fields = (email = "first@city.test") => ({
  email,
  name: "First Admin",
  organisation: "City of Oakland",
  password: PASSWORD,
  passwordAgain: PASSWORD,
});

async function openForm(token: string) {
  const client = new ConsoleClient(app);
  const page = await client.get(`/setup?token=${token}`);
  return { client, page };
}

const admins = () =>
  runtime.db.selectFrom("users").select(["email", "role"]).where("role", "=", "admin").execute();

describe("the one-time setup link", () => {
  it("creates the first admin once; the link is then dead and the admin signs in", async () => {
    const token = openSetupLink(runtime);
    const { client, page } = await openForm(token);
    expect(page.status).toBe(200);
    expect(page.headers.get("cache-control")).toBe("no-store");
    expect(client.lastPage).toMatch(/Create the first admin/);

    const made = await client.post("/setup", { ...fields(), token });
    expect(made.status).toBe(303);
    expect(made.headers.get("location")).toBe("/console/login");
    expect(await admins()).toEqual([{ email: "first@city.test", role: "admin" }]);
    expect(setupLinkOpen(runtime)).toBe(false);

    const again = await openForm(token);
    expect(again.page.status).toBe(404);
    const reuse = await client.post("/setup", { ...fields("second@city.test"), token });
    expect(reuse.status).toBe(404);
    expect(await admins()).toHaveLength(1);
    expect(runtime.logs.text).not.toContain(token);

    const signIn = await new ConsoleClient(app).signIn("first@city.test", PASSWORD);
    expect(signIn.status).toBe(303);
  });

  it("makes one admin from many concurrent submissions", async () => {
    const token = openSetupLink(runtime);
    const forms = await Promise.all(Array.from({ length: 8 }, () => openForm(token)));
    const results = await Promise.all(
      forms.map(({ client }, i) => client.post("/setup", { ...fields(`admin${i}@city.test`), token })),
    );
    expect(results.filter((res) => res.status === 303)).toHaveLength(1);
    expect(results.filter((res) => res.status !== 303).every((res) => [404, 409].includes(res.status))).toBe(
      true,
    );
    expect(await admins()).toHaveLength(1);
  });

  it("makes one admin when two processes' links are used at once (one database, two links)", async () => {
    const other = await createTestRuntimeOnSameDatabase();
    try {
      const otherApp = createApp(other);
      const mine = openSetupLink(runtime);
      const theirs = openSetupLink(other);
      const a = await openForm(mine);
      const b = new ConsoleClient(otherApp);
      await b.get(`/setup?token=${theirs}`);
      const results = await Promise.all([
        a.client.post("/setup", { ...fields("a@city.test"), token: mine }),
        b.post("/setup", { ...fields("b@city.test"), token: theirs }),
      ]);
      expect(results.map((res) => res.status).sort()).toEqual([303, 409]);
      expect(await admins()).toHaveLength(1);
    } finally {
      await other.close();
    }
  });

  it("refuses everything once an admin exists, and closes the link", async () => {
    const token = openSetupLink(runtime);
    const { client } = await openForm(token);
    // Meanwhile (on Postgres, say) `aviso user create` made one.
    await createUser({
      ctx: runtime,
      input: {
        email: "cli@city.test",
        name: "By CLI",
        role: "admin",
        organisation: "City",
        password: PASSWORD,
        actor: "system",
      },
    });
    const res = await client.post("/setup", { ...fields(), token });
    expect(res.status).toBe(409);
    expect(await admins()).toEqual([{ email: "cli@city.test", role: "admin" }]);
    expect(setupLinkOpen(runtime)).toBe(false);
  });

  it("refuses a forged, missing or wrong token, a missing CSRF token and a cross-site post, changing nothing", async () => {
    const token = openSetupLink(runtime);
    const { client } = await openForm(token);
    const csrf = client.csrf;
    // The last character changed: a 32-byte token ends in "A" one time in sixteen.
    expect(
      (
        await client.post(
          "/setup",
          { ...fields(), token: `${token.slice(0, -1)}${token.endsWith("A") ? "E" : "A"}` },
          { csrf },
        )
      ).status,
    ).toBe(404);
    expect((await client.post("/setup", { ...fields() }, { csrf })).status).toBe(404);
    expect((await client.post("/setup", { ...fields(), token }, { csrf: null })).status).toBe(403);
    expect((await client.post("/setup", { ...fields(), token }, { csrf: "forged" })).status).toBe(403);
    const stranger = new ConsoleClient(app); // no CSRF cookie of its own
    expect((await stranger.post("/setup", { ...fields(), token }, { csrf })).status).toBe(403);
    const crossSite = await client.post(
      "/setup",
      { ...fields(), token },
      { csrf, headers: { origin: "https://evil.test" } },
    );
    expect(crossSite.status).toBe(403);
    const mismatch = await client.post(
      "/setup",
      { ...fields(), passwordAgain: "something else entirely", token },
      { csrf },
    );
    expect(mismatch.status).toBe(400);
    expect((await client.post("/setup", { ...fields("not an email"), token }, { csrf })).status).toBe(400);
    expect(await admins()).toEqual([]);
    expect(setupLinkOpen(runtime)).toBe(true); // refusals do not use the link up
  });

  it("has no link at all unless the server opened one", async () => {
    const fresh = createApp({ ...runtime }); // another context: nothing opened for it
    expect((await fresh.request("/setup?token=anything")).status).toBe(404);
  });
});

async function createTestRuntimeOnSameDatabase() {
  const { createRuntime } = await import("../../src/runtime.ts");
  const { connectPostgres } = await import("../../src/db/connect.ts");
  if (runtime.handle.kind !== "postgres") {
    // PGlite is one process: the same database's second "process" is a second context on it.
    return { ...runtime, close: async () => {} };
  }
  const handle = await connectPostgres(runtime.handle.connectionString, 2);
  const other = await createRuntime(runtime.config, runtime.log, { handle });
  return other;
}
