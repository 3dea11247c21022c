import { describe, expect, it } from 'vitest';
import { greeting, interviewDay, mailbox, renderConfirmation } from '../../lambdas/core/emails.js';
import {
  FOLLOW_UP_AT,
  NY,
  PANEL,
  record,
  renderFollowUp,
  renderThankYou,
  SENDER,
  SIGNATURE,
  THANK_YOU_AT,
} from '../support/records.js';

describe('greeting by the local time of sending', () => {
  it.each([
    ['2026-11-27T16:59:00Z', 'Good morning'], // 11:59 EST
    ['2026-11-27T17:00:00Z', 'Good afternoon'], // 12:00
    ['2026-11-27T22:59:00Z', 'Good afternoon'], // 17:59
    ['2026-11-27T23:00:00Z', 'Good evening'], // 18:00
  ])('%s in New York → %s', (iso, expected) => {
    expect(greeting(new Date(iso), NY)).toBe(expected);
  });
});

describe('the interview day, relative to the send day', () => {
  const friday = new Date('2026-11-27T19:00:00Z'); // Friday 14:00 EST
  it.each([
    ['2026-11-27T22:00:00Z', 'today'],
    ['2026-11-28T15:00:00Z', 'yesterday'],
    ['2026-12-02T15:00:00Z', 'last Friday'], // Wednesday of the next week
    ['2026-12-09T15:00:00Z', 'on November 27'],
  ])('sent %s → %s', (iso, expected) => {
    expect(interviewDay(friday, new Date(iso), NY)).toBe(expected);
  });
  it('an earlier day of the same week is named by its weekday', () => {
    const monday = new Date('2026-11-23T15:00:00Z');
    expect(interviewDay(monday, new Date('2026-11-26T15:00:00Z'), NY)).toBe('on Monday');
  });
  it('uses the interview’s zone for both days', () => {
    // 23:30 Friday in Los Angeles is Saturday in UTC; sent Saturday evening LA time → "yesterday".
    const end = new Date('2026-11-28T07:30:00Z');
    expect(interviewDay(end, new Date('2026-11-29T02:00:00Z'), 'America/Los_Angeles')).toBe('yesterday');
  });
});

describe('the emails', () => {
  it('thank-you: to the interviewer, from the candidate’s name, reply to the candidate', () => {
    const r = record();
    const email = renderThankYou(r, new Date('2026-11-27T22:00:00Z'), 'followup@example.com');
    expect(email.to).toEqual(['manager@example.org']);
    expect(email.replyTo).toEqual(['reagan@example.com']);
    expect(email.from).toBe('"Reagan Applicant" <followup@example.com>');
    expect(email.subject).toBe('Thank you for the Copywriter interview at Example Corp');
    expect(email.text).toContain('Good afternoon, Mrs. Hiring Manager!');
    expect(email.text).toContain('meet with me today about the Copywriter position at Example Corp.');
    expect(email.text).toContain('I look forward to hearing from you.');
    expect(email.text).toContain('Reagan Applicant\n123-456-7890\nreagan@example.com');
  });

  it('follow-up: names the day, uses the highlights, signs off with contact details', () => {
    const email = renderFollowUp(record(), new Date('2026-12-02T15:00:00Z'), 'followup@example.com');
    expect(email.subject).toBe('Following up on the Copywriter interview at Example Corp');
    expect(email.text).toContain('Good morning, Mrs. Hiring Manager!');
    expect(email.text).toContain('I wanted to thank you again for your time last Friday.');
    expect(email.text).toContain('Given my experience in marketing and interest in copywriting, I feel');
    expect(email.text).toContain('next steps');
  });

  it('follow-up without highlights reads naturally', () => {
    const email = renderFollowUp(
      record({ highlights: undefined }),
      new Date('2026-12-02T15:00:00Z'),
      'f@example.com',
    );
    expect(email.text).not.toContain('Given');
    expect(email.text).not.toMatch(/undefined|\{\{|,\s*,/);
    expect(email.text).toContain('I remain very interested in this position');
  });

  it('confirmation: every email with a time for people, skipped ones with their reason, the link', () => {
    const r = record({}, { followUp: false });
    const email = renderConfirmation(r, 'http://127.0.0.1:3000/cancel/abc', 'followup@example.com');
    expect(email.to).toEqual(['reagan@example.com']);
    expect(email.text).toContain('Thank-you: Friday, November 27 at 5:00 PM EST');
    expect(email.text).toContain('Follow-up: not sent. The employer asked candidates not to follow up.');
    expect(email.text).toContain('http://127.0.0.1:3000/cancel/abc');
    expect(email.text).toContain('goes straight to you at reagan@example.com');
  });

  it('display names are quoted, or encoded when not ASCII', () => {
    expect(mailbox('Reagan "RA" Applicant', 'a@example.com')).toBe(
      '"Reagan \\"RA\\" Applicant" <a@example.com>',
    );
    expect(mailbox('Zoë Applicant', 'a@example.com')).toBe(
      `=?UTF-8?B?${Buffer.from('Zoë Applicant').toString('base64')}?= <a@example.com>`,
    );
  });

  it('a long non-ASCII name becomes several encoded words of at most 75 characters, whole characters each', () => {
    const name = `${'Zoë Ñúñez-Applicant '.repeat(5)}李小龍👩‍💻`.trim();
    const header = mailbox(name, 'a@example.com');
    const words = header.slice(0, header.lastIndexOf(' <')).split(' ');
    expect(words.length).toBeGreaterThan(1);
    for (const word of words) {
      expect(word).toMatch(/^=\?UTF-8\?B\?[A-Za-z0-9+/=]+\?=$/);
      expect(word.length).toBeLessThanOrEqual(75);
      // Each word decodes on its own to valid UTF-8 (no character split across two words).
      const bytes = Buffer.from(word.slice(10, -2), 'base64');
      expect(Buffer.from(bytes.toString('utf8'), 'utf8').equals(bytes)).toBe(true);
    }
    const decoded = words.map((w) => Buffer.from(w.slice(10, -2), 'base64').toString('utf8')).join('');
    expect(decoded).toBe(name);
  });
});

describe('subjects, headers and the HTML part', () => {
  const sendAt = new Date('2026-11-27T22:00:00Z');

  it('subjects name the position, and the company when given', () => {
    expect(renderThankYou(record(), sendAt, 'f@example.com').subject).toBe(
      'Thank you for the Copywriter interview at Example Corp',
    );
    expect(renderFollowUp(record({ company: undefined }), sendAt, 'f@example.com').subject).toBe(
      'Following up on the Copywriter interview',
    );
  });

  it('Reply-To the candidate; a Bcc copy to the candidate unless copyCandidate is false', () => {
    const withCopy = renderThankYou(record(), sendAt, 'f@example.com');
    expect(withCopy.replyTo).toEqual(['reagan@example.com']);
    expect(withCopy.bcc).toEqual(['reagan@example.com']);
    const withoutCopy = renderFollowUp(record({ copyCandidate: false }), sendAt, 'f@example.com');
    expect(withoutCopy.bcc).toEqual([]);
    expect(withoutCopy.replyTo).toEqual(['reagan@example.com']);
  });

  it('tags each message with the interview id, the kind and the email’s key, so SES events can be matched back', () => {
    expect(renderFollowUp(record(), sendAt, 'f@example.com').tags).toEqual([
      { name: 'interview-id', value: 'c0ffee00-0000-4000-8000-000000000001' },
      { name: 'kind', value: 'follow-up' },
      { name: 'email', value: 'follow-up' },
    ]);
    expect(
      renderFollowUp(record({}, { interviewers: PANEL.slice(0, 2) }), sendAt, 'f@example.com', 2).tags,
    ).toEqual([
      { name: 'interview-id', value: 'c0ffee00-0000-4000-8000-000000000001' },
      { name: 'kind', value: 'follow-up' },
      { name: 'email', value: 'follow-up_2' },
    ]);
  });

  it('escapes every user value in HTML: <script> and & included', () => {
    const hostile = record({
      candidate: {
        // Names refuse < > " and @ (they are display names); & and ' must still be escaped.
        name: "Reagan 'Rae' & Applicant",
        email: 'reagan@example.com',
        phone: '123 & 456',
      },
      position: 'R&D <b>Engineer</b>',
      company: 'Smith & "Sons" <script>alert(1)</script>',
      highlights: 'my <script>steal()</script> & more',
    });
    for (const email of [
      renderThankYou(hostile, sendAt, 'f@example.com'),
      renderFollowUp(hostile, sendAt, 'f@example.com'),
      renderConfirmation(hostile, 'http://127.0.0.1:3000/cancel/a?b=1&c=<x>', 'f@example.com'),
    ]) {
      expect(email.html).not.toMatch(/<script>|<b>|& |&[^a-z#]/);
      expect(email.html).toContain('&lt;script&gt;');
      expect(email.text).toContain('<script>'); // the plain text keeps the words as written
    }
    const followUp = renderFollowUp(hostile, sendAt, 'f@example.com');
    expect(followUp.html).toContain('R&amp;D &lt;b&gt;Engineer&lt;/b&gt;');
    expect(followUp.html).toContain('Smith &amp; &quot;Sons&quot;');
    expect(followUp.html).toContain(
      '<title>Following up on the R&amp;D &lt;b&gt;Engineer&lt;/b&gt; interview',
    );
  });

  it('the HTML part says what the text part says, a paragraph each', () => {
    const email = renderFollowUp(record(), new Date('2026-12-02T15:00:00Z'), 'f@example.com');
    expect(email.html).toContain('<p>Good morning, Mrs. Hiring Manager!</p>');
    expect(email.html).toContain(
      '<p>Thank you again,<br>Reagan Applicant<br>123-456-7890<br>reagan@example.com</p>',
    );
    const confirmation = renderConfirmation(record(), 'http://127.0.0.1:3000/cancel/abc', 'f@example.com');
    expect(confirmation.html).toContain(
      '<a href="http://127.0.0.1:3000/cancel/abc">http://127.0.0.1:3000/cancel/abc</a>',
    );
  });
});

describe('custom messages', () => {
  const messages = {
    thankYou: {
      subject: 'Thanks, {{interviewerName}}!',
      body: '{{greeting}}, {{interviewerName}}.\n\nThanks for {{interviewDay}}.\n\n{{candidateName}}',
    },
    followUp: {
      body: '{{ greeting }} {{interviewerName}},\n\nFollowing up on {{position}} at {{company}}: {{highlights}}.',
    },
  };

  it('fill every placeholder at the moment of sending', () => {
    const r = record({ messages });
    const thankYou = renderThankYou(r, new Date('2026-11-28T14:00:00Z'), 'f@example.com');
    expect(thankYou.subject).toBe('Thanks, Mrs. Hiring Manager!');
    expect(thankYou.text).toBe(
      'Good morning, Mrs. Hiring Manager.\n\nThanks for yesterday.\n\nReagan Applicant\n',
    );
    expect(thankYou.html).toContain('<p>Thanks for yesterday.</p>');
    const followUp = renderFollowUp(r, new Date('2026-12-02T20:00:00Z'), 'f@example.com');
    expect(followUp.subject).toBe('Following up on the Copywriter interview at Example Corp'); // default kept
    expect(followUp.text).toBe(
      'Good afternoon Mrs. Hiring Manager,\n\nFollowing up on Copywriter at Example Corp: my experience in marketing and interest in copywriting.\n',
    );
  });

  it('escape placeholder values in HTML', () => {
    const r = record({ messages, company: 'A & B <i>' });
    const followUp = renderFollowUp(r, new Date('2026-12-02T20:00:00Z'), 'f@example.com');
    expect(followUp.html).toContain('Copywriter at A &amp; B &lt;i&gt;:');
  });
});
describe('position 0 reads exactly as the one interviewer’s emails did before panels', () => {
  it('the thank-you (README)', () => {
    const email = renderThankYou(record(), THANK_YOU_AT);
    expect(email.subject).toBe('Thank you for the Copywriter interview at Example Corp');
    expect(email.text).toBe(
      `Good afternoon, Mrs. Hiring Manager!\n\nThank you for taking the time to meet with me today about the Copywriter position at Example Corp. I enjoyed our conversation and learning more about the role and the team.\n\nI look forward to hearing from you.\n\nBest regards,\n${SIGNATURE}\n`,
    );
    expect(email.thread).toBeUndefined();
  });

  it('the follow-up (README), and without highlights', () => {
    expect(renderFollowUp(record(), FOLLOW_UP_AT).text).toBe(
      `Good morning, Mrs. Hiring Manager!\n\nI wanted to thank you again for your time last Friday. It was a pleasure meeting you and learning more about the Copywriter position at Example Corp.\n\nGiven my experience in marketing and interest in copywriting, I feel that I would be a strong fit for this position, and I look forward to hearing from you regarding next steps.\n\nThank you again,\n${SIGNATURE}\n`,
    );
    expect(renderFollowUp(record({ highlights: undefined, company: undefined }), FOLLOW_UP_AT).text).toBe(
      `Good morning, Mrs. Hiring Manager!\n\nI wanted to thank you again for your time last Friday. It was a pleasure meeting you and learning more about the Copywriter position.\n\nI remain very interested in this position and look forward to hearing from you regarding next steps.\n\nThank you again,\n${SIGNATURE}\n`,
    );
  });

  it('the confirmation of one interviewer', () => {
    const email = renderConfirmation(record(), 'http://127.0.0.1:3000/cancel/abc', SENDER);
    expect(email.subject).toBe('Scheduled: your thank-you and follow-up to Mrs. Hiring Manager');
    expect(email.text).toBe(
      'Hello Reagan Applicant,\n\nYour emails to Mrs. Hiring Manager (manager@example.org) about the Copywriter position at Example Corp are scheduled:\n\n- Thank-you: Friday, November 27 at 5:00 PM EST\n- Follow-up: Wednesday, December 2 at 10:00 AM EST\n\nThey come from followup@example.com with your name on them, and any reply from Mrs. Hiring Manager goes straight to you at reagan@example.com. You will get a copy of each one when it goes out.\n\nTo cancel whatever has not been sent yet, open this link and press the button on the page:\n\nhttp://127.0.0.1:3000/cancel/abc\n\nGood luck!\n',
    );
    expect(email.tags).toContainEqual({ name: 'email', value: 'confirmation' });
  });
});
