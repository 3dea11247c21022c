/**
 * The project's own tz data (lambdas/core/tzdb.ts, `npm run tzdata`) and the wall-clock helpers
 * that read it: the recorded version against the installed package, British Columbia's permanent
 * UTC−7, DST gaps and overlaps north and south, half-hour and 30-minute-DST zones, zone names,
 * the years covered, and the report of a runtime whose Intl disagrees. Run under several process
 * time zones: nothing here may depend on the machine's TZ or on its ICU data.
 */
import { readFileSync } from 'node:fs';
import moment from 'moment-timezone';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { FIRST_HOLIDAY_YEAR, LAST_HOLIDAY_YEAR } from '../../lambdas/core/holidays.js';
import { parseSubmission } from '../../lambdas/core/schema.js';
import { computeSendTimes } from '../../lambdas/core/sendTimes.js';
import {
  canonicalTimeZone,
  FIRST_TZ_YEAR,
  formatForPeople,
  isTimeZone,
  LAST_TZ_YEAR,
  parseLocalMinute,
  type RuntimeDisagreement,
  setRuntimeDisagreementReporter,
  TZ_DATA_VERSION,
  toLocalMinute,
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
const _HOUR = 3_600_000;

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
