/**
 * Helpers shared by the unit tests of the schema, the text rules and the emails:
 * - `fieldsOf` and `accepted` run a submission through `parseSubmission` at `NOW`;
 * - `record` builds the documented example as stored, and `renderThankYou`, `renderFollowUp`
 *   and `renderSecond` render one panelist's email of it.
 */
import { type OutgoingEmail, renderForInterviewer } from '../../lambdas/core/emails.js';
import type { ScheduledKind } from '../../lambdas/core/events.js';
import {
  type EmailState,
  type EmailStates,
  FOLLOW_UP_NOT_WANTED,
  type InterviewRecord,
} from '../../lambdas/core/interview.js';
import { emailKey, type Panelist } from '../../lambdas/core/panel.js';
import { parseSubmission } from '../../lambdas/core/schema.js';
import { NOW } from '../fixtures.js';

/** The problems `parseSubmission` finds in `body`; throws when it finds none. */
export function fieldsOf(body: unknown, linkAllowlist: string[] = []) {
  const r = parseSubmission(body, NOW, { linkAllowlist });
  if (r.ok) throw new Error('expected a validation error');
  return r.fields;
}

/** Whether `parseSubmission` accepts `body`. */
export const accepted = (body: unknown, linkAllowlist: string[] = []) =>
  parseSubmission(body, NOW, { linkAllowlist }).ok;

export const NY = 'America/New_York';
const ID = 'c0ffee00-0000-4000-8000-000000000001';
const STAMP = '2026-11-27T19:30:00.000Z';
export const MANAGER: Panelist = { id: 1, name: 'Mrs. Hiring Manager', email: 'manager@example.org' };
export const SENDER = 'followup@example.com';
/** When each kind is planned: Friday 5:00 PM, Wednesday 10:00 AM and the Wednesday after, New York. */
export const PLANNED: Record<ScheduledKind, string> = {
  'thank-you': '2026-11-27T22:00:00.000Z',
  'follow-up': '2026-12-02T15:00:00.000Z',
  'second-follow-up': '2026-12-09T15:00:00.000Z',
};

interface Options {
  interviewers?: Panelist[];
  followUp?: boolean;
  secondFollowUp?: boolean;
  /** Changes to single emails, by key. */
  emails?: Record<string, Partial<EmailState>>;
}

/**
 * The documented example as stored, built by hand (one interviewer unless told): every email
 * scheduled, keyed per panelist. `patch` replaces top-level fields (`undefined` removes one).
 */
export function record(patch: Partial<InterviewRecord> = {}, options: Options = {}): InterviewRecord {
  const interviewers = options.interviewers ?? [MANAGER];
  const emails: EmailStates = { confirmation: { status: 'sent', sendAt: STAMP, updatedAt: STAMP } };
  const planned = (kind: ScheduledKind): EmailState => ({
    status: 'scheduled',
    sendAt: PLANNED[kind],
    updatedAt: STAMP,
  });
  const notWanted: EmailState = { status: 'skipped', reason: FOLLOW_UP_NOT_WANTED, updatedAt: STAMP };
  for (const p of interviewers) {
    emails[emailKey('thank-you', p.id)] = planned('thank-you');
    emails[emailKey('follow-up', p.id)] = options.followUp === false ? notWanted : planned('follow-up');
    if (options.secondFollowUp) {
      emails[emailKey('second-follow-up', p.id)] =
        options.followUp === false ? notWanted : planned('second-follow-up');
    }
  }
  for (const [key, change] of Object.entries(options.emails ?? {})) {
    const email = emails[key];
    if (!email) throw new Error(`no email ${key}`);
    emails[key] = { ...email, ...change };
  }
  return {
    id: ID,
    ownerKeyId: 'env',
    tokenHash: 'a'.repeat(64),
    createdAt: STAMP,
    candidate: { name: 'Reagan Applicant', email: 'reagan@example.com', phone: '123-456-7890' },
    interviewers,
    position: 'Copywriter',
    company: 'Example Corp',
    highlights: 'my experience in marketing and interest in copywriting',
    copyCandidate: true,
    interview: { endsAt: '2026-11-27T19:00:00.000Z', timeZone: NY },
    timing: {
      thankYouDelayHours: 3,
      followUpBusinessDays: 3,
      ...(options.secondFollowUp && { secondFollowUp: true }),
    },
    emails,
    expiresAt: 1_800_000_000,
    ...patch,
  };
}

export function renderThankYou(r: InterviewRecord, sendAt: Date, sender = SENDER, person = 1): OutgoingEmail {
  return renderForInterviewer(r, emailKey('thank-you', person), sendAt, sender);
}
export function renderFollowUp(r: InterviewRecord, sendAt: Date, sender = SENDER, person = 1): OutgoingEmail {
  return renderForInterviewer(r, emailKey('follow-up', person), sendAt, sender);
}
export function renderSecond(r: InterviewRecord, sendAt: Date, sender = SENDER, person = 1): OutgoingEmail {
  return renderForInterviewer(r, emailKey('second-follow-up', person), sendAt, sender);
}

/** Eight colleagues with the same name and no notes: only their place in the panel tells them apart. */
export const PANEL: Panelist[] = Array.from({ length: 8 }, (_, i) => ({
  id: i + 1,
  name: 'Alex Colleague',
  email: `alex${i + 1}@example.org`,
}));
export const THANK_YOU_AT = new Date(PLANNED['thank-you']);
export const FOLLOW_UP_AT = new Date(PLANNED['follow-up']);
export const SECOND_AT = new Date(PLANNED['second-follow-up']);
export const SIGNATURE = 'Reagan Applicant\n123-456-7890\nreagan@example.com';
