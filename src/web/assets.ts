/**
 * The files in web/ (stylesheet, service worker, the small progressive-enhancement scripts),
 * read once when the module loads and kept in memory: they are a few kilobytes, and a Worker has
 * no file system to read them from later. Each is served under a name carrying a hash of its
 * content (/static/styles.3fa2b1c9e0.css), so pages can let browsers cache it for a year and a
 * new deploy is picked up at once. The service worker is the exception: browsers need it at a
 * stable URL whose directory is the scope it controls, so it is served at /sw.js, never cached.
 *
 * Where the bytes come from depends on the runtime ("#web-files" in package.json's imports): on
 * Node, read from web/ with fs (src/web/files-node.ts); in a Worker, fetched once from the assets
 * binding that wrangler.toml fills from web/ (src/web/files-worker.ts).
 */
import { createHash } from "node:crypto";
import { webFiles } from "#web-files";

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
  for (const file of webFiles()) {
    const ext = file.name.split(".").at(-1) ?? "";
    const type = TYPES[ext];
    if (!type) continue;
    const body = file.body;
    const hash = createHash("sha256").update(body).digest("hex").slice(0, 10);
    const base = file.name.slice(0, -(ext.length + 1));
    assets.set(file.name, {
      name: file.name,
      versioned: `${base}.${hash}.${ext}`,
      body,
      type,
      etag: `"${hash}"`,
    });
  }
  return assets;
}

// Built on first use rather than at import, so a Worker can fetch the files before anything asks.
let loaded: { byName: Map<string, Asset>; byVersioned: Map<string, Asset> } | undefined;
function assets() {
  if (!loaded) {
    const byName = loadAssets();
    loaded = { byName, byVersioned: new Map([...byName.values()].map((asset) => [asset.versioned, asset])) };
  }
  return loaded;
}

/** The URL a page uses for a file in web/: versioned, so it can be cached for a year. */
export function assetPath(name: string): string {
  const asset = assets().byName.get(name);
  if (!asset) throw new Error(`web/${name} does not exist`);
  return `/static/${asset.versioned}`;
}

/** By versioned name (cache forever) or plain name (revalidate). */
export function findAsset(name: string): { asset: Asset; immutable: boolean } | undefined {
  const versioned = assets().byVersioned.get(name);
  if (versioned) return { asset: versioned, immutable: true };
  const plain = assets().byName.get(name);
  return plain ? { asset: plain, immutable: false } : undefined;
}
