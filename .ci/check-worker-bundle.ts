/**
 * Builds the Cloudflare Worker the way `wrangler deploy` would (--dry-run: nothing is uploaded, no
 * account is needed, metrics are off), prints its size, and fails when something Node-only got in:
 * the embedded database, the providers' libraries (delivery runs on Node), native addons, our own
 * Node-only modules, or a file system import from our code. The bundle's esbuild metafile lists
 * every input file and every import, so the check reads that rather than the minified output.
 *
 *   node .ci/check-worker-bundle.ts            (npm run check:worker)
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";

/** Packages that must never be in the Worker, and why. */
const FORBIDDEN_PACKAGES: Record<string, string> = {
  "@electric-sql/pglite": "the embedded database is Node-only; the Worker uses Postgres through Hyperdrive",
  nodemailer: "email is sent by Node delivery workers",
  twilio: "SMS is sent by Node delivery workers (webhook signatures are checked without the package)",
  "web-push": "push is sent by Node delivery workers",
  undici: "the senders' HTTP client, in Node delivery workers (the Worker has fetch)",
  "@node-rs/argon2": "a native addon; wrangler.toml aliases it to src/security/argon2-portable.ts",
  "@hono/node-server": "Node's HTTP server",
  "smtp-server": "a test peer",
  "pg-native": "a native addon",
};

/** Our modules that are Node-only (file system, processes, senders, the embedded database). */
const FORBIDDEN_SOURCES = [
  /^workers\//,
  /^src\/cli\//,
  /^src\/runtime\.ts$/,
  /^src\/entry\/node\.ts$/,
  /^src\/db\/connect\.ts$/,
  /^src\/db\/migrate\.ts$/,
  /^src\/security\/keys\.ts$/,
  /^src\/web\/files-node\.ts$/,
  /^src\/delivery\/(senders|smtp-sender|twilio-sender|webpush-sender)\.ts$/,
  /^src\/sms\/twilio-(client|http)\.ts$/,
];

/** Node built-ins our own code must not import in the Worker (no file system, no processes). */
const FORBIDDEN_BUILTINS =
  /^(node:)?(fs|fs\/promises|child_process|worker_threads|cluster|net|tls|dgram|http|https|http2|os|v8|vm|readline|repl|inspector)$/;

type Metafile = {
  inputs: Record<string, { bytes: number; imports: { path: string; external?: boolean }[] }>;
};

const root = new URL("..", import.meta.url).pathname;
const outdir = mkdtempSync(join(tmpdir(), "aviso-worker-bundle-"));
const metafilePath = join(outdir, "meta.json");
try {
  const wrangler = join(root, "node_modules", ".bin", "wrangler");
  const build = spawnSync(wrangler, ["deploy", "--dry-run", "--outdir", outdir, "--metafile", metafilePath], {
    cwd: root,
    encoding: "utf8",
    env: {
      ...process.env,
      WRANGLER_SEND_METRICS: "false",
      WRANGLER_HIDE_BANNER: "true",
      CI: "true",
      NO_COLOR: "1",
    },
  });
  if (build.status !== 0) {
    console.error(build.stdout, build.stderr);
    console.error("worker bundle: wrangler deploy --dry-run failed");
    process.exit(1);
  }
  const bundle = readFileSync(join(outdir, "worker.js"));
  const size = statSync(join(outdir, "worker.js")).size;
  const gzip = gzipSync(bundle).length;
  console.log(`worker bundle: ${kib(size)} KiB (${kib(gzip)} KiB gzip) from wrangler deploy --dry-run`);

  const meta = JSON.parse(readFileSync(metafilePath, "utf8")) as Metafile;
  const problems: string[] = [];
  const byPackage = new Map<string, number>();
  const importers = new Map<string, string[]>();
  for (const [file, input] of Object.entries(meta.inputs)) {
    for (const imported of input.imports) {
      importers.set(imported.path, [...(importers.get(imported.path) ?? []), file]);
    }
  }
  for (const [file, input] of Object.entries(meta.inputs)) {
    const pkg = packageOf(file);
    if (pkg) {
      if (FORBIDDEN_PACKAGES[pkg] && !byPackage.has(pkg)) {
        problems.push(
          `${pkg} is in the bundle, ${reachedFrom(file, importers)} (${FORBIDDEN_PACKAGES[pkg]})`,
        );
      }
      byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + input.bytes);
      continue;
    }
    if (FORBIDDEN_SOURCES.some((pattern) => pattern.test(file))) {
      problems.push(`${file}: a Node-only module of ours is in the bundle`);
    }
    if (/^(src|workers)\//.test(file)) {
      for (const imported of input.imports) {
        if (FORBIDDEN_BUILTINS.test(imported.path)) problems.push(`${file} imports ${imported.path}`);
      }
    }
  }
  const largest = [...byPackage].sort((a, b) => b[1] - a[1]).slice(0, 8);
  console.log(`largest packages (source bytes): ${largest.map(([p, b]) => `${p} ${kib(b)} KiB`).join(", ")}`);
  if (problems.length > 0) {
    console.error(
      `worker bundle: Node-only code reached the Worker:\n  - ${[...new Set(problems)].join("\n  - ")}`,
    );
    process.exit(1);
  }
  console.log("worker bundle: nothing Node-only in it");
} finally {
  rmSync(outdir, { recursive: true, force: true });
}

/** "imported through src/a.ts <- src/b.ts": the chain of our own files that brought `file` in. */
function reachedFrom(file: string, importers: Map<string, string[]>): string {
  const chain: string[] = [];
  const seen = new Set([file]);
  let current = file;
  while (chain.length < 6) {
    const next = (importers.get(current) ?? []).find((candidate) => !seen.has(candidate));
    if (!next) break;
    seen.add(next);
    if (!packageOf(next)) chain.push(next);
    current = next;
  }
  return chain.length > 0 ? `imported through ${chain.join(" <- ")}` : "imported by a dependency";
}

function packageOf(file: string): string | undefined {
  const at = file.lastIndexOf("node_modules/");
  if (at < 0) return undefined;
  const parts = file.slice(at + "node_modules/".length).split("/");
  return parts[0]!.startsWith("@") ? `${parts[0]}/${parts[1]}` : parts[0];
}

function kib(bytes: number): string {
  return (bytes / 1024).toFixed(1);
}
