/**
 * fast-check generators of hostile input for the HTTP API, shared by the fuzz tests in `npm test`
 * and the big run in `npm run reliability`. Every body they make is invalid by construction.
 */
import fc from 'fast-check';
import { validBody } from '../fixtures.js';

const controlChar = fc.constantFrom('\u0000', '\r', '\n', '\u001b', '\u007f', '\u0085', '\u2028');
const withControl = fc.tuple(fc.string(), controlChar, fc.string()).map(([a, c, b]) => `${a}${c}${b}`);
const huge = fc.integer({ min: 1001, max: 60_000 }).map((n) => 'x'.repeat(n));
const wrongType = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.string(), { maxLength: 3 }),
  fc.dictionary(fc.string(), fc.string(), { maxKeys: 3 }),
);
const hostileValue = fc.oneof(withControl, huge, wrongType);
const pollutingKey = fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty');

/** Paths of the fields a hostile value may replace. */
const PATHS = [
  ['candidate', 'name'],
  ['candidate', 'email'],
  ['candidate', 'phone'],
  ['interviewer', 'name'],
  ['interviewer', 'email'],
  ['interviewer', 'awayUntil'],
  ['position'],
  ['company'],
  ['highlights'],
  ['interview', 'endsAt'],
  ['interview', 'timeZone'],
  ['followUp'],
  ['thankYouDelayHours'],
  ['holidays'],
  ['messages'],
  ['candidate'],
  ['interview'],
] as const;

function setPath(
  body: Record<string, unknown>,
  path: readonly string[],
  value: unknown,
): Record<string, unknown> {
  const copy = structuredClone(body);
  let target: Record<string, unknown> = copy;
  for (const key of path.slice(0, -1)) {
    const next = target[key];
    if (typeof next !== 'object' || next === null) return copy;
    target = next as Record<string, unknown>;
  }
  target[path[path.length - 1] as string] = value;
  return copy;
}

// Under the 64 KiB limit, so the nesting itself is what is tested (larger bodies get a 413).
const deepNesting = fc
  .integer({ min: 50, max: 30_000 })
  .map((depth) => `${'['.repeat(depth)}${']'.repeat(depth)}`);
const deepObject = fc
  .integer({ min: 50, max: 5_000 })
  .map((depth) => `{"candidate":${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}}`);

/**
 * The inputs of the security review (issue 13), each refused by the text rules: the placeholder
 * pattern's worst case, bidi and zero-width characters, encoded words, a body that grows past its
 * limit once filled in, lone surrogates, a stranger's link and address.
 */
export const ATTACKS: Record<string, Record<string, unknown>> = {
  'worst-case placeholder input': {
    ...validBody(),
    messages: { thankYou: { body: `{{${' '.repeat(4990)}` } },
  },
  'worst-case placeholder input, closed once': {
    ...validBody(),
    messages: { followUp: { body: `{{${' '.repeat(4990)}}` } },
  },
  'bidi override in a display name': {
    ...validBody(),
    candidate: { name: 'Reagan \u202eApplicant', email: 'reagan@example.com' },
  },
  'zero-width space in a display name': {
    ...validBody(),
    interviewer: { name: 'Mrs. Hiring\u200bManager', email: 'hiring.manager@example.org' },
  },
  'byte order mark in a subject': { ...validBody(), messages: { thankYou: { subject: '\ufeffThank you' } } },
  'encoded word as a display name': {
    ...validBody(),
    candidate: { name: '=?UTF-8?B?SVQgU3VwcG9ydA==?=', email: 'reagan@example.com' },
  },
  'mailbox as a display name': {
    ...validBody(),
    candidate: { name: 'IT Support <it-helpdesk@example.com>', email: 'reagan@example.com' },
  },
  'oversize after expansion': {
    ...validBody(),
    highlights: 'h'.repeat(1000),
    messages: { followUp: { body: Array.from({ length: 350 }, () => '{{highlights}}').join('') } },
  },
  'subject oversize after expansion': {
    ...validBody(),
    company: 'C'.repeat(190),
    messages: { thankYou: { subject: '{{company}}{{company}}' } },
  },
  'lone surrogate': { ...validBody(), position: 'Copywriter \ud800' },
  'lone low surrogate in a key': { ...validBody(), highlights: 'x', '\udc00': 1 },
  "a stranger's link": {
    ...validBody(),
    messages: { followUp: { body: 'Reset it at https://example.com/x' } },
  },
  "a stranger's address": { ...validBody(), highlights: 'write to it-helpdesk@example.org' },
};

/** Raw request bodies (text), each of which must be refused with a 4xx. */
export const hostileBody: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(...Object.values(ATTACKS)).map((body) => JSON.stringify(body)),
  // An attack's text in any field that reaches an email.
  fc
    .tuple(
      fc.constantFrom(
        ...PATHS.filter((p) => p.length === 2 || ['position', 'company', 'highlights'].includes(p[0])),
      ),
      fc.constantFrom('\u202e', '\u200b', '\ufeff', '\ud800', 'https://example.com', '<x@example.org>'),
    )
    .filter(
      ([path]) => !['awayUntil', 'endsAt', 'timeZone', 'email'].includes(path[path.length - 1] as string),
    )
    .map(([path, attack]) => JSON.stringify(setPath(validBody(), path, `Reagan ${attack} Applicant`))),
  // A valid submission with one field made hostile. (Two draws would be valid after all:
  // `followUp` given any boolean, and `messages` given an empty object.)
  fc
    .tuple(fc.constantFrom(...PATHS), hostileValue)
    .filter(([path, value]) => !(path[0] === 'followUp' && typeof value === 'boolean'))
    .filter(
      ([path, value]) =>
        !(
          path[0] === 'messages' &&
          typeof value === 'object' &&
          value !== null &&
          Object.keys(value).length === 0
        ),
    )
    .map(([path, value]) => JSON.stringify(setPath(validBody(), path, value))),
  // A valid submission with a polluting or unknown key, at the top or inside.
  fc
    .tuple(
      pollutingKey,
      fc.constantFrom('', '"candidate":{"name":"Reagan Applicant","email":"reagan@example.com",'),
    )
    .map(([key, inner]) => {
      const text = JSON.stringify(validBody());
      return inner
        ? text.replace('"candidate":{', `"candidate":{"${key}":{"polluted":true},`)
        : text.replace('{', `{"${key}":{"polluted":true},`);
    }),
  // Anything JSON, and anything at all.
  fc.jsonValue().map((v) => JSON.stringify(v)),
  fc.string({ unit: 'binary', maxLength: 300 }),
  fc.string({ unit: 'grapheme', maxLength: 300 }),
  deepNesting,
  deepObject,
);

export const hostileToken: fc.Arbitrary<string> = fc.oneof(
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 80 }),
  fc.stringMatching(/^[A-Za-z0-9_-]{43}$/),
  fc.constantFrom(
    '..%2F..%2Fetc%2Fpasswd',
    '%00',
    '__proto__',
    'constructor',
    "'; DROP TABLE--",
    'A'.repeat(5000),
  ),
);

export const contentType: fc.Arbitrary<string> = fc.constantFrom(
  'application/json',
  'application/json; charset=utf-8',
  'application/x-www-form-urlencoded',
  'text/plain',
  'multipart/form-data; boundary=x',
  '',
);
