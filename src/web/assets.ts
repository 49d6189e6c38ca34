/**
 * The files in web/ (stylesheet, service worker, the small progressive-enhancement scripts),
 * read once when the module loads and kept in memory: they are a few kilobytes, and a Worker has
 * no file system to read them from later. Each is served under a name carrying a hash of its
 * content (/static/styles.3fa2b1c9e0.css), so pages can let browsers cache it for a year and a
 * new deploy is picked up at once. The service worker is the exception: browsers need it at a
 * stable URL whose directory is the scope it controls, so it is served at /sw.js, never cached.
 */
import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";

const WEB_DIR = new URL("../../web/", import.meta.url);

const TYPES: Record<string, string> = {
  css: "text/css; charset=utf-8",
  js: "text/javascript; charset=utf-8",
  json: "application/json; charset=utf-8",
  svg: "image/svg+xml",
  png: "image/png",
  ico: "image/x-icon",
  webmanifest: "application/manifest+json; charset=utf-8",
};

export type Asset = {
  name: string;
  versioned: string;
  body: Uint8Array<ArrayBuffer>;
  type: string;
  etag: string;
};

function loadAssets(): Map<string, Asset> {
  const assets = new Map<string, Asset>();
  for (const entry of readdirSync(WEB_DIR, { withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const ext = entry.name.split(".").at(-1) ?? "";
    const type = TYPES[ext];
    if (!type) continue;
    const body = new Uint8Array(readFileSync(new URL(entry.name, WEB_DIR)));
    const hash = createHash("sha256").update(body).digest("hex").slice(0, 10);
    const base = entry.name.slice(0, -(ext.length + 1));
    assets.set(entry.name, {
      name: entry.name,
      versioned: `${base}.${hash}.${ext}`,
      body,
      type,
      etag: `"${hash}"`,
    });
  }
  return assets;
}

const ASSETS = loadAssets();
const BY_VERSIONED = new Map([...ASSETS.values()].map((asset) => [asset.versioned, asset]));

/** The URL a page uses for a file in web/: versioned, so it can be cached for a year. */
export function assetPath(name: string): string {
  const asset = ASSETS.get(name);
  if (!asset) throw new Error(`web/${name} does not exist`);
  return `/static/${asset.versioned}`;
}

/** By versioned name (cache forever) or plain name (revalidate). */
export function findAsset(name: string): { asset: Asset; immutable: boolean } | undefined {
  const versioned = BY_VERSIONED.get(name);
  if (versioned) return { asset: versioned, immutable: true };
  const plain = ASSETS.get(name);
  return plain ? { asset: plain, immutable: false } : undefined;
}
