import { describe, expect, it } from 'vitest';
import { parseSubmission } from '../../lambdas/core/schema.js';
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
  it('defaults: 3 hours, 3 business days, no holidays, not away', () => {
    const r = parseSubmission(validBody(), NOW);
    expect(r.ok && r.timing).toEqual({ thankYouDelayHours: 3, followUpBusinessDays: 3 });
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
    expect(r.ok && r.timing).toEqual({
      thankYouDelayHours: 48,
      followUpBusinessDays: 10,
      holidays: 'US-CA',
      awayUntil: { year: 2026, month: 12, day: 4 },
    });
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

  it('a message needs a subject or a body; unknown message kinds are refused', () => {
    expect(parseSubmission({ ...validBody(), messages: { thankYou: {} } }, NOW).ok).toBe(false);
    expect(parseSubmission({ ...validBody(), messages: { confirmation: { body: 'x' } } }, NOW).ok).toBe(
      false,
    );
  });
});
