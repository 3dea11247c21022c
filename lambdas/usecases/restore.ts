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
import { isCandidateKind } from '../core/events.js';
import type { Acting } from '../core/history.js';
import { entry } from '../core/history.js';
import {
  CANCELLED_BY_CANDIDATE,
  CANCELLED_BY_REVOKE,
  type InterviewRecord,
  scheduleOf,
} from '../core/interview.js';
import { type EmailKey, emailKey, eventFor, parseEmailKey } from '../core/panel.js';
import { sweepPlan } from '../core/reconcile.js';
import { neverConfirmed } from '../core/self-serve.js';
import { scheduleTime } from '../core/sendTimes.js';
import { type CancelChoice, chosenKeys } from './cancel.js';
import { type ApiDeps, ServiceUnavailable } from './interviews.js';

/** At most this many restores per interview: a cancel-restore loop cannot grow the item forever. */
export const MAX_RESTORES = 10;

/**
 * Whether an email can be restored at `now`: cancelled by the candidate, its time still ahead,
 * and nothing since has said no more should go: not a revoked key (any email cancelled for it),
 * not a bounce or complaint about that person or the candidate (any of their emails failed), a
 * second follow-up only while its first is to go or went, not a self-serve request never
 * confirmed, and within MAX_RESTORES.
 */
export function restorable(record: InterviewRecord, key: EmailKey, now: Date): boolean {
  const email = record.emails[key];
  if (
    email?.status !== 'cancelled' ||
    email.reason !== CANCELLED_BY_CANDIDATE ||
    email.sendAt === undefined ||
    Date.parse(email.sendAt) <= now.getTime()
  ) {
    return false;
  }
  // A self-serve request cancelled before its confirm: only the confirm may schedule its emails.
  if (neverConfirmed(record)) return false;
  const all = Object.entries(record.emails);
  if (all.some(([, e]) => e?.reason === CANCELLED_BY_REVOKE)) return false;
  const person = parseEmailKey(key)?.person;
  const theirs = all.filter(([k]) => isCandidateKind(k) || parseEmailKey(k)?.person === person);
  if (theirs.some(([, e]) => e?.status === 'failed')) return false;
  if (parseEmailKey(key)?.kind === 'second-follow-up' && person !== undefined) {
    const first = record.emails[emailKey('follow-up', person)]?.status;
    if (first !== 'scheduled' && first !== 'sending' && first !== 'sent') return false;
  }
  return (record.history ?? []).filter((h) => h.action === 'restored').length < MAX_RESTORES;
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
  const keys = chosenKeys(record, choice, true);
  if (!keys) return { kind: 'unknown-recipient' };
  const restored: EmailKey[] = [];
  // The first follow-up before the second, so restoring both finds the second restorable.
  let current = record;
  for (const key of keys) {
    const now = clock.now();
    const email = current.emails[key];
    if (!restorable(current, key, now) || !email?.sendAt) continue;
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
    current = back;
    // The sweep first: if the schedule below is never made, the sweep still sends it on time.
    await store.setCheckAt(record.id, sweepPlan(back, now).next);
    try {
      await scheduler.create({
        name: scheduleOf(current, key),
        // The time as written: an edit may have moved it since `record` was read.
        at: scheduleTime(new Date(back.emails[key]?.sendAt ?? email.sendAt), now),
        event: eventFor(record.id, key),
      });
    } catch (err) {
      log('error', 'restore: schedule not made; the email is cancelled again', {
        interviewId: record.id,
        kind: key,
        error: String(err),
      });
      const again = clock.now().toISOString();
      await store.transition(
        record.id,
        key,
        ['scheduled'],
        'cancelled',
        { updatedAt: again, reason: CANCELLED_BY_CANDIDATE },
        { log: entry(who, 'cancelled', again, key) },
      );
      const done = restored.length > 0 ? ` (${restored.join(', ')} restored before it)` : '';
      throw new ServiceUnavailable(`The ${key} could not be scheduled again; it stays cancelled${done}.`, {
        cause: err,
      });
    }
    restored.push(key);
  }
  const after = (await store.get(record.id)) ?? current;
  if (restored.length === 0) return { kind: 'nothing-restorable', record: after };
  return { kind: 'restored', record: after, restored };
}
