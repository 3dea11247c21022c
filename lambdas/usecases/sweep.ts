/**
 * The sweep's use case: what the rules in core/reconcile.ts decide, done. Runs every
 * `SWEEP_PERIOD_MINUTES` (on AWS a function on a schedule; locally a timer of the runtime).
 *
 * Overdue emails go to the sender through the same asynchronous invoke as the confirmation, so
 * the sender (the only function allowed to send) claims them like any schedule's event: a sweep
 * racing a late schedule, or two sweeps, still send once. One interview's failure is logged and
 * leaves its `checkAt` as it was, so the next sweep tries it again; the others go on.
 */
import type { Clock } from '../core/clock.js';
import { BY_SWEEP, entry } from '../core/history.js';
import type { InterviewRecord } from '../core/interview.js';
import { type EmailKey, eventFor } from '../core/panel.js';
import type { InterviewStore, Logger, Metrics, SenderInvoker } from '../core/ports.js';
import { SWEEP_BATCH, sweepPlan } from '../core/reconcile.js';

export interface SweepDeps {
  store: Pick<InterviewStore, 'listDue' | 'setCheckAt'>;
  invoker: SenderInvoker;
  clock: Clock;
  log: Logger;
  metrics: Metrics;
}

export interface SweepReport {
  /** Interviews read from the index. */
  looked: number;
  /** Overdue emails handed to the sender. */
  reconciled: number;
  /** Emails stuck in `sending` (or confirmations overdue), reported. */
  stuck: number;
  /** Interviews whose handling failed (left for the next sweep). */
  errors: number;
}

/** Whether the last entry about this email is the sweep's hand-off already. */
function alreadyHandedOver(record: InterviewRecord, key: EmailKey): boolean {
  const last = (record.history ?? []).filter((h) => h.email === key).at(-1);
  return last?.by === 'sweep' && last.action === 'rescheduled';
}

export async function sweep(deps: SweepDeps, batch = SWEEP_BATCH): Promise<SweepReport> {
  const now = deps.clock.now();
  const report: SweepReport = { looked: 0, reconciled: 0, stuck: 0, errors: 0 };
  for await (const record of deps.store.listDue(now.toISOString())) {
    if (report.looked >= batch) break;
    report.looked += 1;
    const plan = sweepPlan(record, now);
    try {
      for (const key of plan.reconcile) {
        const email = record.emails[key];
        await deps.invoker.invokeAsync(eventFor(record.id, key));
        report.reconciled += 1;
        deps.log('warn', 'overdue: handed to the sender', {
          interviewId: record.id,
          kind: key,
          sendAt: email?.sendAt,
          ...(email?.retryAt && { retryAt: email.retryAt }),
        });
      }
      for (const key of plan.stuck) {
        report.stuck += 1;
        deps.log('error', 'stuck: an email has not finished sending (not re-sent, so never twice)', {
          interviewId: record.id,
          kind: key,
          status: record.emails[key]?.status,
          since: record.emails[key]?.updatedAt,
        });
      }
      // Each hand-off is in the history once (by the sweep), however many sweeps find it still due.
      const log = plan.reconcile
        .filter((key) => !alreadyHandedOver(record, key))
        .map((key) => entry(BY_SWEEP, 'rescheduled', now.toISOString(), key));
      await deps.store.setCheckAt(record.id, plan.next, log);
    } catch (err) {
      report.errors += 1;
      deps.log('error', 'sweep could not handle an interview; the next sweep tries again', {
        interviewId: record.id,
        error: err instanceof Error ? err.message : String(err),
      });
    }
  }
  // Published every run, zeros included, so the alarms see data and a quiet period reads as OK.
  deps.metrics.count('EmailsReconciled', report.reconciled);
  deps.metrics.count('EmailsStuck', report.stuck);
  deps.log('info', 'sweep done', { ...report });
  return report;
}
