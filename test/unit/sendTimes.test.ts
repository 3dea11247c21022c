/**
 * Every send-time rule, table-driven, in several zones (both DST transitions in New York,
 * southern-hemisphere Sydney, half-hour Kolkata, Vancouver on permanent UTC−7) and under several
 * process time zones. Rule numbers are README.md's (9: decision date, 10: second follow-up).
 * Expected times are written on the interview's wall clock, plus UTC where DST makes it matter.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { atExpression } from '../../lambdas/aws/scheduler.js';
import {
  computeSendTimes,
  followUpTime,
  MIN_SCHEDULE_LEAD_MS,
  type PersonTiming,
  SECOND_FOLLOW_UP_BUSINESS_DAYS,
  scheduleTime,
  secondFollowUpTime,
  type TimingSettings,
} from '../../lambdas/core/sendTimes.js';
import {
  type CalendarDate,
  parseLocalMinute,
  toLocalMinute,
  utcOffsetMinutes,
  wallClock,
} from '../../lambdas/core/time.js';

const originalTz = process.env.TZ;
afterAll(() => {
  process.env.TZ = originalTz;
});

interface Case {
  name: string;
  zone: string;
  /** Wall-clock end of the interview. */
  endsAt: string;
  /** Default: long before the interview, so rule 5 does not apply. */
  now?: string;
  settings?: Partial<Omit<TimingSettings, 'decisionBy'>> & { decisionBy?: string };
  /** The person's last day away (rule 3), `YYYY-MM-DD`. */
  awayUntil?: string;
  thankYou: string;
  followUp: string;
  /** Expected exactly when `settings.secondFollowUp` is true; otherwise the result has none. */
  secondFollowUp?: string;
  /** Optional UTC checks, where a DST offset is the point of the case. */
  utc?: { thankYou?: string; followUp?: string; secondFollowUp?: string };
}

const NY = 'America/New_York';
const LA = 'America/Los_Angeles';

// biome-ignore format: one case per line reads as a table
const CASES: Case[] = [
  // Rule 1 and 2 defaults
  { name: 'the example: Friday 14:00', zone: NY, endsAt: '2026-11-27T14:00', thankYou: '2026-11-27T17:00', followUp: '2026-12-02T10:00', utc: { thankYou: '2026-11-27T22:00:00.000Z', followUp: '2026-12-02T15:00:00.000Z' } },
  { name: 'weekend thank-you is fine', zone: NY, endsAt: '2026-11-28T10:00', thankYou: '2026-11-28T13:00', followUp: '2026-12-02T10:00' },
  // Rule 1: quiet hours and their edges
  { name: 'quiet: 21:00 → 08:00 next day', zone: NY, endsAt: '2026-11-27T18:00', thankYou: '2026-11-28T08:00', followUp: '2026-12-02T10:00' },
  { name: 'quiet: exactly 20:00 moves', zone: NY, endsAt: '2026-11-24T17:00', thankYou: '2026-11-25T08:00', followUp: '2026-11-27T10:00' },
  { name: 'quiet: 19:59 stays', zone: NY, endsAt: '2026-11-24T16:59', thankYou: '2026-11-24T19:59', followUp: '2026-11-27T10:00' },
  { name: 'quiet: 07:59 → 08:00 same day', zone: NY, endsAt: '2026-11-24T04:59', thankYou: '2026-11-24T08:00', followUp: '2026-11-27T10:00' },
  { name: 'quiet: exactly 08:00 stays', zone: NY, endsAt: '2026-11-24T05:00', thankYou: '2026-11-24T08:00', followUp: '2026-11-27T10:00' },
  { name: 'quiet: 03:30 → 08:00 same day', zone: NY, endsAt: '2026-11-24T00:30', thankYou: '2026-11-24T08:00', followUp: '2026-11-27T10:00' },
  // thankYouDelayHours and followUpBusinessDays
  { name: 'delay 24 h', zone: NY, endsAt: '2026-11-27T14:00', settings: { thankYouDelayHours: 24 }, thankYou: '2026-11-28T14:00', followUp: '2026-12-02T10:00' },
  { name: 'delay 1 h, 10 business days', zone: NY, endsAt: '2026-11-27T14:00', settings: { thankYouDelayHours: 1, followUpBusinessDays: 10 }, thankYou: '2026-11-27T15:00', followUp: '2026-12-11T10:00' },
  { name: 'UTC zone', zone: 'UTC', endsAt: '2026-11-24T11:00', thankYou: '2026-11-24T14:00', followUp: '2026-11-27T10:00' },
  // Rule 2: holidays
  { name: 'US: Thanksgiving is skipped', zone: NY, endsAt: '2026-11-25T14:00', settings: { holidays: 'US' }, thankYou: '2026-11-25T17:00', followUp: '2026-12-01T10:00' },
  { name: 'no region: Thanksgiving counts as a weekday', zone: NY, endsAt: '2026-11-25T14:00', thankYou: '2026-11-25T17:00', followUp: '2026-11-30T10:00' },
  { name: 'US-CA: the day after Thanksgiving is skipped too', zone: LA, endsAt: '2026-11-25T14:00', settings: { holidays: 'US-CA' }, thankYou: '2026-11-25T17:00', followUp: '2026-12-02T10:00' },
  { name: 'US: the substitute for Independence Day (Friday 3 July) is skipped', zone: NY, endsAt: '2026-07-01T14:00', settings: { holidays: 'US' }, thankYou: '2026-07-01T17:00', followUp: '2026-07-07T10:00' },
  { name: 'GB: substitute Christmas and Boxing Day 2027', zone: 'Europe/London', endsAt: '2027-12-23T14:00', now: '2027-12-20T00:00:00Z', settings: { holidays: 'GB' }, thankYou: '2027-12-23T17:00', followUp: '2027-12-30T10:00' },
  // Rule 3: away
  { name: 'away until Friday: back Monday', zone: NY, endsAt: '2026-11-16T14:00', awayUntil: '2026-11-20', thankYou: '2026-11-16T17:00', followUp: '2026-11-23T10:00' },
  { name: 'away until Saturday: back Monday', zone: NY, endsAt: '2026-11-16T14:00', awayUntil: '2026-11-21', thankYou: '2026-11-16T17:00', followUp: '2026-11-23T10:00' },
  { name: 'away ending before the usual follow-up changes nothing', zone: NY, endsAt: '2026-11-16T14:00', awayUntil: '2026-11-17', thankYou: '2026-11-16T17:00', followUp: '2026-11-19T10:00' },
  { name: 'away until the day before Thanksgiving (US): back Friday', zone: NY, endsAt: '2026-11-16T14:00', awayUntil: '2026-11-25', settings: { holidays: 'US' }, thankYou: '2026-11-16T17:00', followUp: '2026-11-27T10:00' },
  // Rule 4: spacing
  { name: 'spacing: 1 business day after a 13:00 thank-you moves a day', zone: NY, endsAt: '2026-11-23T10:00', settings: { followUpBusinessDays: 1 }, thankYou: '2026-11-23T13:00', followUp: '2026-11-25T10:00' },
  { name: 'spacing: 1 business day after an early interview is fine', zone: NY, endsAt: '2026-11-23T06:00', settings: { followUpBusinessDays: 1 }, thankYou: '2026-11-23T09:00', followUp: '2026-11-24T10:00' },
  { name: 'spacing: thank-you pushed to Friday 08:00 by quiet hours → Monday', zone: NY, endsAt: '2026-11-19T23:00', settings: { followUpBusinessDays: 1 }, thankYou: '2026-11-20T08:00', followUp: '2026-11-23T10:00' },
  { name: 'spacing: 48 h delay → the next business day that is 24 h later', zone: NY, endsAt: '2026-11-27T14:00', settings: { thankYouDelayHours: 48, followUpBusinessDays: 1 }, thankYou: '2026-11-29T14:00', followUp: '2026-12-01T10:00' },
  { name: 'spacing skips a holiday too', zone: NY, endsAt: '2026-11-24T14:00', settings: { thankYouDelayHours: 24, followUpBusinessDays: 1, holidays: 'US' }, thankYou: '2026-11-25T14:00', followUp: '2026-11-27T10:00' },
  // Rule 5: late submission
  { name: 'late: the thank-you goes at the next whole minute', zone: NY, endsAt: '2026-11-27T14:00', now: '2026-11-27T23:10:30.500Z', thankYou: '2026-11-27T18:11', followUp: '2026-12-02T10:00' },
  { name: 'late at night: the next whole minute is in quiet hours → 08:00', zone: NY, endsAt: '2026-11-27T14:00', now: '2026-11-28T02:10:00Z', thankYou: '2026-11-28T08:00', followUp: '2026-12-02T10:00' },
  { name: 'late: exactly on a minute still goes to the next one', zone: NY, endsAt: '2026-11-27T14:00', now: '2026-11-27T23:10:00.000Z', thankYou: '2026-11-27T18:11', followUp: '2026-12-02T10:00' },
  { name: 'late: spacing then moves the follow-up', zone: NY, endsAt: '2026-11-27T09:00', now: '2026-11-29T16:00:00Z', settings: { followUpBusinessDays: 1 }, thankYou: '2026-11-29T11:01', followUp: '2026-12-01T10:00' },
  // DST in New York
  { name: 'NY spring forward: follow-up keeps 10:00 local', zone: NY, endsAt: '2026-03-06T14:00', thankYou: '2026-03-06T17:00', followUp: '2026-03-11T10:00', utc: { thankYou: '2026-03-06T22:00:00.000Z', followUp: '2026-03-11T14:00:00.000Z' } },
  { name: 'NY spring forward during the wait: 03:30 EDT → 08:00 EDT', zone: NY, endsAt: '2026-03-07T23:30', thankYou: '2026-03-08T08:00', followUp: '2026-03-11T10:00', utc: { thankYou: '2026-03-08T12:00:00.000Z' } },
  { name: 'NY fall back: follow-up keeps 10:00 local', zone: NY, endsAt: '2026-10-30T14:00', thankYou: '2026-10-30T17:00', followUp: '2026-11-04T10:00', utc: { thankYou: '2026-10-30T21:00:00.000Z', followUp: '2026-11-04T15:00:00.000Z' } },
  { name: 'NY fall back during the wait: 01:00 EST → 08:00 EST', zone: NY, endsAt: '2026-10-31T23:00', thankYou: '2026-11-01T08:00', followUp: '2026-11-04T10:00', utc: { thankYou: '2026-11-01T13:00:00.000Z' } },
  // Southern hemisphere: Sydney leaves DST on 5 April and enters it on 4 October 2026
  { name: 'Sydney, DST ends: 10:00 AEST', zone: 'Australia/Sydney', endsAt: '2026-04-03T14:00', now: '2026-04-01T00:00:00Z', thankYou: '2026-04-03T17:00', followUp: '2026-04-08T10:00', utc: { thankYou: '2026-04-03T06:00:00.000Z', followUp: '2026-04-08T00:00:00.000Z' } },
  { name: 'Sydney with AU-NSW: Easter Monday skipped', zone: 'Australia/Sydney', endsAt: '2026-04-03T14:00', now: '2026-04-01T00:00:00Z', settings: { holidays: 'AU-NSW' }, thankYou: '2026-04-03T17:00', followUp: '2026-04-09T10:00', utc: { followUp: '2026-04-09T00:00:00.000Z' } },
  { name: 'Sydney, DST starts, AU-NSW Labour Day skipped: 10:00 AEDT', zone: 'Australia/Sydney', endsAt: '2026-10-02T14:00', now: '2026-10-01T00:00:00Z', settings: { holidays: 'AU-NSW' }, thankYou: '2026-10-02T17:00', followUp: '2026-10-08T10:00', utc: { thankYou: '2026-10-02T07:00:00.000Z', followUp: '2026-10-07T23:00:00.000Z' } },
  // Half-hour zone
  { name: 'Kolkata (UTC+5:30)', zone: 'Asia/Kolkata', endsAt: '2026-11-27T14:00', thankYou: '2026-11-27T17:00', followUp: '2026-12-02T10:00', utc: { thankYou: '2026-11-27T11:30:00.000Z', followUp: '2026-12-02T04:30:00.000Z' } },
  { name: 'Kolkata quiet hours', zone: 'Asia/Kolkata', endsAt: '2026-11-27T17:30', thankYou: '2026-11-28T08:00', followUp: '2026-12-02T10:00', utc: { thankYou: '2026-11-28T02:30:00.000Z' } },
  // British Columbia on permanent UTC−7 from 1 November 2026 (tz 2026 data; the runtime's ICU may say −8)
  { name: 'Vancouver in November 2026: 17:00 at −07:00', zone: 'America/Vancouver', endsAt: '2026-11-27T14:00', thankYou: '2026-11-27T17:00', followUp: '2026-12-02T10:00', utc: { thankYou: '2026-11-28T00:00:00.000Z', followUp: '2026-12-02T17:00:00.000Z' } },
  // The interview's local date, not the UTC date
  { name: 'Monday 23:30 in Los Angeles is Tuesday in UTC', zone: LA, endsAt: '2026-11-23T23:30', thankYou: '2026-11-24T08:00', followUp: '2026-11-26T10:00' },
  // Rule 9: decision date (second business day after it, 10:00)
  { name: 'decision Friday: not before Tuesday, the latest rule', zone: NY, endsAt: '2026-11-16T14:00', settings: { decisionBy: '2026-11-20' }, thankYou: '2026-11-16T17:00', followUp: '2026-11-24T10:00', utc: { followUp: '2026-11-24T15:00:00.000Z' } },
  { name: 'decision on the interview day changes nothing', zone: NY, endsAt: '2026-11-16T14:00', settings: { decisionBy: '2026-11-16' }, thankYou: '2026-11-16T17:00', followUp: '2026-11-19T10:00', utc: { followUp: '2026-11-19T15:00:00.000Z' } },
  { name: 'decision whose second business day is the usual follow-up changes nothing', zone: NY, endsAt: '2026-11-16T14:00', settings: { decisionBy: '2026-11-17' }, thankYou: '2026-11-16T17:00', followUp: '2026-11-19T10:00', utc: { followUp: '2026-11-19T15:00:00.000Z' } },
  { name: 'decision on Christmas Eve (US): Christmas skipped → Tuesday 29', zone: NY, endsAt: '2026-12-21T14:00', settings: { decisionBy: '2026-12-24', holidays: 'US' }, thankYou: '2026-12-21T17:00', followUp: '2026-12-29T10:00', utc: { followUp: '2026-12-29T15:00:00.000Z' } },
  { name: 'decision on Christmas Eve, no region: Christmas counts → Monday 28', zone: NY, endsAt: '2026-12-21T14:00', settings: { decisionBy: '2026-12-24' }, thankYou: '2026-12-21T17:00', followUp: '2026-12-28T10:00', utc: { followUp: '2026-12-28T15:00:00.000Z' } },
  { name: 'decision and away: away is later and wins', zone: NY, endsAt: '2026-11-16T14:00', awayUntil: '2026-11-24', settings: { decisionBy: '2026-11-18' }, thankYou: '2026-11-16T17:00', followUp: '2026-11-25T10:00', utc: { followUp: '2026-11-25T15:00:00.000Z' } },
  { name: 'decision and away: the decision is later and wins', zone: NY, endsAt: '2026-11-16T14:00', awayUntil: '2026-11-19', settings: { decisionBy: '2026-11-20' }, thankYou: '2026-11-16T17:00', followUp: '2026-11-24T10:00', utc: { followUp: '2026-11-24T15:00:00.000Z' } },
  { name: 'decision and a late thank-you: spacing is later and wins', zone: NY, endsAt: '2026-11-27T09:00', now: '2026-11-29T16:00:00Z', settings: { followUpBusinessDays: 1, decisionBy: '2026-11-25' }, thankYou: '2026-11-29T11:01', followUp: '2026-12-01T10:00', utc: { followUp: '2026-12-01T15:00:00.000Z' } },
  // Rule 10: second follow-up (fifth business day after the first, 10:00)
  { name: 'second follow-up: the fifth business day after the first', zone: NY, endsAt: '2026-11-17T14:00', settings: { secondFollowUp: true }, thankYou: '2026-11-17T17:00', followUp: '2026-11-20T10:00', secondFollowUp: '2026-11-27T10:00', utc: { followUp: '2026-11-20T15:00:00.000Z', secondFollowUp: '2026-11-27T15:00:00.000Z' } },
  { name: 'second follow-up (US): Thanksgiving skipped → Monday 30', zone: NY, endsAt: '2026-11-17T14:00', settings: { secondFollowUp: true, holidays: 'US' }, thankYou: '2026-11-17T17:00', followUp: '2026-11-20T10:00', secondFollowUp: '2026-11-30T10:00', utc: { secondFollowUp: '2026-11-30T15:00:00.000Z' } },
  { name: 'second follow-up across NY fall back: 10:00 EDT, then 10:00 EST', zone: NY, endsAt: '2026-10-26T14:00', settings: { secondFollowUp: true }, thankYou: '2026-10-26T17:00', followUp: '2026-10-29T10:00', secondFollowUp: '2026-11-05T10:00', utc: { followUp: '2026-10-29T14:00:00.000Z', secondFollowUp: '2026-11-05T15:00:00.000Z' } },
  { name: 'second follow-up across NY spring forward: 10:00 EST, then 10:00 EDT', zone: NY, endsAt: '2026-03-02T14:00', settings: { secondFollowUp: true }, thankYou: '2026-03-02T17:00', followUp: '2026-03-05T10:00', secondFollowUp: '2026-03-12T10:00', utc: { followUp: '2026-03-05T15:00:00.000Z', secondFollowUp: '2026-03-12T14:00:00.000Z' } },
  { name: 'second follow-up across Sydney DST end: 10:00 AEDT, then 10:00 AEST', zone: 'Australia/Sydney', endsAt: '2026-03-30T14:00', settings: { secondFollowUp: true }, thankYou: '2026-03-30T17:00', followUp: '2026-04-02T10:00', secondFollowUp: '2026-04-09T10:00', utc: { followUp: '2026-04-01T23:00:00.000Z', secondFollowUp: '2026-04-09T00:00:00.000Z' } },
  { name: 'second follow-up after an away-delayed first', zone: NY, endsAt: '2026-11-16T14:00', awayUntil: '2026-11-20', settings: { secondFollowUp: true }, thankYou: '2026-11-16T17:00', followUp: '2026-11-23T10:00', secondFollowUp: '2026-11-30T10:00', utc: { secondFollowUp: '2026-11-30T15:00:00.000Z' } },
  { name: 'second follow-up after a decision-delayed first (US)', zone: NY, endsAt: '2026-11-16T14:00', settings: { secondFollowUp: true, decisionBy: '2026-11-20', holidays: 'US' }, thankYou: '2026-11-16T17:00', followUp: '2026-11-24T10:00', secondFollowUp: '2026-12-02T10:00', utc: { secondFollowUp: '2026-12-02T15:00:00.000Z' } },
  { name: 'secondFollowUp false: none', zone: NY, endsAt: '2026-11-16T14:00', settings: { secondFollowUp: false }, thankYou: '2026-11-16T17:00', followUp: '2026-11-19T10:00' },
];

/** `YYYY-MM-DD` → CalendarDate. */
function date(value: string): CalendarDate {
  const [year, month, day] = value.split('-').map(Number);
  return { year: year ?? 0, month: month ?? 0, day: day ?? 0 };
}

function run(c: Case) {
  const endsAt = parseLocalMinute(c.endsAt, c.zone);
  if (!endsAt) throw new Error(`bad fixture ${c.endsAt}`);
  const { decisionBy, ...rest } = c.settings ?? {};
  const settings: TimingSettings = {
    thankYouDelayHours: 3,
    followUpBusinessDays: 3,
    ...rest,
    ...(decisionBy && { decisionBy: date(decisionBy) }),
  };
  const person: PersonTiming = c.awayUntil ? { awayUntil: date(c.awayUntil) } : {};
  const now = new Date(c.now ?? new Date(endsAt.getTime() - 86_400_000).toISOString());
  return computeSendTimes(endsAt, c.zone, settings, now, person);
}

describe.each(['UTC', 'Asia/Kolkata', 'America/Los_Angeles'])('send-time rules with process TZ=%s', (tz) => {
  it('the process zone is really set', () => {
    process.env.TZ = tz;
    const offsets: Record<string, number> = { UTC: 0, 'Asia/Kolkata': -330, 'America/Los_Angeles': 480 };
    expect(new Date('2026-01-01T00:00:00Z').getTimezoneOffset()).toBe(offsets[tz]);
  });

  it.each(CASES)('$name', (c) => {
    process.env.TZ = tz;
    const t = run(c);
    expect({
      thankYou: toLocalMinute(t.thankYou, c.zone),
      followUp: toLocalMinute(t.followUp, c.zone),
      ...(t.secondFollowUp && { secondFollowUp: toLocalMinute(t.secondFollowUp, c.zone) }),
    }).toEqual({
      thankYou: c.thankYou,
      followUp: c.followUp,
      ...(c.secondFollowUp && { secondFollowUp: c.secondFollowUp }),
    });
    expect(Object.hasOwn(t, 'secondFollowUp')).toBe(c.settings?.secondFollowUp === true);
    if (c.utc?.thankYou) expect(t.thankYou.toISOString()).toBe(c.utc.thankYou);
    if (c.utc?.followUp) expect(t.followUp.toISOString()).toBe(c.utc.followUp);
    if (c.utc?.secondFollowUp) expect(t.secondFollowUp?.toISOString()).toBe(c.utc.secondFollowUp);
    expect(t.thankYou.getTime() % 60_000).toBe(0);
    expect(t.followUp.getTime() % 60_000).toBe(0);
  });

  it('resolves skipped and repeated wall-clock times the same way', () => {
    process.env.TZ = tz;
    expect(parseLocalMinute('2026-03-08T02:30', NY)?.toISOString()).toBe('2026-03-08T07:30:00.000Z');
    expect(parseLocalMinute('2026-11-01T01:30', NY)?.toISOString()).toBe('2026-11-01T05:30:00.000Z');
    expect(parseLocalMinute('2026-10-25T02:30', 'Europe/Berlin')?.toISOString()).toBe(
      '2026-10-25T00:30:00.000Z',
    );
    expect(parseLocalMinute('2026-04-05T02:30', 'Australia/Sydney')?.toISOString()).toBe(
      '2026-04-04T15:30:00.000Z',
    );
  });
});

describe('rule 10: the second follow-up', () => {
  const settings: TimingSettings = { thankYouDelayHours: 3, followUpBusinessDays: 3 };
  const at = (local: string, zone = NY) => {
    const instant = parseLocalMinute(local, zone);
    if (!instant) throw new Error(`bad fixture ${local}`);
    return instant;
  };

  it('is five business days after the first', () => {
    expect(SECOND_FOLLOW_UP_BUSINESS_DAYS).toBe(5);
    // Monday 16 November → Tuesday 17 … Monday 23
    expect(secondFollowUpTime(at('2026-11-16T10:00'), NY, settings).toISOString()).toBe(
      '2026-11-23T15:00:00.000Z',
    );
  });

  it('keeps 10:00 local across a DST change, so its UTC offset differs from the first', () => {
    const first = at('2026-10-29T10:00');
    const second = secondFollowUpTime(first, NY, settings);
    expect(first.toISOString()).toBe('2026-10-29T14:00:00.000Z');
    expect(second.toISOString()).toBe('2026-11-05T15:00:00.000Z');
    for (const instant of [first, second]) {
      expect(wallClock(instant, NY)).toMatchObject({ hour: 10, minute: 0, second: 0 });
    }
    expect(utcOffsetMinutes(first, NY)).toBe(-240);
    expect(utcOffsetMinutes(second, NY)).toBe(-300);
  });

  it('is no earlier than the first business day after awayUntil', () => {
    const first = at('2026-11-16T10:00');
    // Away until Friday 27 November: back Monday 30, later than Monday 23.
    expect(secondFollowUpTime(first, NY, settings, { awayUntil: date('2026-11-27') }).toISOString()).toBe(
      '2026-11-30T15:00:00.000Z',
    );
    // With US holidays, away until Wednesday 25: Thanksgiving and the weekend → Friday 27.
    expect(
      secondFollowUpTime(
        first,
        NY,
        { ...settings, holidays: 'US' },
        { awayUntil: date('2026-11-25') },
      ).toISOString(),
    ).toBe('2026-11-27T15:00:00.000Z');
    // Away ending before the usual second follow-up changes nothing.
    expect(secondFollowUpTime(first, NY, settings, { awayUntil: date('2026-11-18') }).toISOString()).toBe(
      '2026-11-23T15:00:00.000Z',
    );
  });

  it('a first follow-up on a Friday: the second is the next Friday', () => {
    expect(secondFollowUpTime(at('2026-11-20T10:00'), NY, settings).toISOString()).toBe(
      '2026-11-27T15:00:00.000Z',
    );
  });

  it('is absent when secondFollowUp is absent', () => {
    const t = computeSendTimes(at('2026-11-16T14:00'), NY, settings, new Date('2026-11-10T00:00:00Z'));
    expect(t).toEqual({
      thankYou: new Date('2026-11-16T22:00:00.000Z'),
      followUp: new Date('2026-11-19T15:00:00.000Z'),
    });
    expect('secondFollowUp' in t).toBe(false);
  });
});

describe('followUpTime', () => {
  it('defaults to a person who is not away', () => {
    const endsAt = parseLocalMinute('2026-11-16T14:00', NY);
    if (!endsAt) throw new Error('bad fixture');
    const thankYou = new Date('2026-11-16T22:00:00.000Z');
    expect(
      followUpTime(endsAt, NY, { thankYouDelayHours: 3, followUpBusinessDays: 3 }, thankYou).toISOString(),
    ).toBe('2026-11-19T15:00:00.000Z');
    expect(
      followUpTime(endsAt, NY, { thankYouDelayHours: 3, followUpBusinessDays: 3 }, thankYou, {
        awayUntil: date('2026-11-20'),
      }).toISOString(),
    ).toBe('2026-11-23T15:00:00.000Z');
  });
});

describe('whole minutes', () => {
  it('an end given with seconds rounds the thank-you up to the next minute', () => {
    const t = computeSendTimes(
      new Date('2026-11-24T16:00:30Z'),
      NY,
      { thankYouDelayHours: 3, followUpBusinessDays: 3 },
      new Date('2026-11-20T00:00:00Z'),
    );
    expect(t.thankYou.toISOString()).toBe('2026-11-24T19:01:00.000Z');
  });
});

describe('local wall-clock parsing', () => {
  it('rejects impossible dates and times', () => {
    expect(parseLocalMinute('2026-02-30T10:00', 'UTC')).toBeUndefined();
    expect(parseLocalMinute('2026-13-01T10:00', 'UTC')).toBeUndefined();
    expect(parseLocalMinute('2026-01-01T24:00', 'UTC')).toBeUndefined();
    expect(parseLocalMinute('2026-01-01 10:00', 'UTC')).toBeUndefined();
  });
});

describe('at() expressions for the Scheduler', () => {
  it('write the computed instant in UTC, so Scheduler converts nothing with tz data of its own', () => {
    expect(atExpression(new Date('2026-11-04T15:00:00Z'))).toEqual({
      expression: 'at(2026-11-04T15:00:00)',
      timeZone: 'UTC',
    });
  });

  it('name each occurrence of the hour an autumn change repeats apart', () => {
    // 01:30 EDT and 01:30 EST in New York; on Lord Howe Island the repeated half hour.
    for (const instant of ['2026-11-01T05:30:00Z', '2026-11-01T06:30:00Z', '2026-04-04T14:45:00Z']) {
      expect(atExpression(new Date(instant))).toEqual({
        expression: `at(${instant.slice(0, 19)})`,
        timeZone: 'UTC',
      });
    }
  });

  it('the thank-you of a Vancouver interview in November 2026 fires at 17:00 −07:00', () => {
    const endsAt = parseLocalMinute('2026-11-27T14:00', 'America/Vancouver');
    if (!endsAt) throw new Error('bad fixture');
    const t = computeSendTimes(
      endsAt,
      'America/Vancouver',
      { thankYouDelayHours: 3, followUpBusinessDays: 3 },
      new Date('2026-11-20T00:00:00Z'),
    );
    expect(atExpression(t.thankYou)).toEqual({ expression: 'at(2026-11-28T00:00:00)', timeZone: 'UTC' });
  });
});

describe('minimum lead time of a schedule', () => {
  it('a schedule is never created less than a minute ahead; one further off keeps its time', () => {
    const now = new Date('2026-11-27T23:10:30.250Z');
    // Late submission: the thank-you's sendAt is the next whole minute, 29.75 s away.
    expect(scheduleTime(new Date('2026-11-27T23:11:00Z'), now)).toEqual(new Date('2026-11-27T23:11:31Z'));
    expect(
      scheduleTime(new Date('2026-11-27T23:11:31Z'), now).getTime() - now.getTime(),
    ).toBeGreaterThanOrEqual(MIN_SCHEDULE_LEAD_MS);
    expect(scheduleTime(new Date('2026-11-28T13:00:00Z'), now)).toEqual(new Date('2026-11-28T13:00:00Z'));
  });
});
