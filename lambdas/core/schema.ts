/**
 * Parsing a submission: the schema (submission-schema.ts), then the rules that look across fields
 * or at the filled-in texts: well-formed Unicode everywhere, lengths with placeholders filled in,
 * no links or addresses a stranger could relay, and the interview's time against now.
 */

import { FIRST_HOLIDAY_YEAR, LAST_HOLIDAY_YEAR } from './holidays.js';
import type { TimingSettings } from './sendTimes.js';
import {
  DAY_MS,
  endsAtProblem,
  formatMessage,
  headerSyntaxMessage,
  MAX_BODY,
  MAX_FUTURE_DAYS,
  MAX_PAST_DAYS,
  MAX_SUBJECT,
  OUTSIDE_TZ_YEARS,
  parseCalendarDate,
  resolveEndsAt,
  type Submission,
  submissionSchema,
} from './submission-schema.js';
import { expandedLength, fillTemplate, LONGEST_TIMED_VALUES, type PlaceholderValues } from './templates.js';
import {
  formatCharacterIn,
  headerSyntaxIn,
  hostAllowed,
  isWellFormed,
  linksAndAddresses,
  sameOrganisation,
} from './text.js';
import { FIRST_TZ_YEAR, LAST_TZ_YEAR } from './time.js';

export type { Submission } from './submission-schema.js';

export interface FieldProblem {
  path: string;
  message: string;
}

export interface ValidSubmission {
  ok: true;
  value: Submission;
  endsAt: Date;
  timing: TimingSettings;
}

export type ParseResult = ValidSubmission | { ok: false; fields: FieldProblem[] };

/** What a deployment decides about submitted text. */
export interface TextRules {
  /** Domains (and their subdomains) that links in submitted text may point to; empty: no links. */
  linkAllowlist?: readonly string[];
}

/**
 * Every string in a JSON value that is not well-formed Unicode (a lone surrogate), by path.
 * Iterative: a body nested thousands deep must not overflow the stack.
 */
function malformedStrings(body: unknown): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const pending: [unknown, string][] = [[body, '']];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const [value, path] = next;
    if (typeof value === 'string') {
      if (!isWellFormed(value)) {
        problems.push({ path: path || '(body)', message: 'is not well-formed Unicode (a lone surrogate)' });
      }
    } else if (typeof value === 'object' && value !== null) {
      for (const [key, child] of Object.entries(value)) {
        if (!isWellFormed(key)) {
          problems.push({
            path: path || '(body)',
            message: 'has a field name that is not well-formed Unicode',
          });
        } else {
          pending.push([child, path ? `${path}.${key}` : key]);
        }
      }
    }
  }
  return problems.reverse();
}

/** The values placeholders take, the two that depend on the moment of sending at their longest. */
function placeholderValues(value: Submission): PlaceholderValues {
  return {
    interviewerName: value.interviewer.name,
    candidateName: value.candidate.name,
    position: value.position,
    company: value.company ?? '',
    highlights: value.highlights ?? '',
    ...LONGEST_TIMED_VALUES,
  };
}

const MESSAGE_PARTS = [
  ['thankYou', 'subject'],
  ['thankYou', 'body'],
  ['followUp', 'subject'],
  ['followUp', 'body'],
] as const;

/**
 * The submitted texts that reach an email, by path; custom subjects and bodies with their
 * placeholders filled in, so "{{company}}.com" is checked as what it becomes.
 */
function textsOf(value: Submission, values: PlaceholderValues): [string, string | undefined][] {
  const messages = MESSAGE_PARTS.map(([kind, part]): [string, string | undefined] => {
    const template = value.messages?.[kind]?.[part];
    return [`messages.${kind}.${part}`, template === undefined ? undefined : fillTemplate(template, values)];
  });
  return [
    ['candidate.name', value.candidate.name],
    ['candidate.phone', value.candidate.phone],
    ['interviewer.name', value.interviewer.name],
    ['position', value.position],
    ['company', value.company],
    ['highlights', value.highlights],
    ...messages,
  ];
}

/**
 * No links except to the deployment's allowed domains (every link, not only the first), and no
 * email addresses: the service must not carry a stranger's link or address to an interviewer or a
 * candidate (SECURITY.md). A filled-in subject is held to the display-name rules as well, since a
 * placeholder can bring in what its field allowed ("<", a joiner).
 */
function relayProblems(value: Submission, rules: TextRules, values: PlaceholderValues): FieldProblem[] {
  const allowed = rules.linkAllowlist ?? [];
  // The employer's own domain is no stranger's link: "Booking.com" as the company of an
  // interviewer at booking.com (the confirmation already shows the interviewer's address).
  const employer = value.interviewer.email.slice(value.interviewer.email.lastIndexOf('@') + 1).toLowerCase();
  const harmless = (host: string) => hostAllowed(host, allowed) || sameOrganisation(host, employer);
  const problems: FieldProblem[] = [];
  for (const [path, text] of textsOf(value, values)) {
    if (text === undefined) continue;
    const found = linksAndAddresses(text);
    const link = found.links.find((l) => !(l.host && harmless(l.host)));
    if (link) {
      const rule = allowed.length === 0 ? 'must not contain links' : `may only link to ${allowed.join(', ')}`;
      problems.push({ path, message: `${rule} (found "${link.text}")` });
    } else if (found.addresses.length > 0) {
      problems.push({
        path,
        message: 'must not contain an email address (the candidate’s goes in candidate.email)',
      });
    }
    if (path.endsWith('.subject')) {
      const syntax = headerSyntaxIn(text);
      const invisible = formatCharacterIn(text, false);
      const filled = 'with its placeholders filled in,';
      if (syntax !== undefined) problems.push({ path, message: `${filled} ${headerSyntaxMessage(syntax)}` });
      else if (invisible !== undefined)
        problems.push({ path, message: `${filled} ${formatMessage(invisible)}` });
    }
  }
  return problems;
}

/**
 * Placeholders fill in at sending, so the limits are checked on the result: each placeholder
 * counts at its value's length.
 */
function expansionProblems(value: Submission, values: PlaceholderValues): FieldProblem[] {
  const problems: FieldProblem[] = [];
  for (const [kind, part] of MESSAGE_PARTS) {
    const text = value.messages?.[kind]?.[part];
    if (text === undefined) continue;
    const max = part === 'subject' ? MAX_SUBJECT : MAX_BODY;
    const length = expandedLength(text, values);
    if (length > max) {
      problems.push({
        path: `messages.${kind}.${part}`,
        message: `must be at most ${max} characters with its placeholders filled in (up to ${length})`,
      });
    }
  }
  return problems;
}

/**
 * Validates a body against the schema, the text rules and `now` (how far back or ahead the
 * interview is).
 */
export function parseSubmission(body: unknown, now: Date, rules: TextRules = {}): ParseResult {
  const malformed = malformedStrings(body);
  if (malformed.length > 0) return { ok: false, fields: malformed };
  const result = submissionSchema.safeParse(body, { reportInput: true });
  if (!result.success) {
    const fields = result.error.issues.map((issue) => {
      const path = issue.path.map(String).join('.');
      if (issue.code === 'unrecognized_keys') {
        const where = path ? `${path}.` : '';
        return {
          path: path || '(body)',
          message: `unknown field(s): ${issue.keys.map((k) => where + k).join(', ')}`,
        };
      }
      if (issue.code === 'invalid_type') {
        const message = issue.input === undefined ? 'is required' : `must be ${article(issue.expected)}`;
        return { path: path || '(body)', message };
      }
      return { path: path || '(body)', message: issue.message };
    });
    return { ok: false, fields };
  }
  const value = result.data;
  const values = placeholderValues(value);
  // Lengths first: the other rules read the filled-in texts, which must not be huge.
  const tooLong = expansionProblems(value, values);
  if (tooLong.length > 0) return { ok: false, fields: tooLong };
  const relayed = relayProblems(value, rules, values);
  if (relayed.length > 0) return { ok: false, fields: relayed };
  const endsAt = resolveEndsAt(value.interview.endsAt, value.interview.timeZone);
  if (!endsAt) {
    const message = endsAtProblem(value.interview.endsAt, value.interview.timeZone);
    return { ok: false, fields: [{ path: 'interview.endsAt', message }] };
  }
  const fields: FieldProblem[] = [];
  if (endsAt.getTime() < now.getTime() - MAX_PAST_DAYS * DAY_MS) {
    fields.push({ path: 'interview.endsAt', message: `ended more than ${MAX_PAST_DAYS} days ago` });
  } else if (endsAt.getTime() > now.getTime() + MAX_FUTURE_DAYS * DAY_MS) {
    fields.push({ path: 'interview.endsAt', message: `is more than ${MAX_FUTURE_DAYS} days from now` });
  }
  const awayUntil = value.interviewer.awayUntil ? parseCalendarDate(value.interviewer.awayUntil) : undefined;
  const awayUntilMs = awayUntil ? Date.UTC(awayUntil.year, awayUntil.month - 1, awayUntil.day) : 0;
  if (awayUntilMs > endsAt.getTime() + MAX_FUTURE_DAYS * DAY_MS) {
    fields.push({
      path: 'interviewer.awayUntil',
      message: `is more than ${MAX_FUTURE_DAYS} days after the interview`,
    });
  }
  // The follow-up can fall into the year after the interview (or after the away date).
  const lastYear = Math.max(endsAt.getUTCFullYear(), awayUntil?.year ?? 0) + 1;
  const firstYear = endsAt.getUTCFullYear() - 1;
  // The send-time rules read the zone's offsets up to the follow-up: refused here, not a 500 later.
  if (
    !fields.some((f) => f.path === 'interview.endsAt') &&
    (endsAt.getUTCFullYear() < FIRST_TZ_YEAR || lastYear > LAST_TZ_YEAR)
  ) {
    fields.push({ path: 'interview.endsAt', message: `${OUTSIDE_TZ_YEARS} (up to the follow-up)` });
  }
  if (value.holidays && (firstYear < FIRST_HOLIDAY_YEAR || lastYear > LAST_HOLIDAY_YEAR)) {
    fields.push({
      path: 'holidays',
      message: `public holidays are known for ${FIRST_HOLIDAY_YEAR}–${LAST_HOLIDAY_YEAR} only`,
    });
  }
  if (fields.length > 0) return { ok: false, fields };
  const timing: TimingSettings = {
    thankYouDelayHours: value.thankYouDelayHours,
    followUpBusinessDays: value.followUpBusinessDays,
    ...(value.holidays && { holidays: value.holidays }),
    ...(awayUntil && { awayUntil }),
  };
  return { ok: true, value, endsAt, timing };
}

function article(expected: string): string {
  const noun = expected === 'object' ? 'an object' : `a ${expected}`;
  return expected === 'boolean' ? 'true or false' : noun;
}
