/**
 * Where an alert goes: named ZIPs, a radius around a ZIP (great-circle distance between the
 * reference coordinates), or for statements the whole service area. Every ZIP must exist and be
 * in the service area. The alert's own ZIP (the sighting's) comes first: its subscribers are
 * delivered to first.
 */
import { sql } from "kysely";
import type { ServiceArea } from "../../config.ts";
import type { DbOrTx } from "../../db/transaction.ts";
import { invalid } from "../../errors.ts";
import { inServiceArea, resolveZips } from "../subscriptions/service-area.ts";

export const MAX_RADIUS_MILES = 25;
export const MAX_TARGET_ZIPS = 2_000;
const EARTH_RADIUS_MILES = 3958.8;

export type TargetInput =
  | { zips: string[] }
  | { radiusMiles: number; aroundZip?: string }
  | { cityWide: true };

export async function resolveTarget(
  db: DbOrTx,
  area: ServiceArea,
  target: TargetInput,
  ownZip?: string,
): Promise<string[]> {
  let zips: string[];
  if ("zips" in target) {
    const { unknown } = await resolveZips(db, area, target.zips);
    if (unknown.length > 0) {
      throw invalid("target.zips", `not known ZIPs in the service area: ${unknown.join(", ")}`);
    }
    zips = target.zips;
  } else if ("radiusMiles" in target) {
    const center = target.aroundZip ?? ownZip;
    if (!center) throw invalid("target.aroundZip", "say which ZIP the radius is around");
    zips = await zipsWithin(db, area, center, target.radiusMiles);
  } else {
    zips = await serviceAreaZips(db, area);
  }
  const unique = [...new Set(zips)].sort();
  if (unique.length > MAX_TARGET_ZIPS) throw invalid("target", `more than ${MAX_TARGET_ZIPS} ZIPs`);
  return ownZip && unique.includes(ownZip) ? [ownZip, ...unique.filter((z) => z !== ownZip)] : unique;
}

async function zipsWithin(db: DbOrTx, area: ServiceArea, center: string, miles: number): Promise<string[]> {
  const origin = await db.selectFrom("zip_codes").selectAll().where("zip", "=", center).executeTakeFirst();
  if (!origin || !inServiceArea(area, origin)) {
    throw invalid("target.aroundZip", `${center} is not a known ZIP in the service area`);
  }
  const latSpan = miles / 69;
  const { rows } = await sql<{ zip: string; state: string }>`
    SELECT zip, state FROM zip_codes
    WHERE latitude BETWEEN ${origin.latitude - latSpan} AND ${origin.latitude + latSpan}
      AND ${2 * EARTH_RADIUS_MILES} * asin(sqrt(
            power(sin(radians(latitude - ${origin.latitude}) / 2), 2)
            + cos(radians(${origin.latitude})) * cos(radians(latitude))
              * power(sin(radians(longitude - ${origin.longitude}) / 2), 2)
          )) <= ${miles}`.execute(db);
  const zips = rows.filter((row) => inServiceArea(area, row)).map((row) => row.zip);
  return zips.includes(center) ? zips : [center, ...zips];
}

async function serviceAreaZips(db: DbOrTx, area: ServiceArea): Promise<string[]> {
  if (area.all) {
    throw invalid("target.cityWide", "SERVICE_AREA is all of the country: name the ZIPs instead");
  }
  const rows = await db
    .selectFrom("zip_codes")
    .select("zip")
    .where((eb) =>
      eb.or([
        ...(area.zips.size > 0 ? [eb("zip", "in", [...area.zips])] : []),
        ...area.prefixes.map((prefix) => eb("zip", "like", `${prefix}%`)),
        ...(area.states.size > 0 ? [eb("state", "in", [...area.states])] : []),
      ]),
    )
    .execute();
  return rows.map((row) => row.zip);
}
