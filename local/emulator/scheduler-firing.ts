/**
 * The schedules in memory and their firing: due ones are claimed in due order and invoked through a
 * small pool, failures are retried with backoff and finally dead-lettered. Every outcome is written
 * (see store.ts) before fireDue() counts it done.
 */
import { errorMessage } from './common.js';
import type { Context } from './context.js';
import { LAMBDA_ASYNC_ATTEMPTS, type StoredSchedule } from './records.js';
import { scheduleKey } from './store.js';

export interface FiredSchedule {
  name: string;
  groupName: string;
  /** ISO of the due instant. */
  at: string;
}

interface Entry {
  schedule: StoredSchedule;
  /** idle: waiting for its instant (or completed); inFlight: an attempt runs; retryWait: a retry timer is armed. */
  status: 'idle' | 'inFlight' | 'retryWait';
  retryTimer?: NodeJS.Timeout;
}

const keyOf = (group: string, name: string) => `${group}/${name}`;
const isLambdaArn = (arn: string) => /^arn:aws[a-z-]*:lambda:/.test(arn);

/** Plain code-unit comparison of [name, group] pairs, independent of locale. */
export function compareKeys(a: readonly [string, string], b: readonly [string, string]): number {
  if (a[0] !== b[0]) return a[0] < b[0] ? -1 : 1;
  if (a[1] !== b[1]) return a[1] < b[1] ? -1 : 1;
  return 0;
}

function compareDue(a: StoredSchedule, b: StoredSchedule): number {
  return a.dueAtMs - b.dueAtMs || compareKeys([a.name, a.groupName], [b.name, b.groupName]);
}

const fired = (schedule: StoredSchedule): FiredSchedule => ({
  name: schedule.name,
  groupName: schedule.groupName,
  at: new Date(schedule.dueAtMs).toISOString(),
});

/** A dead letter keeps the payload even when the stored input was not JSON (only a hand-edited record). */
function parsePayloadLoosely(input: string | undefined): unknown {
  try {
    return JSON.parse(input ?? '{}');
  } catch {
    return input;
  }
}

export class Schedules {
  private readonly entries = new Map<string, Entry>();
  /** First attempts of scheduler batches (tick or fireDue). */
  readonly batches = new Set<Promise<void>>();

  constructor(
    private readonly ctx: Context,
    loaded: StoredSchedule[],
    private readonly fireConcurrency: number,
    /** Fault injection: true when this schedule's first delivery should also arrive a second time. */
    private readonly duplicate: (() => boolean) | undefined,
  ) {
    for (const schedule of loaded) {
      // Whatever was in flight or waiting for a retry when the process ended is pending again.
      this.entries.set(keyOf(schedule.groupName, schedule.name), { schedule, status: 'idle' });
    }
  }

  // ----- what the API reads and changes ------------------------------------------------------------

  find(group: string, name: string): StoredSchedule | undefined {
    return this.entries.get(keyOf(group, name))?.schedule;
  }

  all(): StoredSchedule[] {
    return [...this.entries.values()].map((entry) => entry.schedule);
  }

  /**
   * In memory at once (so a second create of the name conflicts), resolved once written. If the
   * write fails, the schedule is taken back (unless it is already firing) and this rejects.
   */
  async add(schedule: StoredSchedule): Promise<void> {
    const key = keyOf(schedule.groupName, schedule.name);
    const entry: Entry = { schedule, status: 'idle' };
    this.entries.set(key, entry);
    try {
      await this.ctx.store.commit(this.ctx.store.put(scheduleKey(schedule), schedule));
    } catch (err) {
      if (this.entries.get(key) === entry && entry.status === 'idle') this.entries.delete(key);
      throw err;
    }
  }

  /** Resolved once written. A failed write rejects; the schedule is then gone until a restart. */
  async remove(group: string, name: string): Promise<void> {
    const key = keyOf(group, name);
    const entry = this.entries.get(key);
    if (!entry) return;
    if (entry.retryTimer) clearTimeout(entry.retryTimer);
    // An attempt still running for it finishes, but its outcome is dropped (see attempt()).
    this.entries.delete(key);
    await this.ctx.store.commit(this.ctx.store.del(scheduleKey(entry.schedule)));
  }

  /** Enabled schedules that have not completed yet (including ones waiting for a retry), by due time. */
  pending(): FiredSchedule[] {
    return this.all()
      .filter((schedule) => !schedule.completed && schedule.state === 'ENABLED')
      .sort(compareDue)
      .map(fired);
  }

  // ----- firing ------------------------------------------------------------------------------------

  /** Claims what is due now and starts firing it in due order through the pool (the tick's entry point). */
  startDue(): FiredSchedule[] {
    const nowMs = this.ctx.clock.now().getTime();
    const due = [...this.entries.values()]
      .filter(
        (entry) =>
          entry.status === 'idle' &&
          !entry.schedule.completed &&
          entry.schedule.state === 'ENABLED' &&
          entry.schedule.dueAtMs <= nowMs,
      )
      .sort((a, b) => compareDue(a.schedule, b.schedule));
    // Claimed synchronously, so a tick and fireDue() (or two fireDue() calls) never fire one twice.
    for (const entry of due) entry.status = 'inFlight';
    if (due.length > 0) {
      // Workers take the next due entry in turn, so invocations start in due order.
      let next = 0;
      const worker = async () => {
        for (let entry = due[next++]; entry; entry = due[next++]) await this.runAttempt(entry);
      };
      const workers = Array.from({ length: Math.min(this.fireConcurrency, due.length) }, worker);
      this.ctx.track(
        Promise.all(workers).then(() => undefined),
        this.batches,
      );
    }
    return due.map((entry) => fired(entry.schedule));
  }

  /** startDue(), then waits for every batch, also those a tick (or a concurrent call) started. */
  async fireDue(): Promise<FiredSchedule[]> {
    const started = this.startDue();
    await this.ctx.drained(this.batches);
    return started;
  }

  /** Stops the retry timers (close): what waited for a retry is pending in the database. */
  stop(): void {
    for (const entry of this.entries.values()) {
      if (entry.retryTimer) {
        clearTimeout(entry.retryTimer);
        entry.retryTimer = undefined;
        entry.status = 'idle'; // persisted as pending: a restart retries it
      }
    }
  }

  /** Runs one attempt of a claimed schedule; never rejects. */
  private async runAttempt(entry: Entry): Promise<void> {
    try {
      await this.attempt(entry);
    } catch (err) {
      // Only a throwing `log` gets here; leave the schedule to be picked up by the next tick.
      if (entry.status === 'inFlight') entry.status = 'idle';
      this.ctx.reportUnexpected(err);
    }
  }

  /** One invocation attempt of a claimed schedule (status inFlight). Rejects only if `log` throws. */
  private async attempt(entry: Entry): Promise<void> {
    const { ctx } = this;
    const { schedule } = entry;
    const key = keyOf(schedule.groupName, schedule.name);
    if (this.entries.get(key) !== entry) return; // deleted while waiting for its turn in the batch
    const attempt = schedule.attempts + 1;
    if (schedule.firedAtMs === undefined) {
      schedule.firedAtMs = ctx.clock.now().getTime();
      // Not waited for: it acknowledges nothing, and the outcome below is queued after it.
      void ctx.persist(ctx.store.put(scheduleKey(schedule), schedule));
    }
    const fields = { ...fired(schedule), target: schedule.target.Arn, attempt };
    ctx.log(attempt === 1 ? 'scheduler: firing schedule' : 'scheduler: retrying schedule', fields);
    let failure: string | undefined;
    const payload: unknown = JSON.parse(schedule.target.Input ?? '{}');
    // A duplicate delivery (fault injection) runs alongside; its outcome is not the schedule's.
    const duplicate =
      attempt === 1 && this.duplicate?.()
        ? ctx.invokeTarget(schedule.target.Arn, payload).catch(() => undefined)
        : undefined;
    try {
      await ctx.invokeTarget(schedule.target.Arn, payload);
    } catch (err) {
      failure = errorMessage(err);
    }
    await duplicate;
    // Deleted (or deleted and re-created) while the attempt ran: the outcome belongs to nobody.
    if (this.entries.get(key) !== entry) return;
    if (failure === undefined) {
      entry.status = 'idle';
      // Written before fireDue() (and so POST /_local/clock) counts the schedule done.
      if (schedule.actionAfterCompletion === 'DELETE') {
        this.entries.delete(key);
        await ctx.persist(ctx.store.del(scheduleKey(schedule)));
      } else {
        schedule.completed = true;
        await ctx.persist(ctx.store.put(scheduleKey(schedule), schedule));
      }
      return;
    }
    schedule.attempts = attempt;
    // Scheduler hands a Lambda target over with an asynchronous invoke, which does not fail here:
    // the function's own errors get Lambda's asynchronous retries (two) and then its on-failure
    // destination, not the schedule's RetryPolicy. Other targets follow the RetryPolicy.
    const lambdaTarget = isLambdaArn(schedule.target.Arn);
    const retriesLeft = lambdaTarget
      ? LAMBDA_ASYNC_ATTEMPTS - attempt
      : schedule.target.RetryPolicy.MaximumRetryAttempts - (attempt - 1);
    if (retriesLeft <= 0 || (!lambdaTarget && this.eventTooOld(schedule))) {
      await this.deadLetter(entry, failure, lambdaTarget ? 'lambda' : 'scheduler');
      return;
    }
    // Its attempts so far; the entry stays inFlight meanwhile, so no tick claims it.
    await ctx.persist(ctx.store.put(scheduleKey(schedule), schedule));
    if (this.entries.get(key) !== entry) return; // deleted meanwhile
    if (ctx.closed) {
      entry.status = 'idle'; // stays pending in the database: a restarted emulator retries it
      return;
    }
    const delay = ctx.retryDelay(attempt);
    ctx.log('scheduler: invocation failed, will retry', { ...fields, error: failure, retryInMs: delay });
    entry.status = 'retryWait';
    entry.retryTimer = setTimeout(() => {
      entry.retryTimer = undefined;
      if (ctx.closed || this.entries.get(key) !== entry) return;
      if (!lambdaTarget && this.eventTooOld(schedule)) {
        entry.status = 'idle';
        ctx.track(this.deadLetter(entry, failure, 'scheduler'));
        return;
      }
      entry.status = 'inFlight';
      ctx.track(this.runAttempt(entry));
    }, delay);
    entry.retryTimer.unref();
  }

  private eventTooOld(schedule: StoredSchedule): boolean {
    const nowMs = this.ctx.clock.now().getTime();
    const firedAtMs = schedule.firedAtMs ?? nowMs;
    return nowMs - firedAtMs > schedule.target.RetryPolicy.MaximumEventAgeInSeconds * 1000;
  }

  /** Replaces the schedule by its dead letter. */
  private deadLetter(entry: Entry, error: string, source: 'scheduler' | 'lambda'): Promise<void> {
    const { schedule } = entry;
    this.entries.delete(keyOf(schedule.groupName, schedule.name));
    const { name, groupName, attempts, target } = schedule;
    const letter = {
      source,
      name,
      groupName,
      target: target.Arn,
      payload: parsePayloadLoosely(target.Input),
      error,
      attempts,
      at: this.ctx.isoNow(),
    };
    return this.ctx.giveUp(letter, scheduleKey(schedule), 'scheduler: gave up, dead-lettered', {
      name,
      groupName,
      target: target.Arn,
      deadLetterArn: target.DeadLetterConfig?.Arn,
      attempts,
      error,
    });
  }
}
