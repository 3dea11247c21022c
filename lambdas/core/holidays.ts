/**
 * Public holidays by region, as the date-holidays package knows them. A region is an ISO 3166-1
 * country code, optionally with a subdivision after a hyphen: "US", "US-CA", "DE-BY", "AU-NSW".
 * Only holidays of type `public` count (not bank, school, optional or observance days), including
 * substitute days. Dates are calendar dates: a holiday is the whole local day wherever the
 * interview's zone is.
 */
import Holidays from 'date-holidays';
import type { CalendarDate } from './time.js';

const REGION = /^([A-Za-z]{2})(?:-([A-Za-z0-9]{1,3}))?$/;
// Built on first use, not at import: every function imports this module, few ask for a region.
let catalogue: Holidays | undefined;
const countries = () => (catalogue ??= new Holidays());

/** The region in canonical form ("us-ca" → "US-CA"), or undefined when date-holidays does not know it. */
export function normalizeRegion(region: string): string | undefined {
  const m = REGION.exec(region);
  if (!m) return undefined;
  const country = (m[1] ?? '').toUpperCase();
  const state = m[2]?.toUpperCase();
  if (!(country in countries().getCountries())) return undefined;
  if (state === undefined) return country;
  const states = countries().getStates(country);
  return states && state in states ? `${country}-${state}` : undefined;
}

const calendars = new Map<string, Set<string>>();

function publicHolidays(region: string, year: number): Set<string> {
  const key = `${region}:${year}`;
  let days = calendars.get(key);
  if (!days) {
    const [country, state] = region.split('-') as [string, string | undefined];
    const hd = state ? new Holidays(country, state) : new Holidays(country);
    days = new Set(
      hd
        .getHolidays(year)
        .filter((h) => h.type === 'public')
        .map((h) => h.date.slice(0, 10)),
    );
    calendars.set(key, days);
  }
  return days;
}

const iso = (d: CalendarDate) =>
  `${String(d.year).padStart(4, '0')}-${String(d.month).padStart(2, '0')}-${String(d.day).padStart(2, '0')}`;

export function isPublicHoliday(date: CalendarDate, region: string | undefined): boolean {
  return region !== undefined && publicHolidays(region, date.year).has(iso(date));
}
