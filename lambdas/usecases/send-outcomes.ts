/**
 * What the sender does with a claimed email that does not simply go out now (see send.ts): the
 * send itself with its quick retries when SES was not reached, giving a claim back, scheduling
 * the next try of an email refused for now, moving a late email to its next allowed time, and
 * skipping a thank-you too late to send.
 */
import { type OutgoingEmail, renderLateNotice } from '../core/emails.js';
import type { SendEvent } from '../core/events.js';
import { BY_SENDER, entry } from '../core/history.js';
import {
  CANCELLED_BY_CANDIDATE,
  CONFIRMATIONS_LIMITED,
  type EmailState,
  type InterviewRecord,
} from '../core/interview.js';
import { eventKey } from '../core/panel.js';
import { MailError } from '../core/ports.js';
import { scheduleTime } from '../core/sendTimes.js';
import { uniqueName } from '../core/tokens.js';
import type { SenderDeps, SendOutcome } from './send.js';

/** Waits before trying again at once when SES could not be reached (nothing was sent). */
export const QUICK_RETRY_DELAYS_MS = [200, 1_000] as const;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits before the sender's own retries of an email SES refused for now (minutes). */
export const RETRY_DELAYS_MINUTES = [1, 2, 5, 10, 20, 40, 60, 120, 240, 480] as const;

/**
 * A retry's schedule name is unique to the invocation that makes it: two invocations that both
 * schedule a retry (a duplicate delivery, say) must not collide, or the one carrying a claim to
 * release could be lost to the other. Two retries are harmless: the claim lets only one send.
 */
export function retryScheduleName(event: SendEvent, attempt: number): string {
  return uniqueName(`${event.interviewId}-${eventKey(event)}-r${attempt}-`, 6);
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
export async function retryLater(
  deps: SenderDeps,
  event: SendEvent,
  error: string,
  plan = retryPlan(deps, event),
): Promise<SendOutcome> {
  const { attempt, at } = plan;
  const context = { interviewId: event.interviewId, kind: eventKey(event), attempt };
  if (at === undefined) {
    const updatedAt = deps.clock.now().toISOString();
    await deps.store.transition(
      event.interviewId,
      eventKey(event),
      ['scheduled'],
      'failed',
      { updatedAt, reason: `The mail service kept refusing it (${error}); gave up after ${attempt} tries.` },
      { log: entry(BY_SENDER, 'failed', updatedAt, eventKey(event)) },
    );
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
export async function release(
  deps: SenderDeps,
  event: SendEvent,
  claimId: string,
  fields: Pick<EmailState, 'sendAt' | 'plannedAt' | 'retryAt'> = {},
): Promise<'scheduled' | 'cancelled'> {
  const updatedAt = deps.clock.now().toISOString();
  const { interviewId } = event;
  const key = eventKey(event);
  const back = await deps.store.transition(
    interviewId,
    key,
    ['sending'],
    'scheduled',
    { ...fields, updatedAt },
    {
      unlessCancelRequested: true,
      claimId,
      // A new time is a move (lateness.ts); a retry's release changes no plan.
      ...(fields.sendAt !== undefined && { log: entry(BY_SENDER, 'rescheduled', updatedAt, key) }),
    },
  );
  if (back) return 'scheduled';
  // A cancel came in during the send: end it with the reason of whoever cancelled.
  const current = await deps.store.get(interviewId);
  const reason = current?.emails[key]?.cancelReason ?? CANCELLED_BY_CANDIDATE;
  const cancelled = await deps.store.transition(
    interviewId,
    key,
    ['sending'],
    'cancelled',
    { updatedAt, reason },
    { claimId, log: entry(BY_SENDER, 'cancelled', updatedAt, key) },
  );
  return cancelled ? 'cancelled' : 'scheduled';
}

/**
 * Sends, trying again at once (a couple of times, briefly apart) when SES could not be reached:
 * nothing left the process, so this cannot make a duplicate, and one bad connection (a socket a
 * previous send broke, say) does not cost the email a minute's wait.
 */
export async function deliver(
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
      if (current?.emails[eventKey(event)]?.cancelRequested) throw err;
    }
  }
}

/** Nothing was sent: give the claim back (with the next try's time) and schedule that try. */
export async function releaseAndRetry(
  deps: SenderDeps,
  event: SendEvent,
  claimId: string,
  error: string,
): Promise<SendOutcome> {
  const context = { interviewId: event.interviewId, kind: eventKey(event) };
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
  return uniqueName(`${event.interviewId}-${eventKey(event)}-m`, 8);
}

/**
 * The email must not go now but later (lateness.ts): a schedule for the new time first, carrying
 * the claim (so if the release below cannot be written, that schedule releases it), then the
 * claim given back with the new send time, which the API then shows.
 */
export async function moveLater(
  deps: SenderDeps,
  event: SendEvent,
  claimId: string,
  { to, why }: { to: Date; why: string },
  plannedAt: string | undefined,
): Promise<SendOutcome> {
  const context = { interviewId: event.interviewId, kind: eventKey(event), to: to.toISOString(), why };
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
export async function skipLate(
  deps: SenderDeps,
  event: SendEvent,
  record: InterviewRecord,
  claimId: string,
  reason: string,
  plannedAt: string | undefined,
): Promise<SendOutcome> {
  const key = eventKey(event);
  const context = { interviewId: event.interviewId, kind: key };
  const planned = new Date(plannedAt ?? record.createdAt);
  let told = ' The candidate was not told: their address had its confirmations for the day.';
  if (record.emails.confirmation.reason !== CONFIRMATIONS_LIMITED) {
    told = ' The candidate was told by email.';
    try {
      await deliver(deps, renderLateNotice(record, key, planned, deps.senderAddress), event, context);
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
  const skippedAt = deps.clock.now().toISOString();
  await deps.store.transition(
    event.interviewId,
    key,
    ['sending'],
    'skipped',
    { updatedAt: skippedAt, reason: `${reason}${told}` },
    { claimId, log: entry(BY_SENDER, 'skipped', skippedAt, key) },
  );
  deps.metrics.count('EmailsSkippedLate');
  deps.log('warn', 'too late to send: skipped', { ...context, plannedAt: planned.toISOString() });
  return 'skipped';
}
