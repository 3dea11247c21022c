/**
 * Wall-clock helpers. Every rule that speaks of local time goes through these, so results depend
 * only on the interview's zone, never on the process's own `TZ`.
 *
 * Instant → wall clock is Intl's (formatToParts with the zone, one formatter per zone). Wall clock
 * → instant is done here by hand: `new TZDate(y, m, d, h, min, zone)` of @date-fns/tz resolved an
 * ambiguous autumn time differently depending on the process's zone (seen with 1.5), which is
 * exactly what we must not depend on. With both directions our own, date-fns is no longer needed
 * (it was 24 KiB of every bundle for two format strings).
 */

const LOCAL_MINUTE = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/;
const DAY_MS = 86_400_000;

/** A calendar date with no zone: year, month 1–12, day 1–31. */
export interface CalendarDate {
  year: number;
  month: number;
  day: number;
}

/** One en-US formatter per zone and style, built on first use (they are costly to build). */
const formatters = new Map<string, Intl.DateTimeFormat>();
function formatterFor(style: string, zone: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${style}|${zone}`;
  let f = formatters.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { ...options, timeZone: zone });
    formatters.set(key, f);
  }
  return f;
}

const PARTS: Intl.DateTimeFormatOptions = {
  hourCycle: 'h23',
  year: 'numeric',
  month: 'numeric',
  day: 'numeric',
  hour: 'numeric',
  minute: 'numeric',
  second: 'numeric',
};
const partsFormatter = (zone: string) => formatterFor('parts', zone, PARTS);

const MONTH_START = [0, 31, 60, 91, 121, 152, 182, 213, 244, 274, 305, 335]; // in a leap year

/** A month and day's place in a leap year (1 January is 1, 31 December 366): the holiday table's key. */
export function dayOfLeapYear(month: number, day: number): number {
  return (MONTH_START[month - 1] ?? 0) + day;
}

/** The wall clock in `zone` at `instant`. */
export function wallClock(instant: Date, zone: string) {
  const parts: Record<string, number> = {};
  for (const p of partsFormatter(zone).formatToParts(instant)) {
    if (p.type !== 'literal') parts[p.type] = Number(p.value);
  }
  return {
    year: parts.year ?? 0,
    month: parts.month ?? 0,
    day: parts.day ?? 0,
    hour: parts.hour ?? 0,
    minute: parts.minute ?? 0,
    second: parts.second ?? 0,
  };
}

/** Offset of `zone` from UTC at `instant`, in milliseconds (New York in winter: -5 h). */
function offsetMs(instant: number, zone: string): number {
  const w = wallClock(new Date(instant), zone);
  const asUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
  return asUtc - Math.floor(instant / 1000) * 1000;
}

/**
 * The instant at which the wall clock in `zone` reads the given time. A time skipped by a
 * spring-forward change moves forward by the gap (02:30 → 03:30); a time repeated in autumn means
 * its first occurrence.
 */
export function zonedTime(date: CalendarDate, hour: number, minute: number, zone: string): Date {
  const naive = Date.UTC(date.year, date.month - 1, date.day, hour, minute);
  // Offsets a day either side cover any single transition near this time.
  const before = offsetMs(naive - DAY_MS, zone);
  const after = offsetMs(naive + DAY_MS, zone);
  const valid = [naive - before, naive - after].filter((t) => naive - offsetMs(t, zone) === t);
  if (valid.length > 0) return new Date(Math.min(...valid));
  return new Date(naive - before); // in the gap: keep the old offset, which lands after the jump
}

/**
 * True when the wall clock in `zone` shows this time only once. In the hour repeated by an autumn
 * change it shows twice, and a wall-clock time alone (as in Scheduler's at()) cannot say which.
 */
export function hasUniqueWallTime(instant: Date, zone: string): boolean {
  const key = (t: number) => {
    const w = wallClock(new Date(t), zone);
    return `${w.year}-${w.month}-${w.day}T${w.hour}:${w.minute}:${w.second}`;
  };
  const here = key(instant.getTime());
  // Every DST shift in the tz database is 30 minutes, 1 hour or 2 hours.
  return [30, 60, 120].every((minutes) =>
    [-1, 1].every((sign) => key(instant.getTime() + sign * minutes * 60_000) !== here),
  );
}

/** True when `zone` is an IANA zone name this runtime knows (e.g. America/New_York, UTC). */
export function isTimeZone(zone: string): boolean {
  if (!/^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+)*$/.test(zone)) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

export function isRealDate(year: number, month: number, day: number): boolean {
  const probe = new Date(Date.UTC(year, month - 1, day));
  return month >= 1 && month <= 12 && probe.getUTCMonth() === month - 1 && probe.getUTCDate() === day;
}

/** `YYYY-MM-DDTHH:mm` in `zone` → instant; undefined for a malformed or impossible date or time. */
export function parseLocalMinute(value: string, zone: string): Date | undefined {
  const m = LOCAL_MINUTE.exec(value);
  if (!m) return undefined;
  const [year, month, day, hour, minute] = m.slice(1).map(Number) as [number, number, number, number, number];
  if (!isRealDate(year, month, day) || hour > 23 || minute > 59) return undefined;
  return zonedTime({ year, month, day }, hour, minute, zone);
}

/** The local calendar date in `zone` at `instant`. */
export function localDate(instant: Date, zone: string): CalendarDate {
  const { year, month, day } = wallClock(instant, zone);
  return { year, month, day };
}

export function addCalendarDays(date: CalendarDate, days: number): CalendarDate {
  const d = new Date(Date.UTC(date.year, date.month - 1, date.day) + days * DAY_MS);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

/** 0 = Sunday … 6 = Saturday. */
export function weekday(date: CalendarDate): number {
  return new Date(Date.UTC(date.year, date.month - 1, date.day)).getUTCDay();
}

export function calendarDaysBetween(from: CalendarDate, to: CalendarDate): number {
  return Math.round(
    (Date.UTC(to.year, to.month - 1, to.day) - Date.UTC(from.year, from.month - 1, from.day)) / DAY_MS,
  );
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** The wall-clock time in `zone` as Scheduler's at() wants it: `yyyy-mm-ddThh:mm:ss`. */
export function toLocalSecond(instant: Date, zone: string): string {
  const w = wallClock(instant, zone);
  return `${pad(w.year, 4)}-${pad(w.month)}-${pad(w.day)}T${pad(w.hour)}:${pad(w.minute)}:${pad(w.second)}`;
}

/** Whole instant in `zone`, as `YYYY-MM-DDTHH:mm`. */
export function toLocalMinute(instant: Date, zone: string): string {
  return toLocalSecond(instant, zone).slice(0, 16);
}

/** The instant rounded up to a whole minute (unchanged when already whole). */
export function ceilToMinute(instant: Date): Date {
  return new Date(Math.ceil(instant.getTime() / 60_000) * 60_000);
}

const FOR_PEOPLE: Intl.DateTimeFormatOptions = {
  weekday: 'long',
  month: 'long',
  day: 'numeric',
  hour: 'numeric',
  minute: '2-digit',
  timeZoneName: 'short',
};

/** For people: "Friday, November 27 at 5:00 PM EST". */
export function formatForPeople(instant: Date, zone: string): string {
  const formatter = formatterFor('people', zone, FOR_PEOPLE);
  const parts = formatter.formatToParts(instant);
  const get = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? '';
  return `${get('weekday')}, ${get('month')} ${get('day')} at ${get('hour')}:${get('minute')} ${get('dayPeriod')} ${get('timeZoneName')}`;
}
