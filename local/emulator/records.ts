/**
 * The records the emulator persists (store.ts), and the shape checks a record must pass when it is
 * loaded: a record that fails one refuses the start rather than being dropped.
 */
import { isObject } from './common.js';

/** Lambda retries a failed asynchronous invocation twice: three attempts in all. */
export const LAMBDA_ASYNC_ATTEMPTS = 3;

export interface RetryPolicy {
  MaximumEventAgeInSeconds: number;
  MaximumRetryAttempts: number;
}

export interface ScheduleTarget {
  Arn: string;
  RoleArn: string;
  Input?: string;
  RetryPolicy: RetryPolicy;
  DeadLetterConfig?: { Arn?: string };
}

/** A schedule as persisted. Times in epoch ms. */
export interface StoredSchedule {
  name: string;
  groupName: string;
  expression: string;
  timezone: string;
  /** The `at()` wall-clock time in `timezone`, as an instant. */
  dueAtMs: number;
  state: 'ENABLED' | 'DISABLED';
  flexibleTimeWindow: { Mode: string };
  target: ScheduleTarget;
  actionAfterCompletion: 'NONE' | 'DELETE';
  createdMs: number;
  modifiedMs: number;
  /** Fired successfully with ActionAfterCompletion NONE: still visible to Get/List, never fires again. */
  completed: boolean;
  /** Failed invocation attempts so far. */
  attempts: number;
  /** Emulator-clock time of the first attempt; the event's age for MaximumEventAgeInSeconds counts from it. */
  firedAtMs?: number;
}

export interface DeadLetter {
  source: 'scheduler' | 'lambda';
  /** The schedule's name, or the function's name for an async Lambda invocation. */
  name: string;
  /** Only for `source: 'scheduler'`: the schedule's group. */
  groupName?: string;
  /** The target function (ARN or name, as given). */
  target: string;
  payload: unknown;
  /** The message of the last failure. */
  error: string;
  attempts: number;
  /** ISO of the emulator clock when the event was given up. */
  at: string;
}

/** An accepted asynchronous Lambda invocation, kept until it succeeds or is dead-lettered. */
export interface PendingInvocation {
  functionName: string;
  payload: unknown;
  /** Failed attempts so far. */
  attempts: number;
  /** ISO of the emulator clock when it was accepted. */
  acceptedAt: string;
}

/** Minimal shape check of a persisted schedule: enough that firing and Get cannot trip over it. */
export function isStoredSchedule(value: unknown): value is StoredSchedule {
  if (!isObject(value)) return false;
  const { target, flexibleTimeWindow } = value;
  return (
    typeof value.name === 'string' &&
    typeof value.groupName === 'string' &&
    typeof value.expression === 'string' &&
    typeof value.timezone === 'string' &&
    Number.isFinite(value.dueAtMs) &&
    (value.state === 'ENABLED' || value.state === 'DISABLED') &&
    (value.actionAfterCompletion === 'NONE' || value.actionAfterCompletion === 'DELETE') &&
    isObject(flexibleTimeWindow) &&
    typeof flexibleTimeWindow.Mode === 'string' &&
    isObject(target) &&
    typeof target.Arn === 'string' &&
    typeof target.RoleArn === 'string' &&
    (target.Input === undefined || typeof target.Input === 'string') &&
    isObject(target.RetryPolicy) &&
    Number.isInteger(target.RetryPolicy.MaximumRetryAttempts) &&
    Number.isInteger(target.RetryPolicy.MaximumEventAgeInSeconds) &&
    Number.isFinite(value.createdMs) &&
    Number.isFinite(value.modifiedMs) &&
    typeof value.completed === 'boolean' &&
    Number.isInteger(value.attempts) &&
    (value.firedAtMs === undefined || Number.isFinite(value.firedAtMs))
  );
}

export function isDeadLetter(value: unknown): value is DeadLetter {
  return (
    isObject(value) &&
    (value.source === 'scheduler' || value.source === 'lambda') &&
    typeof value.name === 'string' &&
    typeof value.target === 'string' &&
    typeof value.error === 'string' &&
    Number.isInteger(value.attempts) &&
    typeof value.at === 'string'
  );
}

export function isPendingInvocation(value: unknown): value is PendingInvocation {
  return (
    isObject(value) &&
    typeof value.functionName === 'string' &&
    'payload' in value &&
    Number.isInteger(value.attempts) &&
    (value.attempts as number) >= 0 &&
    (value.attempts as number) < LAMBDA_ASYNC_ATTEMPTS &&
    typeof value.acceptedAt === 'string'
  );
}
