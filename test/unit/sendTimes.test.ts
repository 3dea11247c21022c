import { afterAll, describe, expect, it } from 'vitest';
import { computeSendTimes } from '../../lambdas/core/sendTimes.js';
import { parseLocalMinute, toLocalMinute } from '../../lambdas/core/time.js';

const FAR_PAST = new Date('2020-01-01T00:00:00Z');
const originalTz = process.env.TZ;
afterAll(() => {
  process.env.TZ = originalTz;
});

function times(local: string, zone: string, now = FAR_PAST) {
  const endsAt = parseLocalMinute(local, zone);
  if (!endsAt) throw new Error(`bad fixture ${local}`);
  const t = computeSendTimes(endsAt, zone, now);
  return { thankYou: t.thankYou.toISOString(), followUp: t.followUp.toISOString() };
}

// The same answers whatever the process's own zone is: the rules only use the interview's zone.
describe.each(['UTC', 'Asia/Tokyo', 'America/Los_Angeles'])('send times with process TZ=%s', (tz) => {
  it('sets the process zone for this block', () => {
    process.env.TZ = tz;
    expect(new Date('2026-01-01T00:00:00Z').getTimezoneOffset()).toBe(
      { UTC: 0, 'Asia/Tokyo': -540, 'America/Los_Angeles': 480 }[tz],
    );
  });

  it('the example: Friday 14:00 in New York → thank-you 17:00, follow-up Wednesday 10:00', () => {
    process.env.TZ = tz;
    expect(times('2026-11-27T14:00', 'America/New_York')).toEqual({
      thankYou: '2026-11-27T22:00:00.000Z',
      followUp: '2026-12-02T15:00:00.000Z',
    });
  });

  it('New York spring forward: the follow-up keeps 10:00 local across the change', () => {
    process.env.TZ = tz;
    // Friday 6 March 14:00 EST; the clocks go forward on Sunday 8 March.
    expect(times('2026-03-06T14:00', 'America/New_York')).toEqual({
      thankYou: '2026-03-06T22:00:00.000Z',
      followUp: '2026-03-11T14:00:00.000Z', // Wednesday 10:00 EDT
    });
  });

  it('New York spring forward during the wait: the thank-you is three elapsed hours later', () => {
    process.env.TZ = tz;
    // Saturday 7 March 23:30 EST; three hours later is 03:30 EDT on Sunday (wall clock +4h).
    const t = times('2026-03-07T23:30', 'America/New_York');
    expect(t.thankYou).toBe('2026-03-08T07:30:00.000Z');
    expect(toLocalMinute(new Date(t.thankYou), 'America/New_York')).toBe('2026-03-08T03:30');
    expect(t.followUp).toBe('2026-03-11T14:00:00.000Z'); // Mon 9, Tue 10, Wed 11
  });

  it('New York fall back: the follow-up keeps 10:00 local across the change', () => {
    process.env.TZ = tz;
    // Friday 30 October 14:00 EDT; the clocks go back on Sunday 1 November.
    expect(times('2026-10-30T14:00', 'America/New_York')).toEqual({
      thankYou: '2026-10-30T21:00:00.000Z',
      followUp: '2026-11-04T15:00:00.000Z', // Wednesday 10:00 EST
    });
  });

  it('New York fall back during the wait: the thank-you lands in the repeated hour', () => {
    process.env.TZ = tz;
    const t = times('2026-10-31T23:00', 'America/New_York'); // 03:00Z
    expect(t.thankYou).toBe('2026-11-01T06:00:00.000Z');
    expect(toLocalMinute(new Date(t.thankYou), 'America/New_York')).toBe('2026-11-01T01:00');
  });

  it('Berlin spring forward (29 March) and fall back (25 October)', () => {
    process.env.TZ = tz;
    expect(times('2026-03-26T16:00', 'Europe/Berlin')).toEqual({
      thankYou: '2026-03-26T18:00:00.000Z', // 19:00 CET
      followUp: '2026-03-31T08:00:00.000Z', // Tuesday 10:00 CEST
    });
    expect(times('2026-10-23T11:00', 'Europe/Berlin')).toEqual({
      thankYou: '2026-10-23T12:00:00.000Z',
      followUp: '2026-10-28T09:00:00.000Z', // Wednesday 10:00 CET
    });
  });

  it('resolves skipped and repeated wall-clock times the same way', () => {
    process.env.TZ = tz;
    expect(parseLocalMinute('2026-03-08T02:30', 'America/New_York')?.toISOString()).toBe(
      '2026-03-08T07:30:00.000Z',
    );
    expect(parseLocalMinute('2026-11-01T01:30', 'America/New_York')?.toISOString()).toBe(
      '2026-11-01T05:30:00.000Z',
    );
    expect(parseLocalMinute('2026-10-25T02:30', 'Europe/Berlin')?.toISOString()).toBe(
      '2026-10-25T00:30:00.000Z',
    );
  });

  it('counts weekdays from the interview’s local date, not the UTC date', () => {
    process.env.TZ = tz;
    // Monday 23:30 in Los Angeles is already Tuesday in UTC; the third weekday after Monday is Thursday.
    expect(times('2026-11-23T23:30', 'America/Los_Angeles').followUp).toBe('2026-11-26T18:00:00.000Z');
    // Thursday 1 January in Tokyo, 08:00: Friday, Monday, Tuesday → Tuesday 6 January 10:00 JST.
    expect(times('2026-01-01T08:00', 'Asia/Tokyo').followUp).toBe('2026-01-06T01:00:00.000Z');
  });
});

describe('times already past', () => {
  it('move to the next whole minute after now', () => {
    const now = new Date('2026-11-27T23:10:30.500Z');
    const t = times('2026-11-27T14:00', 'America/New_York', now);
    expect(t.thankYou).toBe('2026-11-27T23:11:00.000Z');
    expect(t.followUp).toBe('2026-12-02T15:00:00.000Z');
  });

  it('an interview ending at a whole minute keeps whole-minute sends; seconds round up', () => {
    const endsAt = new Date('2026-11-27T19:00:30Z');
    const t = computeSendTimes(endsAt, 'America/New_York', FAR_PAST);
    expect(t.thankYou.toISOString()).toBe('2026-11-27T22:01:00.000Z');
  });
});

describe('local wall-clock parsing', () => {
  it('moves a time skipped by spring forward ahead by the gap', () => {
    expect(parseLocalMinute('2026-03-08T02:30', 'America/New_York')?.toISOString()).toBe(
      '2026-03-08T07:30:00.000Z',
    );
  });
  it('takes the first of a repeated autumn time', () => {
    expect(parseLocalMinute('2026-11-01T01:30', 'America/New_York')?.toISOString()).toBe(
      '2026-11-01T05:30:00.000Z',
    );
  });
  it('rejects impossible dates and times', () => {
    expect(parseLocalMinute('2026-02-30T10:00', 'UTC')).toBeUndefined();
    expect(parseLocalMinute('2026-13-01T10:00', 'UTC')).toBeUndefined();
    expect(parseLocalMinute('2026-01-01T24:00', 'UTC')).toBeUndefined();
    expect(parseLocalMinute('2026-01-01 10:00', 'UTC')).toBeUndefined();
  });
});
