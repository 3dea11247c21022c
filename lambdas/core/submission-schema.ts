/**
 * The submission's schema: one zod schema validates the request body's shape and each field, and
 * documents it (the OpenAPI document is generated from it). schema.ts runs it and the rules that
 * look across fields (placeholders filled in, links, the interview's time).
 * Objects are strict, so a misspelt field ("followup") is an error rather than silently ignored.
 * zod/mini, not classic zod: the same checks and issues at 20 KiB of bundle instead of 440 KiB
 * (every message a person reads is our own, so its English locale is not needed).
 */
import * as z from 'zod/mini';
import { normalizeRegion } from './holidays.js';
import { MAX_PANEL, sameMailbox } from './panel.js';
import { DEFAULT_FOLLOW_UP_BUSINESS_DAYS, DEFAULT_THANK_YOU_DELAY_HOURS } from './sendTimes.js';
import {
  fillTemplate,
  hasStrayBraces,
  isPlaceholder,
  LONGEST_TIMED_VALUES,
  PLACEHOLDERS,
  type PlaceholderValues,
  placeholdersIn,
} from './templates.js';
import { formatCharacterIn, headerSyntaxIn } from './text.js';
import {
  type CalendarDate,
  canonicalTimeZone,
  FIRST_TZ_YEAR,
  isRealDate,
  isTimeZone,
  LAST_TZ_YEAR,
  parseLocalMinute,
  zonedTimeCovers,
} from './time.js';
import { EMAIL_ADDRESS, ISO_INSTANT, MAX_EMAIL_LENGTH } from './validate.js';

// Single-line text: anything that can reach a header or a subject must not carry CR, LF or any
// other control character (header injection), nor the Unicode line/paragraph separators.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

// The control check runs on the value as sent, before trimming: "Copywriter\r\n" is refused,
// not quietly cleaned.
const noControl = (s: string) => !CONTROL.test(s);
const CONTROL_MESSAGE = 'must not contain line breaks or control characters';

/** Text that reaches a subject but is no display name (position, company): no encoded words. */
const ENCODED_WORD_MESSAGE = 'must not contain "=?" (the syntax of an encoded email header)';
const noEncodedWord = z.refine<string>((s) => !s.includes('=?'), { message: ENCODED_WORD_MESSAGE });

export function headerSyntaxMessage(found: string): string {
  if (found === '=?') return ENCODED_WORD_MESSAGE;
  if (found === '"') return `must not contain '"'`;
  return '@<>'.includes(found)
    ? `must not contain "${found}"`
    : `must not contain "${found}" (it reads like < > or ")`;
}

export function formatMessage(char: string): string {
  return `must not contain invisible formatting characters (${codePoint(char)})`;
}

const codePoint = (char: string) =>
  `U+${(char.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;

/**
 * Invisible formatting characters (Unicode Cf): bidi controls can reverse what a reader sees
 * ("moc.elpmaxe" shown as "example.com"), zero-width ones hide text. `joiners` keeps the
 * zero-width (non-)joiners that emoji and some scripts need.
 */
const noFormatCharacters = (joiners: boolean) =>
  z.superRefine((s: string, ctx) => {
    const char = formatCharacterIn(s, joiners);
    if (char !== undefined) ctx.issues.push({ code: 'custom', input: s, message: formatMessage(char) });
  });

/** Display names and subjects: nothing that reads as a mailbox or an RFC 2047 encoded word. */
const noHeaderSyntax = z.superRefine((s: string, ctx) => {
  const found = headerSyntaxIn(s);
  if (found !== undefined) ctx.issues.push({ code: 'custom', input: s, message: headerSyntaxMessage(found) });
});

/** `kind` says which rules beyond the control characters apply (see README, "Submitted text"). */
const line = (max: number, kind: 'identity' | 'header' | 'text' = 'text') =>
  z.string().check(
    z.refine(noControl, { message: CONTROL_MESSAGE, abort: true }),
    // Before trimming too: trim() takes a leading BOM away as if it were a space.
    noFormatCharacters(kind === 'text'),
    z.trim(),
    z.minLength(1, 'must not be empty'),
    z.maxLength(max, `must be at most ${max} characters`),
    ...(kind === 'identity' ? [noHeaderSyntax] : []),
    ...(kind === 'header' ? [noEncodedWord] : []),
  );

// A custom body may have line breaks and tabs, but no other control characters.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
const BODY_CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;

/** A custom subject and body, with their placeholders filled in (README, "Custom messages"). */
export const MAX_SUBJECT = 200;
export const MAX_BODY = 5000;
/** A panelist's `note`. */
export const MAX_NOTE = 300;

const messageTemplate = z
  .strictObject({
    subject: z.optional(line(MAX_SUBJECT, 'identity')),
    body: z.optional(
      z.string().check(
        z.maxLength(MAX_BODY, `must be at most ${MAX_BODY} characters`),
        z.refine((s) => s.trim() !== '', 'must not be empty'),
        z.refine((s) => !BODY_CONTROL.test(s), 'must not contain control characters other than line breaks'),
        noFormatCharacters(true),
      ),
    ),
  })
  .check(z.refine((t) => t.subject !== undefined || t.body !== undefined, 'needs a subject, a body or both'));

// One schema, its checks in order (each stops the rest when it fails), so the OpenAPI document
// (lambdas/docs/openapi.ts) shows the length and the pattern of an address.
const email = z
  .string()
  .check(
    z.refine(noControl, { message: CONTROL_MESSAGE, abort: true }),
    z.trim(),
    z.maxLength(MAX_EMAIL_LENGTH, { message: `must be at most ${MAX_EMAIL_LENGTH} characters`, abort: true }),
    z.regex(EMAIL_ADDRESS, 'must be an email address'),
  );

const LOCAL_MINUTE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/;
const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** `YYYY-MM-DD` → calendar date; undefined when malformed or not a real date. */
export function parseCalendarDate(value: string): CalendarDate | undefined {
  const m = DATE_ONLY.exec(value);
  if (!m) return undefined;
  const [year, month, day] = m.slice(1).map(Number) as [number, number, number];
  return isRealDate(year, month, day) ? { year, month, day } : undefined;
}

/** How far back and ahead an interview may be (rule 6 of the send-time rules). */
export const MAX_PAST_DAYS = 7;
export const MAX_FUTURE_DAYS = 365;
export const DAY_MS = 86_400_000;

/** A whole number from min to max; one message for a wrong type, a fraction or out of range. */
const wholeNumber = (min: number, max: number, unit: string) => {
  const message = `must be a whole number of ${unit} from ${min} to ${max}`;
  return z.int(message).check(z.minimum(min, message), z.maximum(max, message));
};

/** A `YYYY-MM-DD` date field: a real day of the calendar. */
const calendarDate = (what: string) =>
  z
    .string()
    .check(z.refine((s) => parseCalendarDate(s) !== undefined, `must be a real date YYYY-MM-DD (${what})`));

/** One interviewer: `interviewers[n]`, or `interviewer`, the shorthand for a panel of one. */
const person = z.strictObject({
  name: line(100, 'identity'),
  email,
  /** A clause personal to them, woven into their emails by `{{note}}`. */
  note: z.optional(line(MAX_NOTE)),
  awayUntil: z.optional(calendarDate('the last day away')),
});

const PANEL_SIZE = `must list 1 to ${MAX_PANEL} interviewers`;

/** The message kinds a submission may write, in the order their emails go out. */
export const MESSAGE_KINDS = ['thankYou', 'followUp', 'secondFollowUp'] as const;
export type MessageKind = (typeof MESSAGE_KINDS)[number];

/** What a body the same for two panelists lacks: the placeholders whose values are each one's own. */
const PERSONAL = 'use {{interviewerName}} or {{note}}';

type PersonOutput = z.output<typeof person>;

/**
 * The panel as sent: `interviewers`, or the one `interviewer` of the shorthand, with the path
 * each one's problems are reported under (the field the caller sent: `interviewers.1`,
 * `interviewer`).
 */
export function panelOf(value: {
  interviewer?: PersonOutput | undefined;
  interviewers?: PersonOutput[] | undefined;
}): { people: PersonOutput[]; pathOf: (index: number) => (string | number)[] } {
  if (value.interviewers) return { people: value.interviewers, pathOf: (i) => ['interviewers', i] };
  return { people: value.interviewer ? [value.interviewer] : [], pathOf: () => ['interviewer'] };
}

/** The placeholder values for one panelist; the timed ones at their longest. */
export function valuesFor(
  value: {
    candidate: { name: string };
    position: string;
    company?: string | undefined;
    highlights?: string | undefined;
  },
  person: Pick<PersonOutput, 'name' | 'note'>,
): PlaceholderValues {
  return {
    interviewerName: person.name,
    candidateName: value.candidate.name,
    position: value.position,
    company: value.company ?? '',
    highlights: value.highlights ?? '',
    note: person.note ?? '',
    ...LONGEST_TIMED_VALUES,
  };
}

export const submissionSchema = z
  .strictObject({
    candidate: z.strictObject({
      name: line(100, 'identity'),
      email,
      phone: z.optional(line(40)),
    }),
    interviewers: z.optional(
      z.array(person).check(z.minLength(1, PANEL_SIZE), z.maxLength(MAX_PANEL, PANEL_SIZE)),
    ),
    interviewer: z.optional(person),
    position: line(200, 'header'),
    company: z.optional(line(200, 'header')),
    interview: z.strictObject({
      endsAt: z
        .string()
        .check(
          z.refine(
            (s) => LOCAL_MINUTE.test(s) || ISO_INSTANT.test(s),
            'must be a local time YYYY-MM-DDTHH:mm, or an ISO timestamp with an offset or Z',
          ),
        ),
      // Canonicalised here, before anything else reads it: `us/pacific`, `US/Pacific` and
      // `America/Los_Angeles` are stored, answered and scheduled as `America/Los_Angeles`.
      timeZone: z.pipe(
        z.string(),
        z.transform((zone: string, ctx) => {
          const canonical = canonicalTimeZone(zone);
          if (canonical === undefined) {
            ctx.issues.push({
              code: 'custom',
              input: zone,
              message: 'must be an IANA time zone name such as America/New_York',
            });
            return z.NEVER;
          }
          return canonical;
        }),
      ),
      /** The day the employer said they would decide: no follow-up before it has passed. */
      decisionBy: z.optional(calendarDate('the day the employer said they would decide')),
    }),
    highlights: z.optional(line(1000)),
    followUp: z._default(z.boolean(), true),
    secondFollowUp: z._default(z.boolean(), false),
    copyCandidate: z._default(z.boolean(), true),
    messages: z.optional(
      z.strictObject({
        thankYou: z.optional(messageTemplate),
        followUp: z.optional(messageTemplate),
        secondFollowUp: z.optional(messageTemplate),
      }),
    ),
    thankYouDelayHours: z._default(wholeNumber(1, 48, 'hours'), DEFAULT_THANK_YOU_DELAY_HOURS),
    followUpBusinessDays: z._default(wholeNumber(1, 10, 'business days'), DEFAULT_FOLLOW_UP_BUSINESS_DAYS),
    holidays: z.optional(
      z.pipe(
        z.string(),
        z.transform((region: string, ctx) => {
          const known = normalizeRegion(region);
          if (known === undefined) {
            ctx.issues.push({
              code: 'custom',
              input: region,
              message: `is not a known holiday region: use a country code, optionally with a subdivision ("US", "US-CA", "DE-BY")`,
            });
            return z.NEVER;
          }
          return known;
        }),
      ),
    ),
  })
  .check(
    // The panel's two spellings, one of them exactly: checked even when other fields are wrong
    // (a missing panel is as much a missing field as a missing position).
    z.superRefine(
      (value, ctx) => {
        const given = (v: unknown) => v !== undefined;
        if (!given(value.interviewers) && !given(value.interviewer)) {
          ctx.addIssue({
            code: 'custom',
            path: ['interviewers'],
            message: 'is required (or give interviewer, a list of one)',
          });
        } else if (given(value.interviewers) && given(value.interviewer)) {
          ctx.addIssue({
            code: 'custom',
            path: ['interviewer'],
            message: 'give interviewers or interviewer, not both',
          });
        }
      },
      {
        when: (payload) =>
          typeof payload.value === 'object' && payload.value !== null && !Array.isArray(payload.value),
      },
    ),
    z.superRefine((value, ctx) => {
      const { people, pathOf } = panelOf(value);
      const at = (i: number, field: string) => [...pathOf(i), field];
      people.forEach((p, i) => {
        if (sameMailbox(p.email, value.candidate.email)) {
          ctx.addIssue({ code: 'custom', path: at(i, 'email'), message: "is the candidate's own address" });
        } else if (people.slice(0, i).some((q) => sameMailbox(q.email, p.email))) {
          ctx.addIssue({
            code: 'custom',
            path: at(i, 'email'),
            message: 'is given twice: each interviewer once',
          });
        }
      });
      const withoutNote = people.findIndex((p) => p.note === undefined);
      for (const kind of MESSAGE_KINDS) {
        for (const part of ['subject', 'body'] as const) {
          const template = value.messages?.[kind]?.[part];
          if (template === undefined) continue;
          const path = ['messages', kind, part];
          const problems: string[] = [];
          if (hasStrayBraces(template)) {
            problems.push('has a "{{" or "}}" that is not part of a placeholder such as {{interviewerName}}');
          }
          for (const name of placeholdersIn(template)) {
            if (!isPlaceholder(name)) {
              problems.push(
                `has an unknown placeholder {{${name}}}; use ${PLACEHOLDERS.map((p) => `{{${p}}}`).join(', ')}`,
              );
            } else if ((name === 'company' || name === 'highlights') && !value[name]) {
              problems.push(`uses {{${name}}} but ${name} is not given`);
            } else if (name === 'note' && withoutNote !== -1) {
              problems.push(`uses {{note}} but ${[...pathOf(withoutNote), 'note'].join('.')} is not given`);
            }
          }
          if (part === 'body' && problems.length === 0 && people.length > 1) {
            // Each panelist gets an email of their own: two alike would read as a form letter.
            const texts = new Set(people.map((p) => fillTemplate(template, valuesFor(value, p))));
            if (texts.size < people.length) problems.push(`must differ between interviewers: ${PERSONAL}`);
          }
          for (const message of problems) ctx.addIssue({ code: 'custom', path, message });
        }
      }
      if (resolveEndsAt(value.interview.endsAt, value.interview.timeZone) === undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['interview', 'endsAt'],
          message: endsAtProblem(value.interview.endsAt, value.interview.timeZone),
        });
      }
    }),
  );

export type Submission = z.infer<typeof submissionSchema>;

export const OUTSIDE_TZ_YEARS = `is outside ${FIRST_TZ_YEAR}–${LAST_TZ_YEAR}, the years the time-zone rules are known for`;

/** Why an end that resolveEndsAt could not resolve is refused. */
export function endsAtProblem(endsAt: string, zone: string): string {
  const year = Number(endsAt.slice(0, 4));
  return LOCAL_MINUTE.test(endsAt) && isTimeZone(zone) && !zonedTimeCovers(year, zone)
    ? OUTSIDE_TZ_YEARS
    : 'is not a real date and time';
}

/** The end of the interview as an instant; undefined when it does not name a real moment. */
export function resolveEndsAt(endsAt: string, zone: string): Date | undefined {
  if (LOCAL_MINUTE.test(endsAt)) return isTimeZone(zone) ? parseLocalMinute(endsAt, zone) : undefined;
  if (!ISO_INSTANT.test(endsAt)) return undefined;
  const date = new Date(endsAt);
  if (Number.isNaN(date.getTime())) return undefined;
  // Date accepts 2026-02-30 by rolling over; reject a calendar date that does not exist.
  const [y, m, d] = endsAt.slice(0, 10).split('-').map(Number) as [number, number, number];
  return isRealDate(y, m, d) ? date : undefined;
}
