/**
 * A browser-like client for the console through app.request: keeps cookies, reads the CSRF token
 * from the last page, posts forms. For tests of the server-rendered console without a browser.
 */
import type { createApp } from "../../src/app.ts";

type App = ReturnType<typeof createApp>;

export class ConsoleClient {
  cookies = new Map<string, string>();
  lastPage = "";
  readonly app: App;
  constructor(app: App) {
    this.app = app;
  }

  get cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
  }

  private remember(res: Response) {
    for (const line of res.headers.getSetCookie()) {
      const [pair = ""] = line.split(";");
      const eq = pair.indexOf("=");
      const name = pair.slice(0, eq);
      const value = pair.slice(eq + 1);
      if (/Max-Age=0/i.test(line) || value === "") this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  async get(path: string, headers: Record<string, string> = {}): Promise<Response> {
    const res = await this.app.request(path, { headers: { cookie: this.cookieHeader, ...headers } });
    this.remember(res);
    if ((res.headers.get("content-type") ?? "").startsWith("text/html"))
      this.lastPage = await res.clone().text();
    return res;
  }

  /** The CSRF token in the last page's forms. */
  get csrf(): string {
    const match = /name="_csrf" value="([^"]+)"/.exec(this.lastPage);
    if (!match) throw new Error("no CSRF token on the last page");
    return match[1]!;
  }

  async post(
    path: string,
    fields: Record<string, string | string[]>,
    options: { csrf?: string | null; headers?: Record<string, string> } = {},
  ) {
    const body = new URLSearchParams();
    const token = options.csrf === undefined ? this.csrf : options.csrf;
    if (token !== null) body.append("_csrf", token);
    for (const [key, value] of Object.entries(fields)) {
      for (const v of Array.isArray(value) ? value : [value]) body.append(key, v);
    }
    const res = await this.app.request(path, {
      method: "POST",
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        cookie: this.cookieHeader,
        ...options.headers,
      },
      body: body.toString(),
    });
    this.remember(res);
    if ((res.headers.get("content-type") ?? "").startsWith("text/html"))
      this.lastPage = await res.clone().text();
    return res;
  }

  async signIn(email: string, password: string): Promise<Response> {
    await this.get("/console/login");
    return this.post("/console/login", { email, password });
  }
}
