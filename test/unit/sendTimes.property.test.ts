/**
 * Property tests over random interviews, zones and settings: whatever the input, the thank-you is
 * never in quiet hours nor before now, and the follow-up is at 10:00 local on a business day, never
 * before the interviewer is back nor before the second business day after the decision date, and at
 * least 24 hours after the thank-you. A second follow-up, when asked for, is at 10:00 local on a
 * business day at least five business days after the first, and never before the interviewer is back.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  computeSendTimes,
  FOLLOW_UP_HOUR,
  isBusinessDay,
  MIN_SPACING_MS,
  type PersonTiming,
  QUIET_FROM_HOUR,
  QUIET_UNTIL_HOUR,
  SECOND_FOLLOW_UP_BUSINESS_DAYS,
  type TimingSettings,
} from '../../lambdas/core/sendTimes.js';
import {
  addCalendarDays,
  type CalendarDate,
  calendarDaysBetween,
  localDate,
  wallClock,
  zonedTime,
} from '../../lambdas/core/time.js';

const ZONES = [
  'America/New_York',
  'America/Los_Angeles',
  'America/St_Johns',
  'Europe/London',
  'Europe/Berlin',
  'Asia/Kolkata',
  'Asia/Kathmandu',
  'Asia/Tokyo',
  'Australia/Sydney',
  'Australia/Lord_Howe',
  'Pacific/Auckland',
  'Pacific/Chatham',
  'UTC',
];
const REGIONS = [undefined, 'US', 'US-CA', 'DE-BY', 'AU-NSW', 'GB', 'IN', 'JP', 'NZ'];
const DAY = 86_400_000;

/** Business days in (from, to]: counted day by day, independently of the module's own stepping. */
function businessDaysBetween(from: CalendarDate, to: CalendarDate, holidays: string | undefined): number {
  let count = 0;
  for (let n = 1; n <= calendarDaysBetween(from, to); n++) {
    if (isBusinessDay(addCalendarDays(from, n), holidays)) count++;
  }
  return count;
}

/** The `n`-th business day after `from`. */
function nthBusinessDayAfter(from: CalendarDate, n: number, holidays: string | undefined): CalendarDate {
  let day = from;
  for (let seen = 0; seen < n; ) {
    day = addCalendarDays(day, 1);
    if (isBusinessDay(day, holidays)) seen++;
  }
  return day;
}

const input = fc.record({
  zone: fc.constantFrom(...ZONES),
  now: fc.date({
    min: new Date('2026-01-01T00:00:00Z'),
    max: new Date('2028-12-31T00:00:00Z'),
    noInvalidDate: true,
  }),
  // Within rule 6's window: up to 7 days ago, up to 365 days ahead.
  endOffsetMs: fc.integer({ min: -7 * DAY, max: 365 * DAY }),
  thankYouDelayHours: fc.integer({ min: 1, max: 48 }),
  followUpBusinessDays: fc.integer({ min: 1, max: 10 }),
  holidays: fc.constantFrom(...REGIONS),
  awayDays: fc.option(fc.integer({ min: -3, max: 60 }), { nil: undefined }),
  decisionDays: fc.option(fc.integer({ min: -10, max: 60 }), { nil: undefined }),
  secondFollowUp: fc.option(fc.boolean(), { nil: undefined }),
});

describe('send-time properties', () => {
  it('hold for random interviews, zones and settings', () => {
    fc.assert(
      fc.property(input, (i) => {
        const endsAt = new Date(i.now.getTime() + i.endOffsetMs);
        const endDate = localDate(endsAt, i.zone);
        const awayUntil = i.awayDays === undefined ? undefined : addCalendarDays(endDate, i.awayDays);
        const decisionBy =
          i.decisionDays === undefined ? undefined : addCalendarDays(endDate, i.decisionDays);
        const settings: TimingSettings = {
          thankYouDelayHours: i.thankYouDelayHours,
          followUpBusinessDays: i.followUpBusinessDays,
          ...(i.holidays && { holidays: i.holidays }),
          ...(decisionBy && { decisionBy }),
          ...(i.secondFollowUp !== undefined && { secondFollowUp: i.secondFollowUp }),
        };
        const person: PersonTiming = awayUntil ? { awayUntil } : {};
        const times = computeSendTimes(endsAt, i.zone, settings, i.now, person);
        const { thankYou, followUp } = times;

        const ty = wallClock(thankYou, i.zone);
        expect(ty.hour).toBeGreaterThanOrEqual(QUIET_UNTIL_HOUR);
        expect(ty.hour).toBeLessThan(QUIET_FROM_HOUR);
        expect(thankYou.getTime()).toBeGreaterThan(i.now.getTime());
        expect(thankYou.getTime() % 60_000).toBe(0);
        expect(thankYou.getTime()).toBeGreaterThanOrEqual(
          endsAt.getTime() + i.thankYouDelayHours * 3_600_000 - 60_000,
        );

        const fu = wallClock(followUp, i.zone);
        expect([fu.hour, fu.minute]).toEqual([FOLLOW_UP_HOUR, 0]);
        const fuDate = localDate(followUp, i.zone);
        expect(isBusinessDay(fuDate, settings.holidays)).toBe(true);
        expect(followUp.getTime() - thankYou.getTime()).toBeGreaterThanOrEqual(MIN_SPACING_MS);
        expect(calendarDaysBetween(localDate(endsAt, i.zone), fuDate)).toBeGreaterThanOrEqual(
          i.followUpBusinessDays,
        );
        if (awayUntil) expect(calendarDaysBetween(awayUntil, fuDate)).toBeGreaterThan(0);
        if (decisionBy) {
          const decided = nthBusinessDayAfter(decisionBy, 2, settings.holidays);
          expect(followUp.getTime()).toBeGreaterThanOrEqual(zonedTime(decided, 10, 0, i.zone).getTime());
          expect(businessDaysBetween(decisionBy, fuDate, settings.holidays)).toBeGreaterThanOrEqual(2);
        }

        const second = times.secondFollowUp;
        expect(second !== undefined).toBe(i.secondFollowUp === true);
        if (second) {
          const sf = wallClock(second, i.zone);
          expect([sf.hour, sf.minute, sf.second]).toEqual([FOLLOW_UP_HOUR, 0, 0]);
          const sfDate = localDate(second, i.zone);
          expect(isBusinessDay(sfDate, settings.holidays)).toBe(true);
          expect(businessDaysBetween(fuDate, sfDate, settings.holidays)).toBeGreaterThanOrEqual(
            SECOND_FOLLOW_UP_BUSINESS_DAYS,
          );
          expect(second.getTime() - followUp.getTime()).toBeGreaterThanOrEqual(MIN_SPACING_MS);
          if (awayUntil) expect(calendarDaysBetween(awayUntil, sfDate)).toBeGreaterThan(0);
        }
      }),
      { numRuns: 1000 },
    );
  });
});
