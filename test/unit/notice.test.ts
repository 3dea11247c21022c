import { describe, expect, it } from 'vitest';
import { renderConfirmation } from '../../lambdas/core/emails.js';
import { CONFIRMATIONS_LIMITED, FOLLOW_UP_NOT_WANTED } from '../../lambdas/core/interview.js';
import { renderUpdateNotice } from '../../lambdas/core/notice.js';
import { keyOfTag, keyTag, type Panelist } from '../../lambdas/core/panel.js';
import { toView } from '../../lambdas/core/view.js';
import { MANAGER, record, SENDER } from '../support/records.js';

const PEOPLE: Panelist[] = [
  MANAGER,
  { id: 2, name: 'Jordan Example', email: 'jordan@example.org' },
  { id: 3, name: 'Sam Example', email: 'sam@example.org' },
];
/** Thursday 3 December 2026, 10:00 in New York: where an edit moved a follow-up. */
const MOVED = '2026-12-03T15:00:00.000Z';
const ARMED = { status: 'scheduled' as const, sendAt: '2026-11-28T15:05:00.000Z', updatedAt: MOVED };

describe('the notice of an edit', () => {
  it('a panel of one: the plan now, the moved follow-up at its new local time, and no link', () => {
    const r = record({}, { emails: { 'follow-up': { sendAt: MOVED } } });
    const email = renderUpdateNotice(r, SENDER);
    expect(email.subject).toBe('Updated: your emails to Mrs. Hiring Manager');
    expect(email.text).toBe(
      'Hello Reagan Applicant,\n\nYour emails about the Copywriter position at Example Corp were changed. This is the plan now:\n\nTo Mrs. Hiring Manager (manager@example.org):\n- Thank-you: Friday, November 27 at 5:00 PM EST\n- Follow-up: Thursday, December 3 at 10:00 AM EST\n\nThe link in the confirmation email we sent you earlier still cancels or restores any of them.\n',
    );
    expect(email.text).not.toMatch(/https?:|cancel\//);
    expect(email.html).toContain(
      '<p>To Mrs. Hiring Manager (manager@example.org):<br>- Thank-you: Friday, November 27 at 5:00 PM EST<br>',
    );
  });

  it('a panel of three: one block a person, with what was sent, cancelled or skipped and why', () => {
    const r = record(
      {},
      {
        interviewers: PEOPLE,
        emails: {
          'thank-you': { status: 'sent', sentAt: '2026-11-27T22:00:00.000Z' },
          'follow-up.2': { sendAt: MOVED },
          'thank-you.3': { status: 'cancelled' },
          'follow-up.3': { status: 'skipped', sendAt: undefined, reason: FOLLOW_UP_NOT_WANTED },
        },
      },
    );
    const email = renderUpdateNotice(r, SENDER);
    expect(email.subject).toBe('Updated: your emails to 3 interviewers');
    expect(email.text).toContain(
      'This is the plan now:\n\nTo Mrs. Hiring Manager (manager@example.org):\n- Thank-you: Friday, November 27 at 5:00 PM EST (sent)\n- Follow-up: Wednesday, December 2 at 10:00 AM EST\n\nTo Jordan Example (jordan@example.org):\n- Thank-you: Friday, November 27 at 5:00 PM EST\n- Follow-up: Thursday, December 3 at 10:00 AM EST\n\nTo Sam Example (sam@example.org):\n- Thank-you: Friday, November 27 at 5:00 PM EST (cancelled)\n- Follow-up: not sent. The employer asked candidates not to follow up.\n\n',
    );
    // The same lines the confirmation shows for the same record.
    const confirmation = renderConfirmation(r, 'http://127.0.0.1:3000/cancel/abc', SENDER);
    expect(confirmation.text).toContain(`To Sam Example (sam@example.org):\n- Thank-you: Friday`);
    for (const block of email.text.split('\n\n').filter((b) => b.startsWith('To '))) {
      expect(confirmation.text).toContain(block);
    }
  });

  it('goes to the candidate alone, from the service, tagged as the update', () => {
    const email = renderUpdateNotice(record({}, { interviewers: PEOPLE }), SENDER);
    expect(email.to).toEqual(['reagan@example.com']);
    expect(email.bcc).toEqual([]);
    expect(email.replyTo).toEqual([]);
    expect(email.from).toBe('"Interview follow-up" <followup@example.com>');
    expect(email.tags).toEqual([
      { name: 'interview-id', value: 'c0ffee00-0000-4000-8000-000000000001' },
      { name: 'kind', value: 'update' },
      { name: 'email', value: 'update' },
    ]);
    // SES feedback finds the email by its tag: `update` round-trips, and names no panelist.
    expect(keyTag('update')).toBe('update');
    expect(keyOfTag(keyTag('update'))).toBe('update');
    expect(keyOfTag('update_2')).toBeUndefined();
  });

  it('names no link when the candidate never got a confirmation', () => {
    const r = record({
      emails: {
        ...record().emails,
        confirmation: { status: 'skipped', reason: CONFIRMATIONS_LIMITED, updatedAt: MOVED },
      },
    });
    expect(renderUpdateNotice(r, SENDER).text).not.toContain('confirmation email');
  });

  it('a record without a panel (erased) has no plan to tell', () => {
    expect(() => renderUpdateNotice(record({ interviewers: [] }), SENDER)).toThrow(/no panel/);
  });

  it('the API view does not list the notice among the interviewer emails', () => {
    const r = record({}, { interviewers: PEOPLE });
    const armed = { ...r, emails: { ...r.emails, update: ARMED } };
    expect(toView(armed).emails).toEqual(toView(r).emails);
    expect(toView(armed).emails).toHaveLength(6);
    expect(toView(armed).emails.map((e) => e.kind)).not.toContain('update');
  });
});
