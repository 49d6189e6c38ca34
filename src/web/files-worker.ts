/**
 * The files in web/ in a Cloudflare Worker, which has no file system: wrangler.toml's [assets]
 * uploads web/, and src/entry/worker.ts calls loadWebFiles(env.ASSETS) once per isolate before
 * the app renders a page. The names are listed here because an assets binding cannot be listed;
 * test/unit/worker-parts.test.ts fails when web/ and this list differ.
 */
export type WebFile = { name: string; body: Uint8Array<ArrayBuffer> };

export const WEB_FILE_NAMES = [
  "composer.js",
  "console-paging.js",
  "console-sw.js",
  "push.js",
  "sighting-live.js",
  "styles.css",
  "sw.js",
] as const;

type AssetsBinding = { fetch(input: Request | string): Promise<Response> };

let files: WebFile[] | undefined;

export async function loadWebFiles(binding: AssetsBinding): Promise<void> {
  if (files) return;
  files = await Promise.all(
    WEB_FILE_NAMES.map(async (name) => {
      const res = await binding.fetch(`https://assets.invalid/${name}`);
      if (!res.ok) throw new Error(`web/${name} is not in the assets binding (${res.status})`);
      return { name, body: new Uint8Array(await res.arrayBuffer()) };
    }),
  );
}

export function webFiles(): WebFile[] {
  if (!files) throw new Error("web files not loaded: call loadWebFiles(env.ASSETS) first");
  return files;
}
