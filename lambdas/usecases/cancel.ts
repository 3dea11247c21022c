/**
 * Cancelling what is still pending for one interview: used by the cancel link (api) and by SES
 * feedback (a bounce or complaint stops the rest). Written against the ports only.
 */
import type { Clock } from '../core/clock.js';
import type { EmailKind, ScheduledKind } from '../core/events.js';
import {
  CANCELLED_BY_CANDIDATE,
  type EmailStatus,
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
 * The status can change under us (the sender claims, then releases after a refusal), so each
 * email is retried from its fresh status until it is cancelled, marked, or final.
 */
export async function cancelPending(
  deps: CancelDeps,
  record: InterviewRecord,
  kinds: readonly EmailKind[] = SCHEDULED_KINDS,
  reason: string = CANCELLED_BY_CANDIDATE,
): Promise<InterviewRecord> {
  const { store, clock } = deps;
  for (const kind of kinds) {
    let status: EmailStatus | undefined = record.emails[kind]?.status;
    for (let round = 0; round < 5 && (status === 'scheduled' || status === 'sending'); round++) {
      const updatedAt = clock.now().toISOString();
      if (status === 'scheduled') {
        if (await store.transition(record.id, kind, ['scheduled'], 'cancelled', { updatedAt, reason })) {
          if (kind !== 'confirmation') await deleteSchedule(deps, record.id, kind);
          break;
        }
      } else if (await store.requestCancel(record.id, kind, updatedAt, reason)) {
        break;
      }
      status = (await store.get(record.id))?.emails[kind]?.status;
    }
  }
  return (await store.get(record.id)) ?? record;
}

async function deleteSchedule(deps: CancelDeps, id: string, kind: ScheduledKind): Promise<void> {
  try {
    await deps.scheduler.delete(scheduleName(id, kind));
  } catch (err) {
    deps.log('warn', 'schedule not deleted; it will fire and find the email cancelled', {
      interviewId: id,
      kind,
      error: String(err),
    });
  }
}
