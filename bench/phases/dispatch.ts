/**
 * Phase 3, dispatch: 10,000 interviews whose thank-yous fall due in the same minute; the local
 * clock jumps past it and the run times the drain, then checks the exact count in the SES
 * stand-in and in the table (every thank-you sent once, nothing left pending).
 */
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { DEFAULT_FIRE_CONCURRENCY } from '../../local/emulator/index.js';
import { NO_LIMITS, startLocalRuntime } from '../../local/runtime.js';
import {
  AFTER_THANK_YOU,
  clearMailbox,
  mailbox,
  postInterview,
  type StoredEmail,
  SUBMITTED_AT,
  scanInterviews,
  submissionFor,
  timeSends,
} from '../lifecycle.js';
import { type PhaseOptions, percentile, type Report, sum } from '../report.js';

/** Bytes of the files in a folder (LevelDB's), not recursing: it keeps none in subfolders. */
async function folderBytes(dir: string): Promise<number> {
  let total = 0;
  for (const name of await readdir(dir)) total += (await stat(join(dir, name))).size;
  return total;
}

/** What docs/performance.md says of the drain. */
export interface DispatchFacts {
  n: number;
  /** Milliseconds of drain per email. */
  perSendMs: number;
  /** The emulator's LevelDB commits in the drain, the keys and KiB they wrote. */
  writes: number;
  keys: number;
  kib: number;
  /** The share of the drain spent building those commits. */
  serializeShare: number;
  /** Schedules in the emulator's database at the jump, and its size on disk. */
  stateSchedules: number;
  stateMb: number;
}

const countBy = <T>(xs: T[], key: (x: T) => string | undefined) => {
  const counts = new Map<string, number>();
  for (const x of xs) {
    const k = key(x);
    if (k !== undefined) counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  return counts;
};

export async function dispatch(report: Report, { quick }: PhaseOptions): Promise<DispatchFacts> {
  const n = quick ? 500 : 10_000;
  const domain = 'dispatch.bench.example.org';
  const dataDir = await mkdtemp(join(tmpdir(), 'bench-dispatch-'));
  let draining = false;
  const handlerMs: number[] = [];
  const runtime = await startLocalRuntime({
    dataDir,
    log: () => {},
    limits: NO_LIMITS,
    instrument: {
      // The sender's own time per send, to tell it apart from the emulator's time around it.
      aroundSend: timeSends(handlerMs, () => draining),
    },
  });
  try {
    await clearMailbox(runtime);
    runtime.clock.set(new Date(SUBMITTED_AT));
    // Created through POST /interviews, 50 requests at a time, with the per-key limits lifted as in
    // the intake phase: the real intake, so every interview also gets its two schedules and its
    // confirmation (an async invoke of the sender), as on AWS. One at a time this would take
    // minutes longer; calling the adapters directly would be faster still, but would skip the
    // API's own work and tie the bench to internals the API is free to change.
    const ids: string[] = new Array(n);
    let next = 0;
    let refused = 0;
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: 50 }, async () => {
        while (next < n) {
          const i = next++;
          const res = await postInterview(runtime, submissionFor(domain, i));
          if (res.status === 201) ids[i] = ((await res.json()) as { id: string }).id;
          else {
            refused += 1;
            await res.arrayBuffer();
          }
        }
      }),
    );
    await runtime.emulator.settle();
    const createSeconds = (performance.now() - t0) / 1000;
    const createWrites = runtime.emulator.stateWrites();
    report.row(
      'dispatch',
      `${n} interviews created (POST, 50 concurrent): per s`,
      (n / createSeconds).toFixed(1),
      `${refused} refused (target 0); with confirmations; the emulator committed ${createWrites.keys} keys (${(createWrites.bytes / 1024).toFixed(0)} KiB) for them`,
    );
    report.check(refused === 0, `dispatch: ${refused} submissions refused`);

    // Confirmations went out at intake: counted here, apart from the thank-yous, then cleared.
    const indexOf = new Map<string, number>();
    for (let i = 0; i < n; i++) {
      indexOf.set(`cand-${i}@${domain}`, i);
      indexOf.set(`int-${i}@${domain}`, i);
    }
    const confirmations = await mailbox(runtime);
    const confirmedPer = countBy(confirmations, (e) =>
      e.destination.to.length === 1 && e.destination.to[0]?.startsWith('cand-')
        ? String(indexOf.get(e.destination.to[0]))
        : undefined,
    );
    const confirmationsOk =
      confirmations.length === n &&
      confirmedPer.size === n &&
      [...confirmedPer.values()].every((c) => c === 1);
    await clearMailbox(runtime);

    // The emulator commits each change (its own keys only) to its LevelDB before answering.
    const pendingBefore = runtime.emulator.pending();
    const stateSchedules = pendingBefore.length;
    const stateMb = (await folderBytes(join(dataDir, 'scheduler-db'))) / 2 ** 20;
    const isThankYou = (name: string) => name.includes('-thank-you');
    const due = pendingBefore.filter((s) => isThankYou(s.name)).length;
    report.check(due === n, `dispatch: ${due} thank-you schedules pending before the jump, expected ${n}`);

    draining = true;
    const writesBefore = runtime.emulator.stateWrites();
    const t1 = performance.now();
    // In-process, not POST /_local/clock: a drain of 10,000 sends can outlast fetch's 5-minute timeout.
    const fired = (await runtime.advanceClock(new Date(AFTER_THANK_YOU))).length;
    // Nothing is retried without faults; were anything retried, the drain would last until it is sent.
    while (
      runtime.emulator.pending().some((s) => isThankYou(s.name)) &&
      performance.now() - t1 < 15 * 60_000
    ) {
      await sleep(250);
    }
    const drainSeconds = (performance.now() - t1) / 1000;
    draining = false;
    const writesAfter = runtime.emulator.stateWrites();
    const drainWrites = writesAfter.writes - writesBefore.writes;
    const drainKeys = writesAfter.keys - writesBefore.keys;
    const drainKib = (writesAfter.bytes - writesBefore.bytes) / 1024;
    const serializeSeconds = (writesAfter.serializeMs - writesBefore.serializeMs) / 1000;

    // The exact count: in the SES stand-in, and in the table.
    const sent = await mailbox(runtime);
    const perInterview = new Map<number, StoredEmail[]>();
    let unexpected = 0;
    for (const e of sent) {
      const i = indexOf.get(e.destination.to[0] ?? '');
      const ok =
        i !== undefined &&
        e.destination.to.length === 1 &&
        e.destination.to[0] === `int-${i}@${domain}` &&
        e.destination.bcc.length === 1 &&
        e.destination.bcc[0] === `cand-${i}@${domain}`;
      if (!ok || i === undefined) {
        unexpected += 1;
        continue;
      }
      perInterview.set(i, [...(perInterview.get(i) ?? []), e]);
    }
    const duplicates = sum([...perInterview.values()].map((list) => list.length - 1));
    const missing = n - perInterview.size;
    const items = await scanInterviews(runtime);
    const itemById = new Map(items.map((item) => [item.id, item]));
    let thankYouSent = 0;
    let thankYouPending = 0;
    let messageIdsMatch = 0;
    let confirmationsSent = 0;
    let followUpsScheduled = 0;
    ids.forEach((id, i) => {
      const emails = itemById.get(id)?.emails ?? {};
      const thankYou = emails['thank-you'];
      if (thankYou?.status === 'sent') thankYouSent += 1;
      if (thankYou?.status === 'scheduled' || thankYou?.status === 'sending') thankYouPending += 1;
      const captured = perInterview.get(i);
      if (captured?.length === 1 && captured[0]?.messageId === thankYou?.messageId) messageIdsMatch += 1;
      if (emails.confirmation?.status === 'sent') confirmationsSent += 1;
      if (emails['follow-up']?.status === 'scheduled') followUpsScheduled += 1;
    });
    const followUpSchedules = runtime.emulator.pending().filter((s) => s.name.endsWith('-follow-up')).length;
    const deadLetters = runtime.emulator.deadLetters().length;
    const received = sent.length - unexpected;
    const exact =
      received === n &&
      duplicates === 0 &&
      missing === 0 &&
      unexpected === 0 &&
      thankYouSent === n &&
      thankYouPending === 0 &&
      messageIdsMatch === n &&
      fired === n;

    report.row('dispatch', `thank-yous due in one minute: fired by the jump`, `${fired} / ${n}`);
    report.row('dispatch', 'drain: jump → every due thank-you sent (s)', drainSeconds.toFixed(1));
    report.row('dispatch', 'drain: emails per second', (n / drainSeconds).toFixed(1));
    report.row(
      'dispatch',
      'sender per send, in-process: p50 / p99 (ms)',
      `${percentile(handlerMs, 50).toFixed(1)} / ${percentile(handlerMs, 99).toFixed(1)}`,
      `wall time of each run, up to ${DEFAULT_FIRE_CONCURRENCY} overlapping; stalls of the event loop included`,
    );
    report.row(
      'dispatch',
      'emulator commits in the drain / keys / KiB written',
      `${drainWrites} / ${drainKeys} / ${drainKib.toFixed(0)}`,
      `${((100 * serializeSeconds) / drainSeconds).toFixed(0)}% of the drain building them; its database held ${stateSchedules} schedules (${stateMb.toFixed(1)} MB on disk) at the jump`,
    );
    report.row(
      'dispatch',
      `thank-you emails at the SES stand-in (exactly ${n})`,
      String(received),
      `${duplicates} duplicates, ${missing} missing, ${unexpected} unexpected (target 0 each)`,
    );
    report.row(
      'dispatch',
      'table: thank-you sent / left scheduled or sending',
      `${thankYouSent} / ${thankYouPending}`,
      `${messageIdsMatch} message ids match the mailbox; ${deadLetters} dead letters`,
    );
    report.row(
      'dispatch',
      'confirmations, before the jump (counted apart)',
      `${confirmations.length} / ${confirmationsSent}`,
      `mailbox / table; ${confirmationsOk ? 'one per interview' : 'NOT one per interview'}`,
    );
    report.row(
      'dispatch',
      'follow-ups not due: scheduled in table / emulator',
      `${followUpsScheduled} / ${followUpSchedules}`,
      `none sent (target ${n} / ${n})`,
    );
    report.check(exact, 'dispatch: thank-you count is not exact (see the rows above)');
    report.check(
      confirmationsOk && confirmationsSent === n,
      'dispatch: confirmations are not exactly one per interview',
    );
    report.check(
      followUpsScheduled === n && followUpSchedules === n,
      'dispatch: follow-ups changed before due',
    );
    report.check(deadLetters === 0, `dispatch: ${deadLetters} dead letters`);
    return {
      n,
      perSendMs: (drainSeconds * 1000) / n,
      writes: drainWrites,
      keys: drainKeys,
      kib: drainKib,
      serializeShare: serializeSeconds / drainSeconds,
      stateSchedules,
      stateMb,
    };
  } finally {
    await runtime.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}
