/**
 * What the API answers about an interview: every interviewer email, person by person, each with
 * the address it goes to. The confirmation is internal.
 */
import type { ScheduledKind } from './events.js';
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
