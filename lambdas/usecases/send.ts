/**
 * The sender's use case: one email of one interview, at most once.
 *
 * 1. Claim: scheduled → sending, a conditional write. Whoever loses (a duplicate invocation, a
 *    cancel that came first) stops here, so an email is never sent twice nor after a cancel. If
 *    the table does not answer, the try is rescheduled like a refused send (below).
 * 2. Send through SES (the client never retries by itself).
 * 3. Record the outcome:
 *    - accepted: sending → sent;
 *    - refused for now (throttling, a 5xx): the claim is released (sending → scheduled) and the
 *      error rethrown, so the platform's retry sends it later; if a cancel arrived meanwhile, the
 *      release ends it cancelled instead;
 *    - refused for good: sending → failed, with the reason;
 *    - SES not reached (the connection failed, nothing left the process): tried again at once, a
 *      couple of times, then as "refused for now";
 *    - no answer (timeout, connection lost): SES may have taken it, so it stays `sending` and is
 *      never retried (the sweep counts it as stuck, see sweep.ts).
 *
 * Between 1 and 2, the late-send policy (lateness.ts) may decide the email must not go now: a
 * thank-you more than a day late ends `skipped` (and the candidate is told), a late follow-up or
 * a thank-you late into quiet hours moves to its next allowed time.
 *
 * The window nobody can close: the process dies after SES accepted the message and before step 3,
 * or SES never answers. The email then stays `sending` and is not retried: the candidate may see
 * "Sending now" for an email that did go out (or, rarely, did not), but never a duplicate.
 */
import { randomUUID } from 'node:crypto';
import type { Clock } from '../core/clock.js';
import { type OutgoingEmail, renderConfirmation, renderForInterviewer } from '../core/emails.js';
import { isCandidateKind, isEmailKind, type SendEvent } from '../core/events.js';
import { BY_SENDER, entry } from '../core/history.js';
import { CANCELLED_BY_DELETE, type InterviewRecord } from '../core/interview.js';
import { firstPlanned, lateDecision } from '../core/lateness.js';
import { renderUpdateNotice, renderVerification } from '../core/notice.js';
import { type EmailKey, eventKey, MAX_PANEL_ID } from '../core/panel.js';
import {
  type EmailScheduler,
  type InterviewStore,
  type Logger,
  MailError,
  type Mailer,
  type Metrics,
} from '../core/ports.js';
import { deliver, moveLater, release, releaseAndRetry, retryLater, skipLate } from './send-outcomes.js';

export {
  movedScheduleName,
  QUICK_RETRY_DELAYS_MS,
  RETRY_DELAYS_MINUTES,
  retryScheduleName,
} from './send-outcomes.js';

export interface SenderDeps {
  store: InterviewStore;
  mailer: Mailer;
  /** For the sender's own retries and late moves (one-time schedules in UTC). */
  scheduler: Pick<EmailScheduler, 'create'>;
  clock: Clock;
  senderAddress: string;
  log: Logger;
  metrics: Metrics;
  /** Waits between the quick retries when SES was not reached (ms); tests shorten them. */
  quickRetryDelaysMs?: readonly number[];
}

export type SendOutcome =
  | 'sent'
  | 'not-due'
  | 'not-found'
  | 'not-pending'
  | 'failed'
  | 'cancelled'
  | 'retrying'
  | 'skipped'
  | 'moved'
  | 'unknown';

/**
 * How early an invocation may come and still send: clocks differ a little (Scheduler's, the
 * function's). Anything earlier (a direct or stray invocation) sends nothing and leaves the email
 * scheduled for its own schedule.
 */
export const EARLY_ALLOWANCE_MS = 2 * 60_000;

function render(record: InterviewRecord, event: SendEvent, now: Date, senderAddress: string): OutgoingEmail {
  // The notice of an edit is written from the record as it is now, so it tells the latest plan.
  if (event.kind === 'update') return renderUpdateNotice(record, senderAddress);
  if (event.kind !== 'confirmation' && event.kind !== 'verify') {
    return renderForInterviewer(record, eventKey(event), now, senderAddress);
  }
  if (!event.cancelUrl) throw new Error(`a ${event.kind} event must carry its link`);
  // A self-serve submission's first email: the link whose page confirms it (core/self-serve.ts).
  if (event.kind === 'verify') return renderVerification(record, event.cancelUrl, senderAddress);
  return renderConfirmation(record, event.cancelUrl, senderAddress);
}

export function parseSendEvent(input: unknown): SendEvent {
  if (typeof input !== 'object' || input === null) throw new Error('send event must be an object');
  const { interviewId, kind, person, cancelUrl, attempt, releaseClaim } = input as Record<string, unknown>;
  if (typeof interviewId !== 'string' || interviewId === '')
    throw new Error('send event needs an interviewId');
  if (!isEmailKind(kind)) {
    throw new Error(`send event has an unknown kind: ${String(kind)}`);
  }
  if (
    person !== undefined &&
    (isCandidateKind(kind) ||
      !Number.isInteger(person) ||
      (person as number) < 2 ||
      (person as number) > MAX_PANEL_ID)
  ) {
    throw new Error(
      `person must be a panelist's id from 2 to ${MAX_PANEL_ID}, and only on an interviewer's email`,
    );
  }
  if (cancelUrl !== undefined && typeof cancelUrl !== 'string') throw new Error('cancelUrl must be a string');
  if (attempt !== undefined && (typeof attempt !== 'number' || !Number.isInteger(attempt) || attempt < 1)) {
    throw new Error('attempt must be a positive whole number');
  }
  if (releaseClaim !== undefined && typeof releaseClaim !== 'string')
    throw new Error('releaseClaim must be a string');
  return {
    interviewId,
    kind,
    ...(person !== undefined && { person: person as number }),
    ...(cancelUrl !== undefined && { cancelUrl }),
    ...(attempt !== undefined && { attempt }),
    ...(releaseClaim !== undefined && { releaseClaim }),
  };
}

export async function sendEmail(deps: SenderDeps, event: SendEvent): Promise<SendOutcome> {
  const { store, clock, log } = deps;
  const key: EmailKey = eventKey(event);
  const context = { interviewId: event.interviewId, kind: key };
  const now = clock.now();
  if (event.releaseClaim) {
    try {
      await release(deps, event, event.releaseClaim);
    } catch (err) {
      return retryLater(
        deps,
        event,
        `the database did not answer (${err instanceof Error ? err.name : 'error'})`,
      );
    }
  }
  const claimId = randomUUID();
  const dueBy = now.getTime() + EARLY_ALLOWANCE_MS;
  let claimed: InterviewRecord | undefined;
  try {
    claimed = await store.transition(
      event.interviewId,
      key,
      ['scheduled'],
      'sending',
      { updatedAt: now.toISOString(), claimId },
      { dueBy: new Date(dueBy).toISOString() },
    );
  } catch (err) {
    // The table did not answer: nothing was claimed or sent, so a later try is safe. A schedule
    // of its own makes that try durable, beyond Lambda's two quick retries.
    // The claim may have been applied with only its answer lost: the retry releases it if so.
    return retryLater(
      deps,
      { ...event, releaseClaim: claimId },
      `the database did not answer (${err instanceof Error ? err.name : 'error'})`,
    );
  }
  if (!claimed) {
    // The SDK may have retried a claim that was applied but whose answer was lost; then the
    // claim is ours.
    const current = await store.get(event.interviewId).catch(() => undefined);
    const email = current?.emails[key];
    if (email?.status === 'sending' && email.claimId === claimId) claimed = current;
  }
  if (!claimed) {
    // Only to say why in the log: a failure here changes nothing.
    const current = await store.get(event.interviewId).catch(() => null);
    const email = current?.emails[key];
    if (email?.status === 'scheduled' && email.sendAt !== undefined && Date.parse(email.sendAt) > dueBy) {
      log('warn', 'invoked before the email is due: not sent, left scheduled', {
        ...context,
        sendAt: email.sendAt,
      });
      return 'not-due';
    }
    const status = current === null ? 'unknown' : (email?.status ?? 'no such interview');
    log('info', 'nothing to send', { ...context, status });
    return current === undefined ? 'not-found' : 'not-pending';
  }

  const stamp = () => ({ updatedAt: clock.now().toISOString() });
  if (claimed.erasedAt) {
    // Deleted (DELETE /interviews/{id}) while this event was on its way: nothing to write to.
    await store.transition(event.interviewId, key, ['sending'], 'cancelled', {
      ...stamp(),
      reason: CANCELLED_BY_DELETE,
    });
    log('info', 'interview deleted: not sent', context);
    return 'cancelled';
  }
  // Lateness is for the interviewer's emails: the candidate's own go whenever they can.
  if (!isCandidateKind(key)) {
    const decision = lateDecision(claimed, key, now);
    const planned = firstPlanned(claimed, key);
    if (decision.action === 'skip') return skipLate(deps, event, claimed, claimId, decision.reason, planned);
    if (decision.action === 'move') return moveLater(deps, event, claimId, decision, planned);
  }
  /** Ends the claimed email `failed` for good, with the reason. */
  const fail = async (reason: string) => {
    const { updatedAt } = stamp();
    await store.transition(
      event.interviewId,
      key,
      ['sending'],
      'failed',
      { updatedAt, reason },
      { log: entry(BY_SENDER, 'failed', updatedAt, key) },
    );
    deps.metrics.count('EmailsFailed');
  };
  let email: OutgoingEmail;
  try {
    email = render(claimed, event, now, deps.senderAddress);
  } catch (err) {
    await fail('The email could not be written.');
    throw err;
  }

  let messageId: string;
  try {
    messageId = await deliver(deps, email, event, context);
  } catch (err) {
    const failure = err instanceof MailError ? err.failure : 'unknown';
    const error = err instanceof Error ? err.message : String(err);
    if (failure === 'retry' || failure === 'unsent') return releaseAndRetry(deps, event, claimId, error);
    if (failure === 'reject') {
      await fail(error);
      log('error', 'send refused for good', { ...context, error });
      return 'failed';
    }
    deps.metrics.count('EmailsUnknown');
    log('error', 'send outcome unknown: left as sending and not retried, so it cannot go out twice', {
      ...context,
      error,
    });
    return 'unknown';
  }

  const sentAt = clock.now().toISOString();
  // The subject is kept so a later email to the same person can answer in this one's thread.
  await store.transition(
    event.interviewId,
    key,
    ['sending'],
    'sent',
    { updatedAt: sentAt, sentAt, messageId, subject: email.subject },
    { log: entry(BY_SENDER, 'sent', sentAt, key) },
  );
  deps.metrics.count('EmailsSent');
  log('info', 'sent', { ...context, messageId });
  return 'sent';
}
