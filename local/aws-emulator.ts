/**
 * Local stand-in for AWS EventBridge Scheduler (one-time `at()` schedules) and for Lambda's Invoke API,
 * served by one small `node:http` server. It speaks the restJson1 wire protocol that the real SDK v3
 * clients (`@aws-sdk/client-scheduler`, `@aws-sdk/client-lambda`) send when pointed at it through their
 * `endpoint` option, so production adapters run against it unchanged:
 *
 * - Scheduler: `POST|GET|DELETE /schedules/{Name}` (group in the body for create, in the `groupName`
 *   query parameter otherwise) and `GET /schedules` (`ScheduleGroup`, `NamePrefix`, `State`,
 *   `MaxResults`, `NextToken`). Timestamps are epoch seconds (restJson1's body default).
 * - Lambda: `POST /2015-03-31/functions/{FunctionName}/invocations`, the invocation type in the
 *   `X-Amz-Invocation-Type` header, the payload as the raw body.
 * - Errors: the status code, the error name in `x-amzn-errortype` and a JSON body with the message
 *   (`Message` for Scheduler, `message` for Lambda), which is how the SDK recognises modelled exceptions.
 *
 * Requests are never authenticated: the SDK signs with dummy credentials and any Authorization passes.
 * Schedule groups are not modelled: any valid group name is accepted as if it existed.
 *
 * Durability: whatever it answered with a 2xx survives the process being killed (`kill -9`) at any
 * moment after the answer. The state lives in an embedded LevelDB (`classic-level`) in
 * `${dataDir}/scheduler-db`, one record per key, JSON values:
 *
 * - `s!<group>!<name>`: a schedule (pending, waiting for a retry, or completed with NONE);
 * - `d!<sequence>`: a dead letter, in the order they were given up;
 * - `a!<sequence>`: an accepted asynchronous Lambda invocation, until it succeeds or is dead-lettered;
 * - `m!version`, `m!imported`: the format, and the digest of an imported `scheduler.json`.
 *
 * Every change is written before whatever acknowledges it: CreateSchedule and DeleteSchedule before
 * their 200, an `Event` invocation before its 202, a schedule's completion (deleted, or kept as
 * completed) and each failed attempt before fireDue() and settle() count it done, a dead letter
 * before it is logged. A change writes only its own keys (a dead letter replaces its schedule or
 * invocation in one `db.batch`), so its cost does not grow with the number of pending schedules.
 * Writes are queued in order and whatever queues up while one is being written goes out in the next
 * batch, so the database always holds a prefix of the changes made in memory.
 * No fsync (LevelDB's default `sync: false`): a write reaches LevelDB's log (the operating system's
 * page cache) before its callback, which survives a crash of this process but not a power cut or a
 * crash of the machine; that is the aim here.
 * Everything is loaded at start into the in-memory indexes that firing and the API use; a record
 * that does not parse refuses the start rather than being dropped. A `scheduler.json` of an earlier
 * version (the whole state in one file) is imported once and renamed `scheduler.json.imported`.
 * The folder is compacted at start and at close, so earlier versions of records do not linger.
 */
import { createHash, randomUUID } from 'node:crypto';
import { mkdir, readFile, rename } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { ClassicLevel } from 'classic-level';
import type { Clock } from '../lambdas/core/clock.js';
import { zonedTime } from '../lambdas/core/time.js';
import { acceptLoopbackHostsOnly } from './loopback.js';

export type InvokeTarget = (functionArn: string, payload: unknown) => Promise<void>;

export interface AwsEmulatorOptions {
  /**
   * Schedules, dead letters and accepted async invocations are kept in `${dataDir}/scheduler-db`
   * (a LevelDB folder; see the top of this file).
   */
  dataDir: string;
  /** The emulator's notion of now; may jump forward or backwards. */
  clock: Clock;
  /** Runs the target in-process; throws on failure. */
  invoke: InvokeTarget;
  host?: string;
  port?: number;
  accountId?: string;
  region?: string;
  /** How often due schedules are checked by themselves (real time). */
  tickMs?: number;
  /**
   * How many due schedules are invoked at once (default DEFAULT_FIRE_CONCURRENCY). Real Scheduler
   * fires due schedules in parallel, so the sender must already cope with overlapping invocations;
   * a small pool keeps that true locally without flooding the in-process servers.
   */
  fireConcurrency?: number;
  /** First retry delay for failed invocations (real time), doubling, capped at 60 s. */
  retryBaseMs?: number;
  log?: (message: string, fields?: Record<string, unknown>) => void;
  /** Fault injection: true when this schedule's first delivery should also arrive a second time. */
  duplicate?: () => boolean;
}

export interface FiredSchedule {
  name: string;
  groupName: string;
  /** ISO of the due instant. */
  at: string;
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

export interface StateWrites {
  writes: number;
  keys: number;
  bytes: number;
  serializeMs: number;
}

export interface AwsEmulator {
  /** Base URL for both AWS_ENDPOINT_URL_SCHEDULER and AWS_ENDPOINT_URL_LAMBDA. */
  url: string;
  /**
   * Fires every enabled schedule due at or before clock.now(), starting them in due-time order (ties
   * by name) with at most `fireConcurrency` in flight, and resolves once each one's first attempt has
   * finished (success or failure); it also waits for first attempts a tick started just before.
   * Retries continue in the background.
   * Returns the schedules this call fired.
   */
  fireDue(): Promise<FiredSchedule[]>;
  /** Resolves when no first attempt (scheduled or async-invoked) is in flight. */
  settle(): Promise<void>;
  /** Enabled schedules that have not completed yet (including ones waiting for a retry), by due time. */
  pending(): Array<{ name: string; groupName: string; at: string }>;
  deadLetters(): DeadLetter[];
  /**
   * What the state database has been given so far (counters for `npm run bench` and the tests; they
   * change nothing): `writes` batches committed, `keys` records put or deleted in them, `bytes` of
   * keys and values written, and the milliseconds spent building the values' JSON on the event loop.
   */
  stateWrites(): StateWrites;
  /** Stops timers, waits for in-flight attempts and pending writes, closes the server and the database. */
  close(): Promise<void>;
}

const RETRY_CAP_MS = 60_000;
/** Due schedules invoked at once unless `fireConcurrency` says otherwise. */
export const DEFAULT_FIRE_CONCURRENCY = 8;
/** Lambda's synchronous payload limit; far above any Scheduler request. */
const MAX_BODY_BYTES = 6 * 1024 * 1024;
/** Lambda retries a failed asynchronous invocation twice: three attempts in all. */
const LAMBDA_ASYNC_ATTEMPTS = 3;
const NAME_PATTERN = /^[0-9a-zA-Z_.-]{1,64}$/;
const AT_PATTERN = /^at\((\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})\)$/;
/** The format of `scheduler.json`, the whole state in one file before the database (imported once). */
const FILE_VERSION = 1;
/** The format of the database's records, in `m!version`. */
const DB_VERSION = '1';
const DB_FOLDER = 'scheduler-db';
const LEGACY_FILE = 'scheduler.json';

type JsonObject = Record<string, unknown>;
type Service = 'scheduler' | 'lambda';
type ScheduleState = 'ENABLED' | 'DISABLED';
type ActionAfterCompletion = 'NONE' | 'DELETE';

interface RetryPolicy {
  MaximumEventAgeInSeconds: number;
  MaximumRetryAttempts: number;
}

interface ScheduleTarget {
  Arn: string;
  RoleArn: string;
  Input?: string;
  RetryPolicy: RetryPolicy;
  DeadLetterConfig?: { Arn?: string };
  /** Parameters of other target kinds (EcsParameters, SqsParameters, ...): stored and echoed, never used. */
  Extra?: JsonObject;
}

/** A schedule as persisted. Times in epoch ms except StartDate/EndDate, kept as the epoch seconds sent. */
interface StoredSchedule {
  name: string;
  groupName: string;
  expression: string;
  timezone: string;
  /** The `at()` wall-clock time in `timezone`, as an instant. */
  dueAtMs: number;
  state: ScheduleState;
  flexibleTimeWindow: { Mode: string; MaximumWindowInMinutes?: number };
  target: ScheduleTarget;
  actionAfterCompletion: ActionAfterCompletion;
  description?: string;
  startDate?: number;
  endDate?: number;
  kmsKeyArn?: string;
  createdMs: number;
  modifiedMs: number;
  /** Fired successfully with ActionAfterCompletion NONE: still visible to Get/List, never fires again. */
  completed: boolean;
  /** Failed invocation attempts so far. */
  attempts: number;
  /** Emulator-clock time of the first attempt; the event's age for MaximumEventAgeInSeconds counts from it. */
  firedAtMs?: number;
}

interface Entry {
  schedule: StoredSchedule;
  /** idle: waiting for its instant (or completed); inFlight: an attempt runs; retryWait: a retry timer is armed. */
  status: 'idle' | 'inFlight' | 'retryWait';
  retryTimer?: NodeJS.Timeout;
}

/** The `scheduler.json` of an earlier version (the whole state, rewritten on every change). */
interface StateFile {
  version: number;
  schedules: StoredSchedule[];
  deadLetters: DeadLetter[];
}

/** An error answered to the client in the AWS error shape. */
class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const validation = (message: string) => new ApiError(400, 'ValidationException', message);

const isObject = (value: unknown): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const errorMessage = (err: unknown): string => (err instanceof Error ? err.message : String(err));

// ---------------------------------------------------------------------------------------------------
// Request validation (CreateSchedule)
// ---------------------------------------------------------------------------------------------------

function optionalString(obj: JsonObject, key: string, where: string, maxLength?: number): string | undefined {
  const value = obj[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw validation(`${where}${key} must be a string`);
  if (maxLength !== undefined && value.length > maxLength) {
    throw validation(`${where}${key} must be at most ${maxLength} characters long`);
  }
  return value;
}

function requiredString(obj: JsonObject, key: string, where: string, maxLength?: number): string {
  const value = optionalString(obj, key, where, maxLength);
  if (value === undefined || value.length === 0) throw validation(`${where}${key} is required`);
  return value;
}

function optionalInteger(
  obj: JsonObject,
  key: string,
  where: string,
  min: number,
  max: number,
): number | undefined {
  const value = obj[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw validation(`${where}${key} must be an integer between ${min} and ${max}`);
  }
  return value;
}

function optionalTimestamp(obj: JsonObject, key: string): number | undefined {
  const value = obj[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) throw validation(`${key} must be epoch seconds`);
  return value;
}

function optionalObject(obj: JsonObject, key: string, where: string): JsonObject | undefined {
  const value = obj[key];
  if (value === undefined || value === null) return undefined;
  if (!isObject(value)) throw validation(`${where}${key} must be an object`);
  return value;
}

function optionalEnum<T extends string>(
  obj: JsonObject,
  key: string,
  where: string,
  allowed: readonly T[],
): T | undefined {
  const value = obj[key];
  if (value === undefined || value === null) return undefined;
  const match = allowed.find((candidate) => candidate === value);
  if (match === undefined) throw validation(`${where}${key} must be one of ${allowed.join(', ')}`);
  return match;
}

function validateName(value: string, field: string): void {
  if (!NAME_PATTERN.test(value)) {
    throw validation(`${field} '${value}' must be 1 to 64 characters of [0-9a-zA-Z-_.]`);
  }
}

function isValidTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/**
 * The instant of `at(yyyy-mm-ddThh:mm:ss)` read as a wall-clock time in `timezone` (never the process
 * zone), with the same rules as the service's own wall-clock arithmetic (`zonedTime`): a time a DST
 * change skips moves forward by the gap; a repeated time means its first occurrence.
 */
export function atExpressionToInstant(expression: string, timezone: string): Date {
  if (/^(rate|cron)\(/.test(expression)) {
    throw validation(`Only one-time at(...) schedules are emulated locally, not '${expression}'`);
  }
  const match = AT_PATTERN.exec(expression);
  if (!match)
    throw validation(`Invalid ScheduleExpression '${expression}': expected at(yyyy-mm-ddThh:mm:ss)`);
  const [year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0] = match.slice(1).map(Number);
  // Reject impossible calendar values (2026-02-30, 25:00:00) instead of letting Date roll them over.
  const probe = new Date(0);
  probe.setUTCFullYear(year, month - 1, day);
  probe.setUTCHours(hour, minute, second, 0);
  const exact =
    probe.getUTCFullYear() === year &&
    probe.getUTCMonth() === month - 1 &&
    probe.getUTCDate() === day &&
    probe.getUTCHours() === hour &&
    probe.getUTCMinutes() === minute &&
    probe.getUTCSeconds() === second;
  if (!exact || year < 1970) throw validation(`Invalid date or time in ScheduleExpression '${expression}'`);
  if (!isValidTimeZone(timezone)) throw validation(`Invalid ScheduleExpressionTimezone '${timezone}'`);
  return new Date(zonedTime({ year, month, day }, hour, minute, timezone).getTime() + second * 1000);
}

const TARGET_KEYS = new Set(['Arn', 'RoleArn', 'Input', 'RetryPolicy', 'DeadLetterConfig']);

function parseTarget(body: JsonObject): ScheduleTarget {
  const target = optionalObject(body, 'Target', '');
  if (!target) throw validation('Target is required');
  const input = optionalString(target, 'Input', 'Target.', 8192);
  if (input !== undefined) {
    try {
      JSON.parse(input);
    } catch {
      throw validation('Target.Input must be a JSON string (it becomes the Lambda event)');
    }
  }
  const retry = optionalObject(target, 'RetryPolicy', 'Target.') ?? {};
  const deadLetter = optionalObject(target, 'DeadLetterConfig', 'Target.');
  const extra = Object.fromEntries(Object.entries(target).filter(([key]) => !TARGET_KEYS.has(key)));
  return {
    Arn: requiredString(target, 'Arn', 'Target.', 1600),
    RoleArn: requiredString(target, 'RoleArn', 'Target.', 1600),
    Input: input,
    RetryPolicy: {
      MaximumEventAgeInSeconds:
        optionalInteger(retry, 'MaximumEventAgeInSeconds', 'Target.RetryPolicy.', 60, 86_400) ?? 86_400,
      MaximumRetryAttempts:
        optionalInteger(retry, 'MaximumRetryAttempts', 'Target.RetryPolicy.', 0, 185) ?? 185,
    },
    DeadLetterConfig: deadLetter
      ? { Arn: optionalString(deadLetter, 'Arn', 'Target.DeadLetterConfig.', 1600) }
      : undefined,
    Extra: Object.keys(extra).length > 0 ? extra : undefined,
  };
}

function parseCreateSchedule(name: string, body: JsonObject, nowMs: number): StoredSchedule {
  validateName(name, 'Name');
  const groupName = optionalString(body, 'GroupName', '') ?? 'default';
  validateName(groupName, 'GroupName');
  const expression = requiredString(body, 'ScheduleExpression', '', 256);
  const timezone = optionalString(body, 'ScheduleExpressionTimezone', '', 50) ?? 'UTC';
  const dueAt = atExpressionToInstant(expression, timezone);

  const window = optionalObject(body, 'FlexibleTimeWindow', '');
  if (!window) throw validation('FlexibleTimeWindow is required');
  const mode = optionalEnum(window, 'Mode', 'FlexibleTimeWindow.', ['OFF', 'FLEXIBLE'] as const);
  if (!mode) throw validation('FlexibleTimeWindow.Mode is required');
  const maxWindow = optionalInteger(window, 'MaximumWindowInMinutes', 'FlexibleTimeWindow.', 1, 1440);
  if (mode === 'FLEXIBLE' && maxWindow === undefined) {
    throw validation('FlexibleTimeWindow.MaximumWindowInMinutes is required when Mode is FLEXIBLE');
  }

  return {
    name,
    groupName,
    expression,
    timezone,
    dueAtMs: dueAt.getTime(),
    state: optionalEnum(body, 'State', '', ['ENABLED', 'DISABLED'] as const) ?? 'ENABLED',
    // The emulator fires at the instant itself: a flexible window is stored and echoed only.
    flexibleTimeWindow: { Mode: mode, MaximumWindowInMinutes: maxWindow },
    target: parseTarget(body),
    actionAfterCompletion:
      optionalEnum(body, 'ActionAfterCompletion', '', ['NONE', 'DELETE'] as const) ?? 'NONE',
    description: optionalString(body, 'Description', '', 512),
    startDate: optionalTimestamp(body, 'StartDate'),
    endDate: optionalTimestamp(body, 'EndDate'),
    kmsKeyArn: optionalString(body, 'KmsKeyArn', '', 2048),
    createdMs: nowMs,
    modifiedMs: nowMs,
    completed: false,
    attempts: 0,
  };
}

// ---------------------------------------------------------------------------------------------------
// Persistence
// ---------------------------------------------------------------------------------------------------

/** Minimal shape check of a persisted schedule: enough that firing and Get cannot trip over it. */
function isStoredSchedule(value: unknown): value is StoredSchedule {
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

function isDeadLetter(value: unknown): value is DeadLetter {
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

/** An accepted asynchronous Lambda invocation, kept until it succeeds or is dead-lettered. */
interface PendingInvocation {
  functionName: string;
  payload: unknown;
  /** Failed attempts so far. */
  attempts: number;
  /** ISO of the emulator clock when it was accepted. */
  acceptedAt: string;
}

function isPendingInvocation(value: unknown): value is PendingInvocation {
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

/**
 * Parses the state file of an earlier version. Empty means no state; anything unreadable is an
 * error, never dropped.
 */
function parseStateFile(text: string, file: string): StateFile {
  if (text.trim() === '') return { version: FILE_VERSION, schedules: [], deadLetters: [] };
  const corrupt = (why: string) =>
    new Error(
      `AWS emulator: ${file} is corrupt (${why}). Refusing to start rather than drop its schedules; ` +
        'repair or delete the file.',
    );
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw corrupt(`not valid JSON: ${errorMessage(err)}`);
  }
  if (!isObject(parsed) || parsed.version !== FILE_VERSION) throw corrupt(`expected version ${FILE_VERSION}`);
  const { schedules, deadLetters } = parsed;
  if (!Array.isArray(schedules) || !Array.isArray(deadLetters)) {
    throw corrupt('expected "schedules" and "deadLetters" arrays');
  }
  const badSchedule = schedules.findIndex((schedule) => !isStoredSchedule(schedule));
  if (badSchedule >= 0) throw corrupt(`schedules[${badSchedule}] is malformed`);
  const badLetter = deadLetters.findIndex((letter) => !isDeadLetter(letter));
  if (badLetter >= 0) throw corrupt(`deadLetters[${badLetter}] is malformed`);
  return { version: FILE_VERSION, schedules: schedules.filter(isStoredSchedule), deadLetters };
}

type StateDb = ClassicLevel<string, string>;
type Op = { type: 'put'; key: string; value: string } | { type: 'del'; key: string };

/** Group and schedule names are [0-9a-zA-Z_.-] (validateName), so `!` cannot occur inside them. */
const scheduleKey = (schedule: Pick<StoredSchedule, 'groupName' | 'name'>) =>
  `s!${schedule.groupName}!${schedule.name}`;
const SEQUENCE_DIGITS = 16;
/** Fixed width, so that LevelDB's key order is the order of the sequence. */
const sequenceKey = (prefix: 'd!' | 'a!', sequence: number) =>
  `${prefix}${String(sequence).padStart(SEQUENCE_DIGITS, '0')}`;
/** A literal, so test/unit/redos.test.ts can check it; its width is SEQUENCE_DIGITS. */
const SEQUENCE_KEY = /^[da]!(\d{16})$/;
const VERSION_KEY = 'm!version';
const IMPORTED_KEY = 'm!imported';

/** Everything the database holds, as loaded at start (in key order). */
interface LoadedState {
  schedules: StoredSchedule[];
  deadLetters: Array<{ key: string; letter: DeadLetter }>;
  invocations: Array<{ key: string; invocation: PendingInvocation }>;
  /** One more than the largest sequence number in use. */
  nextSequence: number;
}

/** Reads every record, checking each one; a record that does not parse is an error, never dropped. */
async function loadState(db: StateDb, location: string): Promise<LoadedState> {
  const state: LoadedState = { schedules: [], deadLetters: [], invocations: [], nextSequence: 1 };
  const corrupt = (key: string, why: string) =>
    new Error(
      `AWS emulator: the record '${key}' in ${location} is corrupt (${why}). Refusing to start rather ` +
        'than drop it; repair or delete the record (or the whole folder).',
    );
  for await (const [key, value] of db.iterator()) {
    if (key === VERSION_KEY) {
      if (value !== DB_VERSION) throw corrupt(key, `version ${value}, expected ${DB_VERSION}`);
      continue;
    }
    if (key === IMPORTED_KEY) continue;
    let parsed: unknown;
    try {
      parsed = JSON.parse(value);
    } catch (err) {
      throw corrupt(key, `not valid JSON: ${errorMessage(err)}`);
    }
    if (key.startsWith('s!')) {
      if (!isStoredSchedule(parsed)) throw corrupt(key, 'not a schedule');
      if (scheduleKey(parsed) !== key) throw corrupt(key, 'the key does not match its group and name');
      state.schedules.push(parsed);
      continue;
    }
    const sequence = SEQUENCE_KEY.exec(key)?.[1];
    if (sequence === undefined) throw corrupt(key, 'an unknown kind of record');
    state.nextSequence = Math.max(state.nextSequence, Number(sequence) + 1);
    if (key.startsWith('d!')) {
      if (!isDeadLetter(parsed)) throw corrupt(key, 'not a dead letter');
      state.deadLetters.push({ key, letter: parsed });
    } else {
      if (!isPendingInvocation(parsed)) throw corrupt(key, 'not an asynchronous invocation');
      state.invocations.push({ key, invocation: parsed });
    }
  }
  return state;
}

/**
 * Imports the `scheduler.json` of an earlier version once, then renames it `.imported`. The file's
 * digest is written with its records in one batch, so a start that dies between the batch and the
 * rename does not import its dead letters twice. Returns whether anything was written.
 */
async function importStateFile(db: StateDb, dataDir: string, nextSequence: number): Promise<boolean> {
  const file = path.join(dataDir, LEGACY_FILE);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if (isObject(err) && err.code === 'ENOENT') return false;
    throw err;
  }
  const state = parseStateFile(text, file); // throws on a corrupt file, which stays where it is
  const digest = createHash('sha256').update(text).digest('hex');
  let wrote = false;
  if ((await db.get(IMPORTED_KEY)) !== digest) {
    let sequence = nextSequence;
    const ops: Op[] = [
      ...state.schedules.map(
        (schedule): Op => ({ type: 'put', key: scheduleKey(schedule), value: JSON.stringify(schedule) }),
      ),
      ...state.deadLetters.map(
        (letter): Op => ({ type: 'put', key: sequenceKey('d!', sequence++), value: JSON.stringify(letter) }),
      ),
      { type: 'put', key: IMPORTED_KEY, value: digest },
    ];
    await db.batch(ops);
    wrote = true;
  }
  await rename(file, `${file}.imported`);
  return wrote;
}

/** Opens (creating it if needed) and loads the state database, importing an old state file first. */
async function openState(dataDir: string): Promise<{ db: StateDb; state: LoadedState }> {
  const location = path.join(dataDir, DB_FOLDER);
  const db: StateDb = new ClassicLevel<string, string>(location, {
    keyEncoding: 'utf8',
    valueEncoding: 'utf8',
  });
  try {
    await db.open();
  } catch (err) {
    throw new Error(
      `AWS emulator: cannot open ${location} (is another local runtime using this data folder?): ${errorMessage(err)}`,
      { cause: err },
    );
  }
  try {
    if ((await db.get(VERSION_KEY)) === undefined) await db.put(VERSION_KEY, DB_VERSION);
    let state = await loadState(db, location);
    if (await importStateFile(db, dataDir, state.nextSequence)) state = await loadState(db, location);
    await compact(db); // what a run that was killed left in the log
    return { db, state };
  } catch (err) {
    await db.close().catch(() => undefined);
    throw err;
  }
}

/** Rewrites the tables so they hold only current records (deleted and replaced ones are dropped). */
function compact(db: StateDb): Promise<void> {
  return db.compactRange('\u0000', '\uffff');
}

/**
 * The emulator's only way to the database. Changes are queued in the order they are made in
 * memory and written in that order: whatever is queued while a batch is being written goes out,
 * together, in the next `db.batch`. Each `commit` resolves once its own batch is in LevelDB's log
 * (no fsync: see the top of this file), or rejects if that batch failed.
 */
class StateStore {
  readonly stats: StateWrites = { writes: 0, keys: 0, bytes: 0, serializeMs: 0 };
  private queued: Op[] = [];
  private waiting: Array<{ resolve: () => void; reject: (err: unknown) => void }> = [];
  private draining: Promise<void> | undefined;

  constructor(private readonly db: StateDb) {}

  /** A put of `value` as it is now (serialised at once, so later changes in memory are not in it). */
  put(key: string, value: unknown): Op {
    const started = performance.now();
    const text = JSON.stringify(value);
    this.stats.serializeMs += performance.now() - started;
    return { type: 'put', key, value: text };
  }

  del(key: string): Op {
    return { type: 'del', key };
  }

  commit(...ops: Op[]): Promise<void> {
    this.queued.push(...ops);
    const written = new Promise<void>((resolve, reject) => this.waiting.push({ resolve, reject }));
    this.draining ??= this.drain();
    return written;
  }

  /** Waits for every write queued so far, then compacts and closes the database. */
  async close(): Promise<void> {
    while (this.draining) await this.draining;
    try {
      await compact(this.db);
    } finally {
      await this.db.close();
    }
  }

  private async drain(): Promise<void> {
    while (this.queued.length > 0) {
      const ops = this.queued;
      const waiting = this.waiting;
      this.queued = [];
      this.waiting = [];
      try {
        await this.db.batch(ops);
        this.stats.writes += 1;
        this.stats.keys += ops.length;
        for (const op of ops) {
          this.stats.bytes +=
            Buffer.byteLength(op.key) + (op.type === 'put' ? Buffer.byteLength(op.value) : 0);
        }
        for (const { resolve } of waiting) resolve();
      } catch (err) {
        for (const { reject } of waiting) reject(err);
      }
    }
    this.draining = undefined;
  }
}

// ---------------------------------------------------------------------------------------------------
// HTTP plumbing
// ---------------------------------------------------------------------------------------------------

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new ApiError(413, 'RequestEntityTooLargeException', 'Request body is too large'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function parseJsonObject(body: Buffer): JsonObject {
  const text = body.toString('utf8');
  if (text.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw validation('Request body is not valid JSON');
  }
  if (!isObject(parsed)) throw validation('Request body must be a JSON object');
  return parsed;
}

function send(res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(body)),
    'x-amzn-requestid': randomUUID(),
    ...headers,
  });
  res.end(body);
}

const sendJson = (res: ServerResponse, status: number, body: unknown) =>
  send(res, status, JSON.stringify(body));

function sendError(res: ServerResponse, service: Service, err: ApiError): void {
  // Scheduler's errors carry `Message`, Lambda's `Type` + `message`; the SDK reads the name from the header.
  const body = service === 'scheduler' ? { Message: err.message } : { Type: 'User', message: err.message };
  send(res, err.status, JSON.stringify(body), { 'x-amzn-errortype': err.code });
}

/** `arn:aws:lambda:r:a:function:name[:qualifier]`, `a:function:name` or `name[:qualifier]` → `name`. */
function functionNameOf(functionName: string): string {
  const fromArn = /(?:^|:)function:([^:]+)/.exec(functionName)?.[1];
  return fromArn ?? functionName.split(':')[0] ?? functionName;
}

const toEpochSeconds = (ms: number) => ms / 1000;

// ---------------------------------------------------------------------------------------------------
// The emulator
// ---------------------------------------------------------------------------------------------------

class Emulator {
  private readonly entries = new Map<string, Entry>();
  /** By database key, in the order they were given up. */
  private readonly letters = new Map<string, DeadLetter>();
  /** Accepted async invocations loaded at start, run at the first tick, fireDue() or settle(). */
  private resumable: Array<{ key: string; invocation: PendingInvocation }>;
  /** The next number for a `d!` or `a!` key. */
  private nextSequence: number;
  /** First attempts of scheduler batches (tick or fireDue). */
  private readonly scheduleBatches = new Set<Promise<void>>();
  /** First attempts of asynchronous Lambda invocations. */
  private readonly asyncFirstAttempts = new Set<Promise<void>>();
  /** Every running attempt, first or retry: close() waits for all of them. */
  private readonly running = new Set<Promise<void>>();
  private readonly lambdaRetryTimers = new Set<NodeJS.Timeout>();
  private readonly store: StateStore;
  private readonly clock: Clock;
  private readonly invokeTarget: InvokeTarget;
  private readonly log: (message: string, fields?: Record<string, unknown>) => void;
  private readonly accountId: string;
  private readonly region: string;
  private readonly retryBaseMs: number;
  private readonly fireConcurrency: number;
  private readonly duplicate: (() => boolean) | undefined;
  private closed = false;

  constructor(options: AwsEmulatorOptions, state: LoadedState, store: StateStore) {
    this.store = store;
    this.clock = options.clock;
    this.invokeTarget = options.invoke;
    this.accountId = options.accountId ?? '000000000000';
    this.region = options.region ?? 'us-east-1';
    this.retryBaseMs = options.retryBaseMs ?? 1000;
    this.fireConcurrency = Math.max(1, options.fireConcurrency ?? DEFAULT_FIRE_CONCURRENCY);
    this.duplicate = options.duplicate;
    this.log =
      options.log ??
      ((message, fields) =>
        process.stderr.write(
          `${JSON.stringify({ time: this.clock.now().toISOString(), component: 'aws-emulator', message, ...fields })}\n`,
        ));
    for (const schedule of state.schedules) {
      // Whatever was in flight or waiting for a retry when the process ended is pending again.
      this.entries.set(keyOf(schedule.groupName, schedule.name), { schedule, status: 'idle' });
    }
    for (const { key, letter } of state.deadLetters) this.letters.set(key, letter);
    this.resumable = state.invocations;
    this.nextSequence = state.nextSequence;
  }

  // ----- state ------------------------------------------------------------------------------------

  /**
   * Commits changes already made in memory, for callers that acknowledge nothing to a client: a
   * failed write is logged and the in-memory state goes on (a restart then finds the earlier record).
   * Never rejects.
   */
  private async persist(...ops: Op[]): Promise<void> {
    try {
      await this.store.commit(...ops);
    } catch (err) {
      this.reportUnexpected(new Error(`writing the state database failed: ${errorMessage(err)}`));
    }
  }

  private nextKey(prefix: 'd!' | 'a!'): string {
    return sequenceKey(prefix, this.nextSequence++);
  }

  // ----- firing -----------------------------------------------------------------------------------

  /** Claims what is due now and starts firing it in due order through the pool (the tick's entry point). */
  startDue(): FiredSchedule[] {
    this.resumeAsync();
    const nowMs = this.clock.now().getTime();
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
    const fired = due.map(({ schedule }) => ({
      name: schedule.name,
      groupName: schedule.groupName,
      at: new Date(schedule.dueAtMs).toISOString(),
    }));
    if (due.length === 0) return fired;
    // Workers take the next due entry in turn, so invocations start in due order.
    let next = 0;
    const worker = async () => {
      for (let entry = due[next++]; entry; entry = due[next++]) await this.runAttempt(entry);
    };
    const workers = Array.from({ length: Math.min(this.fireConcurrency, due.length) }, worker);
    this.track(
      Promise.all(workers).then(() => undefined),
      this.scheduleBatches,
    );
    return fired;
  }

  async fireDue(): Promise<FiredSchedule[]> {
    if (this.closed) throw new Error('AWS emulator is closed');
    const fired = this.startDue();
    // Also waits for batches a tick (or a concurrent fireDue) started, so that "due" really means "done".
    while (this.scheduleBatches.size > 0) await Promise.all([...this.scheduleBatches]);
    return fired;
  }

  async settle(): Promise<void> {
    this.resumeAsync();
    while (this.scheduleBatches.size > 0 || this.asyncFirstAttempts.size > 0) {
      await Promise.all([...this.scheduleBatches, ...this.asyncFirstAttempts]);
    }
  }

  pending(): Array<{ name: string; groupName: string; at: string }> {
    return [...this.entries.values()]
      .map((entry) => entry.schedule)
      .filter((schedule) => !schedule.completed && schedule.state === 'ENABLED')
      .sort(compareDue)
      .map((schedule) => ({
        name: schedule.name,
        groupName: schedule.groupName,
        at: new Date(schedule.dueAtMs).toISOString(),
      }));
  }

  deadLetters(): DeadLetter[] {
    return [...this.letters.values()].map((letter) => ({ ...letter }));
  }

  /** Runs one attempt of a claimed schedule; never rejects. */
  private async runAttempt(entry: Entry): Promise<void> {
    try {
      await this.attemptSchedule(entry);
    } catch (err) {
      // Only a throwing `log` gets here; leave the schedule to be picked up by the next tick.
      if (entry.status === 'inFlight') entry.status = 'idle';
      this.reportUnexpected(err);
    }
  }

  /** One invocation attempt of a claimed schedule (status inFlight). Rejects only if `log` throws. */
  private async attemptSchedule(entry: Entry): Promise<void> {
    const { schedule } = entry;
    const key = keyOf(schedule.groupName, schedule.name);
    if (this.entries.get(key) !== entry) return; // deleted while waiting for its turn in the batch
    const attempt = schedule.attempts + 1;
    if (schedule.firedAtMs === undefined) {
      schedule.firedAtMs = this.clock.now().getTime();
      // Not waited for: it acknowledges nothing, and the outcome below is queued after it.
      void this.persist(this.store.put(scheduleKey(schedule), schedule));
    }
    const fields = {
      name: schedule.name,
      groupName: schedule.groupName,
      at: new Date(schedule.dueAtMs).toISOString(),
      target: schedule.target.Arn,
      attempt,
    };
    this.log(attempt === 1 ? 'scheduler: firing schedule' : 'scheduler: retrying schedule', fields);
    let failure: string | undefined;
    const payload: unknown = JSON.parse(schedule.target.Input ?? '{}');
    // A duplicate delivery (fault injection) runs alongside; its outcome is not the schedule's.
    const duplicate =
      attempt === 1 && this.duplicate?.()
        ? this.invokeTarget(schedule.target.Arn, payload).catch(() => undefined)
        : undefined;
    try {
      await this.invokeTarget(schedule.target.Arn, payload);
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
        await this.persist(this.store.del(scheduleKey(schedule)));
      } else {
        schedule.completed = true;
        await this.persist(this.store.put(scheduleKey(schedule), schedule));
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
      await this.deadLetterSchedule(entry, failure, lambdaTarget ? 'lambda' : 'scheduler');
      return;
    }
    // Its attempts so far; the entry stays inFlight meanwhile, so no tick claims it.
    await this.persist(this.store.put(scheduleKey(schedule), schedule));
    if (this.entries.get(key) !== entry) return; // deleted meanwhile
    if (this.closed) {
      entry.status = 'idle'; // stays pending in the database: a restarted emulator retries it
      return;
    }
    const delay = this.retryDelay(attempt);
    this.log('scheduler: invocation failed, will retry', { ...fields, error: failure, retryInMs: delay });
    entry.status = 'retryWait';
    entry.retryTimer = setTimeout(() => {
      entry.retryTimer = undefined;
      if (this.closed || this.entries.get(key) !== entry) return;
      if (!lambdaTarget && this.eventTooOld(schedule)) {
        entry.status = 'idle';
        this.track(this.deadLetterSchedule(entry, failure, 'scheduler'));
        return;
      }
      entry.status = 'inFlight';
      this.track(this.runAttempt(entry));
    }, delay);
    entry.retryTimer.unref();
  }

  private eventTooOld(schedule: StoredSchedule): boolean {
    const firedAtMs = schedule.firedAtMs ?? this.clock.now().getTime();
    return (
      this.clock.now().getTime() - firedAtMs > schedule.target.RetryPolicy.MaximumEventAgeInSeconds * 1000
    );
  }

  /** Replaces the schedule by its dead letter, in memory and then in one batch; logs once written. */
  private async deadLetterSchedule(entry: Entry, error: string, source: DeadLetter['source']): Promise<void> {
    const { schedule } = entry;
    this.entries.delete(keyOf(schedule.groupName, schedule.name));
    const letter: DeadLetter = {
      source,
      name: schedule.name,
      groupName: schedule.groupName,
      target: schedule.target.Arn,
      payload: parsePayloadLoosely(schedule.target.Input),
      error,
      attempts: schedule.attempts,
      at: this.clock.now().toISOString(),
    };
    const letterKey = this.nextKey('d!');
    this.letters.set(letterKey, letter);
    await this.persist(this.store.del(scheduleKey(schedule)), this.store.put(letterKey, letter));
    this.log('scheduler: gave up, dead-lettered', {
      name: schedule.name,
      groupName: schedule.groupName,
      target: schedule.target.Arn,
      deadLetterArn: schedule.target.DeadLetterConfig?.Arn,
      attempts: letter.attempts,
      error,
    });
  }

  private retryDelay(failedAttempts: number): number {
    return Math.min(this.retryBaseMs * 2 ** (failedAttempts - 1), RETRY_CAP_MS);
  }

  /** Registers a running attempt until it ends; the returned (and registered) promise never rejects. */
  private track(promise: Promise<void>, ...sets: Set<Promise<void>>[]): Promise<void> {
    const safe = promise.catch((err: unknown) => this.reportUnexpected(err));
    for (const set of [this.running, ...sets]) {
      set.add(safe);
      void safe.then(() => set.delete(safe));
    }
    return safe;
  }

  private reportUnexpected(err: unknown): void {
    try {
      this.log('aws-emulator: unexpected error', { error: errorMessage(err) });
    } catch {
      process.stderr.write(`aws-emulator: unexpected error: ${errorMessage(err)}\n`);
    }
  }

  // ----- asynchronous Lambda invocations ----------------------------------------------------------

  /**
   * Accepts an `Event` invocation: its record is written before the 202 (this resolves once it is),
   * then it runs in the background. Rejects, and runs nothing, if the write failed.
   */
  private async acceptAsync(functionName: string, payload: unknown): Promise<void> {
    const key = this.nextKey('a!');
    const invocation: PendingInvocation = {
      functionName,
      payload,
      attempts: 0,
      acceptedAt: this.clock.now().toISOString(),
    };
    await this.store.commit(this.store.put(key, invocation));
    // Accepted while closing: it stays in the database and runs after the next start.
    if (!this.closed) this.invokeAsync(key, invocation);
  }

  /** Starts, once, the invocations a previous run had accepted and not finished. */
  private resumeAsync(): void {
    if (this.closed || this.resumable.length === 0) return;
    const resumable = this.resumable;
    this.resumable = [];
    this.log('lambda: resuming async invocations accepted before the restart', { count: resumable.length });
    for (const { key, invocation } of resumable) this.invokeAsync(key, invocation);
  }

  /**
   * Runs an accepted `Event` invocation in the background with Lambda's retries (two, after
   * retryBaseMs and twice that), then dead-letters it. Its record (key `a!…`) is deleted once it
   * succeeds, replaced by its dead letter when given up, and rewritten after each failed attempt,
   * so a restart runs whatever was still queued, in flight or waiting for a retry, from its next
   * attempt on (an attempt in flight at a kill may thus run twice, as Lambda's at-least-once allows).
   */
  private invokeAsync(key: string, invocation: PendingInvocation): void {
    const { functionName, payload } = invocation;
    const run = async (attempt: number): Promise<void> => {
      const fields = { function: functionName, attempt };
      this.log(attempt === 1 ? 'lambda: async invocation' : 'lambda: retrying async invocation', fields);
      let error: string | undefined;
      try {
        await this.invokeTarget(functionName, payload);
      } catch (err) {
        error = errorMessage(err);
      }
      if (error === undefined) {
        await this.persist(this.store.del(key)); // before settle() counts it done
        return;
      }
      invocation.attempts = attempt;
      if (attempt >= LAMBDA_ASYNC_ATTEMPTS) {
        const letter: DeadLetter = {
          source: 'lambda',
          name: functionNameOf(functionName),
          target: functionName,
          payload,
          error,
          attempts: attempt,
          at: this.clock.now().toISOString(),
        };
        const letterKey = this.nextKey('d!');
        this.letters.set(letterKey, letter);
        await this.persist(this.store.del(key), this.store.put(letterKey, letter));
        this.log('lambda: gave up, dead-lettered', { ...fields, error });
        return;
      }
      await this.persist(this.store.put(key, invocation));
      if (this.closed) {
        this.log('lambda: async invocation failed at close; a restart retries it', { ...fields, error });
        return;
      }
      const delay = this.retryDelay(attempt);
      this.log('lambda: async invocation failed, will retry', { ...fields, error, retryInMs: delay });
      const timer = setTimeout(() => {
        this.lambdaRetryTimers.delete(timer);
        this.track(run(attempt + 1));
      }, delay);
      timer.unref();
      this.lambdaRetryTimers.add(timer);
    };
    this.track(run(invocation.attempts + 1), this.asyncFirstAttempts);
  }

  // ----- HTTP -------------------------------------------------------------------------------------

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://emulator');
    const method = req.method ?? 'GET';
    let segments: string[];
    try {
      segments = url.pathname
        .split('/')
        .filter((segment) => segment !== '')
        .map(decodeURIComponent);
    } catch {
      sendError(res, 'scheduler', validation('Malformed percent-encoding in the path'));
      return;
    }
    const service: Service = segments[0] === 'schedules' ? 'scheduler' : 'lambda';
    try {
      const [first, second, third, fourth] = segments;
      if (first === 'schedules' && segments.length === 1 && method === 'GET') {
        sendJson(res, 200, this.listSchedules(url.searchParams));
      } else if (first === 'schedules' && second !== undefined && segments.length === 2) {
        const group = url.searchParams.get('groupName') ?? 'default';
        if (method === 'POST') {
          sendJson(res, 200, await this.createSchedule(second, parseJsonObject(await readBody(req))));
        } else if (method === 'GET') {
          sendJson(res, 200, this.getSchedule(group, second));
        } else if (method === 'DELETE') {
          await this.deleteSchedule(group, second);
          sendJson(res, 200, {});
        } else {
          throw unknownOperation(method, url.pathname);
        }
      } else if (
        first === '2015-03-31' &&
        second === 'functions' &&
        third !== undefined &&
        fourth === 'invocations' &&
        segments.length === 4 &&
        method === 'POST'
      ) {
        await this.lambdaInvoke(req, res, third);
      } else {
        throw unknownOperation(method, url.pathname);
      }
    } catch (err) {
      if (err instanceof ApiError) {
        sendError(res, service, err);
        return;
      }
      this.log('aws-emulator: request failed', { method, path: url.pathname, error: errorMessage(err) });
      const error = new ApiError(
        500,
        service === 'scheduler' ? 'InternalServerException' : 'ServiceException',
        errorMessage(err),
      );
      if (!res.headersSent) sendError(res, service, error);
      else res.destroy();
    }
  }

  /**
   * In memory at once (so a second create of the name conflicts), answered once written. If the
   * write fails, the schedule is taken back (unless it is already firing) and the client gets a 500.
   */
  private async createSchedule(name: string, body: JsonObject): Promise<{ ScheduleArn: string }> {
    const schedule = parseCreateSchedule(name, body, this.clock.now().getTime());
    const key = keyOf(schedule.groupName, schedule.name);
    if (this.entries.has(key)) {
      throw new ApiError(409, 'ConflictException', `Schedule ${schedule.name} already exists.`);
    }
    const entry: Entry = { schedule, status: 'idle' };
    this.entries.set(key, entry);
    try {
      await this.store.commit(this.store.put(scheduleKey(schedule), schedule));
    } catch (err) {
      if (this.entries.get(key) === entry && entry.status === 'idle') this.entries.delete(key);
      throw err;
    }
    return { ScheduleArn: this.scheduleArn(schedule) };
  }

  private getSchedule(group: string, name: string): JsonObject {
    const { schedule } = this.find(group, name);
    const { Extra, ...target } = schedule.target;
    return {
      Arn: this.scheduleArn(schedule),
      GroupName: schedule.groupName,
      Name: schedule.name,
      ScheduleExpression: schedule.expression,
      ScheduleExpressionTimezone: schedule.timezone,
      State: schedule.state,
      Description: schedule.description,
      StartDate: schedule.startDate,
      EndDate: schedule.endDate,
      KmsKeyArn: schedule.kmsKeyArn,
      CreationDate: toEpochSeconds(schedule.createdMs),
      LastModificationDate: toEpochSeconds(schedule.modifiedMs),
      Target: { ...Extra, ...target },
      FlexibleTimeWindow: schedule.flexibleTimeWindow,
      ActionAfterCompletion: schedule.actionAfterCompletion,
    };
  }

  /** Answered once written. A failed write answers 500; the schedule is then gone until a restart. */
  private async deleteSchedule(group: string, name: string): Promise<void> {
    const entry = this.find(group, name);
    if (entry.retryTimer) clearTimeout(entry.retryTimer);
    // An attempt still running for it finishes, but its outcome is dropped (see attemptSchedule).
    this.entries.delete(keyOf(group, name));
    await this.store.commit(this.store.del(scheduleKey(entry.schedule)));
  }

  private listSchedules(query: URLSearchParams): JsonObject {
    const group = query.get('ScheduleGroup') ?? undefined;
    const prefix = query.get('NamePrefix') ?? '';
    const stateParam = query.get('State');
    if (stateParam !== null && stateParam !== 'ENABLED' && stateParam !== 'DISABLED') {
      throw validation('State must be ENABLED or DISABLED');
    }
    const maxParam = query.get('MaxResults');
    const maxResults = maxParam === null ? 100 : Number(maxParam);
    if (!Number.isInteger(maxResults) || maxResults < 1 || maxResults > 100) {
      throw validation('MaxResults must be an integer between 1 and 100');
    }
    const after = decodeNextToken(query.get('NextToken'));
    // Deterministic order: by name, then group (plain code-unit comparison, independent of locale).
    const matching = [...this.entries.values()]
      .map((entry) => entry.schedule)
      .filter(
        (schedule) =>
          (group === undefined || schedule.groupName === group) &&
          schedule.name.startsWith(prefix) &&
          (stateParam === null || schedule.state === stateParam) &&
          (after === undefined || compareKeys([schedule.name, schedule.groupName], after) > 0),
      )
      .sort((a, b) => compareKeys([a.name, a.groupName], [b.name, b.groupName]));
    const page = matching.slice(0, maxResults);
    const last = page.at(-1);
    return {
      Schedules: page.map((schedule) => ({
        Arn: this.scheduleArn(schedule),
        Name: schedule.name,
        GroupName: schedule.groupName,
        State: schedule.state,
        CreationDate: toEpochSeconds(schedule.createdMs),
        LastModificationDate: toEpochSeconds(schedule.modifiedMs),
        Target: { Arn: schedule.target.Arn },
      })),
      NextToken:
        matching.length > maxResults && last
          ? Buffer.from(JSON.stringify([last.name, last.groupName])).toString('base64url')
          : undefined,
    };
  }

  private async lambdaInvoke(req: IncomingMessage, res: ServerResponse, functionName: string): Promise<void> {
    const invocationType = req.headers['x-amz-invocation-type'] ?? 'RequestResponse';
    const body = (await readBody(req)).toString('utf8');
    let payload: unknown;
    try {
      payload = body.trim() === '' ? {} : JSON.parse(body);
    } catch {
      throw new ApiError(400, 'InvalidRequestContentException', 'Could not parse request body into json');
    }
    const executed = { 'x-amz-executed-version': '$LATEST' };
    if (invocationType === 'Event') {
      const accepting = this.acceptAsync(functionName, payload);
      // Tracked so that close() waits for the write (its failure is answered below, not reported).
      this.track(accepting.catch(() => undefined));
      await accepting;
      send(res, 202, '');
    } else if (invocationType === 'DryRun') {
      send(res, 204, '');
    } else if (invocationType === 'RequestResponse') {
      let failure: { errorMessage: string; errorType: string } | undefined;
      // Tracked so that close() waits for it like for any other running invocation.
      await this.track(
        this.invokeTarget(functionName, payload).catch((err: unknown) => {
          failure = { errorMessage: errorMessage(err), errorType: err instanceof Error ? err.name : 'Error' };
        }),
      );
      if (failure) {
        send(res, 200, JSON.stringify(failure), { ...executed, 'x-amz-function-error': 'Unhandled' });
        return;
      }
      // The in-process target returns nothing, like a handler returning undefined.
      send(res, 200, 'null', executed);
    } else {
      throw new ApiError(
        400,
        'InvalidParameterValueException',
        `Unsupported InvocationType '${invocationType}'`,
      );
    }
  }

  private find(group: string, name: string): Entry {
    const entry = this.entries.get(keyOf(group, name));
    if (!entry) throw new ApiError(404, 'ResourceNotFoundException', `Schedule ${name} does not exist.`);
    return entry;
  }

  private scheduleArn(schedule: StoredSchedule): string {
    return `arn:aws:scheduler:${this.region}:${this.accountId}:schedule/${schedule.groupName}/${schedule.name}`;
  }

  // ----- shutdown ---------------------------------------------------------------------------------

  /**
   * Stops timers and waits for running attempts; the caller then closes the server and the store.
   * Everything still to do (retries, accepted async invocations) is in the database already.
   */
  async stop(): Promise<void> {
    this.closed = true;
    for (const entry of this.entries.values()) {
      if (entry.retryTimer) {
        clearTimeout(entry.retryTimer);
        entry.retryTimer = undefined;
        entry.status = 'idle'; // persisted as pending: a restart retries it
      }
    }
    for (const timer of this.lambdaRetryTimers) clearTimeout(timer);
    if (this.lambdaRetryTimers.size > 0) {
      this.log('lambda: async retries left for the next start', { count: this.lambdaRetryTimers.size });
    }
    this.lambdaRetryTimers.clear();
    while (this.running.size > 0) await Promise.all([...this.running]);
  }

  stateWrites(): StateWrites {
    return { ...this.store.stats };
  }

  /** Waits for the writes still queued (requests answered while closing), then closes the database. */
  closeStore(): Promise<void> {
    return this.store.close();
  }
}

const keyOf = (group: string, name: string) => `${group}/${name}`;
const isLambdaArn = (arn: string) => /^arn:aws[a-z-]*:lambda:/.test(arn);

function compareDue(a: StoredSchedule, b: StoredSchedule): number {
  return a.dueAtMs - b.dueAtMs || compareKeys([a.name, a.groupName], [b.name, b.groupName]);
}

function compareKeys(a: readonly [string, string], b: readonly [string, string]): number {
  if (a[0] !== b[0]) return a[0] < b[0] ? -1 : 1;
  if (a[1] !== b[1]) return a[1] < b[1] ? -1 : 1;
  return 0;
}

function decodeNextToken(token: string | null): [string, string] | undefined {
  if (token === null || token === '') return undefined;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    if (Array.isArray(parsed) && parsed.length === 2) {
      const [name, group] = parsed;
      if (typeof name === 'string' && typeof group === 'string') return [name, group];
    }
  } catch {
    // falls through to the error below
  }
  throw validation('Invalid NextToken');
}

/** A dead letter keeps the payload even when the stored input was not JSON (only a hand-edited file). */
function parsePayloadLoosely(input: string | undefined): unknown {
  try {
    return JSON.parse(input ?? '{}');
  } catch {
    return input;
  }
}

function unknownOperation(method: string, pathname: string): ApiError {
  return new ApiError(404, 'UnknownOperationException', `No emulated operation for ${method} ${pathname}`);
}

export async function startAwsEmulator(options: AwsEmulatorOptions): Promise<AwsEmulator> {
  await mkdir(options.dataDir, { recursive: true });
  const { db, state } = await openState(options.dataDir);
  const emulator = new Emulator(options, state, new StateStore(db));

  const server = createServer((req, res) => {
    emulator.handle(req, res).catch(() => res.destroy()); // handle() answers its own errors; this is a last resort
  });
  acceptLoopbackHostsOnly(server); // DNS rebinding: see loopback.ts
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (err) {
    await db.close().catch(() => undefined);
    throw err;
  }
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;

  const tick = setInterval(() => {
    emulator.startDue();
  }, options.tickMs ?? 500);
  tick.unref();

  let closing: Promise<void> | undefined;
  return {
    url: `http://${host}:${address.port}`,
    fireDue: () => emulator.fireDue(),
    settle: () => emulator.settle(),
    pending: () => emulator.pending(),
    deadLetters: () => emulator.deadLetters(),
    stateWrites: () => emulator.stateWrites(),
    close: () => {
      closing ??= (async () => {
        clearInterval(tick);
        // Running targets may still call this server (e.g. delete a schedule), so it stays up until they end.
        await emulator.stop();
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
        await emulator.closeStore();
      })();
      return closing;
    },
  };
}
