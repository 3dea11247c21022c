/**
 * The interview record (one item per interview, the email states inside) and the email state
 * machine. Every change of an email's status is a conditional write from one of `TRANSITIONS`'
 * source states, so two actors racing for the same email (a retried send, a cancel) end one way only.
 */
import type { EmailKind, ScheduledKind } from './events.js';
import type { Submission } from './schema.js';
import { computeSendTimes, type TimingSettings } from './sendTimes.js';
import type { MessageTemplates } from './templates.js';
import { toLocalMinute } from './time.js';

export type EmailStatus = 'scheduled' | 'sending' | 'sent' | 'cancelled' | 'skipped' | 'failed';

/** Which statuses may move to which. `sending` is the claim that guards exactly-once. */
export const TRANSITIONS: Record<EmailStatus, readonly EmailStatus[]> = {
  // skipped: a confirmation over its address's daily limit is not sent (see `confirmationWindow`).
  scheduled: ['sending', 'cancelled', 'failed', 'skipped'],
  // back to scheduled: released after a refused send; cancelled: released after a cancel came in.
  // skipped: a thank-you that fired more than a day late (see lateness.ts).
  sending: ['sent', 'scheduled', 'cancelled', 'failed', 'skipped'],
  // SES feedback after the fact: the email bounced or the recipient complained.
  sent: ['failed'],
  cancelled: [],
  skipped: [],
  failed: [],
};

export function canTransition(from: EmailStatus, to: EmailStatus): boolean {
  return TRANSITIONS[from].includes(to);
}

export interface EmailState {
  status: EmailStatus;
  sendAt?: string;
  /**
   * The time first planned, kept when the late-send policy moves `sendAt` (lateness.ts): how late
   * a thank-you is counts from here, however often it moved.
   */
  plannedAt?: string;
  reason?: string;
  sentAt?: string;
  messageId?: string;
  /** Set by a cancel that found the email `sending`: if that send fails, it ends cancelled. */
  cancelRequested?: boolean;
  /** Why: the reason of whoever cancelled (the candidate, a DELETE, a bounce, a revoked key). */
  cancelReason?: string;
  /**
   * When the sender's own retry of a send refused for now is due (the email is `scheduled` again
   * meanwhile): until then the sweep leaves it alone (see sweep.ts).
   */
  retryAt?: string;
  /** Which sender invocation holds the `sending` claim. */
  claimId?: string;
  updatedAt: string;
}

export interface InterviewRecord {
  id: string;
  /** The API key that created it; only that key may read or delete it. */
  ownerKeyId: string;
  /** The idempotency record of an idempotent submission, which a DELETE turns into a `gone` marker. */
  idempotencyScope?: string;
  tokenHash: string;
  /** Set when the personal data was erased (DELETE /interviews/{id}); the item then reads as gone. */
  erasedAt?: string;
  createdAt: string;
  candidate: { name: string; email: string; phone?: string };
  interviewer: { name: string; email: string };
  position: string;
  company?: string;
  highlights?: string;
  /** Custom subjects and bodies, filled in at sending. */
  messages?: MessageTemplates;
  /** Bcc the candidate on the interviewer's emails (default true). */
  copyCandidate: boolean;
  interview: { endsAt: string; timeZone: string };
  /** The settings the send times were computed from, kept for support and audits. */
  timing: TimingSettings;
  emails: Record<EmailKind, EmailState>;
  /**
   * When the sweep should next look at this interview (see reconcile.ts); absent when nothing is
   * pending, and until the intake has made every schedule. Whoever moves an email *earlier* must
   * lower it too; later moves may leave it.
   */
  checkAt?: string;
  /** Epoch seconds: DynamoDB's TTL removes the item 90 days after its last email. */
  expiresAt: number;
}

export const SCHEDULED_KINDS: readonly ScheduledKind[] = ['thank-you', 'follow-up'];
/** Every email of an interview: the interviewer's two and the candidate's confirmation. */
export const EMAIL_KINDS: readonly EmailKind[] = [...SCHEDULED_KINDS, 'confirmation'];
/** How the interviewer's emails are named to people (confirmation, cancel page). */
export const EMAIL_LABEL: Record<ScheduledKind, string> = {
  'thank-you': 'Thank-you',
  'follow-up': 'Follow-up',
};
export const RETENTION_DAYS = 90;

/**
 * An erased item's TTL (epoch seconds): 90 days after the start of the erasure's UTC day, long
 * enough for any late schedule or retry to find it, and saying nothing the erasure time does not.
 */
export function erasedExpiresAt(erasedAt: Date): number {
  const day = Date.UTC(erasedAt.getUTCFullYear(), erasedAt.getUTCMonth(), erasedAt.getUTCDate());
  return day / 1000 + RETENTION_DAYS * 86_400;
}
export const FOLLOW_UP_NOT_WANTED = 'The employer asked candidates not to follow up.';
export const CANCELLED_BY_CANDIDATE = 'Cancelled by the candidate.';
export const CANCELLED_BY_DELETE = 'Cancelled: the interview was deleted.';
export const CONFIRMATIONS_LIMITED =
  'Not sent: this address already had as many confirmations today as one address may get.';
export const CANCELLED_BY_REVOKE = 'Cancelled: the API key that submitted it was revoked.';

export function newInterview(args: {
  id: string;
  ownerKeyId: string;
  tokenHash: string;
  submission: Submission;
  endsAt: Date;
  timing: TimingSettings;
  now: Date;
}): InterviewRecord {
  const { id, ownerKeyId, tokenHash, submission: s, endsAt, timing, now } = args;
  const zone = s.interview.timeZone;
  const times = computeSendTimes(endsAt, zone, timing, now);
  const stamp = now.toISOString();
  const followUp: EmailState = s.followUp
    ? { status: 'scheduled', sendAt: times.followUp.toISOString(), updatedAt: stamp }
    : { status: 'skipped', reason: FOLLOW_UP_NOT_WANTED, updatedAt: stamp };
  const last = s.followUp ? times.followUp : times.thankYou;
  return {
    id,
    ownerKeyId,
    tokenHash,
    createdAt: stamp,
    candidate: {
      name: s.candidate.name,
      email: s.candidate.email,
      ...(s.candidate.phone && { phone: s.candidate.phone }),
    },
    interviewer: { name: s.interviewer.name, email: s.interviewer.email },
    position: s.position,
    ...(s.company && { company: s.company }),
    ...(s.highlights && { highlights: s.highlights }),
    ...(s.messages && { messages: s.messages }),
    copyCandidate: s.copyCandidate,
    interview: { endsAt: endsAt.toISOString(), timeZone: zone },
    timing,
    emails: {
      'thank-you': { status: 'scheduled', sendAt: times.thankYou.toISOString(), updatedAt: stamp },
      'follow-up': followUp,
      confirmation: { status: 'scheduled', sendAt: stamp, updatedAt: stamp },
    },
    expiresAt: Math.floor(last.getTime() / 1000) + RETENTION_DAYS * 86_400,
  };
}

export interface EmailView {
  kind: ScheduledKind;
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

/** The API's view: both interviewer emails, thank-you first; the confirmation is internal. */
export function toView(record: InterviewRecord): InterviewView {
  const zone = record.interview.timeZone;
  return {
    id: record.id,
    emails: SCHEDULED_KINDS.map((kind) => {
      const e = record.emails[kind];
      return {
        kind,
        status: e.status,
        ...(e.sendAt && { sendAt: e.sendAt, localSendAt: toLocalMinute(new Date(e.sendAt), zone) }),
        timeZone: zone,
        ...(e.reason && { reason: e.reason }),
        ...(e.sentAt && { sentAt: e.sentAt }),
      };
    }),
  };
}

/** Deterministic schedule name per interview and kind: a retried intake can never make two. */
export function scheduleName(interviewId: string, kind: ScheduledKind): string {
  return `${interviewId}-${kind}`;
}

export const CANCEL_LINK_DAYS = 30;

/** A cancel link stops working 30 days after the interview's last scheduled email. */
export function cancelLinkExpiresAt(record: InterviewRecord): Date {
  const times = SCHEDULED_KINDS.map((kind) => record.emails[kind].sendAt)
    .filter((t): t is string => t !== undefined)
    .map((t) => Date.parse(t));
  const last = times.length > 0 ? Math.max(...times) : Date.parse(record.createdAt);
  return new Date(last + CANCEL_LINK_DAYS * 86_400_000);
}
