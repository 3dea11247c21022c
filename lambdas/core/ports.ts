/**
 * What the use cases need from the outside world. The adapters in `lambdas/aws/` implement these
 * with the real AWS SDK clients, on AWS and locally alike.
 */

import type { ApiKey, LimitWindow } from './access.js';
import type { OutgoingEmail } from './emails.js';
import type { SendEvent } from './events.js';
import type { HistoryEntry } from './history.js';
import type { EmailChange, EmailStatus, InterviewRecord, TransitionConditions } from './interview.js';
import type { EmailKey } from './panel.js';
import { redact, redactFields } from './redact.js';

/** The conditions a transition may add (core/interview.ts defines and applies them). */
export type TransitionOptions = TransitionConditions;

export interface InterviewStore {
  /** False (and nothing written) when the id exists. */
  create(record: InterviewRecord): Promise<boolean>;
  get(id: string): Promise<InterviewRecord | undefined>;
  findByTokenHash(tokenHash: string): Promise<InterviewRecord | undefined>;
  /**
   * Moves one email from any of `from` to `to` (merging `fields`) only if its status is still one
   * of `from`: the item after the change, or undefined when the condition failed.
   */
  transition(
    id: string,
    key: EmailKey,
    from: readonly EmailStatus[],
    to: EmailStatus,
    fields: EmailChange,
    options?: TransitionOptions,
  ): Promise<InterviewRecord | undefined>;
  /**
   * Marks an email that is `sending` as cancel-requested, with the reason it ends with if that
   * send fails; undefined when it is no longer `sending`.
   */
  requestCancel(
    id: string,
    key: EmailKey,
    updatedAt: string,
    reason: string,
  ): Promise<InterviewRecord | undefined>;
  /**
   * Writes `next` in place of the interview, only if it is still the record `read` was (see
   * `unchangedSince`: not erased, the same revision, every email as it was): an edit applied to
   * exactly what it read. False (and nothing written) otherwise.
   */
  replace(next: InterviewRecord, read: InterviewRecord): Promise<boolean>;
  /**
   * Removes the personal data (names, addresses, texts, the token hash) and marks the item erased;
   * `record` (as just read) names the emails whose times and reasons go.
   */
  erase(record: InterviewRecord, at: string, log?: HistoryEntry): Promise<void>;
  /** Deletes an interview whose submission did not go ahead (refused after the write; its schedules deleted first). */
  discard(id: string): Promise<void>;
  /**
   * Every interview created by this API key and not erased (an erasure removes the owner), page
   * by page as they are read. There is no index by owner, so this reads the whole table (on
   * DynamoDB a full Scan, paid for every item in it): an administrator's occasional call, such as
   * revoking a key, never a request path.
   */
  listOwnedBy(ownerKeyId: string): AsyncIterable<InterviewRecord>;
  /**
   * Interviews whose `checkAt` is at or before `at` (an ISO instant), from an index by that
   * time: the sweep's read, whose cost follows what is due, never the table's size.
   */
  listDue(at: string): AsyncIterable<InterviewRecord>;
  /**
   * Sets when the sweep looks at this interview next; undefined takes it out of the index. `log`
   * is appended to the history in the same write (the sweep's hand-offs).
   */
  setCheckAt(id: string, checkAt: string | undefined, log?: readonly HistoryEntry[]): Promise<void>;
}

export interface KeyStore {
  findKey(secretHash: string): Promise<ApiKey | undefined>;
  createKey(secretHash: string, key: ApiKey): Promise<void>;
  listKeys(): Promise<ApiKey[]>;
  /** False when no such key. */
  revokeKey(keyId: string, at: string): Promise<boolean>;
}

export interface LimitRefusal {
  window: LimitWindow;
  /** Epoch ms from which the window can take one more (see `retryAt` in access.ts). */
  retryAt: number;
}

export interface LimitStore {
  /**
   * Counts one in every window, or in none: when a window is full, the counts already taken are
   * given back and the refusal is returned. A sliding window also reads its previous count.
   */
  take(windows: readonly LimitWindow[]): Promise<LimitRefusal | undefined>;
  /** Gives back one count taken in each window (a submission that did not go ahead after all). */
  giveBack(windows: readonly LimitWindow[]): Promise<void>;
}

/** Why an address is on the suppression list: a permanent bounce, or a complaint. */
export type SuppressionReason = 'bounce' | 'complaint';

/**
 * The service-wide suppression list (docs/self-serve.md): addresses, by `addressCounterId` (a keyed
 * HMAC of the normalised address, never the address), whose email bounced for good or whose owner
 * complained. The feedback use case writes it; the self-serve form refuses what is on it.
 */
export interface SuppressionStore {
  /**
   * Puts the address on the list, for SUPPRESSION_DAYS after `at` (an ISO instant); again (a later
   * event, a retried one) keeps it there, for a year after the latest.
   */
  suppress(addressId: string, at: string, reason: SuppressionReason): Promise<void>;
  /** Those of `addressIds` on the list, each once, in the order asked. */
  isSuppressed(addressIds: readonly string[]): Promise<string[]>;
}

export interface IdempotencyRecord {
  bodyHash: string;
  /** Epoch seconds of the claim: a `pending` claim older than a lease was left by a request that died. */
  claimedAt: number;
  interviewId: string;
  salt: string;
  /** gone: its interview was deleted; only this marker is left (see `forget`). */
  state: 'pending' | 'done' | 'gone';
  /** The original 201 body without its cancel link (recomputed from the caller's key). */
  response?: string;
  expiresAt: number;
}

export interface IdempotencyStore {
  /** Claims the key for this body: undefined when claimed, else the record already there. */
  claim(scope: string, record: IdempotencyRecord): Promise<IdempotencyRecord | undefined>;
  get(scope: string): Promise<IdempotencyRecord | undefined>;
  complete(scope: string, response: string): Promise<void>;
  /** Takes over a stale `pending` claim (still claimed at `claimedAt`); false if someone else did. */
  takeOver(scope: string, claimedAt: number, now: number): Promise<boolean>;
  release(scope: string): Promise<void>;
  /**
   * Its interview was deleted: the record becomes a bare `gone` marker (no interview id, body hash,
   * salt or answer), so a replay answers 404 and nothing links the key's request to the interview.
   */
  forget(scope: string): Promise<void>;
}

export interface OneTimeSchedule {
  name: string;
  /** The instant it fires (written in UTC: the rules already did the wall-clock work). */
  at: Date;
  event: SendEvent;
}

export interface EmailScheduler {
  /** Idempotent: a schedule that already exists under this name counts as created. */
  create(schedule: OneTimeSchedule): Promise<void>;
  /** Idempotent: a schedule already gone counts as deleted. */
  delete(name: string): Promise<void>;
}

export interface Mailer {
  /** Resolves with the provider's message id. Throws `MailError` saying what is known of the outcome. */
  send(email: OutgoingEmail): Promise<string>;
}

/**
 * What a failed send means for the email:
 * - `retry`: the provider answered and refused it for now (throttling, a 5xx): nothing went out,
 *   so trying again later cannot make a duplicate.
 * - `reject`: the provider refused this message for good; retrying cannot help.
 * - `unsent`: nothing reached the provider (the connection could not be made, credentials could
 *   not be had): trying again at once is safe and usually enough.
 * - `unknown`: no answer (timeout, connection lost): the message may or may not have gone out, so
 *   it must not be sent again.
 */
export type MailFailure = 'retry' | 'reject' | 'unsent' | 'unknown';

export class MailError extends Error {
  constructor(
    message: string,
    readonly failure: MailFailure,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'MailError';
  }
}

export interface SenderInvoker {
  /** Hands the event to the sender asynchronously (fire and forget, retried by the platform). */
  invokeAsync(event: SendEvent): Promise<void>;
}

/**
 * What the service counts, one data point per event (EMF on AWS, see infra/constructs/alarms.ts for the
 * alarms; in memory locally). Late: see lateness.ts; reconciled and stuck: see usecases/sweep.ts.
 */
export const METRIC_NAMES = [
  'EmailsSent',
  'EmailsRetried',
  'EmailsFailed',
  'EmailsUnknown',
  'EmailsSkippedLate',
  'EmailsMovedLate',
  'EmailsReconciled',
  'EmailsStuck',
] as const;
export type MetricName = (typeof METRIC_NAMES)[number];
/** The CloudWatch namespace of every metric; the stack's alarms read it (infra/constructs/alarms.ts). */
export const METRICS_NAMESPACE = 'InterviewFollowup';

export interface Metrics {
  /** Adds `value` (default 1) to the metric. */
  count(name: MetricName, value?: number): void;
}

/** Metrics kept in memory: the local runtime's (`GET /_local/metrics`) and the tests'. */
export class CountingMetrics implements Metrics {
  private readonly counts = new Map<MetricName, number>();
  count(name: MetricName, value = 1): void {
    this.counts.set(name, (this.counts.get(name) ?? 0) + value);
  }
  /** Every metric, zero for those never counted. */
  snapshot(): Record<MetricName, number> {
    return Object.fromEntries(METRIC_NAMES.map((name) => [name, this.counts.get(name) ?? 0])) as Record<
      MetricName,
      number
    >;
  }
}

export type Logger = (
  level: 'info' | 'warn' | 'error',
  message: string,
  fields?: Record<string, unknown>,
) => void;

/** One JSON line per event, with the strings redacted (see redact.ts). */
export const jsonLogger: Logger = (level, message, fields) => {
  const line = JSON.stringify({ level, message: redact(message), ...(fields && redactFields(fields)) });
  if (level === 'info') console.log(line);
  else console.error(line);
};
