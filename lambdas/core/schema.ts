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
  MESSAGE_KINDS,
  OUTSIDE_TZ_YEARS,
  panelOf,
  parseCalendarDate,
  resolveEndsAt,
  type Submission,
  submissionSchema,
  valuesFor,
} from './submission-schema.js';
import { expandedLength, fillTemplate, type PlaceholderValues } from './templates.js';
import {
  formatCharacterIn,
  headerSyntaxIn,
  hostAllowed,
  isWellFormed,
  linksAndAddresses,
  sameOrganisation,
} from './text.js';
import { type CalendarDate, calendarDaysBetween, FIRST_TZ_YEAR, LAST_TZ_YEAR, localDate } from './time.js';

export type { Submission } from './submission-schema.js';

export interface FieldProblem {
  path: string;
  message: string;
}

/** One interviewer of a valid submission, as given (`awayUntil` a real `YYYY-MM-DD` date). */
export interface PanelInput {
  name: string;
  email: string;
  note?: string;
  awayUntil?: string;
}

/** A valid submission with its panel as a list, the `interviewer` shorthand a list of one. */
export type NormalizedSubmission = Omit<Submission, 'interviewer' | 'interviewers'> & {
  interviewers: PanelInput[];
};

export interface ValidSubmission {
  ok: true;
  value: NormalizedSubmission;
  endsAt: Date;
  timing: TimingSettings;
}

export type ParseResult = ValidSubmission | { ok: false; fields: FieldProblem[] };

/** What a deployment decides about submitted text. */
export interface TextRules {
  /** Domains (and their subdomains) that links in submitted text may point to; empty: no links. */
  linkAllowlist?: readonly string[];
  /**
   * Plain text only: no HTML tag, comment or entity in any text (the self-serve form's rule; every
   * email's HTML part is built from escaped text anyway, so markup could only ever show as such).
   */
  plainText?: boolean;
  /** No link at all: not to an allowed domain, nor to a reader's own (the self-serve form's rule). */
  noLinks?: boolean;
}

/** Markup in a text: a tag (`<b>`, `</p>`, `<!--`) or an entity (`&amp;`, `&#60;`). */
const MARKUP = /<\s*[a-zA-Z!/?]|&(#\d+|#x[0-9a-f]+|[a-z][a-z0-9]*);/i;

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

/** A submission past the schema, with its panel and the path each panelist was sent under. */
interface Parsed {
  value: Submission;
  panel: { person: PanelInput; path: string; values: PlaceholderValues }[];
}

function parsed(value: Submission): Parsed {
  const { people, pathOf } = panelOf(value);
  return {
    value,
    panel: people.map((person, i) => ({
      person,
      path: pathOf(i).join('.'),
      values: valuesFor(value, person),
    })),
  };
}

const MESSAGE_PARTS = MESSAGE_KINDS.flatMap((kind) =>
  (['subject', 'body'] as const).map((part) => [kind, part] as const),
);

/**
 * The submitted texts that reach an email, by path; custom subjects and bodies with their
 * placeholders filled in for each panelist, so "{{company}}.com" is checked as what it becomes.
 * A path can come more than once (a body as each panelist reads it).
 */
function textsOf({ value, panel }: Parsed): [string, string | undefined, string[]][] {
  // Who reads a text: a person's own note, name and filled-in templates reach that person (and
  // the candidate); everything else reaches every panelist.
  const everyone = panel.map(({ person }) => domainOf(person.email));
  const messages = MESSAGE_PARTS.flatMap(([kind, part]): [string, string | undefined, string[]][] => {
    const template = value.messages?.[kind]?.[part];
    if (template === undefined) return [];
    return panel.map(({ person, values }) => [
      `messages.${kind}.${part}`,
      fillTemplate(template, values),
      [domainOf(person.email)],
    ]);
  });
  return [
    ['candidate.name', value.candidate.name, everyone],
    ['candidate.phone', value.candidate.phone, everyone],
    ...panel.flatMap(({ person, path }): [string, string | undefined, string[]][] => [
      [`${path}.name`, person.name, [domainOf(person.email)]],
      [`${path}.note`, person.note, [domainOf(person.email)]],
    ]),
    ['position', value.position, everyone],
    ['company', value.company, everyone],
    ['highlights', value.highlights, everyone],
    ...messages,
  ];
}

/** The domain of an address, lower-case. */
const domainOf = (address: string) => address.slice(address.lastIndexOf('@') + 1).toLowerCase();

/**
 * No links except to the deployment's allowed domains (every link, not only the first), and no
 * email addresses: the service must not carry a stranger's link or address to an interviewer or a
 * candidate (SECURITY.md). A filled-in subject is held to the display-name rules as well, since a
 * placeholder can bring in what its field allowed ("<", a joiner). Each rule names a path once,
 * however many panelists' texts break it.
 */
function relayProblems(submission: Parsed, rules: TextRules): FieldProblem[] {
  const allowed = rules.linkAllowlist ?? [];
  // A reader's own organisation is no stranger's link: "Booking.com" as the company of an
  // interviewer at booking.com (the confirmation already shows the interviewer's address). Only
  // for the readers of that text, all of them: a throwaway panelist's domain must not open links
  // in what another panelist reads.
  const harmless = (host: string, readers: readonly string[]) =>
    !rules.noLinks &&
    (hostAllowed(host, allowed) || readers.every((domain) => sameOrganisation(host, domain)));
  const problems: FieldProblem[] = [];
  const reported = new Set<string>();
  const add = (rule: 'relay' | 'subject', path: string, message: string) => {
    if (reported.has(`${rule} ${path}`)) return;
    reported.add(`${rule} ${path}`);
    problems.push({ path, message });
  };
  for (const [path, text, readers] of textsOf(submission)) {
    if (text === undefined) continue;
    if (rules.plainText && MARKUP.test(text)) {
      add('relay', path, 'must be plain text: no HTML tags or entities');
      continue;
    }
    const found = linksAndAddresses(text);
    const link = found.links.find((l) => !(l.host && harmless(l.host, readers)));
    if (link) {
      const rule = allowed.length === 0 ? 'must not contain links' : `may only link to ${allowed.join(', ')}`;
      add('relay', path, `${rule} (found "${link.text}")`);
    } else if (found.addresses.length > 0) {
      add('relay', path, 'must not contain an email address (the candidate’s goes in candidate.email)');
    }
    if (path.endsWith('.subject')) {
      const syntax = headerSyntaxIn(text);
      const invisible = formatCharacterIn(text, false);
      const filled = 'with its placeholders filled in,';
      if (syntax !== undefined) add('subject', path, `${filled} ${headerSyntaxMessage(syntax)}`);
      else if (invisible !== undefined) add('subject', path, `${filled} ${formatMessage(invisible)}`);
    }
  }
  return problems;
}

/**
 * Placeholders fill in at sending, so the limits are checked on the result: each placeholder
 * counts at its value's length, for the panelist whose values make it longest.
 */
function expansionProblems({ value, panel }: Parsed): FieldProblem[] {
  const problems: FieldProblem[] = [];
  for (const [kind, part] of MESSAGE_PARTS) {
    const text = value.messages?.[kind]?.[part];
    if (text === undefined) continue;
    const max = part === 'subject' ? MAX_SUBJECT : MAX_BODY;
    const length = Math.max(...panel.map(({ values }) => expandedLength(text, values)));
    if (length > max) {
      problems.push({
        path: `messages.${kind}.${part}`,
        message: `must be at most ${max} characters with its placeholders filled in (up to ${length})`,
      });
    }
  }
  return problems;
}

/** The submission with its panel as a list: the shorthand `interviewer` becomes a list of one. */
function normalized({ value, panel }: Parsed): NormalizedSubmission {
  const { interviewer: _one, interviewers: _many, ...rest } = value;
  const interviewers = panel.map(({ person }): PanelInput => {
    const { name, email, note, awayUntil } = person;
    return {
      name,
      email,
      ...(note !== undefined && { note }),
      ...(awayUntil !== undefined && { awayUntil }),
    };
  });
  return { ...rest, interviewers };
}

/** At most this many days from the interview's local date to `interview.decisionBy`. */
export const MAX_DECISION_DAYS = 180;

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
  const submission = parsed(result.data);
  const { value } = submission;
  // Lengths first: the other rules read the filled-in texts, which must not be huge.
  const tooLong = expansionProblems(submission);
  if (tooLong.length > 0) return { ok: false, fields: tooLong };
  const relayed = relayProblems(submission, rules);
  if (relayed.length > 0) return { ok: false, fields: relayed };
  const zone = value.interview.timeZone;
  const endsAt = resolveEndsAt(value.interview.endsAt, zone);
  if (!endsAt) {
    const message = endsAtProblem(value.interview.endsAt, zone);
    return { ok: false, fields: [{ path: 'interview.endsAt', message }] };
  }
  const fields: FieldProblem[] = [];
  if (endsAt.getTime() < now.getTime() - MAX_PAST_DAYS * DAY_MS) {
    fields.push({ path: 'interview.endsAt', message: `ended more than ${MAX_PAST_DAYS} days ago` });
  } else if (endsAt.getTime() > now.getTime() + MAX_FUTURE_DAYS * DAY_MS) {
    fields.push({ path: 'interview.endsAt', message: `is more than ${MAX_FUTURE_DAYS} days from now` });
  }
  // The interview's local date needs the zone's rules at its end: only once its year is known.
  const year = endsAt.getUTCFullYear();
  const known = year >= FIRST_TZ_YEAR && year <= LAST_TZ_YEAR;
  const interviewDay = known ? localDate(endsAt, zone) : undefined;
  /**
   * A date a follow-up waits for (an away date, the decision date): not before the interview,
   * not more than `maxDays` after it. Its year counts towards the years the rules must know only
   * when it is in that range, and it is named if it alone takes them past what is known.
   */
  const later: { path: string; year: number }[] = [];
  const waitFor = (path: string, date: CalendarDate | undefined, maxDays: number) => {
    if (!date || !interviewDay) return;
    const days = calendarDaysBetween(interviewDay, date);
    if (days < 0) fields.push({ path, message: 'must not be before the interview' });
    else if (days > maxDays)
      fields.push({ path, message: `is more than ${maxDays} days after the interview` });
    else later.push({ path, year: date.year });
  };
  for (const { person, path } of submission.panel) {
    waitFor(
      `${path}.awayUntil`,
      person.awayUntil ? parseCalendarDate(person.awayUntil) : undefined,
      MAX_FUTURE_DAYS,
    );
  }
  const decisionBy = value.interview.decisionBy ? parseCalendarDate(value.interview.decisionBy) : undefined;
  waitFor('interview.decisionBy', decisionBy, MAX_DECISION_DAYS);
  // The follow-ups can fall into the year after the interview, after an away date or after the
  // decision date, whichever is latest.
  const lastYear = Math.max(year, ...later.map((d) => d.year)) + 1;
  const firstYear = year - 1;
  // The send-time rules read the zone's offsets up to the follow-up: refused here, not a 500 later,
  // on the field that takes them past what is known.
  if (
    !fields.some((f) => f.path === 'interview.endsAt') &&
    (year < FIRST_TZ_YEAR || lastYear > LAST_TZ_YEAR)
  ) {
    const culprit =
      year + 1 > LAST_TZ_YEAR || year < FIRST_TZ_YEAR
        ? undefined
        : later.find((d) => d.year + 1 > LAST_TZ_YEAR);
    fields.push({
      path: culprit?.path ?? 'interview.endsAt',
      message: `${OUTSIDE_TZ_YEARS} (up to the follow-up)`,
    });
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
    ...(decisionBy && { decisionBy }),
    ...(value.secondFollowUp && { secondFollowUp: true }),
  };
  return { ok: true, value: normalized(submission), endsAt, timing };
}

function article(expected: string): string {
  if (expected === 'boolean') return 'true or false';
  return /^[aeiou]/.test(expected) ? `an ${expected}` : `a ${expected}`;
}
