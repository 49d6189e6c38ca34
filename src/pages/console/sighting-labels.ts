/** The words the console shows for a sighting's coded fields, and what to call its place. */
export const STATUSES = [
  ["reported", "Reported"],
  ["dispatched", "Responders dispatched"],
  ["verified", "Verified"],
  ["unconfirmed", "Unconfirmed"],
  ["false_alarm", "False alarm"],
] as const;
export const AGENCIES = [
  ["ice", "ICE"],
  ["cbp", "CBP"],
  ["unknown", "Unknown agency"],
  ["other", "Other law enforcement"],
] as const;
export const ACTIVITIES = [
  ["sweep", "Sweep"],
  ["targeted_arrest", "Targeted arrest"],
  ["checkpoint", "Checkpoint"],
  ["traffic_stop", "Traffic stop"],
  ["workplace", "Workplace operation"],
  ["other", "Other"],
] as const;
export const SOURCES = [
  ["hotline_call", "Hotline call"],
  ["text", "Text message"],
  ["responder", "Responder"],
] as const;
export const METHODS = [
  ["responder_on_scene", "Responder on scene"],
  ["photo", "Photo"],
  ["independent_reports", "Independent reports"],
  ["other", "Other"],
] as const;
export const label = (options: readonly (readonly [string, string])[], value: string) =>
  options.find(([v]) => v === value)?.[1] ?? value;

/** What to call a sighting's place: what was typed, or its ZIP once the text was erased. */
export function placeOf(s: { place: string | null; zip: string }): string {
  return s.place ?? `ZIP ${s.zip}`;
}
