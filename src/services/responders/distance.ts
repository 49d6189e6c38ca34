/**
 * Distances between ZIPs, from the reference coordinates (zip_codes, src/db/zip-codes.ts): the
 * great-circle distance between their centres, in miles. Coarse (a ZIP is an area, not a point),
 * which is all ordering responders by nearness needs.
 */
const EARTH_RADIUS_MILES = 3958.8;

export type Point = { latitude: number; longitude: number };

export function milesBetween(a: Point, b: Point): number {
  const rad = Math.PI / 180;
  const dLat = (b.latitude - a.latitude) * rad;
  const dLon = (b.longitude - a.longitude) * rad;
  const h =
    Math.sin(dLat / 2) ** 2 +
    Math.cos(a.latitude * rad) * Math.cos(b.latitude * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_MILES * Math.asin(Math.min(1, Math.sqrt(h)));
}
