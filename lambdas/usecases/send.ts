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
import {
  type OutgoingEmail,
  renderConfirmation,
  renderFollowUp,
  renderLateNotice,
  renderThankYou,
} from '../core/emails.js';
import { isEmailKind, type SendEvent } from '../core/events.js';
import {
  CANCELLED_BY_CANDIDATE,
  CANCELLED_BY_DELETE,
  CONFIRMATIONS_LIMITED,
  type EmailState,
  type InterviewRecord,
} from '../core/interview.js';
import { firstPlanned, lateDecision } from '../core/lateness.js';
import {
  type EmailScheduler,
  type InterviewStore,
  type Logger,
  MailError,
  type Mailer,
  type Metrics,
} from '../core/ports.js';
import { scheduleTime } from '../core/sendTimes.js';

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

/** Waits before trying again at once when SES could not be reached (nothing was sent). */
export const QUICK_RETRY_DELAYS_MS = [200, 1_000] as const;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * How early an invocation may come and still send: clocks differ a little (Scheduler's, the
 * function's). Anything earlier (a direct or stray invocation) sends nothing and leaves the email
 * scheduled for its own schedule.
 */
export const EARLY_ALLOWANCE_MS = 2 * 60_000;

/** Waits before the sender's own retries of an email SES refused for now (minutes). */
export const RETRY_DELAYS_MINUTES = [1, 2, 5, 10, 20, 40, 60, 120, 240, 480] as const;

/**
 * A retry's schedule name is unique to the invocation that makes it: two invocations that both
 * schedule a retry (a duplicate delivery, say) must not collide, or the one carrying a claim to
 * release could be lost to the other. Two retries are harmless: the claim lets only one send.
 */
export function retryScheduleName(event: SendEvent, attempt: number): string {
  return `${event.interviewId}-${event.kind}-r${attempt}-${randomUUID().slice(0, 6)}`;
}

function render(record: InterviewRecord, event: SendEvent, now: Date, senderAddress: string): OutgoingEmail {
  switch (event.kind) {
    case 'thank-you':
      return renderThankYou(record, now, senderAddress);
    case 'follow-up':
      return renderFollowUp(record, now, senderAddress);
    case 'confirmation':
      if (!event.cancelUrl) throw new Error('a confirmation event must carry its cancel link');
      return renderConfirmation(record, event.cancelUrl, senderAddress);
  }
}

export function parseSendEvent(input: unknown): SendEvent {
  if (typeof input !== 'object' || input === null) throw new Error('send event must be an object');
  const { interviewId, kind, cancelUrl, attempt, releaseClaim } = input as Record<string, unknown>;
  if (typeof interviewId !== 'string' || interviewId === '')
    throw new Error('send event needs an interviewId');
  if (!isEmailKind(kind)) {
    throw new Error(`send event has an unknown kind: ${String(kind)}`);
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
    ...(cancelUrl !== undefined && { cancelUrl }),
    ...(attempt !== undefined && { attempt }),
    ...(releaseClaim !== undefined && { releaseClaim }),
  };
}

/** The next try of an email refused for now: its number and time, or no time after the last. */
function retryPlan(deps: SenderDeps, event: SendEvent): { attempt: number; at?: Date } {
  const attempt = (event.attempt ?? 0) + 1;
  const delay = RETRY_DELAYS_MINUTES[attempt - 1];
  if (delay === undefined) return { attempt };
  return { attempt, at: new Date((Math.floor(deps.clock.now().getTime() / 60_000) + 1 + delay) * 60_000) };
}

/**
 * SES refused the email for now and the claim is released: schedule the next try, durably (a
 * schedule survives a crash; an in-memory retry would not). After the last delay the email ends
 * `failed` with the reason. If the schedule cannot be created, the error propagates and Lambda
 * retries the whole invocation, which finds the email `scheduled` again.
 */
async function retryLater(
  deps: SenderDeps,
  event: SendEvent,
  error: string,
  plan = retryPlan(deps, event),
): Promise<SendOutcome> {
  const { attempt, at } = plan;
  const context = { interviewId: event.interviewId, kind: event.kind, attempt };
  if (at === undefined) {
    await deps.store.transition(event.interviewId, event.kind, ['scheduled'], 'failed', {
      updatedAt: deps.clock.now().toISOString(),
      reason: `The mail service kept refusing it (${error}); gave up after ${attempt} tries.`,
    });
    deps.metrics.count('EmailsFailed');
    deps.log('error', 'send refused too often: failed', { ...context, error });
    return 'failed';
  }
  await deps.scheduler.create({
    name: retryScheduleName(event, attempt),
    at,
    event: { ...event, attempt },
  });
  deps.metrics.count('EmailsRetried');
  deps.log('warn', 'send refused for now: retry scheduled', { ...context, error, at: at.toISOString() });
  return 'retrying';
}

/**
 * Gives back a claim whose send certainly did not happen: sending → scheduled (with `fields`: a
 * new send time, the time of the next retry), or → cancelled if a cancel came in meanwhile. Only
 * the holder of `claimId` can do it; anything else is left alone.
 */
async function release(
  deps: SenderDeps,
  event: SendEvent,
  claimId: string,
  fields: Pick<EmailState, 'sendAt' | 'plannedAt' | 'retryAt'> = {},
): Promise<'scheduled' | 'cancelled'> {
  const updatedAt = deps.clock.now().toISOString();
  const { interviewId, kind } = event;
  const back = await deps.store.transition(
    interviewId,
    kind,
    ['sending'],
    'scheduled',
    { ...fields, updatedAt },
    {
      unlessCancelRequested: true,
      claimId,
    },
  );
  if (back) return 'scheduled';
  // A cancel came in during the send: end it with the reason of whoever cancelled.
  const current = await deps.store.get(interviewId);
  const reason = current?.emails[kind]?.cancelReason ?? CANCELLED_BY_CANDIDATE;
  const cancelled = await deps.store.transition(
    interviewId,
    kind,
    ['sending'],
    'cancelled',
    { updatedAt, reason },
    { claimId },
  );
  return cancelled ? 'cancelled' : 'scheduled';
}

export async function sendEmail(deps: SenderDeps, event: SendEvent): Promise<SendOutcome> {
  const { store, clock, log } = deps;
  const context = { interviewId: event.interviewId, kind: event.kind };
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
      event.kind,
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
    const email = current?.emails[event.kind];
    if (email?.status === 'sending' && email.claimId === claimId) claimed = current;
  }
  if (!claimed) {
    // Only to say why in the log: a failure here changes nothing.
    const current = await store.get(event.interviewId).catch(() => null);
    const email = current?.emails[event.kind];
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
    await store.transition(event.interviewId, event.kind, ['sending'], 'cancelled', {
      ...stamp(),
      reason: CANCELLED_BY_DELETE,
    });
    log('info', 'interview deleted: not sent', context);
    return 'cancelled';
  }
  const kind = event.kind;
  if (kind !== 'confirmation') {
    const decision = lateDecision(claimed, kind, now);
    const planned = firstPlanned(claimed, kind);
    if (decision.action === 'skip') return skipLate(deps, event, claimed, claimId, decision.reason, planned);
    if (decision.action === 'move') return moveLater(deps, event, claimId, decision, planned);
  }
  let email: OutgoingEmail;
  try {
    email = render(claimed, event, now, deps.senderAddress);
  } catch (err) {
    await store.transition(event.interviewId, event.kind, ['sending'], 'failed', {
      ...stamp(),
      reason: 'The email could not be written.',
    });
    deps.metrics.count('EmailsFailed');
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
      await store.transition(event.interviewId, event.kind, ['sending'], 'failed', {
        ...stamp(),
        reason: error,
      });
      deps.metrics.count('EmailsFailed');
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
  await store.transition(event.interviewId, event.kind, ['sending'], 'sent', {
    updatedAt: sentAt,
    sentAt,
    messageId,
  });
  deps.metrics.count('EmailsSent');
  log('info', 'sent', { ...context, messageId });
  return 'sent';
}

/**
 * Sends, trying again at once (a couple of times, briefly apart) when SES could not be reached:
 * nothing left the process, so this cannot make a duplicate, and one bad connection (a socket a
 * previous send broke, say) does not cost the email a minute's wait.
 */
async function deliver(
  deps: SenderDeps,
  email: OutgoingEmail,
  event: SendEvent,
  context: Record<string, unknown>,
): Promise<string> {
  const delays = deps.quickRetryDelaysMs ?? QUICK_RETRY_DELAYS_MS;
  for (let tries = 0; ; tries++) {
    try {
      return await deps.mailer.send(email);
    } catch (err) {
      const delay = delays[tries];
      if (!(err instanceof MailError && err.failure === 'unsent') || delay === undefined) throw err;
      deps.log('warn', 'SES not reached, nothing sent: trying again at once', {
        ...context,
        error: err.message,
      });
      await sleep(delay);
      // A cancel that came in meanwhile wins: nothing has left yet, so the caller releases the
      // claim, which ends the email cancelled, instead of trying again.
      const current = await deps.store.get(event.interviewId).catch(() => undefined);
      if (current?.emails[event.kind]?.cancelRequested) throw err;
    }
  }
}

/** Nothing was sent: give the claim back (with the next try's time) and schedule that try. */
async function releaseAndRetry(
  deps: SenderDeps,
  event: SendEvent,
  claimId: string,
  error: string,
): Promise<SendOutcome> {
  const context = { interviewId: event.interviewId, kind: event.kind };
  const plan = retryPlan(deps, event);
  let outcome: 'scheduled' | 'cancelled';
  try {
    outcome = await release(deps, event, claimId, plan.at ? { retryAt: plan.at.toISOString() } : {});
  } catch {
    // Nothing was sent, but the claim could not be released: the retry releases it first.
    return retryLater(deps, { ...event, releaseClaim: claimId }, error, plan);
  }
  if (outcome === 'cancelled') {
    deps.log('info', 'send refused, and a cancel came in meanwhile: cancelled', { ...context, error });
    return 'cancelled';
  }
  const { releaseClaim: _done, ...next } = event;
  return retryLater(deps, next, error, plan);
}

/** A late move's schedule name: unique per invocation, like a retry's. */
export function movedScheduleName(event: SendEvent): string {
  return `${event.interviewId}-${event.kind}-m${randomUUID().slice(0, 8)}`;
}

/**
 * The email must not go now but later (lateness.ts): a schedule for the new time first, carrying
 * the claim (so if the release below cannot be written, that schedule releases it), then the
 * claim given back with the new send time, which the API then shows.
 */
async function moveLater(
  deps: SenderDeps,
  event: SendEvent,
  claimId: string,
  { to, why }: { to: Date; why: string },
  plannedAt: string | undefined,
): Promise<SendOutcome> {
  const context = { interviewId: event.interviewId, kind: event.kind, to: to.toISOString(), why };
  // The retry count goes along: an email SES keeps refusing still ends `failed` after the last
  // retry, however often it moved.
  const { releaseClaim: _r, ...base } = event;
  try {
    await deps.scheduler.create({
      name: movedScheduleName(event),
      at: scheduleTime(to, deps.clock.now()),
      event: { ...base, releaseClaim: claimId },
    });
  } catch (err) {
    // No new schedule: put the email back as it was, so the platform's retry decides again.
    await release(deps, event, claimId).catch(() => undefined);
    throw err;
  }
  const moved = { sendAt: to.toISOString(), ...(plannedAt && { plannedAt }) };
  const outcome = await release(deps, event, claimId, moved).catch(
    () => 'scheduled' as const, // the new schedule releases it
  );
  if (outcome === 'cancelled') return 'cancelled';
  deps.metrics.count('EmailsMovedLate');
  deps.log('warn', 'fired late: moved to its next allowed time', context);
  return 'moved';
}

/**
 * A thank-you too late to send: the candidate is told instead (unless their address had its
 * day's confirmations), then the email ends `skipped`. The notice rides on the claim, so it goes
 * at most once; if SES refuses it for now, the claim is released and the retry decides again.
 */
async function skipLate(
  deps: SenderDeps,
  event: SendEvent,
  record: InterviewRecord,
  claimId: string,
  reason: string,
  plannedAt: string | undefined,
): Promise<SendOutcome> {
  const context = { interviewId: event.interviewId, kind: event.kind };
  const planned = new Date(plannedAt ?? record.createdAt);
  let told = ' The candidate was not told: their address had its confirmations for the day.';
  if (record.emails.confirmation.reason !== CONFIRMATIONS_LIMITED) {
    told = ' The candidate was told by email.';
    try {
      await deliver(deps, renderLateNotice(record, planned, deps.senderAddress), event, context);
    } catch (err) {
      const failure = err instanceof MailError ? err.failure : 'unknown';
      const error = err instanceof Error ? err.message : String(err);
      if (failure === 'retry' || failure === 'unsent') return releaseAndRetry(deps, event, claimId, error);
      told =
        failure === 'reject'
          ? ' The candidate could not be told: the mail service refused the notice.'
          : ' The notice to the candidate may not have arrived.';
    }
  }
  await deps.store.transition(
    event.interviewId,
    event.kind,
    ['sending'],
    'skipped',
    { updatedAt: deps.clock.now().toISOString(), reason: `${reason}${told}` },
    { claimId },
  );
  deps.metrics.count('EmailsSkippedLate');
  deps.log('warn', 'too late to send: skipped', { ...context, plannedAt: planned.toISOString() });
  return 'skipped';
}
