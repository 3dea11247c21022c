import { readFileSync } from 'node:fs';
import Holidays from 'date-holidays';
import { describe, expect, it } from 'vitest';
import {
  CALENDARS,
  DATE_HOLIDAYS_VERSION,
  FIRST_YEAR,
  LAST_YEAR,
} from '../../lambdas/core/holidayCalendar.js';
import { isPublicHoliday, normalizeRegion } from '../../lambdas/core/holidays.js';
import { parseSubmission } from '../../lambdas/core/schema.js';
import { validBody } from '../fixtures.js';

/** Every public holiday date-holidays gives for a region and year, as YYYY-MM-DD. */
function fromPackage(region: string, year: number): string[] {
  const [country, state] = region.split('-') as [string, string | undefined];
  const hd = state ? new Holidays(country, state) : new Holidays(country);
  return [
    ...new Set(
      hd
        .getHolidays(year)
        .filter((h) => h.type === 'public')
        .map((h) => h.date.slice(0, 10)),
    ),
  ].sort();
}

/** Every date of a year the compiled table calls a public holiday. */
function fromTable(region: string, year: number): string[] {
  const days: string[] = [];
  for (let t = Date.UTC(year, 0, 1); new Date(t).getUTCFullYear() === year; t += 86_400_000) {
    const d = new Date(t);
    const date = { year, month: d.getUTCMonth() + 1, day: d.getUTCDate() };
    if (isPublicHoliday(date, region)) days.push(d.toISOString().slice(0, 10));
  }
  return days;
}

describe('compiled holiday table (npm run holidays)', () => {
  it('was compiled from the installed date-holidays', () => {
    const installed = JSON.parse(readFileSync('node_modules/date-holidays/package.json', 'utf8')).version;
    expect(DATE_HOLIDAYS_VERSION, 'date-holidays was upgraded: run npm run holidays').toBe(installed);
  });

  it('knows every country and subdivision date-holidays knows, and no other', () => {
    const catalogue = new Holidays();
    const regions = Object.keys(catalogue.getCountries()).flatMap((c) => [
      c,
      ...Object.keys(catalogue.getStates(c) ?? {}).map((s) => `${c}-${s}`),
    ]);
    expect(Object.keys(CALENDARS).sort()).toEqual(regions.sort());
  });

  // Every region for the two years interviews are being scheduled in now; a spread of regions
  // (fixed, Easter-based, lunar, substitute-day rules) for every year of the table.
  it.each([2026, 2027])('agrees with date-holidays for every region in %i', (year) => {
    const differing = Object.keys(CALENDARS).filter(
      (region) => fromTable(region, year).join() !== fromPackage(region, year).join(),
    );
    expect(differing).toEqual([]);
  });

  it.each(['US', 'US-CA', 'GB', 'GB-SCT', 'DE-BY', 'AU-NSW', 'IN', 'JP', 'CN', 'SA', 'IL', 'BR', 'ES-CT'])(
    'agrees with date-holidays for %s in every year of the table',
    (region) => {
      for (let year = FIRST_YEAR; year <= LAST_YEAR; year++) {
        expect(fromTable(region, year), `${region} ${year}`).toEqual(fromPackage(region, year));
      }
    },
  );

  it('reaches at least three years past today (interviews up to a year ahead, away dates a year after)', () => {
    expect(
      LAST_YEAR,
      'the table runs short: run npm run holidays with a later LAST_YEAR',
    ).toBeGreaterThanOrEqual(new Date().getUTCFullYear() + 3);
  });

  it('refuses a date outside the table rather than guessing', () => {
    expect(() => isPublicHoliday({ year: LAST_YEAR + 1, month: 1, day: 1 }, 'US')).toThrow(RangeError);
    expect(() => isPublicHoliday({ year: FIRST_YEAR - 1, month: 12, day: 25 }, 'GB')).toThrow(RangeError);
    expect(isPublicHoliday({ year: LAST_YEAR + 1, month: 1, day: 1 }, undefined)).toBe(false);
  });

  it('normalizes region names and refuses unknown ones', () => {
    expect(normalizeRegion('us-ca')).toBe('US-CA');
    expect(normalizeRegion('de')).toBe('DE');
    for (const bad of ['XX', 'US-ZZ', 'USA', 'US-', '', 'zz', 'US-CA-LA'])
      expect(normalizeRegion(bad)).toBeUndefined();
  });

  it('a submission whose dates run past the table is refused on holidays, with the years known', () => {
    const now = new Date(`${LAST_YEAR}-06-01T12:00:00Z`);
    const body = {
      ...validBody(),
      holidays: 'US',
      interview: { endsAt: `${LAST_YEAR}-06-02T14:00`, timeZone: 'America/New_York' },
    };
    const r = parseSubmission(body, now);
    expect(r.ok).toBe(false);
    if (!r.ok)
      expect(r.fields).toEqual([
        { path: 'holidays', message: `public holidays are known for ${FIRST_YEAR}–${LAST_YEAR} only` },
      ]);
    const withoutHolidays = parseSubmission({ ...body, holidays: undefined }, now);
    expect(withoutHolidays.ok).toBe(true);
  });
});
