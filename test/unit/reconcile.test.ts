import { describe, expect, it } from 'vitest';
import { EMAIL_KINDS, type EmailState, type InterviewRecord } from '../../lambdas/core/interview.js';
import {
  firstCheckAt,
  OVERDUE_MS,
  STUCK_MS,
  STUCK_RECHECK_MS,
  STUCK_REPORT_MS,
  sweepPlan,
} from '../../lambdas/core/reconcile.js';

const CREATED = '2026-11-27T19:30:00.000Z';
function record(emails: Partial<Record<string, Partial<EmailState>>> = {}): InterviewRecord {
  const base: Record<string, EmailState> = {
    'thank-you': { status: 'scheduled', sendAt: '2026-11-27T22:00:00.000Z', updatedAt: CREATED },
    'follow-up': { status: 'scheduled', sendAt: '2026-12-02T15:00:00.000Z', updatedAt: CREATED },
    confirmation: { status: 'sent', sendAt: CREATED, updatedAt: CREATED },
  };
  // Only the emails it holds: an `update` only when given (an edit arms it).
  for (const kind of EMAIL_KINDS) {
    if (base[kind] || emails[kind]) base[kind] = { ...base[kind], ...emails[kind] } as EmailState;
  }
  return { id: 'i', createdAt: CREATED, emails: base } as unknown as InterviewRecord;
}
const plus = (iso: string, ms: number) => new Date(Date.parse(iso) + ms).toISOString();

describe('sweep rules (pure)', () => {
  it('a new interview is first looked at when its first email would be overdue', () => {
    expect(firstCheckAt(record({ confirmation: { status: 'scheduled' } }))).toBe(plus(CREATED, OVERDUE_MS));
    expect(firstCheckAt(record())).toBe(plus('2026-11-27T22:00:00.000Z', OVERDUE_MS));
  });

  it('an email still scheduled past its time + OVERDUE_MS is reconciled, and looked at again soon', () => {
    const now = new Date(plus('2026-11-27T22:00:00.000Z', OVERDUE_MS));
    expect(sweepPlan(record(), now)).toEqual({
      reconcile: ['thank-you'],
      stuck: [],
      next: plus(now.toISOString(), OVERDUE_MS),
    });
    // Not yet overdue: nothing, next look when it would be.
    const early = new Date(Date.parse(now.toISOString()) - 1);
    expect(sweepPlan(record(), early)).toEqual({ reconcile: [], stuck: [], next: now.toISOString() });
  });

  it("the sender's own retry time counts: an email waiting for its retry is not overdue", () => {
    const r = record({ 'thank-you': { retryAt: '2026-11-28T02:00:00.000Z' } });
    expect(sweepPlan(r, new Date('2026-11-28T01:00:00.000Z')).reconcile).toEqual([]);
    expect(sweepPlan(r, new Date(plus('2026-11-28T02:00:00.000Z', OVERDUE_MS))).reconcile).toEqual([
      'thank-you',
    ]);
  });

  it('an email sending longer than STUCK_MS is stuck: reported hourly for a week, never reconciled', () => {
    const since = '2026-11-27T22:00:00.000Z';
    const r = record({ 'thank-you': { status: 'sending', updatedAt: since } });
    const now = new Date(plus(since, STUCK_MS));
    expect(sweepPlan(r, now)).toEqual({
      reconcile: [],
      stuck: ['thank-you'],
      next: plus(now.toISOString(), STUCK_RECHECK_MS),
    });
    const weekLater = new Date(plus(since, STUCK_MS + STUCK_REPORT_MS));
    expect(sweepPlan(r, weekLater).stuck).toEqual([]);
  });

  it('an overdue confirmation is reported, not reconciled: only its lost event carries the link', () => {
    const r = record({ confirmation: { status: 'scheduled' } });
    const plan = sweepPlan(r, new Date(plus(CREATED, OVERDUE_MS)));
    expect(plan.stuck).toEqual(['confirmation']);
    expect(plan.reconcile).toEqual([]);
  });

  it('an overdue notice of an edit is handed to the sender: its event needs nothing the table lacks', () => {
    const armed = { status: 'scheduled', sendAt: '2026-11-28T15:05:00.000Z' } as const;
    const r = record({ 'thank-you': { status: 'sent' }, update: armed });
    expect(sweepPlan(r, new Date('2026-11-28T15:09:59.999Z'))).toEqual({
      reconcile: [],
      stuck: [],
      next: '2026-11-28T15:10:00.000Z',
    });
    const now = new Date('2026-11-28T15:10:00.000Z');
    expect(sweepPlan(r, now)).toEqual({
      reconcile: ['update'],
      stuck: [],
      next: plus(now.toISOString(), OVERDUE_MS),
    });
    // Sent, it is nothing more to look at; sending too long, it is stuck like any email.
    const sent = record({
      'thank-you': { status: 'sent' },
      'follow-up': { status: 'sent' },
      update: { status: 'sent' },
    });
    expect(sweepPlan(sent, now)).toEqual({ reconcile: [], stuck: [] });
    const sending = record({ update: { status: 'sending', updatedAt: '2026-11-28T15:05:00.000Z' } });
    expect(sweepPlan(sending, new Date(plus('2026-11-28T15:05:00.000Z', STUCK_MS))).stuck).toEqual([
      'update',
    ]);
  });

  it('nothing pending (or erased): no next look, the interview leaves the index', () => {
    const done = record({ 'thank-you': { status: 'sent' }, 'follow-up': { status: 'cancelled' } });
    expect(sweepPlan(done, new Date('2026-12-01T00:00:00Z'))).toEqual({ reconcile: [], stuck: [] });
    const erased = { ...record(), erasedAt: '2026-11-28T00:00:00Z' } as InterviewRecord;
    expect(sweepPlan(erased, new Date('2026-12-01T00:00:00Z'))).toEqual({ reconcile: [], stuck: [] });
  });
});
