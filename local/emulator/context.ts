/**
 * What the Scheduler and the Lambda halves of the emulator run with: the clock, the in-process
 * target, the log, the backoff of retries, the bookkeeping of running attempts (so that fireDue(),
 * settle() and close() can wait for them) and the writes that acknowledge nothing to a client.
 */
import type { Clock } from '../../lambdas/core/clock.js';
import { errorMessage } from './common.js';
import type { DeadLetter } from './records.js';
import type { Op, StateStore } from './store.js';

export type InvokeTarget = (functionArn: string, payload: unknown) => Promise<void>;
export type Log = (message: string, fields?: Record<string, unknown>) => void;

const RETRY_CAP_MS = 60_000;

export class Context {
  /** Set by close(): no retry is armed and nothing new starts from then on. */
  closed = false;
  /** Every running attempt, first or retry: close() waits for all of them. */
  readonly running = new Set<Promise<void>>();

  constructor(
    readonly store: StateStore,
    readonly clock: Clock,
    readonly invokeTarget: InvokeTarget,
    readonly log: Log,
    private readonly retryBaseMs: number,
  ) {}

  /** The wait before the retry that follows `failedAttempts` failures: doubling, capped at 60 s. */
  retryDelay(failedAttempts: number): number {
    return Math.min(this.retryBaseMs * 2 ** (failedAttempts - 1), RETRY_CAP_MS);
  }

  /** Registers a running attempt until it ends; the returned (and registered) promise never rejects. */
  track(promise: Promise<void>, ...sets: Set<Promise<void>>[]): Promise<void> {
    const safe = promise.catch((err: unknown) => this.reportUnexpected(err));
    for (const set of [this.running, ...sets]) {
      set.add(safe);
      void safe.then(() => set.delete(safe));
    }
    return safe;
  }

  /** Resolves once all of `sets` are empty, including what gets added to them meanwhile. */
  async drained(...sets: Set<Promise<void>>[]): Promise<void> {
    while (sets.some((set) => set.size > 0)) await Promise.all(sets.flatMap((set) => [...set]));
  }

  reportUnexpected(err: unknown): void {
    try {
      this.log('aws-emulator: unexpected error', { error: errorMessage(err) });
    } catch {
      process.stderr.write(`aws-emulator: unexpected error: ${errorMessage(err)}\n`);
    }
  }

  /**
   * Commits changes already made in memory, for callers that acknowledge nothing to a client: a
   * failed write is logged and the in-memory state goes on (a restart then finds the earlier record).
   * Never rejects.
   */
  async persist(...ops: Op[]): Promise<void> {
    try {
      await this.store.commit(...ops);
    } catch (err) {
      this.reportUnexpected(new Error(`writing the state database failed: ${errorMessage(err)}`));
    }
  }

  /** Replaces the record `replacedKey` by the dead letter, in memory and then in one batch; logs once written. */
  async giveUp(
    letter: DeadLetter,
    replacedKey: string,
    message: string,
    fields: Record<string, unknown>,
  ): Promise<void> {
    await this.persist(...this.store.deadLetter(letter, replacedKey));
    this.log(message, fields);
  }

  isoNow(): string {
    return this.clock.now().toISOString();
  }
}
