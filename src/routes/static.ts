/**
 * Static files from web/ (see src/web/assets.ts): /static/<name>.<hash>.<ext> cached for a year,
 * /static/<name> revalidated, the service worker at /sw.js so that it may control every page, and
 * the staff service worker at /console-sw.js, allowed the scope /console/ only.
 */
import { Hono } from "hono";
import type { AppEnv } from "../context.ts";
import { type Asset, findAsset } from "../web/assets.ts";

export const staticRoutes = new Hono<AppEnv>()
  .get("/static/:name{[A-Za-z0-9._-]+}", (c) => {
    const found = findAsset(c.req.param("name"));
    if (!found) return c.notFound();
    return serve(
      c.req.header("if-none-match"),
      found.asset,
      found.immutable ? "public, max-age=31536000, immutable" : "public, no-cache",
    );
  })
  .get("/sw.js", (c) => {
    const found = findAsset("sw.js");
    if (!found) return c.notFound();
    const res = serve(c.req.header("if-none-match"), found.asset, "no-cache");
    res.headers.set("Service-Worker-Allowed", "/");
    return res;
  })
  // The staff service worker (approval pages): its scope is the console only.
  .get("/console-sw.js", (c) => {
    const found = findAsset("console-sw.js");
    if (!found) return c.notFound();
    const res = serve(c.req.header("if-none-match"), found.asset, "no-cache");
    res.headers.set("Service-Worker-Allowed", "/console/");
    return res;
  });

function serve(ifNoneMatch: string | undefined, asset: Asset, cacheControl: string): Response {
  const headers = new Headers({
    "Content-Type": asset.type,
    "Cache-Control": cacheControl,
    ETag: asset.etag,
  });
  if (ifNoneMatch === asset.etag) return new Response(null, { status: 304, headers });
  return new Response(asset.body, { status: 200, headers });
}
