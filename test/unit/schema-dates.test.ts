import { describe, expect, it } from 'vitest';
import { parseSubmission } from '../../lambdas/core/schema.js';
import { FIRST_TZ_YEAR, LAST_TZ_YEAR } from '../../lambdas/core/time.js';
import { NOW, validBody } from '../fixtures.js';
import { fieldsOf } from '../support/records.js';

describe('send-time settings', () => {
  it('defaults: 3 hours, 3 business days, no holidays, no decision date, no second follow-up', () => {
    const r = parseSubmission(validBody(), NOW);
    expect(r.ok && r.timing).toEqual({ thankYouDelayHours: 3, followUpBusinessDays: 3 });
    expect(r.ok && r.value.secondFollowUp).toBe(false);
  });

  it('accepts the settings and normalises the holiday region', () => {
    const body = {
      ...validBody(),
      thankYouDelayHours: 48,
      followUpBusinessDays: 10,
      holidays: 'us-ca',
      interviewer: {
        name: 'Mrs. Hiring Manager',
        email: 'hiring.manager@example.org',
        awayUntil: '2026-12-04',
      },
    };
    const r = parseSubmission(body, NOW);
    expect(r.ok && r.timing).toEqual({ thankYouDelayHours: 48, followUpBusinessDays: 10, holidays: 'US-CA' });
    // The away date is the interviewer's own, kept as sent.
    expect(r.ok && r.value.interviewers).toEqual([
      { name: 'Mrs. Hiring Manager', email: 'hiring.manager@example.org', awayUntil: '2026-12-04' },
    ]);
  });

  it('a second follow-up only when asked: secondFollowUp true is in the timing, false is left out', () => {
    const asked = parseSubmission({ ...validBody(), secondFollowUp: true }, NOW);
    expect(asked.ok && asked.value.secondFollowUp).toBe(true);
    expect(asked.ok && asked.timing).toEqual({
      thankYouDelayHours: 3,
      followUpBusinessDays: 3,
      secondFollowUp: true,
    });
    const declined = parseSubmission({ ...validBody(), secondFollowUp: false }, NOW);
    expect(declined.ok && declined.timing).toEqual({ thankYouDelayHours: 3, followUpBusinessDays: 3 });
    expect(fieldsOf({ ...validBody(), secondFollowUp: 'yes' })).toEqual([
      { path: 'secondFollowUp', message: 'must be true or false' },
    ]);
  });

  it.each(['US', 'US-CA', 'DE-BY', 'AU-NSW', 'GB', 'IN'])('knows the region %s', (holidays) => {
    expect(parseSubmission({ ...validBody(), holidays }, NOW).ok).toBe(true);
  });

  const away = (awayUntil: unknown) => ({
    interviewer: { name: 'Mrs. Hiring Manager', email: 'hiring.manager@example.org', awayUntil },
  });
  it.each([
    [{ thankYouDelayHours: 0 }, 'thankYouDelayHours'],
    [{ thankYouDelayHours: 49 }, 'thankYouDelayHours'],
    [{ thankYouDelayHours: 2.5 }, 'thankYouDelayHours'],
    [{ thankYouDelayHours: '3' }, 'thankYouDelayHours'],
    [{ followUpBusinessDays: 0 }, 'followUpBusinessDays'],
    [{ followUpBusinessDays: 11 }, 'followUpBusinessDays'],
    [{ holidays: 'XX' }, 'holidays'],
    [{ holidays: 'US-ZZ' }, 'holidays'],
    [{ holidays: 'USA' }, 'holidays'],
    [{ holidays: 42 }, 'holidays'],
    [away('2026-02-30'), 'interviewer.awayUntil'],
    [away('next week'), 'interviewer.awayUntil'],
    [away('2028-01-01'), 'interviewer.awayUntil'],
    // Rule 6: NOW is 2026-11-27T19:30Z
    [{ interview: { endsAt: '2026-11-20T19:29:00Z', timeZone: 'UTC' } }, 'interview.endsAt'],
    [{ interview: { endsAt: '2027-11-28T19:31:00Z', timeZone: 'UTC' } }, 'interview.endsAt'],
  ])('rejects %j naming %s', (patch, path) => {
    const r = parseSubmission({ ...validBody(), ...patch }, NOW);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.fields.map((f) => f.path)).toContain(path);
  });

  it('accepts an interview that ended just under 7 days ago, or ends just under 365 days ahead', () => {
    for (const endsAt of ['2026-11-20T19:31:00Z', '2027-11-27T19:29:00Z']) {
      expect(parseSubmission({ ...validBody(), interview: { endsAt, timeZone: 'UTC' } }, NOW).ok).toBe(true);
    }
  });

  it('the messages say what is expected', () => {
    const r = parseSubmission({ ...validBody(), holidays: 'XX', thankYouDelayHours: 0 }, NOW);
    if (r.ok) throw new Error('expected errors');
    expect(r.fields).toEqual(
      expect.arrayContaining([
        { path: 'holidays', message: expect.stringContaining('not a known holiday region') },
        { path: 'thankYouDelayHours', message: 'must be a whole number of hours from 1 to 48' },
      ]),
    );
  });
});

describe('interview.decisionBy', () => {
  const decidingBy = (decisionBy: unknown, endsAt = '2026-11-27T14:00') => ({
    ...validBody(),
    interview: { endsAt, timeZone: 'America/New_York', decisionBy },
  });

  it('a real date is the timing’s decisionBy, and stays in the submission as sent', () => {
    const r = parseSubmission(decidingBy('2026-12-11'), NOW);
    expect(r.ok && r.timing).toEqual({
      thankYouDelayHours: 3,
      followUpBusinessDays: 3,
      decisionBy: { year: 2026, month: 12, day: 11 },
    });
    expect(r.ok && r.value.interview.decisionBy).toBe('2026-12-11');
  });

  it.each(['2026-02-30', '11/12/2026', '2026-12-1', ''])('%j is not a date', (decisionBy) => {
    expect(fieldsOf(decidingBy(decisionBy))).toEqual([
      {
        path: 'interview.decisionBy',
        message: 'must be a real date YYYY-MM-DD (the day the employer said they would decide)',
      },
    ]);
  });

  it('may be the day of the interview (its local date), not the day before', () => {
    expect(parseSubmission(decidingBy('2026-11-27'), NOW).ok).toBe(true);
    expect(fieldsOf(decidingBy('2026-11-26'))).toEqual([
      { path: 'interview.decisionBy', message: 'must not be before the interview' },
    ]);
    // 23:30 in New York is already the 28th in UTC: the local date is what counts.
    const late = new Date('2026-11-28T05:00:00Z');
    expect(parseSubmission(decidingBy('2026-11-27', '2026-11-27T23:30'), late).ok).toBe(true);
  });

  it('at most 180 days after the interview', () => {
    expect(parseSubmission(decidingBy('2027-05-26'), NOW).ok).toBe(true);
    expect(fieldsOf(decidingBy('2027-05-27'))).toEqual([
      { path: 'interview.decisionBy', message: 'is more than 180 days after the interview' },
    ]);
  });

  it('an interview in a year the time-zone rules do not know is refused on its end, not a crash', () => {
    const now = new Date(`${FIRST_TZ_YEAR - 1}-06-02T12:00:00Z`);
    const interview = { endsAt: `${FIRST_TZ_YEAR - 1}-06-01T19:00:00Z`, timeZone: 'America/New_York' };
    const r = parseSubmission({ ...validBody(), interview: { ...interview, decisionBy: '2000-01-01' } }, now);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.fields.map((f) => f.path)).toEqual(['interview.endsAt']);
  });

  it('counts towards the years the time-zone rules must know: the follow-up can come after it', () => {
    const now = new Date(`${LAST_TZ_YEAR - 1}-11-01T12:00:00Z`);
    const interview = { endsAt: `${LAST_TZ_YEAR - 1}-11-02T14:00`, timeZone: 'America/New_York' };
    expect(parseSubmission({ ...validBody(), interview }, now).ok).toBe(true);
    const r = parseSubmission(
      { ...validBody(), interview: { ...interview, decisionBy: `${LAST_TZ_YEAR}-01-15` } },
      now,
    );
    expect(r.ok).toBe(false);
    if (!r.ok) {
      // Named on the field that takes the follow-up past the known years, not on the interview.
      expect(r.fields).toEqual([
        { path: 'interview.decisionBy', message: expect.stringContaining('(up to the follow-up)') },
      ]);
    }
  });

  it('an away date before the interview is a 400 naming it (it would hold nothing, and a past year could reach holidays not known)', () => {
    const body = (awayUntil: string) => ({
      ...validBody(),
      holidays: 'US',
      interviewer: { name: 'Mrs. Hiring Manager', email: 'hiring.manager@example.org', awayUntil },
    });
    const r = parseSubmission(body('2020-01-01'), NOW);
    expect(r.ok ? [] : r.fields).toEqual([
      { path: 'interviewer.awayUntil', message: 'must not be before the interview' },
    ]);
    expect(parseSubmission(body('2026-11-27'), NOW).ok).toBe(true); // the interview's own day
    const far = parseSubmission(body('2099-01-01'), NOW);
    expect(far.ok ? [] : far.fields).toEqual([
      { path: 'interviewer.awayUntil', message: 'is more than 365 days after the interview' },
    ]);
  });
});
