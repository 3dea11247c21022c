/**
 * Restoring what the candidate cancelled (issue 17, point 4): an email cancelled by the candidate
 * whose time is still ahead goes back to `scheduled`, with its schedule made again. Nothing else
 * comes back: an email that bounced, was complained about or failed, or one cancelled because of
 * a bounce, a revoked key or a DELETE, stays as it is.
 *
 * Order: the conditional write first (cancelled → scheduled, only if still cancelled by the
 * candidate and still ahead), then the schedule (idempotent by name: a schedule the cancel could
 * not delete is simply kept), then the sweep's `checkAt` (a restored email may be due before it).
 * If the schedule cannot be made, the email is cancelled again and the caller gets a 503, so a
 * restore never leaves an email scheduled without a way to be sent.
 */
import type { Acting } from '../core/history.js';
import { entry } from '../core/history.js';
import {
  CANCELLED_BY_CANDIDATE,
  type EmailState,
  type InterviewRecord,
  scheduleName,
} from '../core/interview.js';
import { type EmailKey, eventFor } from '../core/panel.js';
import { sweepPlan } from '../core/reconcile.js';
import { scheduleTime } from '../core/sendTimes.js';
import { type CancelChoice, chosenKeys } from './cancel.js';
import { type ApiDeps, ServiceUnavailable } from './interviews.js';

/** Whether an email can be restored at `now`: cancelled by the candidate, its time still ahead. */
export function restorable(email: EmailState | undefined, now: Date): boolean {
  return (
    email?.status === 'cancelled' &&
    email.reason === CANCELLED_BY_CANDIDATE &&
    email.sendAt !== undefined &&
    Date.parse(email.sendAt) > now.getTime()
  );
}

export type RestoreResult =
  | { kind: 'restored'; record: InterviewRecord; restored: EmailKey[] }
  /** `to` names none of the panel. */
  | { kind: 'unknown-recipient' }
  /** Nothing the choice names can be restored (sent, failed, not cancelled by the candidate, or past). */
  | { kind: 'nothing-restorable'; record: InterviewRecord };

export async function restore(
  deps: ApiDeps,
  record: InterviewRecord,
  choice: CancelChoice,
  who: Acting,
): Promise<RestoreResult> {
  const { store, scheduler, clock, log } = deps;
  const keys = chosenKeys(record, choice);
  if (!keys) return { kind: 'unknown-recipient' };
  const restored: EmailKey[] = [];
  for (const key of keys) {
    const now = clock.now();
    const email = record.emails[key];
    if (!restorable(email, now) || !email?.sendAt) continue;
    const updatedAt = now.toISOString();
    const back = await store.transition(
      record.id,
      key,
      ['cancelled'],
      'scheduled',
      {
        updatedAt,
        reason: undefined,
        cancelReason: undefined,
        cancelRequested: undefined,
        claimId: undefined,
      },
      { reasonIs: CANCELLED_BY_CANDIDATE, dueAfter: updatedAt, log: entry(who, 'restored', updatedAt, key) },
    );
    if (!back) continue; // sent, cancelled for another reason, or past its time by now
    try {
      await scheduler.create({
        name: scheduleName(record.id, key),
        at: scheduleTime(new Date(email.sendAt), now),
        event: eventFor(record.id, key),
      });
    } catch (err) {
      log('error', 'restore: schedule not made; the email is cancelled again', {
        interviewId: record.id,
        kind: key,
        error: String(err),
      });
      await store.transition(record.id, key, ['scheduled'], 'cancelled', {
        updatedAt: clock.now().toISOString(),
        reason: CANCELLED_BY_CANDIDATE,
      });
      throw new ServiceUnavailable('The email could not be scheduled again; it stays cancelled.', {
        cause: err,
      });
    }
    restored.push(key);
  }
  const current = (await store.get(record.id)) ?? record;
  if (restored.length === 0) return { kind: 'nothing-restorable', record: current };
  // The sweep must look again by the time a restored email would be overdue.
  await store.setCheckAt(record.id, sweepPlan(current, clock.now()).next);
  return { kind: 'restored', record: (await store.get(record.id)) ?? current, restored };
}
