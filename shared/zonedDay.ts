/**
 * A calendar day in a time zone (IANA name, e.g. "Europe/London"), as UTC instants: what "due today" means
 * for a reader wherever they are. Uses the runtime's time zone data (Intl), no library.
 */

/** Whether the runtime knows this IANA time zone. */
export function isTimeZone(value: string): boolean {
  if (value.length === 0 || value.length > 64) return false;
  try {
    new Intl.DateTimeFormat('en', { timeZone: value });
    return true;
  } catch {
    return false;
  }
}

/** The day holding `now` in `timeZone`: from its first instant (included) to the next day's (excluded). */
export function zonedDay(now: number, timeZone: string): { start: number; end: number } {
  const { year, month, day } = wallClock(now, timeZone);
  return { start: zonedMidnight(year, month, day, timeZone), end: zonedMidnight(year, month, day + 1, timeZone) };
}

/** Midnight of that date in the zone (the day's first instant when a change of clocks skips midnight). */
function zonedMidnight(year: number, month: number, day: number, timeZone: string): number {
  const asUtc = Date.UTC(year, month - 1, day);
  // The offset at a guess, then at the instant it gives: right across a change of clocks that day.
  const first = asUtc - offset(asUtc, timeZone);
  const second = asUtc - offset(first, timeZone);
  const { year: y, month: m, day: d } = wallClock(second, timeZone);
  return Date.UTC(y, m - 1, d) === asUtc ? second : first;
}

/** How far the zone's wall clock is ahead of UTC at `at`, in ms. */
function offset(at: number, timeZone: string): number {
  const w = wallClock(at, timeZone);
  return Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second) - Math.floor(at / 1000) * 1000;
}

function wallClock(at: number, timeZone: string) {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  }).formatToParts(at);
  const part = (type: Intl.DateTimeFormatPartTypes) => Number(parts.find((p) => p.type === type)?.value);
  return { year: part('year'), month: part('month'), day: part('day'), hour: part('hour'), minute: part('minute'), second: part('second') };
}
