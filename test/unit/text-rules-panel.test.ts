/** The text rules (see text-rules.test.ts) on a panel: each panelist's values, not only the first's. */
import { describe, expect, it } from 'vitest';
import { validBody } from '../fixtures.js';
import { accepted, fieldsOf } from '../support/records.js';

describe('a panel: every panelist’s values are checked', () => {
  const MANAGER = { name: 'Mrs. Hiring Manager', email: 'hiring.manager@example.org' };
  const LEAD = { name: 'Mr. Team Lead', email: 'team.lead@example.org' };
  const panel = (interviewers: unknown[], patch: Record<string, unknown> = {}) => {
    const body: Record<string, unknown> = { ...validBody(), interviewers, ...patch };
    delete body.interviewer;
    return body;
  };

  it('a note with a link or an address is refused on the note', () => {
    expect(fieldsOf(panel([MANAGER, { ...LEAD, note: 'the demo at https://demo.example.com' }]))).toEqual([
      { path: 'interviewers.1.note', message: 'must not contain links (found "https://demo.example.com")' },
    ]);
    expect(
      fieldsOf(panel([MANAGER, { ...LEAD, note: 'write to it-helpdesk@victim-corp.example.org' }])),
    ).toEqual([
      {
        path: 'interviewers.1.note',
        message: 'must not contain an email address (the candidate’s goes in candidate.email)',
      },
    ]);
    expect(fieldsOf({ ...validBody(), interviewer: { ...MANAGER, note: 'see example.com' } })[0]).toEqual({
      path: 'interviewer.note',
      message: 'must not contain links (found "example.com")',
    });
  });

  it('a later panelist’s name is held to the display-name rules', () => {
    expect(
      fieldsOf(panel([MANAGER, { ...LEAD, name: 'IT Support <it@example.org>' }])).map((f) => f.path),
    ).toContain('interviewers.1.name');
  });

  it('a filled-in subject is checked with each panelist’s values, not only the first’s', () => {
    const people = [
      { ...MANAGER, note: 'our talk' },
      { ...LEAD, note: 'the <b> tag' },
    ];
    const messages = { thankYou: { subject: 'Re: {{note}}', body: 'Dear {{interviewerName}}, thanks.' } };
    expect(fieldsOf(panel(people, { messages }))).toEqual([
      { path: 'messages.thankYou.subject', message: 'with its placeholders filled in, must not contain "<"' },
    ]);
  });

  it('a placeholder of a later panelist cannot assemble a link', () => {
    const people = [
      { ...MANAGER, note: 'our talk!' },
      { ...LEAD, note: 'Example' },
    ];
    const messages = { followUp: { body: 'About {{note}}.com/login' } };
    // The first panelist's text alone is no link: only the second's values make one.
    expect(accepted(panel(people.slice(0, 1), { messages }))).toBe(true);
    const body = panel(people, { messages });
    expect(fieldsOf(body)).toEqual([
      { path: 'messages.followUp.body', message: 'must not contain links (found "Example.com")' },
    ]);
  });

  it('lengths count at the longest panelist’s values', () => {
    const people = [
      { ...MANAGER, note: 'a' },
      { ...LEAD, note: 'n'.repeat(200) },
    ];
    const fields = fieldsOf(panel(people, { messages: { thankYou: { subject: 'Re: {{note}}' } } }));
    expect(fields).toEqual([
      {
        path: 'messages.thankYou.subject',
        message: 'must be at most 200 characters with its placeholders filled in (up to 204)',
      },
    ]);
  });

  it('a reader’s own domain may be named only where every reader of that text is of it', () => {
    // Shared text (the company) reaches everyone: only a domain all panelists share is harmless.
    const shared = (company: string, lead = 'team.lead@careers.example.com') =>
      panel([MANAGER, { ...LEAD, email: lead }], { company });
    expect(accepted(shared('example.org', 'team.lead@example.org'))).toBe(true);
    expect(fieldsOf(shared('Example.com'))[0]).toEqual({
      path: 'company',
      message: 'must not contain links (found "Example.com")',
    });
    expect(fieldsOf(shared('Example.net'))[0]?.path).toBe('company');
    // A note reaches its own person: their domain is harmless there, another panelist's is not,
    // so a throwaway panelist cannot open links in what the others read.
    const accomplice = { name: 'Sam Example', email: 'sam@secure-login.example.net' };
    const noted = (note: string) => panel([{ ...MANAGER, note }, accomplice]);
    expect(accepted(noted('our visit to example.org'))).toBe(true);
    expect(fieldsOf(noted('the page at secure-login.example.net/reset'))).toEqual([
      {
        path: 'interviewers.0.note',
        message: 'must not contain links (found "secure-login.example.net")',
      },
    ]);
  });
});
