/**
 * What the API answers about an interview: every interviewer email, person by person, each with
 * the address it goes to. The confirmation is internal.
 */
import { createHash } from 'node:crypto';
import { canonicalJson } from './canonical.js';
import { documentOf, type EditDocument } from './edit.js';
import type { EmailKind, ScheduledKind } from './events.js';
import type { HistoryEntry } from './history.js';
import { type EmailStatus, type InterviewRecord, scheduledKeys } from './interview.js';
import { type EmailKey, kindOf, panelistOf } from './panel.js';
import { toLocalMinute } from './time.js';

export interface EmailView {
  kind: ScheduledKind;
  /** The interviewer it goes to. */
  to: string;
  status: EmailStatus;
  sendAt?: string;
  /**
   * The time first planned, kept when the late-send policy moves `sendAt` (lateness.ts): how late
   * a thank-you is counts from here, however often it moved.
   */
  plannedAt?: string;
  localSendAt?: string;
  timeZone: string;
  reason?: string;
  sentAt?: string;
}

export interface InterviewView {
  id: string;
  emails: EmailView[];
}

export function toView(record: InterviewRecord): InterviewView {
  return {
    id: record.id,
    emails: scheduledKeys(record).flatMap((key) => {
      const view = emailView(record, key);
      return view ? [view] : [];
    }),
  };
}

/** One interviewer email as the API shows it; undefined for the confirmation or an unknown key. */
export function emailView(record: InterviewRecord, key: EmailKey): EmailView | undefined {
  const e = record.emails[key];
  const person = panelistOf(record.interviewers, key);
  if (!e || !person) return undefined;
  const zone = record.interview.timeZone;
  return {
    kind: kindOf(key) as ScheduledKind,
    to: person.email,
    status: e.status,
    ...(e.sendAt && { sendAt: e.sendAt, localSendAt: toLocalMinute(new Date(e.sendAt), zone) }),
    ...(e.plannedAt && { plannedAt: e.plannedAt }),
    timeZone: zone,
    ...(e.reason && { reason: e.reason }),
    ...(e.sentAt && { sentAt: e.sentAt }),
  };
}

/** One history entry as the API shows it: the email named by its kind and address. */
export interface HistoryView {
  at: string;
  by: HistoryEntry['by'];
  keyId?: string;
  action: HistoryEntry['action'];
  fields?: string[];
  email?: { kind: EmailKind; to?: string };
}

/**
 * The strong ETag of what `GET /interviews/{id}` answers: any change to the interview (an edit, a
 * send, a cancel, an entry in its history) gives a new one. `If-Match` on PATCH compares to it.
 */
export function etagOf(record: InterviewRecord): string {
  const digest = createHash('sha256')
    .update(canonicalJson(toOwnerView(record)))
    .digest('hex');
  return `"${digest.slice(0, 32)}"`;
}

/**
 * What `GET /interviews/{id}` answers its owner: the submission as an edit sees it (edit.ts, with
 * each interviewer's id), the emails, and the history, oldest first. Only
 * the owner sees the history (it names API key ids); the cancel link's answers carry none.
 */
export function toOwnerView(
  record: InterviewRecord,
): InterviewView & EditDocument & { history: HistoryView[] } {
  const { id, emails } = toView(record);
  return {
    id,
    ...documentOf(record),
    emails,
    history: (record.history ?? []).map(({ email, ...h }): HistoryView => {
      const person = email ? panelistOf(record.interviewers, email) : undefined;
      return { ...h, ...(email && { email: { kind: kindOf(email), ...(person && { to: person.email }) } }) };
    }),
  };
}
