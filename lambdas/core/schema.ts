/**
 * The submission: one zod schema validates the request body and documents it.
 * Objects are strict, so a misspelt field ("followup") is an error rather than silently ignored.
 * zod/mini, not classic zod: the same checks and issues at 20 KiB of bundle instead of 440 KiB
 * (every message a person reads is our own, so its English locale is not needed).
 */
import * as z from 'zod/mini';
import { FIRST_HOLIDAY_YEAR, LAST_HOLIDAY_YEAR, normalizeRegion } from './holidays.js';
import {
  DEFAULT_FOLLOW_UP_BUSINESS_DAYS,
  DEFAULT_THANK_YOU_DELAY_HOURS,
  type TimingSettings,
} from './sendTimes.js';
import { isPlaceholder, PLACEHOLDERS, placeholdersIn } from './templates.js';
import { type CalendarDate, isRealDate, isTimeZone, parseLocalMinute } from './time.js';

// Single-line text: anything that can reach a header or a subject must not carry CR, LF or any
// other control character (header injection), nor the Unicode line/paragraph separators.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

// The control check runs on the value as sent, before trimming: "Copywriter\r\n" is refused,
// not quietly cleaned.
const noControl = (s: string) => !CONTROL.test(s);
const CONTROL_MESSAGE = 'must not contain line breaks or control characters';

const line = (max: number) =>
  z
    .string()
    .check(
      z.refine(noControl, { message: CONTROL_MESSAGE, abort: true }),
      z.trim(),
      z.minLength(1, 'must not be empty'),
      z.maxLength(max, `must be at most ${max} characters`),
    );

// A custom body may have line breaks and tabs, but no other control characters.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
const BODY_CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;

const messageTemplate = z
  .strictObject({
    subject: z.optional(line(200)),
    body: z.optional(
      z.string().check(
        z.maxLength(5000, 'must be at most 5000 characters'),
        z.refine((s) => s.trim() !== '', 'must not be empty'),
        z.refine((s) => !BODY_CONTROL.test(s), 'must not contain control characters other than line breaks'),
      ),
    ),
  })
  .check(z.refine((t) => t.subject !== undefined || t.body !== undefined, 'needs a subject, a body or both'));

const email = z.pipe(
  z
    .string()
    .check(
      z.refine(noControl, { message: CONTROL_MESSAGE, abort: true }),
      z.trim(),
      z.maxLength(254, 'must be at most 254 characters'),
    ),
  z.email('must be an email address'),
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
const DAY_MS = 86_400_000;
const WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/;

/** A whole number from min to max; one message for a wrong type, a fraction or out of range. */
const wholeNumber = (min: number, max: number, unit: string) => {
  const message = `must be a whole number of ${unit} from ${min} to ${max}`;
  return z.int(message).check(z.minimum(min, message), z.maximum(max, message));
};

export const submissionSchema = z
  .strictObject({
    candidate: z.strictObject({
      name: line(100),
      email,
      phone: z.optional(line(40)),
    }),
    interviewer: z.strictObject({
      name: line(100),
      email,
      awayUntil: z.optional(
        z
          .string()
          .check(
            z.refine(
              (s) => parseCalendarDate(s) !== undefined,
              'must be a real date YYYY-MM-DD (the last day away)',
            ),
          ),
      ),
    }),
    position: line(200),
    company: z.optional(line(200)),
    interview: z.strictObject({
      endsAt: z
        .string()
        .check(
          z.refine(
            (s) => LOCAL_MINUTE.test(s) || WITH_OFFSET.test(s),
            'must be a local time YYYY-MM-DDTHH:mm, or an ISO timestamp with an offset or Z',
          ),
        ),
      timeZone: z
        .string()
        .check(z.refine(isTimeZone, 'must be an IANA time zone name such as America/New_York')),
    }),
    highlights: z.optional(line(1000)),
    followUp: z._default(z.boolean(), true),
    copyCandidate: z._default(z.boolean(), true),
    messages: z.optional(
      z.strictObject({ thankYou: z.optional(messageTemplate), followUp: z.optional(messageTemplate) }),
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
    z.superRefine((value, ctx) => {
      for (const kind of ['thankYou', 'followUp'] as const) {
        for (const part of ['subject', 'body'] as const) {
          const template = value.messages?.[kind]?.[part];
          if (template === undefined) continue;
          const path = ['messages', kind, part];
          for (const name of placeholdersIn(template)) {
            if (!isPlaceholder(name)) {
              ctx.addIssue({
                code: 'custom',
                path,
                message: `has an unknown placeholder {{${name}}}; use ${PLACEHOLDERS.map((p) => `{{${p}}}`).join(', ')}`,
              });
            } else if ((name === 'company' || name === 'highlights') && !value[name]) {
              ctx.addIssue({ code: 'custom', path, message: `uses {{${name}}} but ${name} is not given` });
            }
          }
        }
      }
      if (resolveEndsAt(value.interview.endsAt, value.interview.timeZone) === undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['interview', 'endsAt'],
          message: 'is not a real date and time',
        });
      }
    }),
  );

export type Submission = z.infer<typeof submissionSchema>;

/** The end of the interview as an instant; undefined when it does not name a real moment. */
export function resolveEndsAt(endsAt: string, zone: string): Date | undefined {
  if (LOCAL_MINUTE.test(endsAt)) return isTimeZone(zone) ? parseLocalMinute(endsAt, zone) : undefined;
  if (!WITH_OFFSET.test(endsAt)) return undefined;
  const date = new Date(endsAt);
  if (Number.isNaN(date.getTime())) return undefined;
  // Date accepts 2026-02-30 by rolling over; reject a calendar date that does not exist.
  const [y, m, d] = endsAt.slice(0, 10).split('-').map(Number) as [number, number, number];
  return isRealDate(y, m, d) ? date : undefined;
}

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

/** Validates a body against the schema and against `now` (how far back or ahead the interview is). */
export function parseSubmission(body: unknown, now: Date): ParseResult {
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
  const endsAt = resolveEndsAt(value.interview.endsAt, value.interview.timeZone);
  if (!endsAt)
    return { ok: false, fields: [{ path: 'interview.endsAt', message: 'is not a real date and time' }] };
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
