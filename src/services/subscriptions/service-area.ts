/**
 * The service area (SERVICE_AREA: "all", or ZIPs, ZIP prefixes and states) matched against the
 * ZIP reference table: a ZIP can be subscribed to only if it exists and is in the area.
 */
import type { ServiceArea } from "../../config.ts";
import type { DbOrTx } from "../../db/transaction.ts";
import type { ZipRow } from "./types.ts";

export function inServiceArea(area: ServiceArea, zip: { zip: string; state: string }): boolean {
  if (area.all) return true;
  return (
    area.zips.has(zip.zip) || area.states.has(zip.state) || area.prefixes.some((p) => zip.zip.startsWith(p))
  );
}

/** Splits `zips` (in the order given) into those that exist and are in the area, and the rest. */
export function classifyZips(
  area: ServiceArea,
  zips: readonly string[],
  rows: readonly ZipRow[],
): { known: string[]; unknown: string[] } {
  const found = new Map(rows.map((row) => [row.zip, row]));
  const known: string[] = [];
  const unknown: string[] = [];
  for (const zip of zips) {
    const row = found.get(zip);
    (row && inServiceArea(area, row) ? known : unknown).push(zip);
  }
  return { known, unknown };
}

/** classifyZips, reading the reference rows itself. */
export async function resolveZips(
  db: DbOrTx,
  area: ServiceArea,
  zips: readonly string[],
): Promise<{ known: string[]; unknown: string[] }> {
  if (zips.length === 0) return { known: [], unknown: [] };
  const rows = await db.selectFrom("zip_codes").select(["zip", "state"]).where("zip", "in", zips).execute();
  return classifyZips(area, zips, rows);
}

const examples = new WeakMap<ServiceArea, Promise<string>>();
/** With the whole country in the area, replies use the README's example. */
const NATIONWIDE_EXAMPLE = "94607";

/** A ZIP in the area for replies to give as an example (PROGRAM_EXAMPLE_ZIP, else the first one). */
export function exampleZip(
  db: DbOrTx,
  config: { serviceArea: ServiceArea; program: { exampleZip?: string } },
) {
  if (config.program.exampleZip) return Promise.resolve(config.program.exampleZip);
  const area = config.serviceArea;
  let example = examples.get(area);
  if (!example) {
    example = firstZipIn(db, area);
    examples.set(area, example);
    example.catch(() => examples.delete(area));
  }
  return example;
}

async function firstZipIn(db: DbOrTx, area: ServiceArea): Promise<string> {
  if (area.all) return NATIONWIDE_EXAMPLE;
  const listed = [...area.zips].sort()[0];
  if (listed) return listed;
  const row = await db
    .selectFrom("zip_codes")
    .select("zip")
    .where((eb) =>
      eb.or([
        ...area.prefixes.map((prefix) => eb("zip", "like", `${prefix}%`)),
        ...(area.states.size > 0 ? [eb("state", "in", [...area.states])] : []),
      ]),
    )
    .orderBy("zip")
    .limit(1)
    .executeTakeFirst();
  return row?.zip ?? NATIONWIDE_EXAMPLE;
}
