import { describe, expect, it } from 'vitest';
import { parseSubmission } from '../../lambdas/core/schema.js';
import { validBody } from '../fixtures.js';

function fieldsOf(body: unknown) {
  const r = parseSubmission(body);
  if (r.ok) throw new Error('expected a validation error');
  return r.fields;
}

describe('submission schema', () => {
  it('accepts the documented example and resolves the local end time in its zone', () => {
    const r = parseSubmission(validBody());
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
    const r = parseSubmission(body);
    expect(r.ok && r.value.followUp).toBe(true);
  });

  it('accepts an ISO timestamp with an offset or Z as that instant', () => {
    for (const [endsAt, iso] of [
      ['2026-11-27T19:00:00Z', '2026-11-27T19:00:00.000Z'],
      ['2026-11-27T14:00-05:00', '2026-11-27T19:00:00.000Z'],
    ]) {
      const r = parseSubmission({ ...validBody(), interview: { endsAt, timeZone: 'Europe/Berlin' } });
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

  it('rejects a body that is not an object', () => {
    for (const body of [null, [], 'text', 42]) expect(fieldsOf(body).length).toBeGreaterThan(0);
  });
});
