/** The files in web/, read from disk (Node). The Worker's counterpart is files-worker.ts. */
import { readdirSync, readFileSync } from "node:fs";

export type WebFile = { name: string; body: Uint8Array<ArrayBuffer> };

const WEB_DIR = new URL("../../web/", import.meta.url);

export function webFiles(): WebFile[] {
  return readdirSync(WEB_DIR, { withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => ({ name: entry.name, body: new Uint8Array(readFileSync(new URL(entry.name, WEB_DIR))) }));
}
