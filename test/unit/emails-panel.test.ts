import { describe, expect, it } from 'vitest';
import { noteSentence } from '../../lambdas/core/email-texts.js';
import {
  followUpContent,
  type OutgoingEmail,
  renderConfirmation,
  renderForInterviewer,
  renderLateNotice,
  secondFollowUpContent,
  thankYouContent,
} from '../../lambdas/core/emails.js';
import { emailKey, keyOfTag, type Panelist } from '../../lambdas/core/panel.js';
import {
  FOLLOW_UP_AT,
  MANAGER,
  PANEL,
  PLANNED,
  record,
  renderFollowUp,
  renderSecond,
  renderThankYou,
  SECOND_AT,
  SENDER,
  SIGNATURE,
  THANK_YOU_AT,
} from '../support/records.js';

describe('a panel: one email per person, never the same words twice', () => {
  const panel = record({}, { interviewers: PANEL, secondFollowUp: true });
  const expectAllDifferent = (emails: OutgoingEmail[]) => {
    expect(new Set(emails.map((e) => e.text)).size).toBe(PANEL.length);
    expect(new Set(emails.map((e) => e.html)).size).toBe(PANEL.length);
  };

  it.each([
    ['thank-you', THANK_YOU_AT],
    ['follow-up', FOLLOW_UP_AT],
    ['second-follow-up', SECOND_AT],
  ] as const)('%s: eight people with the same name and no note get eight different texts', (kind, at) => {
    const emails = PANEL.map((p) => renderForInterviewer(panel, emailKey(kind, p.id), at, SENDER));
    expectAllDifferent(emails);
    // Also without a company or highlights: the variants differ in their own words.
    const bare = record(
      { company: undefined, highlights: undefined },
      { interviewers: PANEL, secondFollowUp: true },
    );
    expectAllDifferent(PANEL.map((p) => renderForInterviewer(bare, emailKey(kind, p.id), at, SENDER)));
    for (const email of emails) {
      expect(email.text).toMatch(/^Good (morning|afternoon), Alex Colleague!\n\n/);
      expect(email.text).toContain(SIGNATURE);
      expect(email.text).not.toMatch(/undefined|\{\{|\s[,.]|\.\.| {2}/);
    }
  });

  it('each email goes to exactly that person, with the candidate in Bcc and Reply-To', () => {
    for (const p of PANEL) {
      for (const kind of ['thank-you', 'follow-up', 'second-follow-up'] as const) {
        const email = renderForInterviewer(panel, emailKey(kind, p.id), SECOND_AT, SENDER);
        expect(email.to).toEqual([p.email]);
        expect(email.bcc).toEqual(['reagan@example.com']);
        expect(email.replyTo).toEqual(['reagan@example.com']);
        // SES allows only letters, digits, _ and - in a tag value.
        const tag = email.tags.find((t) => t.name === 'email')?.value ?? '';
        expect(tag).toMatch(/^[A-Za-z0-9_-]+$/);
        expect(keyOfTag(tag)).toBe(emailKey(kind, p.id));
      }
    }
  });

  it('the content functions say what the renderer says when nothing was sent before', () => {
    const third = PANEL[2] as Panelist;
    expect(thankYouContent(panel, third, THANK_YOU_AT)).toMatchObject({
      text: renderThankYou(panel, THANK_YOU_AT, SENDER, 3).text,
    });
    expect(followUpContent(panel, third, FOLLOW_UP_AT).text).toBe(
      renderFollowUp(panel, FOLLOW_UP_AT, SENDER, 3).text,
    );
    const second = secondFollowUpContent(panel, third, SECOND_AT);
    expect(second.subject).toBe('Checking in on the Copywriter interview at Example Corp');
    expect(second.text).toBe(renderSecond(panel, SECOND_AT, SENDER, 3).text);
  });

  it('the second follow-up is shorter than the follow-up, and checks in without pressing', () => {
    const one = record({}, { secondFollowUp: true });
    for (const r of [one, record({ highlights: undefined }, { secondFollowUp: true })]) {
      expect(renderSecond(r, SECOND_AT).text.length).toBeLessThan(
        renderFollowUp(r, FOLLOW_UP_AT).text.length,
      );
    }
    expect(renderSecond(one, SECOND_AT).text).toBe(
      `Good morning, Mrs. Hiring Manager!\n\nI wanted to check in once more about the Copywriter position at Example Corp, which we discussed on November 27. I know these decisions take time. I remain very interested and would be glad to hear any news when you have it.\n\nBest wishes,\n${SIGNATURE}\n`,
    );
  });

  it('refuses a key that is no panelist’s email of the record', () => {
    expect(() => renderForInterviewer(record(), 'thank-you.2', THANK_YOU_AT, SENDER)).toThrow(/thank-you\.2/);
    expect(() => renderForInterviewer(record(), 'confirmation', THANK_YOU_AT, SENDER)).toThrow();
  });
});

describe('notes', () => {
  const people: Panelist[] = [
    { id: 1, name: 'Mrs. Hiring Manager', email: 'manager@example.org' },
    {
      id: 2,
      name: 'Jordan Colleague',
      email: 'jordan@example.org',
      note: 'our conversation about the spring campaign',
    },
    { id: 3, name: 'Sam Colleague', email: 'sam@example.org', note: 'Your tour of the studio.' },
  ];
  const r = record({}, { interviewers: people });

  it('a note is woven into that person’s thank-you only, in place of the general sentence', () => {
    const jordan = renderThankYou(r, THANK_YOU_AT, SENDER, 2);
    expect(jordan.text).toContain(
      'Thank you for meeting with me today to talk about the Copywriter position at Example Corp. I really appreciated our conversation about the spring campaign.\n\n',
    );
    expect(jordan.html).toContain('I really appreciated our conversation about the spring campaign.</p>');
    for (const other of [1, 3]) {
      expect(renderThankYou(r, THANK_YOU_AT, SENDER, other).text).not.toContain('spring campaign');
    }
    // Nor in anyone's follow-up: repeated three days later it would read as a form.
    for (const p of people)
      expect(renderFollowUp(r, FOLLOW_UP_AT, SENDER, p.id).text).not.toContain('spring');
  });

  it('a note ending with a period gets no second one; a typed capital is lowered', () => {
    const sam = renderThankYou(r, THANK_YOU_AT, SENDER, 3);
    expect(sam.text).toContain('One highlight for me was your tour of the studio.\n\n');
    expect(sam.text).not.toContain('..');
    expect(noteSentence('I especially enjoyed', 'the demo!')).toBe('I especially enjoyed the demo!');
  });

  it('position 0 with a note: the note replaces the general middle sentence', () => {
    const noted = record({}, { interviewers: [{ ...MANAGER, note: 'hearing about the spring campaign' }] });
    expect(renderThankYou(noted, THANK_YOU_AT).text).toContain(
      'about the Copywriter position at Example Corp. I especially enjoyed hearing about the spring campaign.\n\nI look forward',
    );
  });

  it('{{note}} fills a custom template with that person’s note', () => {
    const custom = record(
      { messages: { thankYou: { body: 'Dear {{interviewerName}}: {{note}}' } } },
      { interviewers: people },
    );
    expect(renderThankYou(custom, THANK_YOU_AT, SENDER, 2).text).toBe(
      'Dear Jordan Colleague: our conversation about the spring campaign\n',
    );
    expect(renderThankYou(custom, THANK_YOU_AT, SENDER, 1).text).toBe('Dear Mrs. Hiring Manager:\n');
  });
});
describe('the confirmation of a panel, and the late notice', () => {
  const people: Panelist[] = [
    MANAGER,
    { id: 2, name: 'Jordan Colleague', email: 'jordan@example.org' },
    { id: 3, name: 'Sam Colleague', email: 'sam@example.org' },
  ];

  it('lists every email by person, each with their address', () => {
    const r = record({}, { interviewers: people, emails: { 'follow-up.3': { status: 'cancelled' } } });
    const email = renderConfirmation(r, 'http://127.0.0.1:3000/cancel/abc', SENDER);
    expect(email.subject).toBe('Scheduled: your thank-you notes and follow-ups to 3 interviewers');
    expect(email.to).toEqual(['reagan@example.com']);
    expect(email.text).toContain(
      'To Mrs. Hiring Manager (manager@example.org):\n- Thank-you: Friday, November 27 at 5:00 PM EST\n- Follow-up: Wednesday, December 2 at 10:00 AM EST\n\nTo Jordan Colleague (jordan@example.org):\n- Thank-you: Friday, November 27 at 5:00 PM EST\n- Follow-up: Wednesday, December 2 at 10:00 AM EST\n\nTo Sam Colleague (sam@example.org):\n- Thank-you: Friday, November 27 at 5:00 PM EST\n- Follow-up: Wednesday, December 2 at 10:00 AM EST (cancelled)\n\n',
    );
    expect(email.text).toContain(
      'any reply from your interviewers goes straight to you at reagan@example.com.',
    );
    expect(email.html).toContain('<p>To Jordan Colleague (jordan@example.org):<br>- Thank-you: ');
  });

  it('names the second follow-ups, and the subject drops the follow-ups when none goes out', () => {
    const withSecond = renderConfirmation(
      record({}, { interviewers: people, secondFollowUp: true }),
      'u',
      SENDER,
    );
    expect(withSecond.text).toContain('- Second follow-up: Wednesday, December 9 at 10:00 AM EST');
    const one = renderConfirmation(record({}, { secondFollowUp: true }), 'u', SENDER);
    expect(one.subject).toBe('Scheduled: your thank-you and follow-ups to Mrs. Hiring Manager');
    const none = renderConfirmation(record({}, { interviewers: people, followUp: false }), 'u', SENDER);
    expect(none.subject).toBe('Scheduled: your thank-you notes to 3 interviewers');
    expect(none.text).toContain('- Follow-up: not sent. The employer asked candidates not to follow up.');
  });

  it('the late notice names the person whose thank-you was not sent', () => {
    const r = record({}, { interviewers: people, emails: { 'follow-up.2': { status: 'cancelled' } } });
    const notice = renderLateNotice(r, 'thank-you.3', new Date(PLANNED['thank-you']), SENDER);
    expect(notice.subject).toBe('Not sent: your thank-you to Sam Colleague');
    expect(notice.to).toEqual(['reagan@example.com']);
    expect(notice.text).toContain(
      'Your thank-you to Sam Colleague (sam@example.org) about the Copywriter position',
    );
    expect(notice.text).toContain('Your follow-up is still scheduled');
    expect(notice.tags.map((t) => t.name)).not.toContain('email');
    const jordan = renderLateNotice(r, 'thank-you.2', new Date(PLANNED['thank-you']), SENDER);
    expect(jordan.subject).toBe('Not sent: your thank-you to Jordan Colleague');
    expect(jordan.text).not.toContain('still scheduled');
    expect(() => renderLateNotice(r, 'thank-you.4', new Date(), SENDER)).toThrow();
  });
});
