/**
 * Wall clocks under three process time zones: every rule reads the interview's zone and the
 * project's tz data, never the process's TZ (the rest of the tz tests: time.test.ts).
 */
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { computeSendTimes } from '../../lambdas/core/sendTimes.js';
import {
  FIRST_TZ_YEAR,
  formatForPeople,
  formatMonthDay,
  formatWeekday,
  LAST_TZ_YEAR,
  parseLocalMinute,
  toLocalMinute,
  toLocalSecond,
  utcOffsetMinutes,
  wallClock,
  zoneAbbreviation,
  zonedTime,
} from '../../lambdas/core/time.js';
import { ZONES } from '../../lambdas/core/tzdb.js';

const NY = 'America/New_York';
const VANCOUVER = 'America/Vancouver';
const MINUTE = 60_000;
const HOUR = 3_600_000;

const originalTz = process.env.TZ;
afterAll(() => {
  process.env.TZ = originalTz;
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
