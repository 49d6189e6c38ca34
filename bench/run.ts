/**
 * `npm run bench`: every benchmark in turn, each in its own process, on the database DATABASE_URL
 * names (PGlite when unset). Arguments go to each, e.g. `npm run bench -- --subscribers 10000`.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const BENCHES = ["fanout.ts", "senders.ts", "webhook.ts", "timeline.ts"];
let failed = false;
for (const file of BENCHES) {
  const path = fileURLToPath(new URL(`./${file}`, import.meta.url));
  if (!existsSync(path)) continue;
  console.log(`\n=== bench/${file}`);
  const args = file === "fanout.ts" ? process.argv.slice(2) : [];
  const { status } = spawnSync(process.execPath, [path, ...args], { stdio: "inherit" });
  if (status !== 0) failed = true;
}
process.exitCode = failed ? 1 : 0;
