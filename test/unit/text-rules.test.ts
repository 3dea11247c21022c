/**
 * The rules for submitted text that reaches an email (lambdas/core/text.ts and the schema):
 * nothing that impersonates, nothing invisible, no stranger's links or addresses, no text that is
 * not Unicode, and lengths that hold once the placeholders are filled in.
 */
import { describe, expect, it } from 'vitest';
import { FORMAT_CHARACTERS, isWellFormed, linksAndAddresses } from '../../lambdas/core/text.js';
import { validBody } from '../fixtures.js';
import { accepted, fieldsOf } from '../support/records.js';

const linkIn = (text: string) => linksAndAddresses(text).links[0];
const addressIn = (text: string) => linksAndAddresses(text).addresses[0];

const withName = (name: string) => ({
  ...validBody(),
  candidate: { name, email: 'reagan@example.com' },
});
const withMessages = (messages: unknown) => ({ ...validBody(), messages });

describe('format characters', () => {
  it('the listed set is exactly Unicode’s Cf on this runtime', () => {
    const cf = /\p{Cf}/u;
    const differ: string[] = [];
    for (let cp = 0; cp <= 0x10ffff; cp++) {
      if (cp >= 0xd800 && cp <= 0xdfff) continue;
      const char = String.fromCodePoint(cp);
      if (cf.test(char) !== FORMAT_CHARACTERS.test(char)) differ.push(cp.toString(16));
    }
    expect(differ).toEqual([]);
  });

  it.each([
    ['U+202E (right-to-left override)', 'Reagan \u202eApplicant'],
    ['U+200B (zero-width space)', 'Reagan\u200bApplicant'],
    ['U+FEFF (byte order mark)', '\ufeffReagan Applicant'],
    ['U+200D (zero-width joiner)', 'Reagan\u200dApplicant'],
  ])('a display name with %s is refused, naming the character', (_what, name) => {
    const [problem] = fieldsOf(withName(name));
    expect(problem?.path).toBe('candidate.name');
    expect(problem?.message).toMatch(/^must not contain invisible formatting characters \(U\+[0-9A-F]{4}\)$/);
  });

  it('a custom subject refuses them; a body keeps emoji joiners but refuses bidi controls', () => {
    expect(fieldsOf(withMessages({ thankYou: { subject: 'Thank you\u2066!' } }))[0]?.path).toBe(
      'messages.thankYou.subject',
    );
    expect(accepted(withMessages({ thankYou: { body: 'Thank you 👩\u200d💻 for your time.' } }))).toBe(true);
    expect(fieldsOf(withMessages({ thankYou: { body: 'Thank you \u202efor your time.' } }))[0]).toEqual({
      path: 'messages.thankYou.body',
      message: 'must not contain invisible formatting characters (U+202E)',
    });
    expect(fieldsOf({ ...validBody(), highlights: 'my \u200bexperience' })[0]?.path).toBe('highlights');
  });
});

describe('display names and subjects cannot impersonate', () => {
  it.each([
    ['IT Support <it-helpdesk@victim-corp.example>', '"<"'],
    ['it-helpdesk@example.com', '"@"'],
    ['Reagan "the boss" Applicant', `'"'`],
    ['Reagan =?UTF-8?B?SVQgU3VwcG9ydA==?=', '"=?" (the syntax of an encoded email header)'],
  ])('%j is refused', (name, what) => {
    expect(fieldsOf(withName(name))).toContainEqual({
      path: 'candidate.name',
      message: `must not contain ${what}`,
    });
    expect(
      fieldsOf({ ...validBody(), interviewer: { name, email: 'hiring.manager@example.org' } }).map(
        (f) => f.path,
      ),
    ).toContain('interviewer.name');
    expect(fieldsOf(withMessages({ followUp: { subject: `Re: ${name}` } })).map((f) => f.path)).toContain(
      'messages.followUp.subject',
    );
  });

  it('position and company refuse encoded words but keep "&", quotes and "@ "', () => {
    expect(fieldsOf({ ...validBody(), company: '=?UTF-8?Q?Example?=' })[0]?.path).toBe('company');
    expect(accepted({ ...validBody(), position: 'Engineer @ R&D "Core"', company: "O'Neil & Sons" })).toBe(
      true,
    );
  });

  it('ordinary names pass: apostrophes, hyphens, accents, dots, other scripts', () => {
    for (const name of [
      "Reagan O'Applicant",
      'Anne-Marie Lefèvre',
      'Mrs. Hiring Manager',
      '李小龍',
      'Zoë Ñúñez',
    ]) {
      expect(accepted(withName(name)), name).toBe(true);
    }
  });
});

describe('text that is not well-formed Unicode', () => {
  it.each([
    ['candidate.name', { ...validBody(), candidate: { name: 'Reagan \ud800', email: 'reagan@example.com' } }],
    ['highlights', { ...validBody(), highlights: 'my \udc00 experience' }],
    ['messages.thankYou.body', withMessages({ thankYou: { body: 'Thanks \udbff!' } })],
  ])('a lone surrogate in %s is a 400 naming the field', (path, body) => {
    expect(fieldsOf(body)).toEqual([{ path, message: 'is not well-formed Unicode (a lone surrogate)' }]);
  });

  it('pairs are fine, halves are not', () => {
    expect(isWellFormed('Reagan 👩‍💻')).toBe(true);
    expect(isWellFormed('\ud83d')).toBe(false);
    expect(isWellFormed('\ude00x')).toBe(false);
    expect(isWellFormed('\ude00\ud83d')).toBe(false);
  });
});

describe('links and addresses', () => {
  it.each([
    ['https://login.victim-corp.example/reset', 'login.victim-corp.example'],
    ['see HTTP://example.com.', 'example.com'],
    ['www.example.org', 'www.example.org'],
    ['example.com', 'example.com'],
    ['Example.org/jobs', 'example.org'],
    ['example.net:8080', 'example.net'],
    ['(https://user:pw@example.com)', 'example.com'],
  ])('%j is a link to %s', (text, host) => {
    expect(linkIn(text)?.host).toBe(host);
  });

  it.each(['mailto:it@example.com', 'javascript:alert(1)', 'data:text/html,hi'])('%j is a link', (text) => {
    expect(linkIn(text)).toBeDefined();
  });

  // The ways around a word-by-word detector that the review found, and more of their kind.
  it.each([
    ['“https://login.example.com/reset”', 'login.example.com'],
    ['x=https://example.com', 'example.com'],
    ['*example.com*', 'example.com'],
    ['example.com\u200d', 'example.com'],
    ['example.com—now', 'example.com'],
    ['PAYPAL-VERIFY.COM', 'paypal-verify.com'],
    ['example.ai and example.fr', 'example.ai'],
    ['ｅｘａｍｐｌｅ．ｃｏｍ', 'example.com'],
    ['www.пример.рф', 'www.пример.рф'],
    ['пример.рф', 'пример.рф'],
    ['https://evil.example.org\\@example.com', 'evil.example.org'],
    ['See...example.com', 'example.com'],
    ['a..example.com', 'example.com'],
  ])('%j is a link to %s', (text, host) => {
    expect(linkIn(text)?.host).toBe(host);
  });

  it.each(['ASP.NET and Node.js', 'e.g. Ph.D. in St.Louis', 'R&D, U.S.A.', 'version 2.0.1', 'a.b'])(
    '%j is no link',
    (text) => {
      expect(linkIn(text)).toBeUndefined();
    },
  );

  it('finds addresses, not lone at-signs', () => {
    expect(addressIn('write to it-helpdesk@victim-corp.example.org today')).toBe('victim-corp.example.org');
    for (const text of [
      '“bob@example.com”',
      'bob@example.com|',
      'foo@www.example.com/x',
      'ｂｏｂ＠ｅｘａｍｐｌｅ．ｃｏｍ',
    ]) {
      expect(addressIn(text), text).toBe(text.startsWith('foo') ? 'www.example.com' : 'example.com');
    }
    expect(addressIn('Engineer @ Example, @handle')).toBeUndefined();
  });

  it('links are refused in every text that reaches an email, unless the deployment allows the domain', () => {
    const body = withMessages({ followUp: { body: 'My portfolio: https://portfolio.example.com/reagan' } });
    expect(fieldsOf(body)).toEqual([
      {
        path: 'messages.followUp.body',
        message: 'must not contain links (found "https://portfolio.example.com/reagan")',
      },
    ]);
    expect(accepted(body, ['example.com'])).toBe(true);
    expect(fieldsOf(body, ['example.org'])[0]?.message).toBe(
      'may only link to example.org (found "https://portfolio.example.com/reagan")',
    );
    for (const [field, patch] of [
      ['position', { position: 'Copywriter, apply at www.example.com' }],
      ['company', { company: 'example.com' }],
      ['highlights', { highlights: 'my work at https://example.com' }],
    ] as const) {
      expect(fieldsOf({ ...validBody(), ...patch })[0]?.path).toBe(field);
    }
  });

  it('the employer’s own domain may be named: Example.com as the company of an interviewer there', () => {
    const at = (email: string, company: string) => ({
      ...validBody(),
      interviewer: { name: 'Mrs. Hiring Manager', email },
      company,
    });
    expect(accepted(at('hiring.manager@example.com', 'Example.com'))).toBe(true);
    expect(accepted(at('hiring.manager@careers.example.com', 'Example.com'))).toBe(true);
    expect(accepted(at('hiring.manager@example.com', 'jobs.example.com'))).toBe(true);
    expect(fieldsOf(at('hiring.manager@example.org', 'Example.com'))[0]).toEqual({
      path: 'company',
      message: 'must not contain links (found "Example.com")',
    });
    expect(fieldsOf(at('hiring.manager@example.com', 'example.com.example.org'))[0]?.path).toBe('company');
  });

  it('every link counts against the allowlist, not only the first', () => {
    const body = withMessages({
      followUp: {
        body: 'Portfolio: https://portfolio.example.com/reagan and https://evil.example.com/login',
      },
    });
    expect(fieldsOf(body, ['portfolio.example.com'])[0]?.message).toBe(
      'may only link to portfolio.example.com (found "https://evil.example.com/login")',
    );
  });

  it('placeholders cannot assemble a link, an address or a display name', () => {
    const company = { ...validBody(), company: 'Example' };
    expect(
      fieldsOf({ ...company, messages: { followUp: { body: 'See {{company}}.com/login' } } })[0],
    ).toEqual({
      path: 'messages.followUp.body',
      message: 'must not contain links (found "Example.com")',
    });
    expect(
      fieldsOf({ ...company, messages: { followUp: { body: 'Write hr@{{company}}.org' } } })[0]?.path,
    ).toBe('messages.followUp.body');
    const [problem] = fieldsOf({
      ...validBody(),
      highlights: 'my <b>bold</b> work',
      messages: { thankYou: { subject: '{{highlights}}' } },
    });
    expect(problem).toEqual({
      path: 'messages.thankYou.subject',
      message: 'with its placeholders filled in, must not contain "<"',
    });
  });

  it('full-width and look-alike brackets in a display name are refused', () => {
    expect(fieldsOf(withName('IT Support ＜helpdesk＠example.com＞'))[0]?.message).toBe(
      'must not contain "<"',
    );
    expect(fieldsOf(withName('IT Support ‹helpdesk›'))[0]?.message).toBe(
      'must not contain "‹" (it reads like < > or ")',
    );
  });

  it('an email address in free text is refused (a relay would carry it)', () => {
    expect(fieldsOf({ ...validBody(), highlights: 'write to it-helpdesk@victim-corp.example.org' })).toEqual([
      {
        path: 'highlights',
        message: 'must not contain an email address (the candidate’s goes in candidate.email)',
      },
    ]);
  });
});

describe('lengths after the placeholders are filled in', () => {
  it('a subject that grows past 200 characters is refused at intake', () => {
    const company = 'C'.repeat(120);
    const fields = fieldsOf({
      ...validBody(),
      company,
      messages: { thankYou: { subject: '{{company}} {{company}}' } },
    });
    expect(fields).toEqual([
      {
        path: 'messages.thankYou.subject',
        message: 'must be at most 200 characters with its placeholders filled in (up to 241)',
      },
    ]);
  });

  it('a body of placeholders that grows past 5000 characters is refused; one that fits passes', () => {
    const highlights = 'h'.repeat(1000);
    const many = Array.from({ length: 400 }, () => '{{highlights}}').join(' ');
    expect(fieldsOf({ ...validBody(), highlights, messages: { followUp: { body: many } } })[0]?.path).toBe(
      'messages.followUp.body',
    );
    const four =
      '{{greeting}}, {{interviewerName}}! {{highlights}} {{highlights}} {{highlights}} {{highlights}}';
    expect(accepted({ ...validBody(), highlights, messages: { followUp: { body: four } } })).toBe(true);
  });

  it('the time-dependent placeholders count at their longest', () => {
    // 200 characters with "Good afternoon" (14) in place of {{greeting}}; "Good morning" would fit.
    const subject = `{{greeting}} ${'s'.repeat(186)}`;
    expect(fieldsOf(withMessages({ thankYou: { subject } }))[0]?.message).toContain('(up to 201)');
    expect(accepted(withMessages({ thankYou: { subject: `{{greeting}} ${'s'.repeat(185)}` } }))).toBe(true);
  });
});

describe('unfinished placeholders', () => {
  it.each([
    ['{{ with 4,990 spaces after it', `{{${' '.repeat(4990)}`],
    ['a single closing brace', `{{${' '.repeat(4990)}}`],
    ['a stray }}', 'Thank you }} again'],
  ])('%s is refused', (_what, body) => {
    expect(fieldsOf(withMessages({ thankYou: { body } }))[0]).toEqual({
      path: 'messages.thankYou.body',
      message: 'has a "{{" or "}}" that is not part of a placeholder such as {{interviewerName}}',
    });
  });

  it('an empty placeholder among 5,000 spaces is an unknown placeholder', () => {
    const fields = fieldsOf(withMessages({ thankYou: { body: `{{${' '.repeat(4990)}}}` } }));
    expect(fields[0]?.message).toMatch(/^has an unknown placeholder \{\{\}\}/);
  });
});
