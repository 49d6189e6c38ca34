/** Times in the console, on the wall clock of the program's time zone (ALERT_TIME_ZONE). */
/** The instant's date and time on a wall clock in `timeZone`, each part zero-padded. */
function wallClock(at: Date, timeZone: string) {
  const parts = new Intl.DateTimeFormat("en-CA", {
    timeZone,
    hourCycle: "h23",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
  }).formatToParts(at);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? "00";
  return {
    year: get("year"),
    month: get("month"),
    day: get("day"),
    hour: get("hour"),
    minute: get("minute"),
  };
}

/** "2026-11-24T13:05" on a wall clock in `timeZone` → that instant; undefined if malformed. */
export function fromLocalInput(value: string, timeZone: string): Date | undefined {
  const match = /^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d)$/.exec(value);
  if (!match) return undefined;
  const [, y, mo, d, h, mi] = match.map(Number) as [number, number, number, number, number, number];
  const guess = Date.UTC(y, mo - 1, d, h, mi);
  // How far the zone's wall clock is ahead of UTC at `at` (twice: the guess may cross a DST change).
  const offset = (at: number) => {
    const c = wallClock(new Date(at), timeZone);
    return Date.UTC(+c.year, +c.month - 1, +c.day, +c.hour, +c.minute) - at;
  };
  const first = guess - offset(guess);
  return new Date(guess - offset(first));
}

/** The instant as "2026-11-24T13:05" on a wall clock in `timeZone`, for datetime-local inputs. */
export function toLocalInput(at: Date, timeZone: string): string {
  const c = wallClock(at, timeZone);
  return `${c.year}-${c.month}-${c.day}T${c.hour}:${c.minute}`;
}

export function when(at: string | Date | null, timeZone: string): string {
  if (!at) return "";
  return new Intl.DateTimeFormat("en-US", { dateStyle: "medium", timeStyle: "short", timeZone }).format(
    new Date(at),
  );
}
