/**
 * The emulator's durable state. Whatever it answered with a 2xx survives the process being killed
 * (`kill -9`) at any moment after the answer. The state lives in an embedded LevelDB
 * (`classic-level`) in `${dataDir}/scheduler-db`, one record per key, JSON values:
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
 * Everything is loaded at start; a record that does not parse refuses the start rather than being
 * dropped. A `scheduler.json` of an earlier version (the whole state in one file) is imported once
 * and renamed `scheduler.json.imported`. The folder is compacted at start and at close, so earlier
 * versions of records do not linger.
 */
import { createHash } from 'node:crypto';
import { readFile, rename } from 'node:fs/promises';
import path from 'node:path';
import { ClassicLevel } from 'classic-level';
import { errorMessage, isObject } from './common.js';
import {
  type DeadLetter,
  isDeadLetter,
  isPendingInvocation,
  isStoredSchedule,
  type PendingInvocation,
  type StoredSchedule,
} from './records.js';

type StateDb = ClassicLevel<string, string>;
export type Op = { type: 'put'; key: string; value: string } | { type: 'del'; key: string };

/** Group and schedule names are [0-9a-zA-Z_.-] (checked at create), so `!` cannot occur inside them. */
export const scheduleKey = (schedule: Pick<StoredSchedule, 'groupName' | 'name'>) =>
  `s!${schedule.groupName}!${schedule.name}`;
const SEQUENCE_DIGITS = 16;
/** Fixed width, so that LevelDB's key order is the order of the sequence. */
const sequenceKey = (prefix: 'd!' | 'a!', sequence: number) =>
  `${prefix}${String(sequence).padStart(SEQUENCE_DIGITS, '0')}`;
/** A literal, so test/unit/redos.test.ts can check it; its width is SEQUENCE_DIGITS. */
const SEQUENCE_KEY = /^[da]!(\d{16})$/;
const VERSION_KEY = 'm!version';
const IMPORTED_KEY = 'm!imported';
/** The format of the database's records, in `m!version`. */
const DB_VERSION = '1';
const DB_FOLDER = 'scheduler-db';
/** The whole state in one file, before the database; imported once. */
const LEGACY_FILE = 'scheduler.json';
const LEGACY_VERSION = 1;

/** Everything the database holds, as loaded at start (in key order). */
export interface LoadedState {
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

/** The legacy file's schedules and dead letters. Empty means none; anything unreadable is an error. */
function parseLegacyFile(
  text: string,
  file: string,
): { schedules: StoredSchedule[]; deadLetters: DeadLetter[] } {
  if (text.trim() === '') return { schedules: [], deadLetters: [] };
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
  if (!isObject(parsed) || parsed.version !== LEGACY_VERSION)
    throw corrupt(`expected version ${LEGACY_VERSION}`);
  const { schedules, deadLetters } = parsed;
  if (!Array.isArray(schedules) || !Array.isArray(deadLetters)) {
    throw corrupt('expected "schedules" and "deadLetters" arrays');
  }
  const badSchedule = schedules.findIndex((schedule) => !isStoredSchedule(schedule));
  if (badSchedule >= 0) throw corrupt(`schedules[${badSchedule}] is malformed`);
  const badLetter = deadLetters.findIndex((letter) => !isDeadLetter(letter));
  if (badLetter >= 0) throw corrupt(`deadLetters[${badLetter}] is malformed`);
  return { schedules: schedules.filter(isStoredSchedule), deadLetters: deadLetters.filter(isDeadLetter) };
}

/**
 * Imports the `scheduler.json` of an earlier version once, then renames it `.imported`. The file's
 * digest is written with its records in one batch, so a start that dies between the batch and the
 * rename does not import its dead letters twice. Returns whether anything was written.
 */
async function importLegacyFile(db: StateDb, dataDir: string, nextSequence: number): Promise<boolean> {
  const file = path.join(dataDir, LEGACY_FILE);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if (isObject(err) && err.code === 'ENOENT') return false;
    throw err;
  }
  const legacy = parseLegacyFile(text, file); // throws on a corrupt file, which stays where it is
  const digest = createHash('sha256').update(text).digest('hex');
  let wrote = false;
  if ((await db.get(IMPORTED_KEY)) !== digest) {
    let sequence = nextSequence;
    const put = (key: string, value: unknown): Op => ({ type: 'put', key, value: JSON.stringify(value) });
    await db.batch([
      ...legacy.schedules.map((schedule) => put(scheduleKey(schedule), schedule)),
      ...legacy.deadLetters.map((letter) => put(sequenceKey('d!', sequence++), letter)),
      { type: 'put', key: IMPORTED_KEY, value: digest },
    ]);
    wrote = true;
  }
  await rename(file, `${file}.imported`);
  return wrote;
}

/** Rewrites the tables so they hold only current records (deleted and replaced ones are dropped). */
function compact(db: StateDb): Promise<void> {
  return db.compactRange('\u0000', '\uffff');
}

/** Opens (creating it if needed) and loads the state database, importing an old state file first. */
export async function openState(dataDir: string): Promise<{ store: StateStore; state: LoadedState }> {
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
    if (await importLegacyFile(db, dataDir, state.nextSequence)) state = await loadState(db, location);
    await compact(db); // what a run that was killed left in the log
    return { store: new StateStore(db, state), state };
  } catch (err) {
    await db.close().catch(() => undefined);
    throw err;
  }
}

export interface StateWrites {
  writes: number;
  keys: number;
  bytes: number;
  serializeMs: number;
}

/**
 * The emulator's only way to the database, and the keeper of its dead letters. Changes are queued
 * in the order they are made in memory and written in that order: whatever is queued while a batch
 * is being written goes out, together, in the next `db.batch`. Each `commit` resolves once its own
 * batch is in LevelDB's log (no fsync: see the top of this file), or rejects if that batch failed.
 */
export class StateStore {
  readonly stats: StateWrites = { writes: 0, keys: 0, bytes: 0, serializeMs: 0 };
  /** By database key, in the order they were given up. */
  private readonly letters = new Map<string, DeadLetter>();
  /** The next number for a `d!` or `a!` key. */
  private nextSequence: number;
  private queued: Op[] = [];
  private waiting: Array<{ resolve: () => void; reject: (err: unknown) => void }> = [];
  private draining: Promise<void> | undefined;

  constructor(
    private readonly db: StateDb,
    state: LoadedState,
  ) {
    for (const { key, letter } of state.deadLetters) this.letters.set(key, letter);
    this.nextSequence = state.nextSequence;
  }

  /** A fresh key for an accepted asynchronous invocation. */
  invocationKey(): string {
    return sequenceKey('a!', this.nextSequence++);
  }

  /** Records a dead letter in memory and returns the batch that replaces `replacedKey` by it. */
  deadLetter(letter: DeadLetter, replacedKey: string): Op[] {
    const key = sequenceKey('d!', this.nextSequence++);
    this.letters.set(key, letter);
    return [this.del(replacedKey), this.put(key, letter)];
  }

  deadLetters(): DeadLetter[] {
    return [...this.letters.values()].map((letter) => ({ ...letter }));
  }

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

  /** Closes the database without waiting for anything (a start that failed after opening it). */
  abandon(): Promise<void> {
    return this.db.close();
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
