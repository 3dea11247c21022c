/**
 * Cancelling what is still pending for one interview: used by the cancel link (api) and by SES
 * feedback (a bounce or complaint stops the rest). Written against the ports only.
 */
import type { Clock } from '../core/clock.js';
import { SCHEDULED_KINDS, type ScheduledKind } from '../core/events.js';
import { type Acting, BY_LINK, entry } from '../core/history.js';
import {
  CANCELLED_BY_CANDIDATE,
  type EmailStatus,
  type InterviewRecord,
  scheduledKeys,
  scheduleOf,
} from '../core/interview.js';
import { type EmailKey, parseEmailKey, sameAddress } from '../core/panel.js';
import type { EmailScheduler, InterviewStore, Logger } from '../core/ports.js';

export interface CancelDeps {
  store: InterviewStore;
  scheduler: Pick<EmailScheduler, 'delete'>;
  clock: Clock;
  log: Logger;
}

/**
 * Cancels the emails `keys` (by default every interviewer email) still `scheduled`. The database write decides; deleting the schedule is
 * cleanup (a schedule that still fires finds the email cancelled and sends nothing). An email the
 * sender is sending right now is marked: it goes out if SES takes it, else it ends cancelled.
 * The status can change under us (the sender claims, then releases after a refusal), so each
 * email is retried from its fresh status until it is cancelled, marked, or final.
 */
export async function cancelPending(
  deps: CancelDeps,
  record: InterviewRecord,
  keys: readonly EmailKey[] = scheduledKeys(record),
  reason: string = CANCELLED_BY_CANDIDATE,
  who: Acting = BY_LINK,
): Promise<InterviewRecord> {
  const { store, clock } = deps;
  for (const key of keys) {
    let status: EmailStatus | undefined = record.emails[key]?.status;
    for (
      let round = 0;
      round < 5 && (status === 'scheduled' || status === 'sending' || status === 'held');
      round++
    ) {
      const updatedAt = clock.now().toISOString();
      if (status === 'held') {
        // A self-serve email waiting for its candidate's confirmation: no schedule to delete.
        const log = entry(who, 'cancelled', updatedAt, key);
        if (await store.transition(record.id, key, ['held'], 'cancelled', { updatedAt, reason }, { log }))
          break;
      } else if (status === 'scheduled') {
        const log = entry(who, 'cancelled', updatedAt, key);
        if (
          await store.transition(record.id, key, ['scheduled'], 'cancelled', { updatedAt, reason }, { log })
        ) {
          if (key !== 'confirmation') await deleteSchedule(deps, record, key);
          break;
        }
      } else if (await store.requestCancel(record.id, key, updatedAt, reason)) {
        break;
      }
      status = (await store.get(record.id))?.emails[key]?.status;
    }
  }
  return (await store.get(record.id)) ?? record;
}

async function deleteSchedule(deps: CancelDeps, record: InterviewRecord, key: EmailKey): Promise<void> {
  const id = record.id;
  try {
    await deps.scheduler.delete(scheduleOf(record, key));
  } catch (err) {
    deps.log('warn', 'schedule not deleted; it will fire and find the email cancelled', {
      interviewId: id,
      kind: key,
      error: String(err),
    });
  }
}

/** What the cancel link is asked to stop: a kind (or all) and, optionally, one interviewer. */
export interface CancelChoice {
  kind: 'all' | ScheduledKind;
  /** One interviewer's address (any case); absent for the whole panel. */
  to?: string;
}

/**
 * The emails a choice names, or undefined when `to` is none of the panel's addresses. Cancelling
 * the follow-up cancels the second follow-up too: it checks in "once more" after the first.
 */
export function chosenKeys(
  record: InterviewRecord,
  choice: CancelChoice,
  /** The kind alone, without the follow-up's second (what a restore names). */
  exact = false,
): EmailKey[] | undefined {
  const person =
    choice.to === undefined
      ? undefined
      : record.interviewers.find((p) => sameAddress(p.email, choice.to as string));
  if (choice.to !== undefined && !person) return undefined;
  const kinds: readonly ScheduledKind[] =
    choice.kind === 'all'
      ? SCHEDULED_KINDS
      : choice.kind === 'follow-up' && !exact
        ? ['follow-up', 'second-follow-up']
        : [choice.kind];
  return scheduledKeys(record).filter((key) => {
    const parsed = parseEmailKey(key);
    return kinds.includes(parsed?.kind as ScheduledKind) && (!person || parsed?.person === person.id);
  });
}
