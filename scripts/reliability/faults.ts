/**
 * Phase faults: interviews submitted by a client that retries, through the local runtime with
 * faults injected (local/faults.ts) into SES, DynamoDB and the scheduler; the clock then walks five
 * days an hour at a time so retries come due, and every email must go out exactly once. Every
 * third interview has a panel (of two, then three, in turn), each panelist at an address of their
 * own: each panelist must get exactly one thank-you and one follow-up, and the interview one
 * confirmation.
 */
import { NO_LIMITS, startLocalRuntime } from '../../local/runtime.js';
import {
  api,
  inBatches,
  interviewBody,
  interviewerEmail,
  mailAbout,
  mailTo,
  panelAddresses,
  panelBody,
  quiet,
  removeDir,
  tempDir,
} from './common.js';
import type { Report } from './report.js';

const FAULTS = 'ses.throttle=0.2,ses.timeout=0.02,ddb.error=0.05,scheduler.duplicate=0.1';
const SEED = 7;
/** Every this many interviews one has a panel (the last of each run of PANEL_EVERY). */
const PANEL_EVERY = 3;

/** Interview `i`'s panel size: 1, or 2 and 3 in turn for every PANEL_EVERY-th interview. */
const panelSize = (i: number) =>
  i % PANEL_EVERY === PANEL_EVERY - 1 ? 2 + (Math.floor(i / PANEL_EVERY) % 2) : 1;

/** What docs/reliability.md says of the phase. */
export interface FaultsFacts {
  /** LOCAL_FAULTS. */
  spec: string;
  seed: number;
  /** Every this many interviews one had a panel (of 2 and of 3 in turn). */
  panelEvery: number;
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
        const people = panelSize(i);
        const body = people === 1 ? interviewBody(i, 'faults') : panelBody(i, 'faults', people);
        const res = await client.submit(body, { 'Idempotency-Key': `faults-${i}` });
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
    let panels = 0;
    let interviewers = 0;
    const tally = (c: number) => {
      if (c === 0) missing += 1;
      if (c > 1) duplicates += c - 1;
    };
    for (let i = 0; i < n; i++) {
      const addresses = panelAddresses(i, 'faults', panelSize(i));
      if (addresses.length > 1) panels += 1;
      interviewers += addresses.length;
      // One confirmation per interview (a panel's lists every panelist: found by the first).
      tally(mailAbout(mail, addresses[0] ?? '', 'Scheduled:'));
      for (const address of addresses) {
        tally(mailTo(mail, address, 'thank-you'));
        tally(mailTo(mail, address, 'follow-up'));
      }
    }
    const followUps = mail.filter((m) => interviewerEmail(m) === 'follow-up');
    const threaded = followUps.filter((m) => m.headers['in-reply-to'] !== undefined).length;
    report.row('faults', 'interviews submitted', n, `${panels} with a panel of 2 or 3`);
    report.row('faults', 'emails expected (1 + 2 per interviewer)', n + 2 * interviewers);
    report.row('faults', 'emails sent', mail.length);
    report.row('faults', 'duplicates', duplicates, 'target 0');
    report.row('faults', 'missing', missing, 'target 0');
    report.row(
      'faults',
      "follow-ups in their thank-you's thread (Re:)",
      `${threaded} / ${followUps.length}`,
      'the others start their own: no thank-you recorded sent (e.g. its SES answer lost)',
    );
    for (const [kind, count] of Object.entries(runtime.faults.counts))
      report.row('faults', `faults injected: ${kind}`, count);
    report.row('faults', 'dead letters', runtime.emulator.deadLetters().length);
    return { spec: FAULTS, seed: SEED, panelEvery: PANEL_EVERY };
  } finally {
    await runtime.stop();
    await removeDir(dataDir);
  }
}
