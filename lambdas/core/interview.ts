/**
 * The interview record (one item per interview, the email states inside) and the email state
 * machine. Every change of an email's status is a conditional write from one of `TRANSITIONS`'
 * source states, so two actors racing for the same email (a retried send, a cancel) end one way only.
 */
import { EMAIL_KINDS, SCHEDULED_KINDS, type ScheduledKind } from './events.js';
import { erasedHistory, type HistoryEntry } from './history.js';
import { type EmailKey, type Panelist, parseEmailKey } from './panel.js';
import type { TimingSettings } from './sendTimes.js';
import type { MessageTemplates } from './templates.js';
import type { CalendarDate } from './time.js';

export type EmailStatus = 'held' | 'scheduled' | 'sending' | 'sent' | 'cancelled' | 'skipped' | 'failed';

/** Which statuses may move to which. `sending` is the claim that guards exactly-once. */
export const TRANSITIONS: Record<EmailStatus, readonly EmailStatus[]> = {
  // held: a self-serve submission's emails until the candidate confirms (usecases/self-serve.ts);
  // no schedule exists and the sender's claim (from scheduled only) cannot take one.
  held: ['scheduled', 'cancelled'],
  // skipped: a confirmation over its address's daily limit is not sent (see `confirmationWindow`).
  scheduled: ['sending', 'cancelled', 'failed', 'skipped'],
  // back to scheduled: released after a refused send; cancelled: released after a cancel came in.
  // skipped: a thank-you that fired more than a day late (see lateness.ts).
  sending: ['sent', 'scheduled', 'cancelled', 'failed', 'skipped'],
  // SES feedback after the fact: the email bounced or the recipient complained.
  sent: ['failed'],
  // scheduled: restored by the candidate before its time (usecases/restore.ts, with its conditions).
  cancelled: ['scheduled'],
  skipped: [],
  failed: [],
};

export function canTransition(from: EmailStatus, to: EmailStatus): boolean {
  return TRANSITIONS[from].includes(to);
}

/**
 * The guard every store applies before it writes a transition (the contract tests in
 * test/contract check each adapter does): asking to move from a status that can never reach
 * `to` is a bug in the caller, never a race, so it throws instead of answering "not moved".
 */
export function assertTransitions(from: readonly EmailStatus[], to: EmailStatus): void {
  const illegal = from.filter((status) => !canTransition(status, to));
  if (illegal.length > 0) throw new Error(`illegal email transition: ${illegal.join('|')} → ${to}`);
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
  /** The subject it went out with: a follow-up in its thread answers `Re:` to it. */
  subject?: string;
  /** Set by a cancel that found the email `sending`: if that send fails, it ends cancelled. */
  cancelRequested?: boolean;
  /** Why: the reason of whoever cancelled (the candidate, a DELETE, a bounce, a revoked key). */
  cancelReason?: string;
  /**
   * When the sender's own retry of a send refused for now is due (the email is `scheduled` again
   * meanwhile): until then the sweep leaves it alone (see usecases/sweep.ts).
   */
  retryAt?: string;
  /** Which sender invocation holds the `sending` claim. */
  claimId?: string;
  /**
   * The name of its schedule when it is not `scheduleName(id, key)`: an edit that moves an email
   * makes its new schedule under a name of its own before the old one goes (usecases/edit.ts).
   */
  schedule?: string;
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
  /** The panel, in the order given; each panelist's emails are keyed by their id (panel.ts). */
  interviewers: Panelist[];
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
  emails: EmailStates;
  /**
   * When the sweep should next look at this interview (see reconcile.ts); absent when nothing is
   * pending, and until the intake has made every schedule. Whoever moves an email *earlier* must
   * lower it too; later moves may leave it.
   */
  checkAt?: string;
  /** Epoch seconds: DynamoDB's TTL removes the item 90 days after its last email. */
  expiresAt: number;
  /** What happened and who did it, oldest first (history.ts); absent on items stored before it. */
  history?: HistoryEntry[];
  /** How many edits it has had (PATCH, usecases/edit.ts): each edit is conditional on it. */
  revision?: number;
  /** The last edit's own id: how an edit whose write was answered with an error knows it landed. */
  editId?: string;
  /** False once an edit turned the follow-ups off (absent: as at intake, read from the emails). */
  followUp?: boolean;
  /** The highest panelist id ever given (edits never give one out twice); absent: the panel's. */
  lastPanelistId?: number;
}

/** Every email of an interview by its key (panel.ts): the confirmation, and each panelist's. */
export type EmailStates = { confirmation: EmailState } & { [key: string]: EmailState | undefined };

/**
 * An item as stored, in today's shape. An interview stored before panels had one `interviewer`
 * and its away date in `timing`: it reads as a panel of one (whose keys are the bare kinds, so
 * its emails and schedules need no change). Both stores read every item through this.
 */
export function fromStored(item: Record<string, unknown>): InterviewRecord {
  if (Array.isArray(item.interviewers) || item.erasedAt !== undefined)
    return item as unknown as InterviewRecord;
  const { interviewer, timing, ...rest } = item as {
    interviewer?: { name: string; email: string };
    timing?: TimingSettings & { awayUntil?: CalendarDate };
  };
  if (!interviewer) return item as unknown as InterviewRecord;
  const { awayUntil, ...settings } = timing ?? ({} as TimingSettings & { awayUntil?: CalendarDate });
  const first: Panelist = { id: 1, name: interviewer.name, email: interviewer.email };
  if (awayUntil) first.awayUntil = formatCalendarDate(awayUntil);
  return {
    ...rest,
    ...(timing && { timing: settings }),
    interviewers: [first],
  } as unknown as InterviewRecord;
}

export function formatCalendarDate(d: CalendarDate): string {
  const two = (n: number) => String(n).padStart(2, '0');
  return `${d.year}-${two(d.month)}-${two(d.day)}`;
}

/**
 * The interviewer's emails the record holds, person by person (in the panel's order), each in the
 * order they go out. Read from the emails themselves, so an erased record (no panel) lists them too.
 */
export function scheduledKeys(record: InterviewRecord): EmailKey[] {
  const panel = (record.interviewers ?? []).map((p) => p.id);
  const rank = (key: string): number => {
    const parsed = parseEmailKey(key);
    const person = parsed?.person ?? 0;
    const at = panel.indexOf(person);
    return (
      (at === -1 ? panel.length + person : at) * 10 + SCHEDULED_KINDS.indexOf(parsed?.kind as ScheduledKind)
    );
  };
  return (
    Object.keys(record.emails).filter((key) => parseEmailKey(key)?.person !== undefined) as EmailKey[]
  ).sort((a, b) => rank(a) - rank(b));
}

/**
 * Every email the record holds: the interviewer's, then the confirmation, then the notice of an
 * edit once one was armed (only then: the DynamoDB store's erasure writes into each key it names).
 */
export function emailKeys(record: InterviewRecord): EmailKey[] {
  const candidate = (['update', 'verify'] as const).filter((key) => record.emails[key] !== undefined);
  return [...scheduledKeys(record), 'confirmation', ...candidate];
}

/** What a transition may also require of the email (see `InterviewStore.transition`). */
export interface TransitionConditions {
  /** Only if no cancel was requested while the email was `sending`. */
  unlessCancelRequested?: boolean;
  /** Only if the email's claim is this one (see the sender's claimId). */
  claimId?: string;
  /** Only if the email's `sendAt` is at or before this ISO instant (it is due). */
  dueBy?: string;
  /** Only if the email's `sendAt` is after this ISO instant (still ahead). */
  dueAfter?: string;
  /** Only if the email's `reason` is this one (who cancelled it). */
  reasonIs?: string;
  /** Appended to the history with the change, and only if the change is made. */
  log?: HistoryEntry;
}

export type EmailChange = Partial<Omit<EmailState, 'status'>> & { updatedAt: string };

/**
 * The record after one email moved from any of `from` to `to`, or undefined when a condition
 * fails: what a store's conditional write does, as a pure function (the in-memory store applies
 * it; the DynamoDB store writes the same conditions as a ConditionExpression).
 */
export function transitioned(
  record: InterviewRecord,
  key: EmailKey,
  from: readonly EmailStatus[],
  to: EmailStatus,
  fields: EmailChange,
  conditions: TransitionConditions = {},
): InterviewRecord | undefined {
  assertTransitions(from, to);
  const email = record.emails[key];
  if (!email || !from.includes(email.status)) return undefined;
  if (conditions.unlessCancelRequested && email.cancelRequested !== undefined) return undefined;
  if (conditions.claimId !== undefined && email.claimId !== conditions.claimId) return undefined;
  // ISO instants of one format compare as strings do. (An erased item has no sendAt: it may be
  // claimed, to be ended cancelled.)
  if (conditions.dueBy !== undefined && email.sendAt !== undefined && email.sendAt > conditions.dueBy) {
    return undefined;
  }
  if (
    conditions.dueAfter !== undefined &&
    !(email.sendAt !== undefined && email.sendAt > conditions.dueAfter)
  ) {
    return undefined;
  }
  if (conditions.reasonIs !== undefined && email.reason !== conditions.reasonIs) return undefined;
  // A field given as undefined is removed (a restored email loses its cancel's reason).
  const next: Record<string, unknown> = { ...email, ...fields, status: to };
  for (const [field, value] of Object.entries(fields)) if (value === undefined) delete next[field];
  return {
    ...withLog(record, conditions.log),
    emails: { ...record.emails, [key]: next as unknown as EmailState },
  };
}

/**
 * Whether `current` (as stored now) is still the record an edit read as `read`: not erased, the
 * same revision, as long a history, and every email of `read` in the same status since the same moment (every write
 * of an email, a claim, a cancel, a restore, a send, sets its `updatedAt`). What a store's
 * `replace` requires; the DynamoDB store writes the same as a ConditionExpression.
 */
export function unchangedSince(current: InterviewRecord, read: InterviewRecord): boolean {
  if (current.erasedAt !== undefined || (current.revision ?? 0) !== (read.revision ?? 0)) return false;
  // The history too: an entry written without an email's change (the sweep's) must not be lost.
  if ((current.history?.length ?? 0) !== (read.history?.length ?? 0)) return false;
  return Object.entries(read.emails).every(([key, email]) => {
    if (email === undefined) return true;
    const now = current.emails[key];
    return now?.status === email.status && now.updatedAt === email.updatedAt;
  });
}

/** The schedule an email's send waits on (see `EmailState.schedule`). */
export function scheduleOf(record: InterviewRecord, key: EmailKey): string {
  return record.emails[key]?.schedule ?? scheduleName(record.id, key);
}

/** The record with `log` appended to its history (unchanged without one). */
export function withLog(record: InterviewRecord, log: HistoryEntry | undefined): InterviewRecord {
  return log ? { ...record, history: [...(record.history ?? []), log] } : record;
}

/** The record with a cancel requested of an email that is `sending`; undefined if it is not. */
export function withCancelRequested(
  record: InterviewRecord,
  key: EmailKey,
  updatedAt: string,
  reason: string,
): InterviewRecord | undefined {
  const email = record.emails[key];
  if (email?.status !== 'sending') return undefined;
  const requested = { ...email, cancelRequested: true, cancelReason: reason, updatedAt };
  return { ...record, emails: { ...record.emails, [key]: requested } };
}

/**
 * What an erasure removes: everything about a person (names, addresses, texts, the interview's
 * time, zone and away date, its owner, when it was submitted, the token hash, so the cancel link
 * forgets it) and, per email, when it went or was to go and a reason that may quote an address.
 */
export const ERASED_RECORD_FIELDS = [
  'createdAt',
  'candidate',
  'interviewers',
  // The one interviewer of an item stored before panels (see fromStored).
  'interviewer',
  'position',
  'company',
  'highlights',
  'messages',
  'tokenHash',
  'interview',
  'timing',
  'ownerKeyId',
  'idempotencyScope',
  'checkAt',
] as const satisfies readonly (keyof InterviewRecord | 'interviewer')[];
export const ERASED_EMAIL_FIELDS = [
  'sendAt',
  'plannedAt',
  'sentAt',
  'retryAt',
  'messageId',
  'subject',
  'reason',
] as const satisfies readonly (keyof EmailState)[];

/**
 * The erased record: the statuses stay, so a schedule that still fires finds nothing to send;
 * every email's `updatedAt` becomes the erasure's; the item expires on a day that says nothing
 * of the interview (see erasedExpiresAt).
 */
export function erased(record: InterviewRecord, at: string, log?: HistoryEntry): InterviewRecord {
  const kept: Record<string, unknown> = { ...record, history: erasedHistory(record.history, log) };
  for (const field of ERASED_RECORD_FIELDS) delete kept[field];
  const emails = Object.fromEntries(
    Object.entries(record.emails).map(([kind, email]) => {
      const rest: Record<string, unknown> = { ...email, updatedAt: at };
      for (const field of ERASED_EMAIL_FIELDS) delete rest[field];
      return [kind, rest];
    }),
  );
  return {
    ...kept,
    emails,
    erasedAt: at,
    expiresAt: erasedExpiresAt(new Date(at)),
  } as unknown as InterviewRecord;
}

/** The kinds, as events.ts lists them (kept here too: most readers of the record import this module). */
export { EMAIL_KINDS, SCHEDULED_KINDS };
/** How the interviewer's emails are named to people (confirmation, cancel page). */
export const EMAIL_LABEL: Record<ScheduledKind, string> = {
  'thank-you': 'Thank-you',
  'follow-up': 'Follow-up',
  'second-follow-up': 'Second follow-up',
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

/**
 * Deterministic schedule name per interview and email: a retried intake can never make two. The
 * first panelist's are named by kind alone, as every schedule was before panels.
 */
export function scheduleName(interviewId: string, key: EmailKey): string {
  return `${interviewId}-${key}`;
}

export const CANCEL_LINK_DAYS = 30;

/** A cancel link stops working 30 days after the interview's last scheduled email. */
export function cancelLinkExpiresAt(record: InterviewRecord): Date {
  const times = scheduledKeys(record)
    .map((key) => record.emails[key]?.sendAt)
    .filter((t): t is string => t !== undefined)
    .map((t) => Date.parse(t));
  const last = times.length > 0 ? Math.max(...times) : Date.parse(record.createdAt);
  return new Date(last + CANCEL_LINK_DAYS * 86_400_000);
}
