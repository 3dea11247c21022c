/**
 * Property tests over random interviews, zones and settings: whatever the input, the thank-you is
 * never in quiet hours nor before now, and the follow-up is at 10:00 local on a business day, never
 * before the interviewer is back, and at least 24 hours after the thank-you.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  computeSendTimes,
  FOLLOW_UP_HOUR,
  isBusinessDay,
  MIN_SPACING_MS,
  QUIET_FROM_HOUR,
  QUIET_UNTIL_HOUR,
  type TimingSettings,
} from '../../lambdas/core/sendTimes.js';
import { addCalendarDays, calendarDaysBetween, localDate, wallClock } from '../../lambdas/core/time.js';

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
});

describe('send-time properties', () => {
  it('hold for random interviews, zones and settings', () => {
    fc.assert(
      fc.property(input, (i) => {
        const endsAt = new Date(i.now.getTime() + i.endOffsetMs);
        const awayUntil =
          i.awayDays === undefined ? undefined : addCalendarDays(localDate(endsAt, i.zone), i.awayDays);
        const settings: TimingSettings = {
          thankYouDelayHours: i.thankYouDelayHours,
          followUpBusinessDays: i.followUpBusinessDays,
          ...(i.holidays && { holidays: i.holidays }),
          ...(awayUntil && { awayUntil }),
        };
        const { thankYou, followUp } = computeSendTimes(endsAt, i.zone, settings, i.now);

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
      }),
      { numRuns: 1000 },
    );
  });
});
