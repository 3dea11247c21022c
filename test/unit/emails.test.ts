import { describe, expect, it } from 'vitest';
import { noteSentence } from '../../lambdas/core/email-texts.js';
import {
  followUpContent,
  greeting,
  interviewDay,
  mailbox,
  type OutgoingEmail,
  renderConfirmation,
  renderForInterviewer,
  renderLateNotice,
  secondFollowUpContent,
  thankYouContent,
} from '../../lambdas/core/emails.js';
import type { ScheduledKind } from '../../lambdas/core/events.js';
import {
  type EmailState,
  type EmailStates,
  FOLLOW_UP_NOT_WANTED,
  type InterviewRecord,
} from '../../lambdas/core/interview.js';
import { emailKey, type Panelist } from '../../lambdas/core/panel.js';

const NY = 'America/New_York';
const ID = 'c0ffee00-0000-4000-8000-000000000001';
const STAMP = '2026-11-27T19:30:00.000Z';
const MANAGER: Panelist = { id: 1, name: 'Mrs. Hiring Manager', email: 'manager@example.org' };
const SENDER = 'followup@example.com';
/** When each kind is planned: Friday 5:00 PM, Wednesday 10:00 AM and the Wednesday after, New York. */
const PLANNED: Record<ScheduledKind, string> = {
  'thank-you': '2026-11-27T22:00:00.000Z',
  'follow-up': '2026-12-02T15:00:00.000Z',
  'second-follow-up': '2026-12-09T15:00:00.000Z',
};

interface Options {
  interviewers?: Panelist[];
  followUp?: boolean;
  secondFollowUp?: boolean;
  /** Changes to single emails, by key. */
  emails?: Record<string, Partial<EmailState>>;
}

/**
 * The documented example as stored, built by hand (one interviewer unless told): every email
 * scheduled, keyed per panelist. `patch` replaces top-level fields (`undefined` removes one).
 */
function record(patch: Partial<InterviewRecord> = {}, options: Options = {}): InterviewRecord {
  const interviewers = options.interviewers ?? [MANAGER];
  const emails: EmailStates = { confirmation: { status: 'sent', sendAt: STAMP, updatedAt: STAMP } };
  const planned = (kind: ScheduledKind): EmailState => ({
    status: 'scheduled',
    sendAt: PLANNED[kind],
    updatedAt: STAMP,
  });
  const notWanted: EmailState = { status: 'skipped', reason: FOLLOW_UP_NOT_WANTED, updatedAt: STAMP };
  for (const p of interviewers) {
    emails[emailKey('thank-you', p.id)] = planned('thank-you');
    emails[emailKey('follow-up', p.id)] = options.followUp === false ? notWanted : planned('follow-up');
    if (options.secondFollowUp) {
      emails[emailKey('second-follow-up', p.id)] =
        options.followUp === false ? notWanted : planned('second-follow-up');
    }
  }
  for (const [key, change] of Object.entries(options.emails ?? {})) {
    const email = emails[key];
    if (!email) throw new Error(`no email ${key}`);
    emails[key] = { ...email, ...change };
  }
  return {
    id: ID,
    ownerKeyId: 'env',
    tokenHash: 'a'.repeat(64),
    createdAt: STAMP,
    candidate: { name: 'Reagan Applicant', email: 'reagan@example.com', phone: '123-456-7890' },
    interviewers,
    position: 'Copywriter',
    company: 'Example Corp',
    highlights: 'my experience in marketing and interest in copywriting',
    copyCandidate: true,
    interview: { endsAt: '2026-11-27T19:00:00.000Z', timeZone: NY },
    timing: {
      thankYouDelayHours: 3,
      followUpBusinessDays: 3,
      ...(options.secondFollowUp && { secondFollowUp: true }),
    },
    emails,
    expiresAt: 1_800_000_000,
    ...patch,
  };
}

function renderThankYou(r: InterviewRecord, sendAt: Date, sender = SENDER, person = 1): OutgoingEmail {
  return renderForInterviewer(r, emailKey('thank-you', person), sendAt, sender);
}
function renderFollowUp(r: InterviewRecord, sendAt: Date, sender = SENDER, person = 1): OutgoingEmail {
  return renderForInterviewer(r, emailKey('follow-up', person), sendAt, sender);
}
function renderSecond(r: InterviewRecord, sendAt: Date, sender = SENDER, person = 1): OutgoingEmail {
  return renderForInterviewer(r, emailKey('second-follow-up', person), sendAt, sender);
}

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
      { name: 'email', value: 'follow-up.2' },
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

/** Eight colleagues with the same name and no notes: only their place in the panel tells them apart. */
const PANEL: Panelist[] = Array.from({ length: 8 }, (_, i) => ({
  id: i + 1,
  name: 'Alex Colleague',
  email: `alex${i + 1}@example.org`,
}));
const THANK_YOU_AT = new Date(PLANNED['thank-you']);
const FOLLOW_UP_AT = new Date(PLANNED['follow-up']);
const SECOND_AT = new Date(PLANNED['second-follow-up']);
const SIGNATURE = 'Reagan Applicant\n123-456-7890\nreagan@example.com';

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
        expect(email.tags).toContainEqual({ name: 'email', value: emailKey(kind, p.id) });
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

describe('threads', () => {
  const sent = (messageId: string, subject: string): Partial<EmailState> => ({
    status: 'sent',
    sentAt: PLANNED['thank-you'],
    messageId,
    subject,
  });
  const THANKS = 'Thank you for the Copywriter interview at Example Corp';

  it('a follow-up after a sent thank-you answers it: "Re:" its subject, thread [its id]', () => {
    const r = record({}, { emails: { 'thank-you': sent('ty-1', THANKS) } });
    const email = renderFollowUp(r, FOLLOW_UP_AT);
    expect(email.subject).toBe(`Re: ${THANKS}`);
    expect(email.thread).toEqual(['ty-1']);
    expect(email.html).toContain(`<title>Re: ${THANKS}</title>`);
    // The words are the follow-up's all the same.
    expect(email.text).toContain('I wanted to thank you again for your time last Friday.');
  });

  it.each([
    ['cancelled', { status: 'cancelled' }],
    ['failed (a bounce after sending)', { status: 'failed', messageId: 'ty-1', subject: THANKS }],
    ['skipped', { status: 'skipped' }],
    ['still scheduled', {}],
    ['sent, with no message id', { status: 'sent', subject: THANKS }],
  ] as const)('after a thank-you %s: its own subject, no thread', (_, change) => {
    const r = record({}, { emails: { 'thank-you': change as Partial<EmailState> } });
    const email = renderFollowUp(r, FOLLOW_UP_AT);
    expect(email.subject).toBe('Following up on the Copywriter interview at Example Corp');
    expect(email.thread).toBeUndefined();
    expect('thread' in email).toBe(false);
  });

  it('each person’s thread is their own', () => {
    const r = record(
      {},
      { interviewers: PANEL.slice(0, 2), emails: { 'thank-you.2': sent('ty-2', THANKS) } },
    );
    expect(renderFollowUp(r, FOLLOW_UP_AT, SENDER, 1).thread).toBeUndefined();
    expect(renderFollowUp(r, FOLLOW_UP_AT, SENDER, 2).thread).toEqual(['ty-2']);
  });

  it('a second follow-up answers both earlier emails, root first, "Re:" the first one’s subject', () => {
    const r = record(
      {},
      {
        secondFollowUp: true,
        emails: { 'thank-you': sent('ty-1', THANKS), 'follow-up': sent('fu-1', `Re: ${THANKS}`) },
      },
    );
    const email = renderSecond(r, SECOND_AT);
    expect(email.thread).toEqual(['ty-1', 'fu-1']);
    expect(email.subject).toBe(`Re: ${THANKS}`);
  });

  it('a second follow-up after only the follow-up went out answers that one', () => {
    const r = record(
      {},
      {
        secondFollowUp: true,
        emails: {
          'thank-you': { status: 'skipped' },
          'follow-up': sent('fu-1', 'Following up on the Copywriter interview at Example Corp'),
        },
      },
    );
    const email = renderSecond(r, SECOND_AT);
    expect(email.thread).toEqual(['fu-1']);
    expect(email.subject).toBe('Re: Following up on the Copywriter interview at Example Corp');
  });

  it('a second follow-up after neither went out starts its own thread', () => {
    const r = record({}, { secondFollowUp: true, emails: { 'thank-you': { status: 'cancelled' } } });
    const email = renderSecond(r, SECOND_AT);
    expect(email.thread).toBeUndefined();
    expect(email.subject).toBe('Checking in on the Copywriter interview at Example Corp');
  });

  it('never "Re: Re:", whatever the case of the first one', () => {
    for (const subject of ['Re: Thanks!', 'RE: Thanks!', 're:Thanks!']) {
      const r = record({}, { secondFollowUp: true, emails: { 'thank-you': sent('ty-1', subject) } });
      expect(renderFollowUp(r, FOLLOW_UP_AT).subject).toBe(subject);
      expect(renderSecond(r, SECOND_AT).subject).toBe(subject);
    }
    const r = record(
      {},
      {
        secondFollowUp: true,
        emails: { 'thank-you': sent('ty-1', THANKS), 'follow-up': sent('fu-1', `Re: ${THANKS}`) },
      },
    );
    expect(renderSecond(r, SECOND_AT).subject).not.toMatch(/re:\s*re:/i);
  });

  it('a custom subject is ignored when threaded (a reply keeps its thread’s subject), its body kept', () => {
    const messages = {
      followUp: { subject: 'Checking in, {{interviewerName}}', body: 'Hello again {{interviewerName}}.' },
      secondFollowUp: { subject: 'One more note' },
    };
    const threaded = record(
      { messages },
      { secondFollowUp: true, emails: { 'thank-you': sent('ty-1', THANKS) } },
    );
    const followUp = renderFollowUp(threaded, FOLLOW_UP_AT);
    expect(followUp.subject).toBe(`Re: ${THANKS}`);
    expect(followUp.text).toBe('Hello again Mrs. Hiring Manager.\n');
    expect(renderSecond(threaded, SECOND_AT).subject).toBe(`Re: ${THANKS}`);
    const unthreaded = record({ messages }, { secondFollowUp: true });
    expect(renderFollowUp(unthreaded, FOLLOW_UP_AT).subject).toBe('Checking in, Mrs. Hiring Manager');
    expect(renderSecond(unthreaded, SECOND_AT).subject).toBe('One more note');
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
