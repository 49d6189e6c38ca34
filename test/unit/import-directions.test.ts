/**
 * Which way imports may point, read from the sources with TypeScript's own parser (type-only
 * imports count: they tie files together for a reader just the same). Routes sit on services and
 * on http/; services know nothing of HTTP; only the entries put the app together; and no file
 * reaches itself through its imports, so each can be read (and tested) from the bottom up.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const SCANNED = ["src", "workers", "bench"];

type Import = { from: string; to: string; specifier: string; line: number };

function sourceFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts"))
    .map((entry) => relative(ROOT, join(entry.parentPath, entry.name)).split("\\").join("/"))
    .sort();
}

/** package.json's `imports` (e.g. #web-files), resolved to the file Node would load. */
const packageImports = (
  JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as {
    imports?: Record<string, { default?: string }>;
  }
).imports;

function resolveSpecifier(from: string, specifier: string): string | null {
  if (specifier.startsWith(".")) {
    return relative(ROOT, resolve(ROOT, dirname(from), specifier))
      .split("\\")
      .join("/");
  }
  const mapped = packageImports?.[specifier]?.default;
  return mapped ? relative(ROOT, resolve(ROOT, mapped)).split("\\").join("/") : null;
}

function importsOf(file: string): Import[] {
  const text = readFileSync(join(ROOT, file), "utf8");
  const { importedFiles } = ts.preProcessFile(text, true, true);
  const found: Import[] = [];
  for (const { fileName, pos } of importedFiles) {
    const to = resolveSpecifier(file, fileName);
    if (to === null) continue;
    const line = text.slice(0, pos).split("\n").length;
    found.push({ from: file, to, specifier: fileName, line });
  }
  return found;
}

const FILES = SCANNED.flatMap(sourceFiles);
const IMPORTS = FILES.flatMap(importsOf);
const shown = (i: Import) => `${i.from}:${i.line} imports "${i.specifier}"`;

function offending(from: (file: string) => boolean, to: (file: string) => boolean): string[] {
  return IMPORTS.filter((i) => from(i.from) && to(i.to)).map(shown);
}

const under = (folder: string) => (file: string) => file.startsWith(`${folder}/`);

describe("import directions", () => {
  it("finds the sources and their imports (the scan itself works)", () => {
    expect(FILES).toContain("src/app.ts");
    expect(FILES).toContain("src/services/alerts/publish.ts");
    expect(IMPORTS.some((i) => i.from === "src/entry/node.ts" && i.to === "src/app.ts")).toBe(true);
    const unresolved = IMPORTS.filter((i) => !existsSync(join(ROOT, i.to))).map(shown);
    expect(unresolved, "imports of files that do not exist").toEqual([]);
  });

  it("services and workers never import http/ or routes/ (they raise domain errors from src/errors.ts)", () => {
    const httpSide = (to: string) => under("src/http")(to) || under("src/routes")(to);
    expect(offending((from) => under("src/services")(from) || under("workers")(from), httpSide)).toEqual([]);
  });

  it("what services stand on (db, security, auth, delivery, sms, jobs, i18n) imports no layer above", () => {
    const foundations = [
      "src/db",
      "src/security",
      "src/auth",
      "src/delivery",
      "src/sms",
      "src/jobs",
      "src/i18n",
    ];
    const upward = (to: string) =>
      ["src/services", "src/http", "src/routes"].some((folder) => under(folder)(to)) || to === "src/app.ts";
    expect(offending((from) => foundations.some((folder) => under(folder)(from)), upward)).toEqual([]);
  });

  it("http/ never imports routes/, services/ or app.ts", () => {
    const upward = (to: string) =>
      under("src/routes")(to) || under("src/services")(to) || to === "src/app.ts";
    expect(offending(under("src/http"), upward)).toEqual([]);
  });

  it("only the entries import app.ts (and tests)", () => {
    expect(
      offending(
        (from) => !under("src/entry")(from),
        (to) => to === "src/app.ts",
      ),
    ).toEqual([]);
  });

  it("no file reaches itself through its imports", () => {
    const cycles = importCycles(FILES, IMPORTS).map(([size, ...loop]) => `${size} ${loop.join(" -> ")}`);
    expect(cycles).toEqual([]);
  });
});

/**
 * One cycle for each group of files that import one another (Tarjan's strongly connected
 * components), written out from the group's first file back to itself along imports.
 */
function importCycles(files: string[], imports: Import[]): string[][] {
  const edges = new Map<string, string[]>(files.map((f) => [f, []]));
  for (const i of imports) edges.get(i.from)?.push(i.to);
  for (const targets of edges.values()) targets.sort();

  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const groups: string[][] = [];
  let next = 0;
  const visit = (file: string): void => {
    index.set(file, next);
    low.set(file, next);
    next += 1;
    stack.push(file);
    onStack.add(file);
    for (const to of edges.get(file) ?? []) {
      if (!index.has(to)) {
        visit(to);
        low.set(file, Math.min(low.get(file)!, low.get(to)!));
      } else if (onStack.has(to)) {
        low.set(file, Math.min(low.get(file)!, index.get(to)!));
      }
    }
    if (low.get(file) === index.get(file)) {
      const group: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        group.push(member);
      } while (member !== file);
      const selfImport = edges.get(file)?.includes(file) ?? false;
      if (group.length > 1 || selfImport) groups.push(group.sort());
    }
  };
  for (const file of files) if (!index.has(file)) visit(file);

  return groups.map((group) => [
    `${group.length} files, e.g.`,
    ...shortestLoop(group[0]!, new Set(group), edges),
  ]);
}

/** The shortest way from `start` back to itself inside its group (breadth first). */
function shortestLoop(start: string, group: Set<string>, edges: Map<string, string[]>): string[] {
  const cameFrom = new Map<string, string>();
  const queue = [start];
  while (queue.length > 0) {
    const file = queue.shift()!;
    for (const to of edges.get(file) ?? []) {
      if (!group.has(to)) continue;
      if (to === start) {
        const path = [file];
        while (path[0] !== start) path.unshift(cameFrom.get(path[0]!)!);
        return [...path, start];
      }
      if (!cameFrom.has(to)) {
        cameFrom.set(to, file);
        queue.push(to);
      }
    }
  }
  return [start, start];
}
