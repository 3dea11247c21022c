import { describe, expect, it } from 'vitest';
import { EMAIL_KINDS, type InterviewRecord } from '../../lambdas/core/interview.js';
import { lateDecision, nextFollowUpSlot, THANK_YOU_TOO_LATE } from '../../lambdas/core/lateness.js';

/** Planned: thank-you Friday 27 November 17:00 New York, follow-up Wednesday 2 December 10:00. */
function record(overrides: Partial<InterviewRecord['emails']> = {}, holidays?: string): InterviewRecord {
  const at = '2026-11-27T19:30:00.000Z';
  const emails = Object.fromEntries(EMAIL_KINDS.map((k) => [k, { status: 'scheduled', updatedAt: at }]));
  return {
    id: 'i',
    interview: { endsAt: '2026-11-27T19:00:00.000Z', timeZone: 'America/New_York' },
    timing: { thankYouDelayHours: 3, followUpBusinessDays: 3, ...(holidays && { holidays }) },
    emails: {
      ...emails,
      'thank-you': { status: 'scheduled', sendAt: '2026-11-27T22:00:00.000Z', updatedAt: at },
      'follow-up': { status: 'scheduled', sendAt: '2026-12-02T15:00:00.000Z', updatedAt: at },
      ...overrides,
    },
  } as unknown as InterviewRecord;
}
const at = (iso: string) => new Date(iso);

describe('late-send policy (pure)', () => {
  it('on time or within the early allowance: send', () => {
    expect(lateDecision(record(), 'thank-you', at('2026-11-27T21:59:00Z'))).toEqual({ action: 'send' });
    expect(lateDecision(record(), 'thank-you', at('2026-11-27T22:00:40Z'))).toEqual({ action: 'send' });
    expect(lateDecision(record(), 'follow-up', at('2026-12-02T15:00:40Z'))).toEqual({ action: 'send' });
  });

  it('a thank-you late but in daytime goes at once; one late into quiet hours waits for 08:00', () => {
    expect(lateDecision(record(), 'thank-you', at('2026-11-28T00:30:00Z'))).toEqual({ action: 'send' }); // 19:30
    expect(lateDecision(record(), 'thank-you', at('2026-11-28T01:00:00Z'))).toMatchObject({
      action: 'move',
      to: at('2026-11-28T13:00:00Z'),
    });
    // 07:59 the next morning: still quiet, 08:00 is within the day.
    expect(lateDecision(record(), 'thank-you', at('2026-11-28T12:59:00Z'))).toMatchObject({ action: 'move' });
  });

  it('a thank-you more than 24 hours late, or whose next allowed time would be, is skipped', () => {
    expect(lateDecision(record(), 'thank-you', at('2026-11-28T22:00:01Z'))).toEqual({
      action: 'skip',
      reason: THANK_YOU_TOO_LATE,
    });
    // Planned 19:59, fired 20:30: quiet until 08:00 (12 h 1 min later): fine. Planned 08:00 Saturday
    // and fired at 20:05 Sunday: 36 hours, skipped.
    const early = record({
      'thank-you': { status: 'scheduled', sendAt: '2026-11-28T13:00:00Z', updatedAt: '' },
    });
    expect(lateDecision(early, 'thank-you', at('2026-11-30T01:05:00Z')).action).toBe('skip');
    // Planned 08:00, fired 21:00 the same day (13 h late, quiet): the next 08:00 is exactly 24 h
    // after, which is still within the day → moved there.
    expect(lateDecision(early, 'thank-you', at('2026-11-29T02:00:00Z'))).toMatchObject({
      action: 'move',
      to: at('2026-11-29T13:00:00Z'),
    });
    // The night the clocks go back is 25 hours long: planned Saturday 31 October 08:00 EDT, fired
    // 21:00, the next 08:00 (EST) is 25 hours after the plan → skipped.
    const autumn = record({
      'thank-you': { status: 'scheduled', sendAt: '2026-10-31T12:00:00Z', updatedAt: '' },
    });
    expect(lateDecision(autumn, 'thank-you', at('2026-11-01T01:00:00Z')).action).toBe('skip');
  });

  it('a follow-up more than an hour late moves to the next business day 10:00, over weekends and holidays', () => {
    expect(lateDecision(record(), 'follow-up', at('2026-12-02T16:30:00Z'))).toMatchObject({
      action: 'move',
      to: at('2026-12-03T15:00:00Z'),
    });
    // Before 10:00 on a business day: that same day.
    expect(lateDecision(record(), 'follow-up', at('2026-12-03T13:00:00Z'))).toMatchObject({
      to: at('2026-12-03T15:00:00Z'),
    });
    // Friday 4 December 20:00 → Monday 7 December 10:00.
    expect(lateDecision(record(), 'follow-up', at('2026-12-05T01:00:00Z'))).toMatchObject({
      to: at('2026-12-07T15:00:00Z'),
    });
    // With US holidays, a follow-up late on Wednesday 23 December 2026 skips Christmas (Friday 25).
    const xmas = record(
      { 'follow-up': { status: 'scheduled', sendAt: '2026-12-23T15:00:00Z', updatedAt: '' } },
      'US',
    );
    expect(lateDecision(xmas, 'follow-up', at('2026-12-24T18:00:00Z'))).toMatchObject({
      to: at('2026-12-28T15:00:00Z'),
    });
  });

  it('a thank-you that moved counts its lateness from the first plan, however often it moved', () => {
    // Planned Friday 17:00, moved to Saturday 08:00; that schedule fires late too, Saturday 19:00:
    // 26 hours after the first plan → skipped, not sent.
    const moved = record({
      'thank-you': {
        status: 'scheduled',
        sendAt: '2026-11-28T13:00:00Z',
        plannedAt: '2026-11-27T22:00:00Z',
        updatedAt: '',
      },
    });
    expect(lateDecision(moved, 'thank-you', at('2026-11-29T00:00:00Z')).action).toBe('skip');
    // At 08:10 Saturday (15 h after the first plan) it goes.
    expect(lateDecision(moved, 'thank-you', at('2026-11-28T13:10:00Z'))).toEqual({ action: 'send' });
  });

  it('never within 24 hours of a thank-you that itself went out late', () => {
    const r = record({
      'thank-you': {
        status: 'sent',
        sendAt: '2026-12-01T13:00:00Z',
        sentAt: '2026-12-02T13:00:00Z',
        updatedAt: '',
      },
    });
    expect(lateDecision(r, 'follow-up', at('2026-12-02T15:00:00Z'))).toMatchObject({
      action: 'move',
      to: at('2026-12-03T15:00:00Z'),
    });
  });

  it('nextFollowUpSlot: 10:00 on a business day, at or after the instant, across DST', () => {
    expect(nextFollowUpSlot(at('2026-03-06T16:00:00Z'), 'America/New_York', undefined)).toEqual(
      at('2026-03-09T14:00:00Z'), // Friday 11:00 EST → Monday 10:00 EDT
    );
  });

  it('two emails to one person never go together: each keeps 24 hours from the earlier ones, sent, being sent or still to go', () => {
    const sent = {
      status: 'sent',
      sendAt: '2026-11-27T22:00:00.000Z',
      sentAt: '2026-11-27T22:00:01.000Z',
      updatedAt: '',
    };
    // After an outage both follow-ups fire at once; the first moves to Friday 10:00 (fired late),
    // and the second, seeing it still to go, waits 24 hours past it: Monday 10:00, not Friday.
    const both = record({
      'thank-you': sent,
      'follow-up': { status: 'scheduled', sendAt: '2026-12-11T15:00:00.000Z', updatedAt: '' },
      'second-follow-up': { status: 'scheduled', sendAt: '2026-12-09T15:00:00.000Z', updatedAt: '' },
    } as Partial<InterviewRecord['emails']>);
    expect(lateDecision(both, 'second-follow-up', at('2026-12-10T20:00:00Z'))).toMatchObject({
      action: 'move',
      to: at('2026-12-14T15:00:00Z'),
    });
    // The first being sent right now (claimed at 15:00): the second waits 24 hours from the claim.
    const sending = record({
      'thank-you': sent,
      'follow-up': {
        status: 'sending',
        sendAt: '2026-12-02T15:00:00.000Z',
        updatedAt: '2026-12-09T15:00:00.000Z',
      },
      'second-follow-up': { status: 'scheduled', sendAt: '2026-12-09T15:00:00.000Z', updatedAt: '' },
    } as Partial<InterviewRecord['emails']>);
    expect(lateDecision(sending, 'second-follow-up', at('2026-12-09T15:00:30Z'))).toMatchObject({
      action: 'move',
      to: at('2026-12-10T15:00:00Z'),
    });
    // The first waiting for its retry (SES refused it for now): its next try counts, not its old time.
    const retrying = record({
      'thank-you': sent,
      'follow-up': {
        status: 'scheduled',
        sendAt: '2026-12-02T15:00:00.000Z',
        retryAt: '2026-12-09T15:10:00.000Z',
        updatedAt: '',
      },
      'second-follow-up': { status: 'scheduled', sendAt: '2026-12-09T15:00:00.000Z', updatedAt: '' },
    } as Partial<InterviewRecord['emails']>);
    expect(lateDecision(retrying, 'second-follow-up', at('2026-12-09T15:00:30Z'))).toMatchObject({
      action: 'move',
      to: at('2026-12-11T15:00:00Z'),
    });
    // A panelist's emails count only their own: person 2's thank-you does not hold person 1's follow-up.
    const other = record({
      'thank-you': sent,
      'thank-you.2': { status: 'scheduled', sendAt: '2026-12-02T14:00:00.000Z', updatedAt: '' },
    } as Partial<InterviewRecord['emails']>);
    expect(lateDecision(other, 'follow-up', at('2026-12-02T15:00:30Z'))).toEqual({ action: 'send' });
  });
});
