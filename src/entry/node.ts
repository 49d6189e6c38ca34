/**
 * The Node server: serves the Hono app with @hono/node-server and, unless told not to, runs the
 * delivery workers in the same process (always so on the embedded database, which only one
 * process can open).
 */
import { type ServerType, serve } from "@hono/node-server";
import { startWorkers } from "../../workers/index.ts";
import { createApp } from "../app.ts";
import { endLiveStreams } from "../routes/sighting-events.ts";
import type { Runtime } from "../runtime.ts";

export type RunningServer = { url: string; port: number; close(): Promise<void> };

export async function startServer(runtime: Runtime, options: { workers: boolean }): Promise<RunningServer> {
  const { config, log } = runtime;
  const workers = options.workers ? await startWorkers(runtime) : undefined;
  const app = createApp(runtime);
  const server: ServerType = await new Promise((resolve) => {
    const s = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, () => resolve(s));
  });
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : config.port;
  const url = `http://${config.host === "0.0.0.0" ? "localhost" : config.host}:${port}`;
  return {
    url,
    port,
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // Open live views would hold the close for minutes: they end now, and browsers reconnect.
      endLiveStreams();
      await closed;
      await workers?.stop();
      log.info("server stopped");
    },
  };
}
