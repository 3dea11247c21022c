/**
 * Wall-clock helpers. Every rule that speaks of local time goes through these, so results depend
 * only on the interview's zone, never on the process's own `TZ`, and only on the project's own
 * copy of the IANA time-zone database (tzdb.ts, compiled by `npm run tzdata` from a pinned
 * development dependency; encoding in scripts/tzdata.ts), never on the runtime's ICU data: Node
 * carries whatever tz release its ICU has (2025c on the development machines, another on Lambda),
 * and a rule change such as British Columbia's permanent UTC−7 from 2026-11-01 must not wait for
 * it. Intl is only asked, when a reporter is set, whether it agrees (see
 * setRuntimeDisagreementReporter); its answer never changes a result.
 *
 * The data covers FIRST_TZ_YEAR–LAST_TZ_YEAR (with a few days either side). Outside those years
 * the functions refuse with a RangeError rather than guess, except for UTC and the fixed Etc/GMT±N
 * zones, whose offset is theirs by definition. The submission schema turns the refusal into a 400.
 *
 * Zone names: any name the data knows, in any case, alias or not (`us/eastern`); canonicalTimeZone
 * gives the one name the service stores (`America/New_York`).
 */

import { watchOffset } from './tz-runtime.js';
import { END, FIRST_YEAR, LAST_YEAR, LINKS, START, STATES, TABLES, TZ_DATA_VERSION, ZONES } from './tzdb.js';

export {
  type RuntimeDisagreement,
  type RuntimeOffset,
  setRuntimeDisagreementReporter,
} from './tz-runtime.js';
export { FIRST_YEAR as FIRST_TZ_YEAR, LAST_YEAR as LAST_TZ_YEAR, TZ_DATA_VERSION };

const LOCAL_MINUTE = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/;
const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;

/** A calendar date with no zone: year, month 1–12, day 1–31. */
export interface CalendarDate {
  year: number;
  month: number;
  day: number;
}

const MONTH_START = [0, 31, 60, 91, 121, 152, 182, 213, 244, 274, 305, 335]; // in a leap year

/** A month and day's place in a leap year (1 January is 1, 31 December 366): the holiday table's key. */
export function dayOfLeapYear(month: number, day: number): number {
  return (MONTH_START[month - 1] ?? 0) + day;
}

// ---- Zone names ----------------------------------------------------------------------------

/** What a zone name may look like: ASCII only, so nothing else lower-cases into one (the Kelvin sign K → k). */
const ZONE_NAME = /^[A-Za-z0-9_+/-]{1,64}$/;

/** Every known name, lower-cased → its canonical name; built on first use. */
let byLowerCase: Map<string, string> | undefined;
function knownNames(): Map<string, string> {
  if (!byLowerCase) {
    byLowerCase = new Map();
    for (const zone of Object.keys(ZONES)) byLowerCase.set(zone.toLowerCase(), zone);
    for (const [alias, zone] of Object.entries(LINKS)) byLowerCase.set(alias.toLowerCase(), zone);
  }
  return byLowerCase;
}

/**
 * The canonical name of a zone, or undefined when the data does not know it. Case does not matter
 * and aliases are resolved: `america/new_york` and `US/Eastern` → `America/New_York`,
 * `Asia/Calcutta` → `Asia/Kolkata`, `Europe/Kiev` → `Europe/Kyiv`. The canonical names are the tz
 * database's per-country names (zone.tab: `Europe/Oslo` stays itself though it shares Berlin's
 * data), and UTC with all its aliases (`Etc/UTC`, `Etc/Universal`, `Zulu`…) is `UTC`.
 */
export function canonicalTimeZone(name: string): string | undefined {
  if (typeof name !== 'string' || !ZONE_NAME.test(name)) return undefined;
  return knownNames().get(name.toLowerCase());
}

/** True when `zone` names a zone of the project's tz data (any case, aliases too). */
export function isTimeZone(zone: string): boolean {
  return canonicalTimeZone(zone) !== undefined;
}

// ---- Zone rules ----------------------------------------------------------------------------

interface ZoneRules {
  name: string;
  /** Instants (epoch ms, ascending) at which the offset or the abbreviation changes. */
  changes: number[];
  /** Minutes east of UTC, one more than `changes`: offsets[i] holds before changes[i]. */
  offsets: number[];
  abbreviations: string[];
  /** UTC and Etc/GMT±N: one offset by definition, so no year bounds. */
  unbounded: boolean;
}

function decodeState(index: string): { offset: number; abbreviation: string } {
  const state = STATES[Number.parseInt(index, 36)];
  if (state === undefined) throw new Error(`tz data: no state ${index}`);
  const space = state.indexOf(' ');
  return { offset: Number.parseInt(state.slice(0, space), 36), abbreviation: state.slice(space + 1) };
}

function decodeZone(name: string): ZoneRules {
  const table = TABLES[ZONES[name] ?? -1];
  if (table === undefined) throw new Error(`tz data: no table for ${name}`);
  const [first = '', ...tokens] = table.split(' ');
  const initial = decodeState(first);
  const rules: ZoneRules = {
    name,
    changes: [],
    offsets: [initial.offset],
    abbreviations: [initial.abbreviation],
    unbounded: tokens.length === 0 && (name === 'UTC' || name.startsWith('Etc/')),
  };
  let at = START;
  for (const token of tokens) {
    at += Number.parseInt(token.slice(0, -2), 36) * MINUTE_MS;
    const state = decodeState(token.slice(-2));
    rules.changes.push(at);
    rules.offsets.push(state.offset);
    rules.abbreviations.push(state.abbreviation);
  }
  return rules;
}

/** Decoded rules by canonical name: each zone's table is decoded once, on first use. */
const decoded = new Map<string, ZoneRules>();

function rulesFor(zone: string): ZoneRules {
  const name = canonicalTimeZone(zone);
  if (name === undefined) throw new RangeError(`Unknown time zone: ${JSON.stringify(zone)}`);
  let rules = decoded.get(name);
  if (!rules) {
    rules = decodeZone(name);
    decoded.set(name, rules);
  }
  return rules;
}

function outOfRange(what: string, zone: string): RangeError {
  return new RangeError(
    `The project's time-zone data (IANA ${TZ_DATA_VERSION}) covers ${FIRST_YEAR}–${LAST_YEAR} only, not ${what} in ${zone}`,
  );
}

/** The index of the rules' state in force at `instant` (epoch ms). */
function stateAt(rules: ZoneRules, instant: number): number {
  if (!rules.unbounded && !(instant >= START && instant < END)) {
    throw outOfRange(
      Number.isFinite(instant) ? new Date(instant).toISOString() : String(instant),
      rules.name,
    );
  }
  let low = 0;
  let high = rules.changes.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if ((rules.changes[mid] as number) <= instant) low = mid + 1;
    else high = mid;
  }
  return low;
}

/** Offset of the zone from UTC at `instant`, in minutes (New York in winter: −300). */
function offsetMinutes(rules: ZoneRules, instant: number): number {
  const offset = rules.offsets[stateAt(rules, instant)] as number;
  watchOffset(rules.name, instant, offset);
  return offset;
}

/** Offset of `zone` from UTC at `instant`, in minutes east (New York in winter: −300, Kolkata 330). */
export function utcOffsetMinutes(instant: Date, zone: string): number {
  return offsetMinutes(rulesFor(zone), instant.getTime());
}

// ---- Wall clocks ---------------------------------------------------------------------------

/** The wall clock in `zone` at `instant` (whole seconds). */
export function wallClock(instant: Date, zone: string) {
  const t = instant.getTime();
  const local = new Date(Math.floor(t / 1000) * 1000 + offsetMinutes(rulesFor(zone), t) * MINUTE_MS);
  return {
    year: local.getUTCFullYear(),
    month: local.getUTCMonth() + 1,
    day: local.getUTCDate(),
    hour: local.getUTCHours(),
    minute: local.getUTCMinutes(),
    second: local.getUTCSeconds(),
  };
}

/** True when the data covers local dates of `year` in `zone` (a known zone). */
function coversYear(rules: ZoneRules, year: number): boolean {
  return rules.unbounded || (year >= FIRST_YEAR && year <= LAST_YEAR);
}

/**
 * The instant at which the wall clock in `zone` reads the given time. A time skipped by a
 * spring-forward change moves forward by the gap (02:30 → 03:30); a time repeated in autumn means
 * its first occurrence. A date outside the data's years is refused (RangeError).
 */
export function zonedTime(date: CalendarDate, hour: number, minute: number, zone: string): Date {
  const rules = rulesFor(zone);
  if (!coversYear(rules, date.year)) throw outOfRange(`the local date ${date.year}`, rules.name);
  const naive = Date.UTC(date.year, date.month - 1, date.day, hour, minute);
  const offsetMs = (t: number) => offsetMinutes(rules, t) * MINUTE_MS;
  // Offsets a day either side cover any single change near this time.
  const before = offsetMs(naive - DAY_MS);
  const after = offsetMs(naive + DAY_MS);
  const valid = [naive - before, naive - after].filter((t) => naive - offsetMs(t) === t);
  if (valid.length > 0) return new Date(Math.min(...valid));
  return new Date(naive - before); // in the gap: keep the old offset, which lands after the jump
}

export function isRealDate(year: number, month: number, day: number): boolean {
  const probe = new Date(Date.UTC(year, month - 1, day));
  return month >= 1 && month <= 12 && probe.getUTCMonth() === month - 1 && probe.getUTCDate() === day;
}

/**
 * `YYYY-MM-DDTHH:mm` in `zone` → instant; undefined for a malformed or impossible date or time, or
 * one in a year the tz data does not cover (`zonedTimeCovers`). Throws for an unknown zone.
 */
export function parseLocalMinute(value: string, zone: string): Date | undefined {
  const m = LOCAL_MINUTE.exec(value);
  if (!m) return undefined;
  const [year, month, day, hour, minute] = m.slice(1).map(Number) as [number, number, number, number, number];
  if (!isRealDate(year, month, day) || hour > 23 || minute > 59) return undefined;
  if (!coversYear(rulesFor(zone), year)) return undefined;
  return zonedTime({ year, month, day }, hour, minute, zone);
}

/** True when local dates of `year` in `zone` are within the tz data (false for an unknown zone). */
export function zonedTimeCovers(year: number, zone: string): boolean {
  return isTimeZone(zone) && coversYear(rulesFor(zone), year);
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

/** The wall-clock time in `zone` as `yyyy-mm-ddThh:mm:ss`. */
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

// ---- For people ----------------------------------------------------------------------------

const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

/** The English name of the local weekday in `zone` at `instant`: "Friday". */
export function formatWeekday(instant: Date, zone: string): string {
  return WEEKDAYS[weekday(localDate(instant, zone))] as string;
}

/** The local month and day in `zone` at `instant`, in English: "November 20". */
export function formatMonthDay(instant: Date, zone: string): string {
  const { month, day } = localDate(instant, zone);
  return `${MONTHS[month - 1]} ${day}`;
}

/**
 * What people call the zone's time at `instant`: the tz data's abbreviation when it is a word
 * ("EST", "CEST", "IST", "MST" for Vancouver from November 2026), otherwise the offset, since the
 * data writes numbers for zones without a common abbreviation ("+1030" on Lord Howe Island,
 * "-03" in São Paulo): "UTC+10:30", "UTC-03:00", and plain "UTC" for an offset of zero.
 */
export function zoneAbbreviation(instant: Date, zone: string): string {
  const rules = rulesFor(zone);
  const t = instant.getTime();
  const offset = offsetMinutes(rules, t);
  const abbreviation = rules.abbreviations[stateAt(rules, t)] as string;
  if (/^[A-Za-z]+$/.test(abbreviation)) return abbreviation;
  if (offset === 0) return 'UTC';
  const sign = offset < 0 ? '-' : '+';
  const minutes = Math.abs(offset);
  return `UTC${sign}${pad(Math.floor(minutes / 60))}:${pad(minutes % 60)}`;
}

/** For people: "Friday, November 27 at 5:00 PM EST" (English names, the zone as zoneAbbreviation says). */
export function formatForPeople(instant: Date, zone: string): string {
  const w = wallClock(instant, zone);
  const hour = w.hour % 12 === 0 ? 12 : w.hour % 12;
  const period = w.hour < 12 ? 'AM' : 'PM';
  const date = { year: w.year, month: w.month, day: w.day };
  return `${WEEKDAYS[weekday(date)]}, ${MONTHS[w.month - 1]} ${w.day} at ${hour}:${pad(w.minute)} ${period} ${zoneAbbreviation(instant, zone)}`;
}
