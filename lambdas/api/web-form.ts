/**
 * The self-serve form's values as the use cases take them (web.tsx for a new request, manage.tsx
 * for an edit), its rows, and the `429` page's words for each limit.
 */
import { MAX_PANEL, type Panelist } from '../core/panel.js';
import type { FormValues } from './web-pages.js';

/** The form's own fields: any other name posted is ignored, never walked into. */
const TOP_FIELDS = ['position', 'company', 'highlights', 'holidays'] as const;
const CANDIDATE_FIELDS = ['name', 'email', 'phone'] as const;
const INTERVIEW_FIELDS = ['endsAt', 'timeZone', 'decisionBy'] as const;
const PERSON_FIELDS = ['name', 'email', 'note', 'awayUntil'] as const;

/** A field as typed, trimmed; undefined when blank or not posted (never an inherited member). */
export function typed(values: FormValues, name: string): string | undefined {
  const value = Object.hasOwn(values, name) ? values[name]?.trim() : undefined;
  return value === '' ? undefined : value;
}

const pick = (values: FormValues, prefix: string, fields: readonly string[]) =>
  Object.fromEntries(
    fields.flatMap((field) => {
      const value = typed(values, `${prefix}${field}`);
      return value === undefined ? [] : [[field, value]];
    }),
  );

/**
 * The form's fields as a submission body, field by known field (a posted name such as
 * `__proto__.x` reaches nothing): blanks left out, checkboxes as booleans.
 */
export function formBody(values: FormValues, rows: number): Record<string, unknown> {
  return {
    ...pick(values, '', TOP_FIELDS),
    candidate: pick(values, 'candidate.', CANDIDATE_FIELDS),
    interview: pick(values, 'interview.', INTERVIEW_FIELDS),
    interviewers: Array.from({ length: rows }, (_, i) => pick(values, `interviewers.${i}.`, PERSON_FIELDS)),
    ...(typed(values, 'secondFollowUp') === 'on' && { secondFollowUp: true }),
    ...(typed(values, 'noFollowUp') === 'on' && { followUp: false }),
  };
}

/**
 * The form as a JSON merge patch of the edit document (core/edit.ts): a blank optional field is
 * removed (`null`), the panel is the rows as listed (a row with an id is that person, one without
 * is added, an id left out is removed), the follow-up box is `followUp`. What the form does not
 * show (the candidate's address, the interview's time and zone, custom messages) stays as it is.
 */
export function editPatch(values: FormValues, rows: number): Record<string, unknown> {
  const orNull = (name: string) => typed(values, name) ?? null;
  const person = (i: number) => {
    const id = typed(values, `interviewers.${i}.id`);
    const fields = pick(values, `interviewers.${i}.`, PERSON_FIELDS);
    // An id that is not a small whole number goes on as typed: the edit refuses it on its field.
    return id === undefined ? fields : { id: /^\d{1,4}$/.test(id) ? Number(id) : id, ...fields };
  };
  return {
    candidate: { name: orNull('candidate.name'), phone: orNull('candidate.phone') },
    position: orNull('position'),
    company: orNull('company'),
    highlights: orNull('highlights'),
    holidays: orNull('holidays'),
    interview: { decisionBy: orNull('interview.decisionBy') },
    interviewers: Array.from({ length: rows }, (_, i) => person(i)),
    secondFollowUp: typed(values, 'secondFollowUp') === 'on',
    followUp: typed(values, 'noFollowUp') !== 'on',
  };
}

/** One interviewer as the edit form's row `i` (with the hidden id that names them). */
export function editableRow(i: number, p: Panelist): FormValues {
  return {
    [`interviewers.${i}.id`]: String(p.id),
    [`interviewers.${i}.name`]: p.name,
    [`interviewers.${i}.email`]: p.email,
    ...(p.note && { [`interviewers.${i}.note`]: p.note }),
    ...(p.awayUntil && { [`interviewers.${i}.awayUntil`]: p.awayUntil }),
  };
}

/** The form's values with interviewer row `gone` taken out and the later ones moved up. */
export function withoutRow(values: FormValues, gone: number): FormValues {
  const out: FormValues = {};
  for (const [name, value] of Object.entries(values)) {
    const m = /^interviewers\.(\d+)\.(.+)$/.exec(name);
    if (!m) out[name] = value;
    else if (Number(m[1]) < gone) out[name] = value;
    else if (Number(m[1]) > gone) out[`interviewers.${Number(m[1]) - 1}.${m[2]}`] = value;
  }
  return out;
}

/**
 * An "Add an interviewer" or "Remove interviewer N" post-back (the buttons that work without
 * JavaScript): the form's values and rows to show again as typed, unchecked; undefined for any
 * other post.
 */
export function rowChange(values: FormValues): { values: FormValues; rows: number } | undefined {
  const rows = panelRows(values);
  if (values.add !== undefined) return { values, rows: Math.min(rows + 1, MAX_PANEL) };
  const gone = Number(values.remove);
  if (values.remove !== undefined && Number.isInteger(gone) && gone >= 0 && gone < rows && rows > 1) {
    return { values: withoutRow(values, gone), rows: rows - 1 };
  }
  return undefined;
}

/** "5 minutes", "3 hours": when a full window takes one more, for people. */
export function waitFor(seconds: number): string {
  const minutes = Math.max(1, Math.ceil(seconds / 60));
  if (minutes < 90) return `${minutes} minute${minutes === 1 ? '' : 's'}`;
  const hours = Math.ceil(minutes / 60);
  return `${hours} hours`;
}

/**
 * The `429` page's words for the limit that refused (access.ts's window names): who is at their
 * limit, and when to try again. A limit not named here (a new one) still says when.
 */
export function limitText(limit: string, seconds: number): string {
  const when = `Please try again in ${waitFor(seconds)}.`;
  if (limit === 'self-serve-per-ip-per-hour')
    return `This connection has sent as many requests as one may in an hour. ${when}`;
  if (limit === 'confirmations-per-candidate-per-day')
    return `Your address has had as many emails from us today as one may get. ${when}`;
  if (limit.startsWith('per-interviewer-per-day'))
    return `An interviewer you named has had as many emails today as one may get from us. ${when}`;
  return `Too many requests for now. ${when}`;
}

/** How many interviewer rows the form shows: those typed into, at least one, at most MAX_PANEL. */
export function panelRows(values: FormValues): number {
  const typed = Object.keys(values)
    .map((name) => /^interviewers\.(\d+)\./.exec(name)?.[1])
    .filter((i): i is string => i !== undefined)
    .map(Number);
  return Math.min(MAX_PANEL, Math.max(1, ...typed.map((i) => i + 1)));
}

/** What a field is called on the form, for a problem the preview names. */
export function labelOf(path: string): string {
  const person = /^interviewers\.(\d+)\.(\w+)$/.exec(path);
  if (person) {
    const part = { name: 'name', email: 'email', note: 'note', awayUntil: 'away date' }[person[2] ?? ''];
    return `interviewer ${Number(person[1]) + 1}’s ${part ?? person[2]}`;
  }
  const labels: Record<string, string> = {
    'candidate.name': 'your name',
    'candidate.email': 'your email',
    'candidate.phone': 'your phone',
    position: 'the position',
    company: 'the company',
    'interview.endsAt': 'when it ended',
    'interview.timeZone': 'the time zone',
    'interview.decisionBy': 'the decision date',
    highlights: 'what you would like to stress',
    holidays: 'the public holidays',
    interviewers: 'the interviewers',
  };
  return labels[path] ?? path;
}
