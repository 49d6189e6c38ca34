/**
 * docs/privacy.md must list every column the migrations create: a new column fails this test
 * until someone writes down what it holds, whether it identifies anyone, how long it is kept and
 * who can read it. It also fails on columns the inventory lists but the schema no longer has, and
 * on job-queue tables the inventory does not name.
 */
import { readFileSync } from "node:fs";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestRuntime, type TestRuntime } from "../support/runtime.ts";

const DOC = new URL("../../docs/privacy.md", import.meta.url);

/** `table.column` for every row of every `### \`table\`` section of the inventory. */
function inventoryColumns(markdown: string): Set<string> {
  const listed = new Set<string>();
  let tables: string[] = [];
  for (const line of markdown.split("\n")) {
    if (line.startsWith("## ")) tables = [];
    const heading = /^### (`\w+`(?:, `\w+`)*)\s*$/.exec(line);
    if (heading) {
      tables = [...heading[1]!.matchAll(/`(\w+)`/g)].map((m) => m[1]!);
      continue;
    }
    const row = /^\| ((?:`\w+`(?:, )?)+) \|/.exec(line);
    if (!row || tables.length === 0) continue;
    for (const [, column] of row[1]!.matchAll(/`(\w+)`/g)) {
      for (const table of tables) listed.add(`${table}.${column}`);
    }
  }
  return listed;
}

let runtime: TestRuntime;
beforeAll(async () => {
  runtime = await createTestRuntime();
});
afterAll(() => runtime.close());

describe("docs/privacy.md's data inventory", () => {
  const markdown = readFileSync(DOC, "utf8");

  it("lists every column of every table the migrations create", async () => {
    const { rows } = await sql<{ name: string }>`
      SELECT c.table_name || '.' || c.column_name AS name
      FROM information_schema.columns c
      JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
      WHERE c.table_schema = 'public' AND t.table_type = 'BASE TABLE'
      ORDER BY 1`.execute(runtime.db);
    const columns = rows.map((row) => row.name);
    expect(columns.length).toBeGreaterThan(100);
    const listed = inventoryColumns(markdown);
    const missing = columns.filter((column) => !listed.has(column));
    expect(missing, "columns docs/privacy.md does not list (add them to its inventory)").toEqual([]);
  });

  it("lists no column the schema does not have", async () => {
    const { rows } = await sql<{ table_name: string; column_name: string }>`
      SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'public'`.execute(
      runtime.db,
    );
    const existing = new Set(rows.map((row) => `${row.table_name}.${row.column_name}`));
    const tablesOf = new Map<string, Set<string>>();
    for (const name of inventoryColumns(markdown)) {
      const [table, column] = name.split(".") as [string, string];
      if (!tablesOf.has(column)) tablesOf.set(column, new Set());
      tablesOf.get(column)!.add(table);
    }
    // A row under a heading naming several tables need only exist in one of them.
    const stale = [...tablesOf].filter(
      ([column, tables]) => ![...tables].some((t) => existing.has(`${t}.${column}`)),
    );
    expect(stale.map(([column, tables]) => `${[...tables].join("|")}.${column}`)).toEqual([]);
  });

  it("names every table of the job queue's schema", async () => {
    const { rows } = await sql<{ name: string }>`
      SELECT DISTINCT regexp_replace(table_name, '_[0-9]{8}$', '') AS name
      FROM information_schema.tables WHERE table_schema = 'pgboss'`.execute(runtime.db);
    expect(rows.length).toBeGreaterThan(3);
    const section = markdown.slice(markdown.indexOf("### The job queue"));
    const unnamed = rows.map((row) => row.name).filter((name) => !section.includes(`\`${name}\``));
    expect(unnamed, "pg-boss tables docs/privacy.md does not name").toEqual([]);
  });

  it("notices a column added by a new migration", async () => {
    await sql`ALTER TABLE subscribers ADD COLUMN nickname text`.execute(runtime.db);
    try {
      const { rows } = await sql<{ name: string }>`
        SELECT table_name || '.' || column_name AS name FROM information_schema.columns
        WHERE table_schema = 'public'`.execute(runtime.db);
      const listed = inventoryColumns(markdown);
      expect(rows.map((row) => row.name).filter((name) => !listed.has(name))).toEqual([
        "subscribers.nickname",
      ]);
    } finally {
      await sql`ALTER TABLE subscribers DROP COLUMN nickname`.execute(runtime.db);
    }
  });
});
