/**
 * Phase 2, intake overhead: POST /interviews through the local runtime, beside the raw I/O it must
 * do, issued all at once through the same adapters the API is given: the same requests, each once
 * (the item's write, the five limit counters, the checkAt update, the two schedule creations and
 * the confirmation's async invoke). Interleaved in one run; then throughput at 50 concurrent
 * clients. The ratio is what intake adds to its I/O: its order (two round trips where the raw I/O
 * takes one), the HTTP layer, the validation and the rendering.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ENV_KEY_ID } from '../../lambdas/api/app.js';
import { confirmationWindow, limitWindows } from '../../lambdas/core/access.js';
import { type InterviewRecord, scheduledKeys, scheduleName } from '../../lambdas/core/interview.js';
import { eventFor } from '../../lambdas/core/panel.js';
import { firstCheckAt } from '../../lambdas/core/reconcile.js';
import { scheduleTime } from '../../lambdas/core/sendTimes.js';
import { hashSecret, newInterviewId, newToken } from '../../lambdas/core/tokens.js';
import { NO_LIMITS, startLocalRuntime } from '../../local/runtime.js';
import { postInterview, submissionFor } from '../lifecycle.js';
import { type PhaseOptions, percentile, type Report } from '../report.js';

export async function intakeOverhead(report: Report, { quick }: PhaseOptions): Promise<void> {
  const dataDir = await mkdtemp(join(tmpdir(), 'bench-'));
  // The sender's runs (each intake's confirmation) wait until a sample pair is timed: on AWS the
  // sender is another function on another machine, off intake's critical path, but here it shares
  // this one process and would land inside whichever timing comes next.
  const held: (() => Promise<void>)[] = [];
  let holding = true;
  const runtime = await startLocalRuntime({
    dataDir,
    log: () => {},
    limits: NO_LIMITS,
    instrument: {
      aroundSend: (_payload, run) =>
        holding
          ? new Promise<void>((resolve, reject) => held.push(() => run().then(resolve, reject)))
          : run(),
    },
  });
  const drain = async () => {
    while (held.length > 0) await Promise.allSettled(held.splice(0).map((send) => send()));
  };
  try {
    await fetch(`${runtime.apiUrl}/_local/clock`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ now: '2026-11-23T13:00:00.000Z' }),
    });
    let n = 0;
    const submit = async () => {
      const i = n++;
      const res = await postInterview(runtime, submissionFor('intake.bench.example.org', i));
      const body = (await res.json()) as { id: string };
      return { status: res.status, id: body.id };
    };
    // The raw I/O is issued through the service's own adapters (those the local runtime gives the
    // API), so each request is the one intake makes, byte for byte in shape: the same item (a copy
    // of one intake stored, under a new id and token hash), the same conditional counter updates,
    // the checkAt written on an item of that size with its index, the same schedules and invoke.
    const sample = await submit();
    if (sample.status !== 201) throw new Error('intake failed');
    const stored = await runtime.store.get(sample.id);
    if (!stored) throw new Error('the sample interview is not stored');
    const { checkAt: _unwatched, ...template } = stored;
    let previous = stored.id; // each checkAt lands on an interview of the same size, as intake's does
    const rawIo = async () => {
      const id = newInterviewId();
      const record: InterviewRecord = { ...template, id, tokenHash: hashSecret(newToken()) };
      const now = new Date(record.createdAt);
      const interviewers = record.interviewers.map((p) => p.email);
      const windows = limitWindows(now, { keyId: ENV_KEY_ID, interviewers }, NO_LIMITS, 'bench');
      const confirmation = confirmationWindow(now, record.candidate.email, NO_LIMITS, 'bench');
      const keys = scheduledKeys(record).filter((key) => record.emails[key]?.status === 'scheduled');
      await Promise.all([
        runtime.store.create(record),
        runtime.access.take(windows),
        runtime.access.take([confirmation]),
        runtime.store.setCheckAt(previous, firstCheckAt(record)),
        ...keys.map((key) =>
          runtime.scheduler.create({
            name: scheduleName(id, key),
            at: scheduleTime(new Date(record.emails[key]?.sendAt as string), now),
            event: eventFor(id, key),
          }),
        ),
        // An interview that does not exist: the sender's run (held, then drained) finds nothing to send.
        runtime.invoker.invokeAsync({
          interviewId: newInterviewId(),
          kind: 'confirmation',
          cancelUrl: 'raw',
        }),
      ]);
      previous = id;
    };
    const samples = quick ? 50 : 300;
    for (let i = 0; i < 20; i++) {
      await submit();
      await rawIo();
      await drain();
    }
    const intake: number[] = [];
    const io: number[] = [];
    for (let i = 0; i < samples; i++) {
      let t = performance.now();
      if ((await submit()).status !== 201) throw new Error('intake failed');
      intake.push(performance.now() - t);
      t = performance.now();
      await rawIo();
      io.push(performance.now() - t);
      await drain();
    }
    await runtime.emulator.settle();
    report.row(
      'intake',
      `POST /interviews, ${samples} sequential: p50 / p99 (ms)`,
      `${percentile(intake, 50).toFixed(1)} / ${percentile(intake, 99).toFixed(1)}`,
    );
    report.row(
      'intake',
      'raw I/O (its 7 table requests, 2 schedules, invoke; parallel): p50 / p99',
      `${percentile(io, 50).toFixed(1)} / ${percentile(io, 99).toFixed(1)}`,
    );
    report.row(
      'intake',
      'p50 ratio intake / raw I/O',
      `${(percentile(intake, 50) / percentile(io, 50)).toFixed(2)}×`,
      'target ≤ 1.5×',
    );

    // From here on the sender runs as the confirmations come, as in the dispatch phase.
    holding = false;
    await drain();
    const seconds = quick ? 5 : 20;
    const deadline = performance.now() + seconds * 1000;
    let ok = 0;
    let errors = 0;
    await Promise.all(
      Array.from({ length: 50 }, async () => {
        while (performance.now() < deadline) {
          if ((await submit()).status === 201) ok += 1;
          else errors += 1;
        }
      }),
    );
    await runtime.emulator.settle();
    report.row(
      'intake',
      `50 concurrent clients for ${seconds} s: requests per second`,
      (ok / seconds).toFixed(1),
      `${errors} errors (target 0)`,
    );
  } finally {
    await runtime.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}
