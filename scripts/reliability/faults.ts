/**
 * Phase faults: interviews submitted by a client that retries, through the local runtime with
 * faults injected (local/faults.ts) into SES, DynamoDB and the scheduler; the clock then walks five
 * days an hour at a time so retries come due, and every email must go out exactly once.
 */
import { NO_LIMITS, startLocalRuntime } from '../../local/runtime.js';
import { api, inBatches, interviewBody, mailAbout, mailTo, quiet, removeDir, tempDir } from './common.js';
import type { Report } from './report.js';

const FAULTS = 'ses.throttle=0.2,ses.timeout=0.02,ddb.error=0.05,scheduler.duplicate=0.1';
const SEED = 7;

/** What docs/reliability.md says of the phase. */
export interface FaultsFacts {
  /** LOCAL_FAULTS. */
  spec: string;
  seed: number;
}

export async function faults(report: Report, size: { interviews: number }): Promise<FaultsFacts> {
  const dataDir = await tempDir();
  const runtime = await startLocalRuntime({
    dataDir,
    log: quiet,
    faults: FAULTS,
    faultSeed: SEED,
    retryBaseMs: 5,
    limits: NO_LIMITS,
  });
  try {
    const client = api(runtime.apiUrl, runtime.apiKey);
    await client.setClock('2026-11-23T13:00:00.000Z');
    const n = size.interviews;
    await inBatches([...Array(n).keys()], 10, async (i) => {
      // A client that retries on any failure, with an Idempotency-Key so retries cannot double.
      for (let attempt = 0; attempt < 5; attempt++) {
        const res = await client.submit(interviewBody(i, 'faults'), { 'Idempotency-Key': `faults-${i}` });
        if (res.status === 201) return;
      }
      throw new Error(`interview ${i} could not be submitted`);
    });
    let t = Date.parse('2026-11-23T13:00:00.000Z');
    for (let hour = 0; hour < 24 * 5; hour++) {
      t += 3_600_000;
      await client.setClock(new Date(t).toISOString());
    }
    await runtime.emulator.settle();
    const mail = await client.mail();
    let duplicates = 0;
    let missing = 0;
    for (let i = 0; i < n; i++) {
      const address = `faults-${i}@example.org`;
      const counts = [
        mailTo(mail, address, 'Thank you'),
        mailTo(mail, address, 'Following up'),
        mailAbout(mail, address, 'Scheduled:'),
      ];
      for (const c of counts) {
        if (c === 0) missing += 1;
        if (c > 1) duplicates += c - 1;
      }
    }
    report.row('faults', 'interviews submitted', n);
    report.row('faults', 'emails expected (3 per interview)', n * 3);
    report.row('faults', 'emails sent', mail.length);
    report.row('faults', 'duplicates', duplicates, 'target 0');
    report.row('faults', 'missing', missing, 'target 0');
    for (const [kind, count] of Object.entries(runtime.faults.counts))
      report.row('faults', `faults injected: ${kind}`, count);
    report.row('faults', 'dead letters', runtime.emulator.deadLetters().length);
    return { spec: FAULTS, seed: SEED };
  } finally {
    await runtime.stop();
    await removeDir(dataDir);
  }
}
