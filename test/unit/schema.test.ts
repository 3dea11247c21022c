import { describe, expect, it } from 'vitest';
import { MAX_PANEL } from '../../lambdas/core/panel.js';
import { parseSubmission } from '../../lambdas/core/schema.js';
import { FIRST_TZ_YEAR, LAST_TZ_YEAR } from '../../lambdas/core/time.js';
import { NOW, validBody } from '../fixtures.js';

function fieldsOf(body: unknown) {
  const r = parseSubmission(body, NOW);
  if (r.ok) throw new Error('expected a validation error');
  return r.fields;
}

describe('submission schema', () => {
  it('accepts the documented example and resolves the local end time in its zone', () => {
    const r = parseSubmission(validBody(), NOW);
    expect(r.ok).toBe(true);
    if (r.ok) {
      expect(r.endsAt.toISOString()).toBe('2026-11-27T19:00:00.000Z');
      expect(r.value.followUp).toBe(true);
    }
  });

  it('defaults followUp to true and keeps optional fields optional', () => {
    const body = validBody();
    delete body.followUp;
    delete body.company;
    delete body.highlights;
    (body.candidate as Record<string, unknown>).phone = undefined;
    const r = parseSubmission(body, NOW);
    expect(r.ok && r.value.followUp).toBe(true);
  });

  it('accepts an ISO timestamp with an offset or Z as that instant', () => {
    for (const [endsAt, iso] of [
      ['2026-11-27T19:00:00Z', '2026-11-27T19:00:00.000Z'],
      ['2026-11-27T14:00-05:00', '2026-11-27T19:00:00.000Z'],
    ]) {
      const r = parseSubmission({ ...validBody(), interview: { endsAt, timeZone: 'Europe/Berlin' } }, NOW);
      expect(r.ok && r.endsAt.toISOString()).toBe(iso);
    }
  });

  it('names every missing required field by its path', () => {
    const paths = fieldsOf({ candidate: {}, interviewer: {}, interview: {} }).map((f) => f.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        'candidate.name',
        'candidate.email',
        'interviewer.name',
        'interviewer.email',
        'position',
        'interview.endsAt',
        'interview.timeZone',
      ]),
    );
  });

  it.each([
    [{ interviewer: { name: 'Mrs. Hiring Manager', email: 'not-an-email' } }, 'interviewer.email'],
    [{ interview: { endsAt: '2026-11-27T14:00', timeZone: 'Mars/Olympus' } }, 'interview.timeZone'],
    [{ interview: { endsAt: '2026-02-30T14:00', timeZone: 'UTC' } }, 'interview.endsAt'],
    [{ interview: { endsAt: '27/11/2026 14:00', timeZone: 'UTC' } }, 'interview.endsAt'],
    [{ interview: { endsAt: '2026-11-27T14:00:00', timeZone: 'UTC' } }, 'interview.endsAt'],
    [{ position: 'Copywriter\r\nBcc: victim@example.org' }, 'position'],
    [{ candidate: { name: 'Reagan\u0007', email: 'reagan@example.com' } }, 'candidate.name'],
    [{ candidate: { name: 'x'.repeat(101), email: 'reagan@example.com' } }, 'candidate.name'],
    [{ followUp: 'yes' }, 'followUp'],
    [{ position: '   ' }, 'position'],
  ])('rejects %j naming %s', (patch, path) => {
    const fields = fieldsOf({ ...validBody(), ...patch });
    expect(fields.map((f) => f.path)).toContain(path);
  });

  it('rejects unknown fields instead of ignoring a typo', () => {
    const fields = fieldsOf({ ...validBody(), followup: false });
    expect(fields[0]?.message).toContain('followup');
  });

  it('says what a wrongly typed field must be, instead of calling it missing', () => {
    expect(fieldsOf({ ...validBody(), followUp: 'yes' })).toEqual([
      { path: 'followUp', message: 'must be true or false' },
    ]);
    expect(fieldsOf({ ...validBody(), candidate: 'Reagan' })).toEqual([
      { path: 'candidate', message: 'must be an object' },
    ]);
    expect(fieldsOf(null)).toEqual([{ path: '(body)', message: 'must be an object' }]);
  });

  it('rejects a body that is not an object', () => {
    for (const body of [null, [], 'text', 42]) expect(fieldsOf(body).length).toBeGreaterThan(0);
  });
});

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
      expect(r.fields).toEqual([
        { path: 'interview.endsAt', message: expect.stringContaining('(up to the follow-up)') },
      ]);
    }
  });
});

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

describe('header-bound fields and custom messages', () => {
  const controls = ['\r', '\n', '\u0000', '\u001b', '\u007f', '\u0085', '\u2028'];
  const headerBound: [string, (bad: string) => Record<string, unknown>][] = [
    [
      'candidate.name',
      (bad) => ({ candidate: { name: `Reagan${bad}Bcc: x@example.org`, email: 'reagan@example.com' } }),
    ],
    ['candidate.email', (bad) => ({ candidate: { name: 'Reagan', email: `reagan${bad}@example.com` } })],
    [
      'candidate.phone',
      (bad) => ({ candidate: { name: 'Reagan', email: 'reagan@example.com', phone: `123${bad}` } }),
    ],
    ['interviewer.name', (bad) => ({ interviewer: { name: `Mrs.${bad}Manager`, email: 'hm@example.org' } })],
    [
      'interviewer.email',
      (bad) => ({ interviewer: { name: 'Mrs. Manager', email: `hm@example.org${bad}` } }),
    ],
    ['position', (bad) => ({ position: `Copywriter${bad}` })],
    ['company', (bad) => ({ company: `Example${bad}Corp` })],
    [
      'messages.thankYou.subject',
      (bad) => ({ messages: { thankYou: { subject: `Thanks${bad}Bcc: x@example.org` } } }),
    ],
  ];
  it.each(headerBound)('%s with any control character → 400 naming it', (path, patch) => {
    for (const bad of controls) {
      const r = parseSubmission({ ...validBody(), ...patch(bad) }, NOW);
      expect(r.ok, `${path} with U+${bad.charCodeAt(0).toString(16)}`).toBe(false);
      if (!r.ok) expect(r.fields.map((f) => f.path)).toContain(path);
    }
  });

  it('caps lengths: names 100, position and company 200, highlights 1000, custom body 5000', () => {
    const over: [string, Record<string, unknown>][] = [
      ['interviewer.name', { interviewer: { name: 'x'.repeat(101), email: 'hm@example.org' } }],
      ['position', { position: 'x'.repeat(201) }],
      ['company', { company: 'x'.repeat(201) }],
      ['highlights', { highlights: 'x'.repeat(1001) }],
      ['messages.followUp.body', { messages: { followUp: { body: 'x'.repeat(5001) } } }],
    ];
    for (const [path, patch] of over) {
      const r = parseSubmission({ ...validBody(), ...patch }, NOW);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.fields.map((f) => f.path)).toEqual([path]);
    }
    const atLimit = parseSubmission(
      { ...validBody(), messages: { followUp: { body: 'x'.repeat(5000) } } },
      NOW,
    );
    expect(atLimit.ok).toBe(true);
  });

  it('a custom body may have line breaks and tabs', () => {
    const r = parseSubmission(
      { ...validBody(), messages: { thankYou: { body: 'Hello,\r\n\n\tThanks.' } } },
      NOW,
    );
    expect(r.ok).toBe(true);
  });

  it('an unknown placeholder → 400 naming it and the field', () => {
    const r = parseSubmission(
      { ...validBody(), messages: { followUp: { body: 'Hi {{interviewer}}' } } },
      NOW,
    );
    if (r.ok) throw new Error('expected an error');
    expect(r.fields).toEqual([
      {
        path: 'messages.followUp.body',
        message: expect.stringContaining('unknown placeholder {{interviewer}}'),
      },
    ]);
  });

  it('{{company}} or {{highlights}} without the value → 400', () => {
    const body = {
      ...validBody(),
      messages: { thankYou: { subject: 'At {{company}}', body: 'Re {{highlights}}' } },
    };
    delete (body as Record<string, unknown>).company;
    delete (body as Record<string, unknown>).highlights;
    const r = parseSubmission(body, NOW);
    if (r.ok) throw new Error('expected an error');
    expect(r.fields).toEqual([
      { path: 'messages.thankYou.subject', message: 'uses {{company}} but company is not given' },
      { path: 'messages.thankYou.body', message: 'uses {{highlights}} but highlights is not given' },
    ]);
  });

  it('messages.secondFollowUp is a template like the others', () => {
    const second = (template: unknown, patch: Record<string, unknown> = {}) =>
      parseSubmission(
        { ...validBody(), secondFollowUp: true, messages: { secondFollowUp: template }, ...patch },
        NOW,
      );
    const fields = (r: ReturnType<typeof parseSubmission>) => (r.ok ? [] : r.fields);
    expect(second({ subject: 'Checking in, {{interviewerName}}', body: '{{greeting}}, any news?' }).ok).toBe(
      true,
    );
    expect(fields(second({ body: 'Hi {{interviewer}}' }))).toEqual([
      {
        path: 'messages.secondFollowUp.body',
        message: expect.stringContaining('unknown placeholder {{interviewer}}'),
      },
    ]);
    expect(fields(second({ subject: 'At {{company}}' }, { company: undefined }))).toEqual([
      { path: 'messages.secondFollowUp.subject', message: 'uses {{company}} but company is not given' },
    ]);
    expect(fields(second({ body: 'Re {{note}}' }))).toEqual([
      { path: 'messages.secondFollowUp.body', message: 'uses {{note}} but interviewer.note is not given' },
    ]);
    expect(fields(second({ body: 'Thank you }} again' }))).toEqual([
      {
        path: 'messages.secondFollowUp.body',
        message: 'has a "{{" or "}}" that is not part of a placeholder such as {{interviewerName}}',
      },
    ]);
    expect(
      fields(second({ subject: '{{highlights}} {{highlights}} {{highlights}} {{highlights}}' }))[0],
    ).toEqual({
      path: 'messages.secondFollowUp.subject',
      message: expect.stringMatching(/^must be at most 200 characters with its placeholders filled in/),
    });
    expect(fields(second({ body: 'x'.repeat(5001) }))).toEqual([
      { path: 'messages.secondFollowUp.body', message: 'must be at most 5000 characters' },
    ]);
    expect(fields(second({}))).toEqual([
      { path: 'messages.secondFollowUp', message: 'needs a subject, a body or both' },
    ]);
  });

  it('a message needs a subject or a body; unknown message kinds are refused', () => {
    expect(parseSubmission({ ...validBody(), messages: { thankYou: {} } }, NOW).ok).toBe(false);
    expect(parseSubmission({ ...validBody(), messages: { confirmation: { body: 'x' } } }, NOW).ok).toBe(
      false,
    );
  });
});
