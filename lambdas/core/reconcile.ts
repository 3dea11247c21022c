/**
 * The sweep's rules (pure; the use case is lambdas/usecases/sweep.ts). Every few minutes the sweep
 * reads the interviews whose `checkAt` has come, from an index by that time (never a scan), and
 * for each decides from its emails alone:
 *
 * - an interviewer's email still `scheduled` more than `OVERDUE_MS` after its time (or after the
 *   sender's own retry's time) lost its schedule, or its schedule's delivery failed for good: it is
 *   handed to the sender, whose claim still guards exactly-once and whose late-send policy decides
 *   what a late email may still be; so is the candidate's notice of an edit (`update`), whose
 *   event needs nothing the table lacks (it is written from the record at sending);
 * - an email `sending` for more than `STUCK_MS` is stuck (the sender died after SES took it, or SES
 *   never answered): counted and logged, re-counted every hour for a week, never re-sent;
 * - a confirmation overdue while `scheduled` is counted as stuck too: its cancel link exists only
 *   in the event that was lost (the table keeps only the link's hash), so only that event (kept
 *   by Lambda's on-failure queue) can send it.
 *
 * Then `checkAt` moves to the next moment one of these could become true, or goes away (and the
 * interview leaves the index) when nothing is pending. So an interview is read a few times in its
 * life, and a sweep costs what is due, not what the table holds.
 */
import { type EmailState, emailKeys, type InterviewRecord } from './interview.js';
import type { EmailKey } from './panel.js';

const MINUTE = 60_000;
/** How often the sweep runs (the stack's rule and the local runtime's timer). */
export const SWEEP_PERIOD_MINUTES = 5;
/** A scheduled email this far past its time is overdue: its schedule should have fired by now. */
export const OVERDUE_MS = 5 * MINUTE;
/** An email `sending` for this long is stuck (the sender's function times out well before). */
export const STUCK_MS = 15 * MINUTE;
/** A stuck email is counted again this often… */
export const STUCK_RECHECK_MS = 60 * MINUTE;
/** …for this long, then left alone (its alarm has had a week). */
export const STUCK_REPORT_MS = 7 * 24 * 60 * MINUTE;
/** At most this many interviews per sweep; the rest wait for the next one. */
export const SWEEP_BATCH = 500;

/** `sending` for longer than a send can take (STUCK_MS): it will never finish, nor be sent again. */
export function stuck(email: EmailState, now: Date): boolean {
  return email.status === 'sending' && Date.parse(email.updatedAt) + STUCK_MS <= now.getTime();
}

export interface SweepPlan {
  /** Emails to hand to the sender: the interviewer's, and the notice of an edit. */
  reconcile: EmailKey[];
  /** Emails to report as stuck. */
  stuck: EmailKey[];
  /** When to look at this interview again (ISO); absent when nothing is pending. */
  next?: string;
}

export function sweepPlan(record: InterviewRecord, now: Date): SweepPlan {
  const plan: SweepPlan = { reconcile: [], stuck: [] };
  if (record.erasedAt) return plan;
  const at = now.getTime();
  let next = Number.POSITIVE_INFINITY;
  const reportStuck = (key: EmailKey, since: number) => {
    if (at - since >= STUCK_REPORT_MS) return;
    plan.stuck.push(key);
    next = Math.min(next, at + STUCK_RECHECK_MS);
  };
  for (const key of emailKeys(record)) {
    const email = record.emails[key];
    if (!email) continue;
    if (email.status === 'scheduled') {
      const planned = Date.parse(email.sendAt ?? record.createdAt);
      const due = Math.max(planned, email.retryAt ? Date.parse(email.retryAt) : 0);
      const overdueAt = due + OVERDUE_MS;
      if (overdueAt > at) next = Math.min(next, overdueAt);
      // Only the confirmation's (or the verify email's) lost event carries its link: nothing else can send it.
      else if (key === 'confirmation' || key === 'verify') reportStuck(key, overdueAt);
      else {
        plan.reconcile.push(key);
        next = Math.min(next, at + OVERDUE_MS); // to see that it went
      }
    } else if (email.status === 'sending') {
      const stuckAt = Date.parse(email.updatedAt) + STUCK_MS;
      if (stuckAt > at) next = Math.min(next, stuckAt);
      else reportStuck(key, stuckAt);
    }
  }
  if (Number.isFinite(next)) plan.next = new Date(next).toISOString();
  return plan;
}

/** A new interview's first `checkAt`: when its first email would be overdue. */
export function firstCheckAt(record: InterviewRecord): string | undefined {
  return sweepPlan(record, new Date(record.createdAt)).next;
}
