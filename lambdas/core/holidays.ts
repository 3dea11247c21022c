/**
 * Public holidays by region, as the date-holidays package knows them. A region is an ISO 3166-1
 * country code, optionally with a subdivision after a hyphen: "US", "US-CA", "DE-BY", "AU-NSW".
 * Only holidays of type `public` count (not bank, school, optional or observance days), including
 * substitute days. Dates are calendar dates: a holiday is the whole local day wherever the
 * interview's zone is.
 *
 * The dates come from a table compiled from date-holidays by `npm run holidays`
 * (holidayCalendar.ts, encoding described in scripts/holidays.ts), not from the package at run
 * time: it would add 1.4 MiB to every bundle and most of the cold start. The table covers
 * FIRST_YEAR–LAST_YEAR; a date outside it is refused (RangeError) rather than guessed, and the
 * submission schema turns that into a 400 before anything is scheduled.
 */
import { CALENDARS, FIRST_YEAR, LAST_YEAR } from './holidayCalendar.js';
import { type CalendarDate, dayOfLeapYear } from './time.js';

export { FIRST_YEAR as FIRST_HOLIDAY_YEAR, LAST_YEAR as LAST_HOLIDAY_YEAR };

const REGION = /^([A-Za-z]{2})(?:-([A-Za-z0-9]{1,3}))?$/;

/** The region in canonical form ("us-ca" → "US-CA"), or undefined when date-holidays does not know it. */
export function normalizeRegion(region: string): string | undefined {
  const m = REGION.exec(region);
  if (!m) return undefined;
  const canonical = m[2] === undefined ? (m[1] ?? '').toUpperCase() : `${m[1]}-${m[2]}`.toUpperCase();
  return Object.hasOwn(CALENDARS, canonical) ? canonical : undefined;
}

/** Two-character codes → numbers (a day's index in a leap year). */
function codes(text: string): number[] {
  const days: number[] = [];
  for (let i = 0; i + 1 < text.length; i += 2) days.push(Number.parseInt(text.slice(i, i + 2), 36));
  return days;
}

/** A country's holidays in one year: its fixed days plus that year's own. */
function countryDays(country: string, index: number): Set<number> {
  const parts = (CALENDARS[country] ?? '').split(';');
  return new Set([...codes(parts[0] ?? ''), ...codes(parts[index + 1] ?? '')]);
}

function regionDays(region: string, index: number): Set<number> {
  const [country, state] = region.split('-') as [string, string | undefined];
  const days = countryDays(country, index);
  if (state === undefined) return days;
  const parts = (CALENDARS[region] ?? '').split(';');
  for (const part of [parts[0], parts[index + 1]]) {
    const [add = '', remove = ''] = (part ?? '').split('!');
    for (const day of codes(add)) days.add(day);
    for (const day of codes(remove)) days.delete(day);
  }
  return days;
}

const decoded = new Map<string, Set<number>>();

export function isPublicHoliday(date: CalendarDate, region: string | undefined): boolean {
  if (region === undefined) return false;
  if (date.year < FIRST_YEAR || date.year > LAST_YEAR) {
    throw new RangeError(`public holidays are known for ${FIRST_YEAR}–${LAST_YEAR} only, not ${date.year}`);
  }
  const key = `${region}:${date.year}`;
  let days = decoded.get(key);
  if (!days) {
    days = regionDays(region, date.year - FIRST_YEAR);
    decoded.set(key, days);
  }
  return days.has(dayOfLeapYear(date.month, date.day));
}
