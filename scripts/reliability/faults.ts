/**
 * Phase faults: interviews submitted by a client that retries, through the local runtime with
 * faults injected (local/faults.ts) into SES, DynamoDB and the scheduler; the clock then walks five
 * days an hour at a time so retries come due, and every email must go out exactly once. Every
 * third interview has a panel (of two, then three, in turn), each panelist at an address of their
 * own: each panelist must get exactly one thank-you and one follow-up, and the interview one
 * confirmation.
 *
 * Mixed into that traffic by interview index (faults-traffic.ts): edits (a rename, a later
 * thank-you, an away date that moves the follow-up), some two hours ahead, some racing the send;
 * the follow-up cancelled by the link and restored (by the API or the link) before its time, some
 * racing it; and the follow-up cancelled for good. faults-checks.ts then says what each address was
 * owed: the follow-up cancelled for good never, every other email exactly once, the edited name in
 * what went after the edit, and one "Updated:" notice per edit that moved an email.
 */
import { NO_LIMITS, startLocalRuntime } from '../../local/runtime.js';
import {
  api,
  HOUR,
  inBatches,
  interviewBody,
  interviewerEmail,
  panelBody,
  quiet,
  removeDir,
  sleep,
  tempDir,
} from './common.js';
import { checkTraffic, reportTraffic } from './faults-checks.js';
import {
  actionsByStep,
  CANCEL_EVERY,
  EDIT_EVERY,
  EDIT_KINDS,
  type OwnedView,
  RESTORE_EVERY,
  type Tracked,
  tracked,
} from './faults-traffic.js';
import type { Report } from './report.js';

const FAULTS = 'ses.throttle=0.2,ses.timeout=0.02,ddb.error=0.05,scheduler.duplicate=0.1';
const SEED = 7;
/** Every this many interviews one has a panel (the last of each run of PANEL_EVERY). */
const PANEL_EVERY = 3;
/**
 * A racing step's clock moves RACE_LEAD_MS after its first action, and its actions start evenly
 * over RACE_MS_PER_INTERVIEW per interview of the phase (about as long as that step's sends take
 * on two cores): some land before the emails fall due, some while they are sent, some after.
 */
const RACE_LEAD_MS = 100;
const RACE_MS_PER_INTERVIEW = 30;

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
  /** One interview in this many was edited, one in this many cancelled and restored, one in this many cancelled. */
  editEvery: number;
  restoreEvery: number;
  cancelEvery: number;
  editKinds: readonly string[];
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
    const all: Tracked[] = [];
    await inBatches([...Array(n).keys()], 10, async (i) => {
      // A client that retries on any failure, with an Idempotency-Key so retries cannot double.
      for (let attempt = 0; attempt < 5; attempt++) {
        const people = panelSize(i);
        const body = people === 1 ? interviewBody(i, 'faults') : panelBody(i, 'faults', people);
        const res = await client.submit(body, { 'Idempotency-Key': `faults-${i}` });
        if (res.status === 201) {
          all[i] = tracked(i, (await res.json()) as Parameters<typeof tracked>[1], body);
          return;
        }
      }
      throw new Error(`interview ${i} could not be submitted`);
    });
    const steps = actionsByStep(client, all);
    let t = Date.parse('2026-11-23T13:00:00.000Z');
    for (let step = 0; step < 24 * 5; step++) {
      t += HOUR;
      const due = steps.get(step);
      if (due) await inBatches(due.before, 10, (action) => action());
      if (due && due.racing.length > 0) {
        // To a second before the hour, then the last second while the racing actions are made.
        await client.setClock(new Date(t - 1000).toISOString());
        await Promise.all([
          sleep(RACE_LEAD_MS).then(() => client.setClock(new Date(t).toISOString())),
          ...due.racing.map((action, k, { length }) =>
            sleep((k / length) * RACE_MS_PER_INTERVIEW * n).then(action),
          ),
        ]);
      } else await client.setClock(new Date(t).toISOString());
    }
    await runtime.emulator.settle();
    const mail = await client.mail();
    const finals = new Map<string, OwnedView>();
    const candidateFailed = new Set<string>();
    await inBatches(all, 10, async (one) => {
      const res = await client.get(one.id);
      if (res.status === 200) finals.set(one.id, (await res.json()) as OwnedView);
      // From the table, as the answered phase reads it: the confirmation, which the API does not
      // show. Once it failed (the candidate's address refused), an edit arms no notice.
      const confirmation = (await runtime.store.get(one.id))?.emails.confirmation;
      if (confirmation?.status === 'failed') candidateFailed.add(one.id);
    });
    const figures = checkTraffic(all, mail, finals, candidateFailed);
    for (const problem of figures.problems) console.log(`  faults: ${problem}`);
    const panels = all.filter((one) => one.addresses.length > 1).length;
    const interviewers = all.reduce((k, one) => k + one.addresses.length, 0);
    const followUps = mail.filter((m) => interviewerEmail(m) === 'follow-up');
    const threaded = followUps.filter((m) => m.headers['in-reply-to'] !== undefined).length;
    report.row('faults', 'interviews submitted', n, `${panels} with a panel of 2 or 3`);
    report.row('faults', 'interviewers', interviewers);
    report.row('faults', 'emails sent', mail.length, 'to the interviewers and the candidate');
    reportTraffic(report, all, finals, figures);
    report.row(
      'faults',
      "follow-ups in their thank-you's thread (Re:)",
      `${threaded} / ${followUps.length}`,
      'the others start their own: no thank-you recorded sent (e.g. its SES answer lost)',
    );
    for (const [kind, count] of Object.entries(runtime.faults.counts))
      report.row('faults', `faults injected: ${kind}`, count);
    report.row('faults', 'dead letters', runtime.emulator.deadLetters().length);
    return {
      spec: FAULTS,
      seed: SEED,
      panelEvery: PANEL_EVERY,
      editEvery: EDIT_EVERY,
      restoreEvery: RESTORE_EVERY,
      cancelEvery: CANCEL_EVERY,
      editKinds: EDIT_KINDS,
    };
  } finally {
    await runtime.stop();
    await removeDir(dataDir);
  }
}
