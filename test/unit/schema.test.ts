import { describe, expect, it } from 'vitest';
import { parseSubmission } from '../../lambdas/core/schema.js';
import { NOW, validBody } from '../fixtures.js';
import { fieldsOf } from '../support/records.js';

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
