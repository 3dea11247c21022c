/**
 * The raw messages for SendRawEmail, read back by a real parser (mailparser, the one behind the
 * local SES stand-in): what a mail client shows must be what the sender meant, and nothing a
 * caller passes can add a header.
 */
import { type AddressObject, simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { mailbox } from '../../lambdas/core/emails.js';
import { composeMime, headerFields, type MimeMessage, sesMessageIdHeader } from '../../lambdas/core/mime.js';

const BOUNDARY = '=_test-boundary';
const DATE = new Date('2026-12-02T10:00:00Z');
const THANK_YOU_ID = sesMessageIdHeader('0100019abc-0b1c-4d2e-8f3a-1234567890ab-000000', 'us-east-1');

function message(patch: Partial<MimeMessage> = {}): MimeMessage {
  return {
    from: mailbox('Reagan Applicant', 'noreply@example.com'),
    to: ['hiring.manager@example.org'],
    replyTo: ['reagan@example.com'],
    subject: 'Following up on the Copywriter interview',
    text: 'Good morning, Mrs. Hiring Manager!\n\nThank you again.\n',
    html: '<!doctype html>\n<p>Good morning, Mrs. Hiring Manager!</p>\n',
    date: DATE,
    ...patch,
  };
}

const compose = (patch: Partial<MimeMessage> = {}) => composeMime(message(patch), BOUNDARY);
const parse = (patch: Partial<MimeMessage> = {}) => simpleParser(compose(patch));

function people(header: AddressObject | AddressObject[] | undefined) {
  const objects = header === undefined ? [] : Array.isArray(header) ? header : [header];
  return objects.flatMap((o) => o.value.map(({ name, address }) => ({ name, address })));
}

/** Too long for "Subject: " and it to fit in 78. */
const LONG_ASCII = 'Thank you for the Senior Copywriter interview at Example Corp on Friday afternoon';

const headerLines = (raw: string) => raw.slice(0, raw.indexOf('\r\n\r\n')).split('\r\n');
const longest = (lines: string[]) => Math.max(...lines.map((l) => l.length));

describe('the subject', () => {
  it('printable ASCII that fits on a line is written as it is', async () => {
    expect(LONG_ASCII.length).toBe(81);
    const raw = compose();
    expect(headerFields(raw).subject).toBe('Following up on the Copywriter interview');
    expect((await simpleParser(raw)).subject).toBe('Following up on the Copywriter interview');
  });

  it.each([
    ['long ASCII (81 characters)', LONG_ASCII],
    ['non-ASCII', 'Merci pour l’entretien — Zoë'],
    [
      'long non-ASCII',
      'Merci pour l’entretien — Zoë, Ñúñez & 李小龍 👩‍💻 ont beaucoup apprécié la conversation de vendredi',
    ],
    ['ASCII that looks like an encoded word', 'Re: =?UTF-8?B?SGk=?= is not decoded'],
    ['ASCII with white space at an end', ' Thank you '],
  ])('%s is sent as encoded words and reads back exactly', async (_what, subject) => {
    const raw = compose({ subject });
    expect(headerFields(raw).subject).toMatch(/^=\?UTF-8\?B\?/);
    expect((await simpleParser(raw)).subject).toBe(subject);
    expect(longest(headerLines(raw))).toBeLessThanOrEqual(76);
  });

  it('a line break in the subject is encoded, not a new header', async () => {
    const raw = compose({ subject: 'Hello\r\nBcc: reagan@example.com' });
    expect(headerLines(raw).some((l) => /^bcc:/i.test(l))).toBe(false);
    expect((await simpleParser(raw)).headers.has('bcc')).toBe(false);
  });
});

describe('the people', () => {
  it.each([
    'Reagan Applicant',
    'Reagan "R." Applicant',
    'Reagan Applicant, of the Mrs. Hiring Manager Appreciation Society at Example Corp', // folded in its quotes
    'Zoë Ñúñez',
    '李小龍',
    'Reagan Applicant-Ñúñez, of the Zoë & Mrs. Hiring Manager Appreciation Society, Paris',
  ])('the From display name %j reads back exactly', async (name) => {
    const raw = compose({ from: mailbox(name, 'noreply@example.com') });
    expect(people((await simpleParser(raw)).from)).toEqual([{ name, address: 'noreply@example.com' }]);
    expect(longest(headerLines(raw))).toBeLessThanOrEqual(76);
  });

  it('To and Reply-To carry every address, folded when long', async () => {
    const to = Array.from({ length: 8 }, (_, i) => `hiring.manager.${i}@example.org`);
    const replyTo = ['reagan@example.com', 'reagan.applicant@example.com'];
    const raw = compose({ to, replyTo });
    const mail = await simpleParser(raw);
    expect(people(mail.to)).toEqual(to.map((address) => ({ name: '', address })));
    expect(people(mail.replyTo)).toEqual(replyTo.map((address) => ({ name: '', address })));
    expect(headerLines(raw).filter((l) => l.startsWith(' ')).length).toBeGreaterThan(0);
    expect(longest(headerLines(raw))).toBeLessThanOrEqual(76);
  });

  it('no Reply-To header when there is none to give', () => {
    expect(headerFields(compose({ replyTo: [] }))['reply-to']).toBeUndefined();
    expect(headerFields(compose({ replyTo: undefined }))['reply-to']).toBeUndefined();
  });
});

describe('the bodies', () => {
  const longLine = `${'Ünïcödé and a long line without a break. '.repeat(60)}end`;

  it('text and HTML read back exactly: non-ASCII, long lines, blank lines', async () => {
    const text = `Bonjour Mrs. Hiring Manager,\n\nMerci pour l’entretien — Zoë 👩‍💻\n${longLine}\n\n-- \nReagan\n`;
    const html = `<!doctype html>\n<html><body>\n<p>Merci pour l’entretien — Zoë 👩‍💻</p>\n<p>${longLine}</p>\n</body></html>\n`;
    const mail = await parse({ text, html });
    expect(mail.text).toBe(text);
    expect(mail.html).toBe(html);
  });

  it('are multipart/alternative, text then HTML, UTF-8 in base64 lines of at most 76', () => {
    const raw = compose({ text: longLine, html: `<p>${longLine}</p>` });
    const fields = headerFields(raw);
    expect(fields['mime-version']).toBe('1.0');
    expect(fields['content-type']).toBe(`multipart/alternative; boundary="${BOUNDARY}"`);
    const parts = raw.split(`\r\n--${BOUNDARY}`);
    expect(parts).toHaveLength(4); // headers, text, HTML, and the closing "--"
    expect(parts[3]).toBe('--\r\n');
    for (const [part, type] of [
      [parts[1], 'text/plain'],
      [parts[2], 'text/html'],
    ] as const) {
      const [head = '', body = ''] = (part ?? '').split('\r\n\r\n');
      expect(head).toBe(`\r\nContent-Type: ${type}; charset=UTF-8\r\nContent-Transfer-Encoding: base64`);
      const lines = body.split('\r\n');
      expect(lines.length).toBeGreaterThan(1);
      for (const line of lines) expect(line).toMatch(/^[A-Za-z0-9+/]{1,76}={0,2}$/);
      expect(lines.slice(0, -1).every((l) => l.length === 76)).toBe(true);
    }
  });

  it('line breaks are sent as CRLF, the canonical form of text', () => {
    const raw = compose({ text: 'one\ntwo\r\nthree\rfour\n' });
    const body = raw.split(`\r\n--${BOUNDARY}`)[1]?.split('\r\n\r\n')[1] ?? '';
    expect(Buffer.from(body, 'base64').toString('utf8')).toBe('one\r\ntwo\r\nthree\r\nfour\r\n');
  });
});

describe('threading', () => {
  it('In-Reply-To and References read back, References in order', async () => {
    const references = [
      '<0100019aaa-0b1c-4d2e-8f3a-1234567890ab-000000@us-east-1.amazonses.com>',
      THANK_YOU_ID,
    ];
    const mail = await parse({ inReplyTo: THANK_YOU_ID, references });
    expect(mail.inReplyTo).toBe(THANK_YOU_ID);
    expect(mail.references).toEqual(references);
  });

  it('a long References is folded between ids and unfolds to the ids joined by spaces', () => {
    const references = Array.from(
      { length: 12 },
      (_, i) => `<0100019abc-0b1c-4d2e-8f3a-12345678900${i}-000000@eu-west-1.amazonses.com>`,
    );
    const raw = compose({ inReplyTo: references[11], references });
    expect(headerFields(raw).references).toBe(references.join(' '));
    const lines = headerLines(raw);
    // Each id is 75 characters: after "References:" none fits, so each gets a line of its own.
    const start = lines.indexOf('References:');
    expect(lines.slice(start + 1, start + 13)).toEqual(references.map((id) => ` ${id}`));
    expect(longest(lines)).toBeLessThanOrEqual(76);
  });

  it('neither header when the message starts a thread', () => {
    const fields = headerFields(compose({ inReplyTo: undefined, references: [] }));
    expect(fields['in-reply-to']).toBeUndefined();
    expect(fields.references).toBeUndefined();
  });
});

describe('the header section', () => {
  it('has exactly the expected fields: no Bcc, no Message-ID (SES sets its own)', async () => {
    const raw = compose({ inReplyTo: THANK_YOU_ID, references: [THANK_YOU_ID] });
    expect(Object.keys(headerFields(raw))).toEqual([
      'from',
      'to',
      'reply-to',
      'subject',
      'date',
      'in-reply-to',
      'references',
      'mime-version',
      'content-type',
    ]);
    const mail = await simpleParser(raw);
    expect(mail.headers.has('bcc')).toBe(false);
    expect(mail.bcc).toBeUndefined();
    expect(mail.headers.has('message-id')).toBe(false);
    expect(mail.messageId).toBeUndefined();
  });

  it('dates the message in RFC 5322 form, in UTC', async () => {
    expect(headerFields(compose()).date).toBe('Wed, 02 Dec 2026 10:00:00 +0000');
    expect((await parse()).date).toEqual(DATE);
    for (const iso of ['2027-01-05T03:04:05.678Z', '2028-02-29T23:59:59Z', '2026-11-01T00:00:00Z']) {
      const date = new Date(iso);
      // toUTCString's form is fixed by ECMAScript, so it serves as the reference here.
      expect(headerFields(compose({ date })).date).toBe(date.toUTCString().replace('GMT', '+0000'));
    }
  });

  it('refuses an invalid date', () => {
    expect(() => compose({ date: new Date('not a date') })).toThrow(/valid date/);
  });

  it('every line ends with CRLF and none passes 998 characters', () => {
    const raw = compose({
      to: Array.from({ length: 40 }, (_, i) => `hiring.manager.${i}@example.org`),
      subject: 'Zoë '.repeat(200),
      text: 'x'.repeat(5000),
      references: Array.from({ length: 40 }, (_, i) => `<${i}.0100019abc@us-east-1.amazonses.com>`),
    });
    expect(raw.endsWith('\r\n')).toBe(true);
    expect(raw).not.toMatch(/\r(?!\n)|(?<!\r)\n/);
    expect(longest(raw.split('\r\n'))).toBeLessThanOrEqual(998);
    expect(longest(headerLines(raw))).toBeLessThanOrEqual(76);
  });

  it('a random boundary by default, outside the base64 alphabet', async () => {
    const first = composeMime(message());
    const second = composeMime(message());
    const boundary = (raw: string) => /boundary="([^"]*)"/.exec(raw)?.[1];
    expect(boundary(first)).toMatch(/^=_[0-9a-f-]{36}$/);
    expect(boundary(first)).not.toBe(boundary(second));
    expect((await simpleParser(first)).text).toBe(message().text);
  });

  it('refuses a boundary RFC 2046 does not allow', () => {
    for (const bad of ['', 'has space', 'quote"', 'x'.repeat(71), 'line\r\nBcc: reagan@example.com']) {
      expect(() => composeMime(message(), bad)).toThrow(/boundary/);
    }
  });
});

describe('header injection is impossible', () => {
  it.each<[string, Partial<MimeMessage>]>([
    ['from', { from: '"Reagan Applicant" <noreply@example.com>\r\nBcc: reagan@example.com' }],
    ['to[0]', { to: ['hiring.manager@example.org\r\nBcc: reagan@example.com'] }],
    ['to[1]', { to: ['hiring.manager@example.org', 'reagan@example.com\n'] }],
    ['replyTo[0]', { replyTo: ['reagan@example.com\rX-Evil: 1'] }],
    ['inReplyTo', { inReplyTo: `${THANK_YOU_ID}\r\nBcc: reagan@example.com` }],
    ['references[1]', { references: [THANK_YOU_ID, '<a@example.com>\nBcc: reagan@example.com'] }],
  ])('CR or LF in %s throws', (field, patch) => {
    expect(() => compose(patch)).toThrow(`mime: ${field} contains CR or LF`);
  });

  it.each([
    '"Mrs. Hiring Manager" <hiring.manager@example.org>',
    'Mrs. Hiring Manager <hiring.manager@example.org>',
    'hiring.manager@example.org, reagan@example.com',
    'hiring.manager@example.org (Mrs. Hiring Manager)',
    'zoë@example.org',
    'not an address',
  ])('to and replyTo take bare ASCII addresses only: %j throws', (address) => {
    expect(() => compose({ to: [address] })).toThrow('mime: to[0] must be a bare ASCII address');
    expect(() => compose({ replyTo: [address] })).toThrow('mime: replyTo[0] must be a bare ASCII address');
  });

  it('the errors do not repeat the value (an address is personal data)', () => {
    expect(() => compose({ to: ['hiring.manager@example.org\r\n'] })).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining('example.org') }),
    );
  });

  it('a From that is not printable ASCII throws: display names go through mailbox()', () => {
    expect(() => compose({ from: 'Zoë <noreply@example.com>' })).toThrow(/from must be printable ASCII/);
    expect(() => compose({ from: '' })).toThrow(/from must be printable ASCII/);
  });

  it('message ids need their angle brackets and one "@"', () => {
    for (const bad of ['0100abc@us-east-1.amazonses.com', '<0100abc>', '<a@b@c>', '<a b@example.com>']) {
      expect(() => compose({ inReplyTo: bad })).toThrow('mime: inReplyTo must be a message id');
      expect(() => compose({ references: [bad] })).toThrow('mime: references[0] must be a message id');
    }
  });

  it('a message needs a recipient', () => {
    expect(() => compose({ to: [] })).toThrow(/to needs at least one address/);
  });
});

describe('sesMessageIdHeader', () => {
  it('is <id@region.amazonses.com>, and <id@email.amazonses.com> in us-east-1', () => {
    expect(sesMessageIdHeader('0100abc', 'us-east-1')).toBe('<0100abc@email.amazonses.com>');
    expect(sesMessageIdHeader('0102018c8d11471f-9a6d73eb-000000', 'eu-west-1')).toBe(
      '<0102018c8d11471f-9a6d73eb-000000@eu-west-1.amazonses.com>',
    );
  });

  it('refuses what is not an SES message id or a region', () => {
    expect(() => sesMessageIdHeader('0100abc\r\nBcc: x', 'us-east-1')).toThrow(/CR or LF/);
    expect(() => sesMessageIdHeader('0100abc>', 'us-east-1')).toThrow(/messageId/);
    expect(() => sesMessageIdHeader('a@b', 'us-east-1')).toThrow(/messageId/);
    expect(() => sesMessageIdHeader('0100abc', 'us-east-1\n')).toThrow(/CR or LF/);
    expect(() => sesMessageIdHeader('0100abc', 'US East')).toThrow(/region/);
  });
});

describe('headerFields', () => {
  it('unfolds continuation lines, keeps the first of each name, stops at the body', () => {
    const raw = [
      'Subject: =?UTF-8?B?TWVyY2k=?=',
      ' =?UTF-8?B?IFpvw6s=?=',
      'To: hiring.manager@example.org,',
      '\treagan@example.com',
      'X-Empty:',
      'Constructor: first',
      'SUBJECT: second',
      '',
      'From: reagan@example.com',
      '',
    ].join('\r\n');
    expect(headerFields(raw)).toEqual({
      subject: '=?UTF-8?B?TWVyY2k=?= =?UTF-8?B?IFpvw6s=?=',
      to: 'hiring.manager@example.org,\treagan@example.com',
      'x-empty': '',
      constructor: 'first',
    });
  });

  it('reads bare LF line endings too', () => {
    expect(headerFields('To: a@example.org,\n b@example.org\nDate: x\n\nbody')).toEqual({
      to: 'a@example.org, b@example.org',
      date: 'x',
    });
  });

  it('gives back a folded header of composeMime exactly', () => {
    const to = Array.from({ length: 8 }, (_, i) => `hiring.manager.${i}@example.org`);
    const raw = compose({ to });
    expect(headerLines(raw).filter((l) => l.startsWith(' ')).length).toBeGreaterThan(0);
    expect(headerFields(raw).to).toBe(to.join(', '));
  });
});
