/**
 * What a stolen dump would show: every table in every schema (ours and the job queue's) as text,
 * and the forms a phone number or email could take in it.
 */
import { sql } from "kysely";
import type { AppContext } from "../../src/context.ts";

export async function dumpEverything(ctx: Pick<AppContext, "db">): Promise<string> {
  const { rows: tables } = await sql<{ schema: string; name: string }>`
    SELECT schemaname AS schema, tablename AS name FROM pg_tables
    WHERE schemaname NOT IN ('pg_catalog', 'information_schema')`.execute(ctx.db);
  const parts: string[] = [];
  for (const { schema, name } of tables) {
    const { rows } = await sql<{
      row: string;
    }>`SELECT t::text AS row FROM ${sql.table(`${schema}.${name}`)} t`.execute(ctx.db);
    parts.push(`-- ${schema}.${name}`, ...rows.map((r) => r.row));
  }
  return parts.join("\n");
}

/** The ways a number or address could appear: as given, national, formatted, hex, base64. */
export function addressForms(address: string): string[] {
  if (address.includes("@")) {
    return [
      address,
      address.toLowerCase(),
      Buffer.from(address).toString("hex"),
      Buffer.from(address).toString("base64"),
    ];
  }
  const national = address.replace(/\D/g, "").slice(-10);
  return [
    address,
    national,
    `(${national.slice(0, 3)}) ${national.slice(3, 6)}-${national.slice(6)}`,
    `${national.slice(0, 3)}-${national.slice(3, 6)}-${national.slice(6)}`,
    Buffer.from(address).toString("hex"),
    Buffer.from(address).toString("base64"),
  ];
}
