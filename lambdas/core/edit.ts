/**
 * Editing an interview (PATCH /interviews/{id}): the document an edit applies to, JSON Merge
 * Patch (RFC 7396) over it, and the validation of the result, which is the submission's own
 * (parseSubmission) plus what may not change after submission. Pure; the re-planning of the
 * emails is replan.ts, the use case usecases/edit.ts.
 *
 * The document is what `GET /interviews/{id}` shows of the submission: the same fields a POST
 * takes, with each interviewer's `id`. Arrays replace whole (RFC 7396), so a panel is edited by
 * sending the whole `interviewers` list: an entry with an `id` is that interviewer (changed as
 * given), one without is a new interviewer, and an id left out is an interviewer removed.
 */
import { FOLLOW_UP_NOT_WANTED, formatCalendarDate, type InterviewRecord } from './interview.js';
import { emailKey, type Panelist, sameAddress } from './panel.js';
import { type FieldProblem, parseSubmission, type TextRules, type ValidSubmission } from './schema.js';
import type { MessageTemplates } from './templates.js';

/** The submission as an edit sees it (and GET shows it). */
export interface EditDocument {
  candidate: { name: string; email: string; phone?: string };
  interviewers: Panelist[];
  position: string;
  company?: string;
  interview: { endsAt: string; timeZone: string; decisionBy?: string };
  highlights?: string;
  followUp: boolean;
  secondFollowUp: boolean;
  copyCandidate: boolean;
  messages?: MessageTemplates;
  thankYouDelayHours: number;
  followUpBusinessDays: number;
  holidays?: string;
}

/**
 * Whether the follow-ups are wanted: false once an edit turned them off (`record.followUp`), or
 * when intake's `"followUp": false` skipped them with its reason.
 */
export function followUpWanted(record: InterviewRecord): boolean {
  if (record.followUp !== undefined) return record.followUp;
  return !record.interviewers.some((p) =>
    (['follow-up', 'second-follow-up'] as const).some(
      (kind) => record.emails[emailKey(kind, p.id)]?.reason === FOLLOW_UP_NOT_WANTED,
    ),
  );
}

export function documentOf(record: InterviewRecord): EditDocument {
  const { timing } = record;
  return {
    candidate: { ...record.candidate },
    interviewers: record.interviewers.map((p) => ({ ...p })),
    position: record.position,
    ...(record.company !== undefined && { company: record.company }),
    interview: {
      endsAt: record.interview.endsAt,
      timeZone: record.interview.timeZone,
      ...(timing.decisionBy && { decisionBy: formatCalendarDate(timing.decisionBy) }),
    },
    ...(record.highlights !== undefined && { highlights: record.highlights }),
    followUp: followUpWanted(record),
    secondFollowUp: timing.secondFollowUp === true,
    copyCandidate: record.copyCandidate,
    ...(record.messages && { messages: record.messages }),
    thankYouDelayHours: timing.thankYouDelayHours,
    followUpBusinessDays: timing.followUpBusinessDays,
    ...(timing.holidays && { holidays: timing.holidays }),
  };
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * RFC 7396: `null` removes a member, an object merges member by member, anything else (an array
 * too) replaces. Written here rather than taken from a package: it is these few lines, and a
 * member named `__proto__` must stay a member (defineProperty), never reach a prototype.
 */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return patch;
  const out: Record<string, unknown> = {};
  if (isObject(target)) for (const [k, v] of Object.entries(target)) define(out, k, v);
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else define(out, k, mergePatch(out[k], v));
  }
  return out;
}

function define(object: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
}

/** Members of the GET body an edit cannot set: `id` may come along unchanged, `emails` and `history` not at all. */
export const READ_ONLY = ['id', 'emails', 'history'] as const;

/** One explicit new time asked for (`reschedule`, see replan.ts). */
export interface RescheduleRequest {
  kind: 'thank-you' | 'follow-up' | 'second-follow-up';
  to?: string;
  /** A local wall time in the interview's zone, `YYYY-MM-DDTHH:mm`. */
  at: string;
  /** Where in the body, for errors (`reschedule.0`). */
  path: string;
}

export interface ParsedEdit {
  ok: true;
  submission: ValidSubmission;
  /** The id of each interviewer of `submission.value.interviewers`, undefined for one added. */
  ids: (number | undefined)[];
  reschedule: RescheduleRequest[];
}

export type EditParse = ParsedEdit | { ok: false; fields: FieldProblem[] };

const KINDS = ['thank-you', 'follow-up', 'second-follow-up'] as const;
const LOCAL_MINUTE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/;

function parseReschedule(value: unknown, problems: FieldProblem[]): RescheduleRequest[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || value.length > 24) {
    problems.push({ path: 'reschedule', message: 'must be a list of at most 24 {kind, to?, at}' });
    return [];
  }
  return value.flatMap((item: unknown, i): RescheduleRequest[] => {
    const path = `reschedule.${i}`;
    if (!isObject(item)) {
      problems.push({ path, message: 'must be an object {kind, to?, at}' });
      return [];
    }
    const { kind, to, at, ...rest } = item;
    const unknown = Object.keys(rest);
    if (unknown.length > 0) problems.push({ path, message: `unknown field(s): ${unknown.join(', ')}` });
    if (!(KINDS as readonly unknown[]).includes(kind)) {
      problems.push({ path: `${path}.kind`, message: `must be one of ${KINDS.join(', ')}` });
    }
    if (to !== undefined && (typeof to !== 'string' || to.length > 254)) {
      problems.push({ path: `${path}.to`, message: 'must be an interviewer’s email address' });
    }
    if (typeof at !== 'string' || !LOCAL_MINUTE.test(at)) {
      problems.push({
        path: `${path}.at`,
        message: 'must be a local time YYYY-MM-DDTHH:mm in the interview’s time zone',
      });
    }
    return unknown.length === 0 && typeof at === 'string'
      ? [{ kind: kind as RescheduleRequest['kind'], ...(typeof to === 'string' && { to }), at, path }]
      : [];
  });
}

/**
 * The edited submission, validated as a submission is at intake (against the time it was made,
 * so the interview's date window is the one it passed then), and what an edit may not change:
 * the interview's time and zone, the candidate's address (whose interview it is), a follow-up
 * turned back on, an interviewer id that is not one of the panel's.
 */
export function parseEdit(record: InterviewRecord, body: unknown, rules: TextRules): EditParse {
  if (!isObject(body)) {
    return { ok: false, fields: [{ path: '(body)', message: 'must be a JSON object (a merge patch)' }] };
  }
  const problems: FieldProblem[] = [];
  const { reschedule, ...patch } = body;
  const current = documentOf(record) as unknown as Record<string, unknown>;
  const readOnly = { id: record.id } as Record<string, unknown>;
  for (const field of READ_ONLY) {
    if (patch[field] === undefined) continue;
    if (field !== 'id' || patch[field] !== readOnly.id) {
      problems.push({ path: field, message: 'is read-only: an edit cannot set it' });
    }
    delete patch[field];
  }
  const requests = parseReschedule(reschedule, problems);
  const merged = mergePatch(current, patch) as Record<string, unknown>;
  // Each interviewer's id out of the document before the submission's schema sees it.
  const known = new Set(record.interviewers.map((p) => p.id));
  const seen = new Set<number>();
  const ids: (number | undefined)[] = [];
  if (Array.isArray(merged.interviewers)) {
    merged.interviewers = merged.interviewers.map((person: unknown, i) => {
      if (!isObject(person) || person.id === undefined) {
        ids.push(undefined);
        return person;
      }
      const { id, ...rest } = person;
      if (typeof id !== 'number' || !known.has(id) || seen.has(id)) {
        problems.push({
          path: `interviewers.${i}.id`,
          message: seen.has(id as number)
            ? 'is given twice: each interviewer once'
            : 'is none of this interview’s interviewers (leave it out to add someone)',
        });
      } else seen.add(id);
      ids.push(typeof id === 'number' ? id : undefined);
      return rest;
    });
  }
  if (problems.length > 0) return { ok: false, fields: problems };
  const parsed = parseSubmission(merged, new Date(record.createdAt), rules);
  if (!parsed.ok) return parsed;
  const fixed: [string, boolean][] = [
    ['interview.endsAt', parsed.endsAt.toISOString() !== record.interview.endsAt],
    ['interview.timeZone', parsed.value.interview.timeZone !== record.interview.timeZone],
    ['candidate.email', !sameAddress(parsed.value.candidate.email, record.candidate.email)],
  ];
  for (const [path, changed] of fixed) {
    if (changed) problems.push({ path, message: 'cannot be changed after submission' });
  }
  if (parsed.value.followUp && !followUpWanted(record)) {
    problems.push({ path: 'followUp', message: 'can be turned off after submission, not on' });
  }
  if (parsed.value.secondFollowUp && record.timing.secondFollowUp !== true) {
    problems.push({ path: 'secondFollowUp', message: 'can be turned off after submission, not on' });
  }
  if (problems.length > 0) return { ok: false, fields: problems };
  return { ok: true, submission: parsed, ids, reschedule: requests };
}
