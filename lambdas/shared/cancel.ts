/**
 * Cancelling what is still pending for one interview: used by the cancel link (api) and by SES
 * feedback (a bounce or complaint stops the rest). Written against the ports only.
 */
import type { Clock } from '../core/clock.js';
import type { ScheduledKind } from '../core/events.js';
import {
  CANCELLED_BY_CANDIDATE,
  type InterviewRecord,
  SCHEDULED_KINDS,
  scheduleName,
} from '../core/interview.js';
import type { EmailScheduler, InterviewStore, Logger } from '../core/ports.js';

export interface CancelDeps {
  store: InterviewStore;
  scheduler: Pick<EmailScheduler, 'delete'>;
  clock: Clock;
  log: Logger;
}

/**
 * Cancels every email still `scheduled`. The database write decides; deleting the schedule is
 * cleanup (a schedule that still fires finds the email cancelled and sends nothing). An email the
 * sender is sending right now is marked: it goes out if SES takes it, else it ends cancelled.
 */
export async function cancelPending(
  deps: CancelDeps,
  record: InterviewRecord,
  kinds: readonly ScheduledKind[] = SCHEDULED_KINDS,
  reason: string = CANCELLED_BY_CANDIDATE,
): Promise<InterviewRecord> {
  const { store, scheduler, clock, log } = deps;
  for (const kind of kinds) {
    const status = record.emails[kind].status;
    const updatedAt = clock.now().toISOString();
    if (status === 'sending') {
      await store.requestCancel(record.id, kind, updatedAt);
      continue;
    }
    if (status !== 'scheduled') continue;
    const after = await store.transition(record.id, kind, ['scheduled'], 'cancelled', {
      updatedAt,
      reason,
    });
    if (!after) {
      // Claimed by the sender between our read and this write: mark that send instead.
      await store.requestCancel(record.id, kind, updatedAt);
      continue;
    }
    try {
      await scheduler.delete(scheduleName(record.id, kind));
    } catch (err) {
      log('warn', 'schedule not deleted; it will fire and find the email cancelled', {
        interviewId: record.id,
        kind,
        error: String(err),
      });
    }
  }
  return (await store.get(record.id)) ?? record;
}
