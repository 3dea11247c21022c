import { describe, expect, it } from 'vitest';
import { MAX_PANEL } from '../../lambdas/core/panel.js';
import { parseSubmission } from '../../lambdas/core/schema.js';
import { NOW, validBody } from '../fixtures.js';
import { fieldsOf } from '../support/records.js';

describe('a panel of interviewers', () => {
  const MANAGER = { name: 'Mrs. Hiring Manager', email: 'hiring.manager@example.org' };
  const LEAD = { name: 'Mr. Team Lead', email: 'team.lead@example.org' };
  const RECRUITER = { name: 'Ms. Talent Recruiter', email: 'recruiter@example.com' };

  /** The example with a panel instead of the one interviewer. */
  const panel = (interviewers: unknown, patch: Record<string, unknown> = {}) => {
    const body: Record<string, unknown> = { ...validBody(), interviewers, ...patch };
    delete body.interviewer;
    return body;
  };
  const person = (i: number) => ({ name: `Interviewer ${i}`, email: `interviewer.${i}@example.org` });

  it('the shorthand interviewer is a panel of one: the same submission either way', () => {
    const one = { ...MANAGER, note: 'our conversation about the spring campaign', awayUntil: '2026-12-04' };
    const short = parseSubmission({ ...validBody(), interviewer: one }, NOW);
    const list = parseSubmission(panel([one]), NOW);
    expect(short.ok).toBe(true);
    expect(list).toEqual(short);
    expect(short.ok && short.value.interviewers).toEqual([one]);
    expect(short.ok && 'interviewer' in short.value).toBe(false);
  });

  it('keeps the panel in its order, each with only what was given', () => {
    const r = parseSubmission(panel([MANAGER, { ...LEAD, note: 'the tour of the studio' }, RECRUITER]), NOW);
    expect(r.ok && r.value.interviewers).toEqual([
      MANAGER,
      { ...LEAD, note: 'the tour of the studio' },
      RECRUITER,
    ]);
  });

  it('neither interviewers nor interviewer: required, with the others missing too', () => {
    const body = validBody();
    delete body.interviewer;
    expect(fieldsOf(body)).toEqual([
      { path: 'interviewers', message: 'is required (or give interviewer, a list of one)' },
    ]);
    delete body.position;
    expect(fieldsOf(body)).toEqual(
      expect.arrayContaining([
        { path: 'position', message: 'is required' },
        { path: 'interviewers', message: 'is required (or give interviewer, a list of one)' },
      ]),
    );
  });

  it('both interviewers and interviewer: refused on interviewer', () => {
    expect(fieldsOf({ ...validBody(), interviewers: [LEAD] })).toEqual([
      { path: 'interviewer', message: 'give interviewers or interviewer, not both' },
    ]);
  });

  it(`lists 1 to ${MAX_PANEL} interviewers`, () => {
    const people = (n: number) => Array.from({ length: n }, (_, i) => person(i + 1));
    expect(parseSubmission(panel(people(MAX_PANEL)), NOW).ok).toBe(true);
    for (const n of [0, MAX_PANEL + 1]) {
      expect(fieldsOf(panel(people(n))), `${n} interviewers`).toEqual([
        { path: 'interviewers', message: 'must list 1 to 8 interviewers' },
      ]);
    }
    expect(fieldsOf(panel(MANAGER))).toEqual([{ path: 'interviewers', message: 'must be an array' }]);
  });

  it('names a panelist’s field by its index; the shorthand’s as interviewer', () => {
    expect(fieldsOf(panel([MANAGER, { ...LEAD, email: 'not-an-email' }]))).toEqual([
      { path: 'interviewers.1.email', message: 'must be an email address' },
    ]);
    expect(fieldsOf(panel([MANAGER, { ...LEAD, phone: '123' }]))).toEqual([
      { path: 'interviewers.1', message: 'unknown field(s): interviewers.1.phone' },
    ]);
    expect(fieldsOf(panel([MANAGER, { name: 'Mr. Team Lead' }]))).toEqual([
      { path: 'interviewers.1.email', message: 'is required' },
    ]);
  });

  it('the same address twice is refused on the later one, whatever its case', () => {
    expect(
      fieldsOf(panel([MANAGER, LEAD, { name: 'Mrs. H. Manager', email: 'Hiring.Manager@EXAMPLE.org' }])),
    ).toEqual([{ path: 'interviewers.2.email', message: 'is given twice: each interviewer once' }]);
  });

  it('the candidate is no interviewer', () => {
    const candidate = { name: 'Reagan Applicant', email: 'Reagan@Example.com' };
    expect(fieldsOf(panel([MANAGER, candidate]))).toEqual([
      { path: 'interviewers.1.email', message: "is the candidate's own address" },
    ]);
    expect(fieldsOf({ ...validBody(), interviewer: candidate })).toEqual([
      { path: 'interviewer.email', message: "is the candidate's own address" },
    ]);
  });

  it('each panelist’s away date: a real date, at most 365 days after the interview', () => {
    expect(fieldsOf(panel([MANAGER, { ...LEAD, awayUntil: '2026-02-30' }]))).toEqual([
      { path: 'interviewers.1.awayUntil', message: 'must be a real date YYYY-MM-DD (the last day away)' },
    ]);
    expect(
      fieldsOf(
        panel([
          { ...MANAGER, awayUntil: '2026-12-04' },
          { ...LEAD, awayUntil: '2028-01-01' },
        ]),
      ),
    ).toEqual([{ path: 'interviewers.1.awayUntil', message: 'is more than 365 days after the interview' }]);
    expect(fieldsOf({ ...validBody(), interviewer: { ...MANAGER, awayUntil: '2028-01-01' } })).toEqual([
      { path: 'interviewer.awayUntil', message: 'is more than 365 days after the interview' },
    ]);
  });

  it('a note: one line of text, at most 300 characters', () => {
    const noted = (note: string) => panel([MANAGER, { ...LEAD, note }]);
    expect(parseSubmission(noted('x'.repeat(300)), NOW).ok).toBe(true);
    expect(parseSubmission(noted('our chat about the 🎨\u200d studio'), NOW).ok).toBe(true);
    expect(fieldsOf(noted('x'.repeat(301)))).toEqual([
      { path: 'interviewers.1.note', message: 'must be at most 300 characters' },
    ]);
    for (const bad of ['\r', '\n', '\u0000', '\u2028']) {
      expect(fieldsOf(noted(`our talk${bad}Bcc: x@example.org`))).toEqual([
        { path: 'interviewers.1.note', message: 'must not contain line breaks or control characters' },
      ]);
    }
    expect(fieldsOf(noted('our \u202etalk'))).toEqual([
      { path: 'interviewers.1.note', message: 'must not contain invisible formatting characters (U+202E)' },
    ]);
    expect(fieldsOf(noted('   '))).toEqual([{ path: 'interviewers.1.note', message: 'must not be empty' }]);
    expect(fieldsOf({ ...validBody(), interviewer: { ...MANAGER, note: 'x'.repeat(301) } })).toEqual([
      { path: 'interviewer.note', message: 'must be at most 300 characters' },
    ]);
  });

  it('{{note}} needs every panelist’s note: the first without one is named', () => {
    const messages = { thankYou: { body: 'Thank you for {{note}}.' } };
    expect(fieldsOf(panel([{ ...MANAGER, note: 'the tour' }, LEAD, RECRUITER], { messages }))).toEqual([
      { path: 'messages.thankYou.body', message: 'uses {{note}} but interviewers.1.note is not given' },
    ]);
    expect(fieldsOf({ ...validBody(), messages })).toEqual([
      { path: 'messages.thankYou.body', message: 'uses {{note}} but interviewer.note is not given' },
    ]);
    const everyone = panel(
      [
        { ...MANAGER, note: 'the tour of the studio' },
        { ...LEAD, note: 'our talk about the spring campaign' },
      ],
      { messages },
    );
    expect(parseSubmission(everyone, NOW).ok).toBe(true);
  });

  describe('each panelist’s body is their own', () => {
    const two = (messages: unknown, people: unknown[] = [MANAGER, LEAD]) => panel(people, { messages });

    it.each(['thankYou', 'followUp', 'secondFollowUp'])('a %s body the same for two is refused', (kind) => {
      expect(fieldsOf(two({ [kind]: { body: 'Thank you for your time, {{candidateName}}.' } }))).toEqual([
        {
          path: `messages.${kind}.body`,
          message: 'must differ between interviewers: use {{interviewerName}} or {{note}}',
        },
      ]);
    });

    it('one with {{interviewerName}} or {{note}} passes; a shared subject is fine', () => {
      expect(
        parseSubmission(two({ thankYou: { body: 'Dear {{interviewerName}}, thank you.' } }), NOW).ok,
      ).toBe(true);
      expect(
        parseSubmission(two({ followUp: { subject: 'Following up on the Copywriter role' } }), NOW).ok,
      ).toBe(true);
      const noted = [
        { ...MANAGER, note: 'the tour' },
        { ...LEAD, note: 'the portfolio review' },
      ];
      expect(parseSubmission(two({ thankYou: { body: 'Thank you for {{note}}.' } }, noted), NOW).ok).toBe(
        true,
      );
    });

    it('two panelists of the same name and no note cannot tell theirs apart', () => {
      const namesakes = [MANAGER, { ...LEAD, name: MANAGER.name }];
      expect(
        fieldsOf(two({ thankYou: { body: 'Dear {{interviewerName}}, thank you.' } }, namesakes)),
      ).toEqual([
        {
          path: 'messages.thankYou.body',
          message: 'must differ between interviewers: use {{interviewerName}} or {{note}}',
        },
      ]);
    });

    it('a panel of one may have any body', () => {
      expect(
        parseSubmission({ ...validBody(), messages: { thankYou: { body: 'Thank you.' } } }, NOW).ok,
      ).toBe(true);
    });
  });
});
