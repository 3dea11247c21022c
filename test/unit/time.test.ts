/**
 * The project's own tz data (lambdas/core/tzdb.ts, `npm run tzdata`) and the wall-clock helpers
 * that read it: the recorded version against the installed package, British Columbia's permanent
 * UTC−7, DST gaps and overlaps north and south, half-hour and 30-minute-DST zones, zone names,
 * the years covered, and the report of a runtime whose Intl disagrees. Run under several process
 * time zones: nothing here may depend on the machine's TZ or on its ICU data.
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import moment from 'moment-timezone';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { FIRST_HOLIDAY_YEAR, LAST_HOLIDAY_YEAR } from '../../lambdas/core/holidays.js';
import { parseSubmission } from '../../lambdas/core/schema.js';
import { computeSendTimes } from '../../lambdas/core/sendTimes.js';
import {
  canonicalTimeZone,
  FIRST_TZ_YEAR,
  formatForPeople,
  formatMonthDay,
  formatWeekday,
  isTimeZone,
  LAST_TZ_YEAR,
  parseLocalMinute,
  type RuntimeDisagreement,
  setRuntimeDisagreementReporter,
  TZ_DATA_VERSION,
  toLocalMinute,
  toLocalSecond,
  utcOffsetMinutes,
  wallClock,
  zoneAbbreviation,
  zonedTime,
} from '../../lambdas/core/time.js';
import { END, LINKS, MOMENT_TIMEZONE_VERSION, START, ZONES } from '../../lambdas/core/tzdb.js';
import { validBody } from '../fixtures.js';

const NY = 'America/New_York';
const VANCOUVER = 'America/Vancouver';
const MINUTE = 60_000;
const HOUR = 3_600_000;

const originalTz = process.env.TZ;
afterAll(() => {
  process.env.TZ = originalTz;
});

const installed = (path: string) => JSON.parse(readFileSync(`node_modules/moment-timezone/${path}`, 'utf8'));

describe('the tz data (npm run tzdata)', () => {
  it('was compiled from the installed moment-timezone, whose IANA data it names', () => {
    expect(TZ_DATA_VERSION, 'moment-timezone was upgraded: run npm run tzdata').toBe(
      installed('data/packed/latest.json').version,
    );
    expect(MOMENT_TIMEZONE_VERSION, 'moment-timezone was upgraded: run npm run tzdata').toBe(
      installed('package.json').version,
    );
    expect(TZ_DATA_VERSION).toMatch(/^20\d\d[a-z]$/);
  });

  it('pins moment-timezone to that exact version', () => {
    const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
    expect(pkg.devDependencies['moment-timezone']).toBe(MOMENT_TIMEZONE_VERSION);
    expect(pkg.dependencies['moment-timezone']).toBeUndefined();
  });

  it('reaches at least three years past today and covers every year of the holiday table', () => {
    expect(
      LAST_TZ_YEAR,
      'the tz data runs short: run npm run tzdata with a later LAST_YEAR',
    ).toBeGreaterThanOrEqual(new Date().getUTCFullYear() + 3);
    expect(FIRST_TZ_YEAR).toBeLessThanOrEqual(FIRST_HOLIDAY_YEAR);
    expect(LAST_TZ_YEAR).toBeGreaterThanOrEqual(LAST_HOLIDAY_YEAR);
  });

  it('agrees with moment-timezone on every offset and change of every zone in its years', () => {
    const differing: string[] = [];
    for (const zone of Object.keys(ZONES)) {
      const theirs = moment.tz.zone(zone);
      if (!theirs) throw new Error(`moment-timezone has no ${zone}`);
      const changes = theirs.untils.filter((t) => t > START && t < END);
      for (const t of [START, END - MINUTE, ...changes.flatMap((c) => [c - MINUTE, c])]) {
        const ours = utcOffsetMinutes(new Date(t), zone);
        if (ours !== -theirs.utcOffset(t)) differing.push(`${zone} ${new Date(t).toISOString()}`);
        const abbr = theirs.abbr(t);
        if (/^[A-Za-z]+$/.test(abbr) && zoneAbbreviation(new Date(t), zone) !== abbr)
          differing.push(`${zone} ${new Date(t).toISOString()} ${abbr}`);
      }
    }
    expect(differing).toEqual([]);
  });

  it('knows every name moment-timezone knows, each with the data of the zone it resolves to', () => {
    const names = moment.tz.names();
    expect(names.filter((n) => !isTimeZone(n))).toEqual([]);
    const t = Date.UTC(2026, 0, 15);
    const u = Date.UTC(2026, 6, 15);
    const differing = names.filter((n) => {
      const zone = canonicalTimeZone(n) as string;
      const theirs = moment.tz.zone(n);
      return [t, u].some((x) => utcOffsetMinutes(new Date(x), zone) !== -(theirs?.utcOffset(x) ?? NaN));
    });
    expect(differing).toEqual([]);
    expect(Object.keys(ZONES).length + Object.keys(LINKS).length).toBe(names.length);
  });
});

describe('zone names', () => {
  it.each([
    ['America/New_York', NY],
    ['america/new_york', NY],
    ['AMERICA/NEW_YORK', NY],
    ['US/Eastern', NY],
    ['us/eastern', NY],
    ['us/pacific', 'America/Los_Angeles'],
    ['Asia/Calcutta', 'Asia/Kolkata'],
    ['Europe/Kiev', 'Europe/Kyiv'],
    ['Asia/Rangoon', 'Asia/Yangon'],
    ['America/Montreal', 'America/Toronto'],
    ['Canada/Pacific', VANCOUVER],
    ['GB', 'Europe/London'],
    ['GMT', 'Etc/GMT'],
    ['Etc/Greenwich', 'Etc/GMT'],
    // One country's name stays its own even where it shares another's data.
    ['Europe/Oslo', 'Europe/Oslo'],
    ['Atlantic/Reykjavik', 'Atlantic/Reykjavik'],
    // UTC and all its aliases are UTC.
    ...[
      'UTC',
      'utc',
      'Etc/UTC',
      'etc/utc',
      'Etc/Universal',
      'Universal',
      'Zulu',
      'Etc/Zulu',
      'UCT',
      'Etc/UCT',
    ].map((n) => [n, 'UTC']),
  ])('%s → %s', (name, canonical) => {
    expect(canonicalTimeZone(name)).toBe(canonical);
    expect(isTimeZone(name)).toBe(true);
  });

  it.each([
    'Mars/Olympus',
    '',
    'America/New York',
    ' America/New_York',
    'America/New_York ',
    'America//New_York',
    '+05:30',
    'UTC+5',
    'Asia/\u212Aolkata', // a Kelvin sign, which lower-cases to "k"
    'x'.repeat(100),
  ])('%j is no zone', (name) => {
    expect(canonicalTimeZone(name)).toBeUndefined();
    expect(isTimeZone(name)).toBe(false);
  });

  it('every canonical name is its own canonical name, and every alias names a canonical zone', () => {
    for (const zone of Object.keys(ZONES)) expect(canonicalTimeZone(zone)).toBe(zone);
    for (const [alias, zone] of Object.entries(LINKS)) {
      expect(Object.hasOwn(ZONES, zone), alias).toBe(true);
      expect(canonicalTimeZone(alias)).toBe(zone);
    }
  });

  it('an unknown zone is refused, not guessed', () => {
    expect(() => wallClock(new Date('2026-11-27T19:00:00Z'), 'Mars/Olympus')).toThrow(RangeError);
    expect(() => zonedTime({ year: 2026, month: 11, day: 27 }, 14, 0, 'Mars/Olympus')).toThrow(RangeError);
  });
});

describe('the submission canonicalises interview.timeZone', () => {
  const NOW = new Date('2026-11-20T12:00:00Z');
  it.each([
    ['us/pacific', 'America/Los_Angeles'],
    ['America/Vancouver', VANCOUVER],
    ['US/Eastern', NY],
    ['Etc/UTC', 'UTC'],
  ])('%s is stored as %s', (given, canonical) => {
    const r = parseSubmission(
      { ...validBody(), interview: { endsAt: '2026-11-27T14:00', timeZone: given } },
      NOW,
    );
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.value.interview.timeZone).toBe(canonical);
  });

  it('an unknown zone is a 400 naming the field', () => {
    const r = parseSubmission(
      { ...validBody(), interview: { endsAt: '2026-11-27T14:00', timeZone: 'Mars/Olympus' } },
      NOW,
    );
    expect(r).toEqual({
      ok: false,
      fields: [
        { path: 'interview.timeZone', message: 'must be an IANA time zone name such as America/New_York' },
      ],
    });
  });

  it('a local end in a year the tz data does not cover is refused, with the years known', () => {
    const r = parseSubmission(
      { ...validBody(), interview: { endsAt: `${FIRST_TZ_YEAR - 1}-06-01T10:00`, timeZone: NY } },
      NOW,
    );
    expect(r).toEqual({
      ok: false,
      fields: [
        {
          path: 'interview.endsAt',
          message: `is outside ${FIRST_TZ_YEAR}–${LAST_TZ_YEAR}, the years the time-zone rules are known for`,
        },
      ],
    });
  });

  it('an interview whose follow-up could run past the data is refused on interview.endsAt', () => {
    const now = new Date(`${LAST_TZ_YEAR}-06-01T12:00:00Z`);
    const body = { ...validBody(), interview: { endsAt: `${LAST_TZ_YEAR}-06-02T14:00`, timeZone: NY } };
    expect(parseSubmission(body, now)).toEqual({
      ok: false,
      fields: [
        {
          path: 'interview.endsAt',
          message: `is outside ${FIRST_TZ_YEAR}–${LAST_TZ_YEAR}, the years the time-zone rules are known for (up to the follow-up)`,
        },
      ],
    });
  });
});

describe.each(['UTC', 'Asia/Kolkata', 'America/Los_Angeles'])('with process TZ=%s', (tz) => {
  const at = (iso: string) => new Date(iso);
  const local = (value: string, zone: string) => parseLocalMinute(value, zone)?.toISOString();

  it('the process zone is really set', () => {
    process.env.TZ = tz;
    const offsets: Record<string, number> = { UTC: 0, 'Asia/Kolkata': -330, 'America/Los_Angeles': 480 };
    expect(new Date('2026-01-01T00:00:00Z').getTimezoneOffset()).toBe(offsets[tz]);
  });

  it('Vancouver is on UTC−7 all year from 2026-11-01 (PDT was −7 too)', () => {
    process.env.TZ = tz;
    expect(utcOffsetMinutes(at('2025-12-15T12:00:00Z'), VANCOUVER)).toBe(-480); // the last PST winter
    expect(utcOffsetMinutes(at('2026-07-15T12:00:00Z'), VANCOUVER)).toBe(-420); // PDT
    expect(utcOffsetMinutes(at('2026-11-15T12:00:00Z'), VANCOUVER)).toBe(-420);
    expect(utcOffsetMinutes(at('2027-01-15T12:00:00Z'), VANCOUVER)).toBe(-420);
    expect(utcOffsetMinutes(at('2027-07-15T12:00:00Z'), VANCOUVER)).toBe(-420);
    // No hour repeated on 1 November 2026: the clock does not go back.
    expect(local('2026-11-01T01:30', VANCOUVER)).toBe('2026-11-01T08:30:00.000Z');
    expect(local('2026-11-01T02:30', VANCOUVER)).toBe('2026-11-01T09:30:00.000Z');
    // Nor forward in March 2027.
    expect(local('2027-03-14T02:30', VANCOUVER)).toBe('2027-03-14T09:30:00.000Z');
  });

  it('a Vancouver interview ending 2026-11-27 14:00 has its thank-you at 17:00 −07:00', () => {
    process.env.TZ = tz;
    const endsAt = parseLocalMinute('2026-11-27T14:00', VANCOUVER) as Date;
    expect(endsAt.toISOString()).toBe('2026-11-27T21:00:00.000Z');
    const t = computeSendTimes(
      endsAt,
      VANCOUVER,
      { thankYouDelayHours: 3, followUpBusinessDays: 3 },
      new Date('2026-11-20T00:00:00Z'),
    );
    expect(t.thankYou.toISOString()).toBe('2026-11-28T00:00:00.000Z');
    expect(toLocalMinute(t.thankYou, VANCOUVER)).toBe('2026-11-27T17:00');
    expect(t.followUp.toISOString()).toBe('2026-12-02T17:00:00.000Z');
    expect(formatForPeople(t.thankYou, VANCOUVER)).toBe('Friday, November 27 at 5:00 PM MST');
  });

  it.each([
    // New York: 02:00 → 03:00 on 8 March, 02:00 → 01:00 on 1 November 2026
    [NY, '2026-03-08T01:59', '2026-03-08T06:59:00.000Z'],
    [NY, '2026-03-08T02:30', '2026-03-08T07:30:00.000Z'], // skipped: 03:30 EDT
    [NY, '2026-03-08T03:00', '2026-03-08T07:00:00.000Z'],
    [NY, '2026-11-01T01:30', '2026-11-01T05:30:00.000Z'], // repeated: the first, EDT
    [NY, '2026-11-01T02:00', '2026-11-01T07:00:00.000Z'],
    // Berlin: 02:00 → 03:00 on 29 March, 03:00 → 02:00 on 25 October 2026
    ['Europe/Berlin', '2026-03-29T02:30', '2026-03-29T01:30:00.000Z'], // skipped: 03:30 CEST
    ['Europe/Berlin', '2026-10-25T02:30', '2026-10-25T00:30:00.000Z'], // repeated: the first, CEST
    ['Europe/Berlin', '2026-10-25T03:00', '2026-10-25T02:00:00.000Z'],
    // Sydney: 03:00 → 02:00 on 5 April, 02:00 → 03:00 on 4 October 2026
    ['Australia/Sydney', '2026-04-05T02:30', '2026-04-04T15:30:00.000Z'], // repeated: the first, AEDT
    ['Australia/Sydney', '2026-04-05T03:00', '2026-04-04T17:00:00.000Z'],
    ['Australia/Sydney', '2026-10-04T02:30', '2026-10-03T16:30:00.000Z'], // skipped: 03:30 AEDT
    // Half-hour zones: Kolkata (+05:30, no DST), Adelaide (+09:30 / +10:30)
    ['Asia/Kolkata', '2026-11-27T14:00', '2026-11-27T08:30:00.000Z'],
    ['Australia/Adelaide', '2026-07-15T10:00', '2026-07-15T00:30:00.000Z'],
    ['Australia/Adelaide', '2026-01-15T10:00', '2026-01-14T23:30:00.000Z'],
    ['Australia/Adelaide', '2026-10-04T02:30', '2026-10-03T17:00:00.000Z'], // skipped: 03:30 ACDT
    ['Australia/Adelaide', '2026-04-05T02:30', '2026-04-04T16:00:00.000Z'], // repeated: the first, ACDT
    // Lord Howe Island: +10:30, and +11 in summer: the clock moves by 30 minutes
    ['Australia/Lord_Howe', '2026-10-04T02:15', '2026-10-03T15:45:00.000Z'], // skipped: 02:45 +11
    ['Australia/Lord_Howe', '2026-10-04T02:30', '2026-10-03T15:30:00.000Z'],
    ['Australia/Lord_Howe', '2026-04-05T01:45', '2026-04-04T14:45:00.000Z'], // repeated: the first, +11
    ['Australia/Lord_Howe', '2026-04-05T02:00', '2026-04-04T15:30:00.000Z'],
  ])('%s %s → %s', (zone, wall, utc) => {
    process.env.TZ = tz;
    expect(local(wall, zone)).toBe(utc);
  });

  it.each([
    ['Asia/Kolkata', '2026-01-15T12:00:00Z', 330, 'IST'],
    ['Australia/Adelaide', '2026-01-15T12:00:00Z', 630, 'ACDT'],
    ['Australia/Adelaide', '2026-07-15T12:00:00Z', 570, 'ACST'],
    ['Australia/Lord_Howe', '2026-01-15T12:00:00Z', 660, 'UTC+11:00'],
    ['Australia/Lord_Howe', '2026-07-15T12:00:00Z', 630, 'UTC+10:30'],
    ['Asia/Kathmandu', '2026-07-15T12:00:00Z', 345, 'UTC+05:45'],
    ['America/Sao_Paulo', '2026-07-15T12:00:00Z', -180, 'UTC-03:00'],
    ['Etc/GMT+5', '2026-07-15T12:00:00Z', -300, 'UTC-05:00'],
    ['Europe/London', '2026-01-15T12:00:00Z', 0, 'GMT'],
    ['Europe/London', '2026-07-15T12:00:00Z', 60, 'BST'],
    ['UTC', '2026-07-15T12:00:00Z', 0, 'UTC'],
  ])('%s at %s: %i minutes, %s', (zone, instant, offset, abbreviation) => {
    process.env.TZ = tz;
    expect(utcOffsetMinutes(at(instant), zone)).toBe(offset);
    expect(zoneAbbreviation(at(instant), zone)).toBe(abbreviation);
  });

  it('formats for people in English with the data’s abbreviation, or the offset', () => {
    process.env.TZ = tz;
    expect(formatForPeople(at('2026-11-27T22:00:00Z'), NY)).toBe('Friday, November 27 at 5:00 PM EST');
    expect(formatForPeople(at('2026-12-02T15:00:00Z'), 'us/eastern')).toBe(
      'Wednesday, December 2 at 10:00 AM EST',
    );
    expect(formatForPeople(at('2026-07-04T16:05:00Z'), NY)).toBe('Saturday, July 4 at 12:05 PM EDT');
    expect(formatForPeople(at('2026-11-27T05:00:00Z'), NY)).toBe('Friday, November 27 at 12:00 AM EST');
    expect(formatForPeople(at('2026-11-27T11:30:00Z'), 'Asia/Kolkata')).toBe(
      'Friday, November 27 at 5:00 PM IST',
    );
    expect(formatForPeople(at('2026-01-15T06:00:00Z'), 'Australia/Lord_Howe')).toBe(
      'Thursday, January 15 at 5:00 PM UTC+11:00',
    );
    expect(formatForPeople(at('2026-11-27T17:00:00Z'), 'Etc/UTC')).toBe('Friday, November 27 at 5:00 PM UTC');
    expect(formatWeekday(at('2026-11-28T01:00:00Z'), NY)).toBe('Friday');
    expect(formatMonthDay(at('2026-11-28T01:00:00Z'), NY)).toBe('November 27');
  });

  it('wall clocks in whole seconds, local dates across midnight', () => {
    process.env.TZ = tz;
    expect(toLocalSecond(at('2026-11-28T04:59:59.999Z'), NY)).toBe('2026-11-27T23:59:59');
    expect(wallClock(at('2026-11-27T18:45:00Z'), 'Asia/Kolkata')).toEqual({
      year: 2026,
      month: 11,
      day: 28,
      hour: 0,
      minute: 15,
      second: 0,
    });
  });

  it('refuses instants and dates outside the data’s years, except in UTC and Etc/GMT±N', () => {
    process.env.TZ = tz;
    const after = at(`${LAST_TZ_YEAR + 1}-02-01T00:00:00Z`);
    const before = at(`${FIRST_TZ_YEAR - 1}-11-01T00:00:00Z`);
    expect(() => wallClock(after, NY)).toThrow(RangeError);
    expect(() => wallClock(before, VANCOUVER)).toThrow(/covers \d{4}–\d{4} only/);
    expect(() => formatForPeople(after, NY)).toThrow(RangeError);
    expect(() => zonedTime({ year: LAST_TZ_YEAR + 1, month: 1, day: 1 }, 0, 0, NY)).toThrow(RangeError);
    expect(parseLocalMinute(`${LAST_TZ_YEAR + 1}-01-01T10:00`, NY)).toBeUndefined();
    // The last and first local minutes of the range are known everywhere, Kiritimati (+14) to Niue (−11).
    for (const zone of ['Pacific/Kiritimati', 'Pacific/Niue', NY]) {
      const last = parseLocalMinute(`${LAST_TZ_YEAR}-12-31T23:59`, zone) as Date;
      expect(toLocalMinute(last, zone)).toBe(`${LAST_TZ_YEAR}-12-31T23:59`);
      const first = parseLocalMinute(`${FIRST_TZ_YEAR}-01-01T00:00`, zone) as Date;
      expect(toLocalMinute(first, zone)).toBe(`${FIRST_TZ_YEAR}-01-01T00:00`);
    }
    expect(toLocalSecond(at('2099-01-01T00:00:00Z'), 'UTC')).toBe('2099-01-01T00:00:00');
    expect(zonedTime({ year: 2099, month: 1, day: 1 }, 0, 0, 'Etc/GMT-3').toISOString()).toBe(
      '2098-12-31T21:00:00.000Z',
    );
  });

  it('wallClock(zonedTime(w)) is w for any wall time w not in a gap; in a gap it moves forward by the gap', () => {
    process.env.TZ = tz;
    const zones = Object.keys(ZONES);
    fc.assert(
      fc.property(
        fc.constantFrom(...zones),
        fc.integer({
          min: Date.UTC(FIRST_TZ_YEAR, 0, 1) / MINUTE,
          max: Date.UTC(LAST_TZ_YEAR, 11, 31, 23, 59) / MINUTE,
        }),
        (zone, minutes) => {
          // A wall time, read as if it were UTC: any date and time of the years covered.
          const w = new Date(minutes * MINUTE);
          const date = { year: w.getUTCFullYear(), month: w.getUTCMonth() + 1, day: w.getUTCDate() };
          const t = zonedTime(date, w.getUTCHours(), w.getUTCMinutes(), zone);
          const back = wallClock(t, zone);
          const shown = Date.UTC(back.year, back.month - 1, back.day, back.hour, back.minute, back.second);
          if (shown === w.getTime()) {
            // The first occurrence: the clock did not show it 30 minutes, 1 or 2 hours before.
            const minute = toLocalMinute(t, zone);
            return [30, 60, 120].every(
              (d) => toLocalMinute(new Date(t.getTime() - d * MINUTE), zone) !== minute,
            );
          }
          // In a gap: the clock jumped forward just before t, and t shows w moved forward by the jump.
          const gap = utcOffsetMinutes(t, zone) - utcOffsetMinutes(new Date(t.getTime() - 6 * HOUR), zone);
          return gap > 0 && shown - w.getTime() === gap * MINUTE;
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('every instant shown by a clock round-trips to its first occurrence', () => {
    process.env.TZ = tz;
    fc.assert(
      fc.property(
        fc.constantFrom(...Object.keys(ZONES)),
        // Instants a day inside the years, so that their local dates are inside too.
        fc.integer({
          min: Date.UTC(FIRST_TZ_YEAR, 0, 2) / MINUTE,
          max: Date.UTC(LAST_TZ_YEAR, 11, 31) / MINUTE,
        }),
        (zone, minutes) => {
          const instant = new Date(minutes * MINUTE);
          const w = wallClock(instant, zone);
          const t = zonedTime(w, w.hour, w.minute, zone);
          // The same wall time, and never later than the instant (a repeated time means its first).
          return toLocalMinute(t, zone) === toLocalMinute(instant, zone) && t.getTime() <= instant.getTime();
        },
      ),
      { numRuns: 3000 },
    );
  });
});

describe('a runtime whose Intl disagrees', () => {
  afterEach(() => setRuntimeDisagreementReporter(undefined));

  /** A runtime with pre-2026 rules for Vancouver (PST in winter) that agrees elsewhere. */
  const oldVancouver = (zone: string, instant: number) => {
    if (zone !== VANCOUVER) return utcOffsetMinutes(new Date(instant), zone);
    const month = new Date(instant).getUTCMonth();
    return month >= 3 && month <= 9 ? -420 : -480;
  };

  it('is reported once per zone, with both offsets and the data version, and changes no result', () => {
    const reports: RuntimeDisagreement[] = [];
    const without = computeSendTimes(
      parseLocalMinute('2026-11-27T14:00', VANCOUVER) as Date,
      VANCOUVER,
      { thankYouDelayHours: 3, followUpBusinessDays: 3 },
      new Date('2026-11-20T00:00:00Z'),
    );
    setRuntimeDisagreementReporter((d) => reports.push(d), oldVancouver);
    // Summer first: the runtime agrees there, nothing to say yet.
    expect(utcOffsetMinutes(new Date('2026-07-15T12:00:00Z'), VANCOUVER)).toBe(-420);
    expect(reports).toEqual([]);
    const endsAt = parseLocalMinute('2026-11-27T14:00', 'america/vancouver') as Date;
    const withReporter = computeSendTimes(
      endsAt,
      'Canada/Pacific',
      { thankYouDelayHours: 3, followUpBusinessDays: 3 },
      new Date('2026-11-20T00:00:00Z'),
    );
    formatForPeople(withReporter.followUp, VANCOUVER);
    toLocalMinute(new Date('2027-01-15T12:00:00Z'), VANCOUVER);
    computeSendTimes(
      endsAt,
      NY,
      { thankYouDelayHours: 3, followUpBusinessDays: 3 },
      new Date('2026-11-20T00:00:00Z'),
    );
    expect(withReporter).toEqual(without);
    expect(withReporter.thankYou.toISOString()).toBe('2026-11-28T00:00:00.000Z');
    expect(reports).toHaveLength(1);
    expect(reports[0]).toMatchObject({
      zone: VANCOUVER,
      projectOffsetMinutes: -420,
      runtimeOffsetMinutes: -480,
      dataVersion: TZ_DATA_VERSION,
    });
    expect(new Date(reports[0]?.at ?? '').getTime()).toBeGreaterThanOrEqual(Date.UTC(2026, 10, 1));
  });

  it('is reported afresh to a new reporter, and not at all without one', () => {
    const first: RuntimeDisagreement[] = [];
    setRuntimeDisagreementReporter((d) => first.push(d), oldVancouver);
    wallClock(new Date('2026-12-01T12:00:00Z'), VANCOUVER);
    const second: RuntimeDisagreement[] = [];
    setRuntimeDisagreementReporter((d) => second.push(d), oldVancouver);
    wallClock(new Date('2026-12-01T12:00:00Z'), VANCOUVER);
    wallClock(new Date('2026-12-02T12:00:00Z'), VANCOUVER);
    expect([first.length, second.length]).toEqual([1, 1]);
    setRuntimeDisagreementReporter(undefined);
    expect(wallClock(new Date('2026-12-01T12:00:00Z'), VANCOUVER).hour).toBe(5);
  });

  it('a runtime that does not know the zone, or fails, or a reporter that fails, changes nothing', () => {
    const reports: RuntimeDisagreement[] = [];
    setRuntimeDisagreementReporter(
      (d) => reports.push(d),
      () => undefined,
    );
    expect(toLocalMinute(new Date('2026-11-28T00:00:00Z'), VANCOUVER)).toBe('2026-11-27T17:00');
    setRuntimeDisagreementReporter(
      (d) => reports.push(d),
      () => {
        throw new RangeError('Invalid time zone specified');
      },
    );
    expect(toLocalMinute(new Date('2026-11-28T00:00:00Z'), VANCOUVER)).toBe('2026-11-27T17:00');
    expect(reports).toEqual([]);
    setRuntimeDisagreementReporter(() => {
      throw new Error('logger down');
    }, oldVancouver);
    expect(toLocalMinute(new Date('2026-11-28T00:00:00Z'), VANCOUVER)).toBe('2026-11-27T17:00');
  });

  it('with this machine’s own Intl: a report exactly where its ICU data differs, at most once per zone', () => {
    const intl = (zone: string, instant: Date) => {
      const p: Record<string, number> = {};
      const parts = new Intl.DateTimeFormat('en-US', {
        timeZone: zone,
        hourCycle: 'h23',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
      }).formatToParts(instant);
      for (const part of parts) if (part.type !== 'literal') p[part.type] = Number(part.value);
      const shown = Date.UTC(p.year ?? 0, (p.month ?? 1) - 1, p.day ?? 1, p.hour ?? 0, p.minute ?? 0);
      return (shown - instant.getTime()) / MINUTE;
    };
    const reports: RuntimeDisagreement[] = [];
    setRuntimeDisagreementReporter((d) => reports.push(d));
    const november = new Date('2026-11-28T00:00:00Z');
    for (let i = 0; i < 3; i++) for (const zone of [VANCOUVER, NY, 'Asia/Kolkata']) wallClock(november, zone);
    const expected = [VANCOUVER, NY, 'Asia/Kolkata'].filter(
      (zone) => intl(zone, november) !== utcOffsetMinutes(november, zone),
    );
    expect(reports.map((r) => r.zone)).toEqual(expected);
    for (const r of reports) expect(r.runtimeOffsetMinutes).toBe(intl(r.zone, new Date(r.at)));
  });
});
