/**
 * The submission: one zod schema validates the request body and documents it.
 * Objects are strict, so a misspelt field ("followup") is an error rather than silently ignored.
 */
import { z } from 'zod';
import { isRealDate, isTimeZone, parseLocalMinute } from './time.js';

// Single-line text: anything that can reach a header or a subject must not carry CR, LF or any
// other control character (header injection), nor the Unicode line/paragraph separators.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

const line = (max: number) =>
  z
    .string()
    .trim()
    .min(1, 'must not be empty')
    .max(max, `must be at most ${max} characters`)
    .refine((s) => !CONTROL.test(s), 'must not contain line breaks or control characters');

const email = z
  .string()
  .trim()
  .max(254, 'must be at most 254 characters')
  .pipe(z.email('must be an email address'));

const LOCAL_MINUTE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/;
const WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/;

export const submissionSchema = z
  .strictObject({
    candidate: z.strictObject({
      name: line(100),
      email,
      phone: line(40).optional(),
    }),
    interviewer: z.strictObject({
      name: line(100),
      email,
    }),
    position: line(200),
    company: line(200).optional(),
    interview: z.strictObject({
      endsAt: z
        .string()
        .refine(
          (s) => LOCAL_MINUTE.test(s) || WITH_OFFSET.test(s),
          'must be a local time YYYY-MM-DDTHH:mm, or an ISO timestamp with an offset or Z',
        ),
      timeZone: z.string().refine(isTimeZone, 'must be an IANA time zone name such as America/New_York'),
    }),
    highlights: line(1000).optional(),
    followUp: z.boolean().default(true),
  })
  .superRefine((value, ctx) => {
    if (resolveEndsAt(value.interview.endsAt, value.interview.timeZone) === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['interview', 'endsAt'],
        message: 'is not a real date and time',
      });
    }
  });

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

export type ParseResult =
  | { ok: true; value: Submission; endsAt: Date }
  | { ok: false; fields: FieldProblem[] };

export function parseSubmission(body: unknown): ParseResult {
  const result = submissionSchema.safeParse(body);
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
      if (issue.code === 'invalid_type' && issue.input === undefined) {
        return { path, message: 'is required' };
      }
      return { path: path || '(body)', message: issue.message };
    });
    return { ok: false, fields };
  }
  const endsAt = resolveEndsAt(result.data.interview.endsAt, result.data.interview.timeZone);
  if (!endsAt)
    return { ok: false, fields: [{ path: 'interview.endsAt', message: 'is not a real date and time' }] };
  return { ok: true, value: result.data, endsAt };
}
