/**
 * Phase sweep: schedules deleted behind the service's back (every thank-you's, every other
 * follow-up's): the sweep must find those emails overdue and hand them to the sender, so they go
 * once, a sweep period or two after their time. The clock moves from each send time one sweep
 * period at a time (plus a second), as it would run by itself; the runtime sweeps each time a
 * period has passed.
 */
import { DeleteScheduleCommand, SchedulerClient } from '@aws-sdk/client-scheduler';
import { OVERDUE_MS, SWEEP_PERIOD_MINUTES } from '../../lambdas/core/reconcile.js';
import { localAws, NO_LIMITS, startLocalRuntime } from '../../local/runtime.js';
import { validBody } from '../../test/fixtures.js';
import {
  api,
  emailOf,
  HOUR,
  type InterviewerEmail,
  type InterviewView,
  inBatches,
  keptLog,
  mailAbout,
  mailTo,
  mondayAfter,
  removeDir,
  tempDir,
} from './common.js';
import type { Report } from './report.js';

/** What docs/reliability.md says of the phase. */
export interface SweepFacts {
  interviews: number;
}

export async function sweep(report: Report, size: { interviews: number }): Promise<SweepFacts> {
  const phaseStarted = performance.now();
  const dataDir = await tempDir();
  const kept = keptLog();
  const runtime = await startLocalRuntime({ dataDir, log: kept.log, limits: NO_LIMITS });
  const aws = localAws(runtime);
  const scheduler = new SchedulerClient({
    region: 'us-east-1',
    ...aws.options,
    endpoint: runtime.emulatorUrl,
  });
  try {
    const client = api(runtime.apiUrl, runtime.apiKey);
    const day = mondayAfter(7);
    await client.setClock(`${day}T12:00:00.000Z`); // Monday morning in New York
    const m = size.interviews;
    const interviews: { id: string; address: string; sendAt: Record<string, string | undefined> }[] = [];
    await inBatches([...Array(m).keys()], 10, async (i) => {
      const address = `sweep-${i}@example.org`;
      const res = await client.submit({
        ...validBody(),
        interviewer: { name: 'Mrs. Hiring Manager', email: address },
        interview: { endsAt: `${day}T10:00`, timeZone: 'America/New_York' },
      });
      if (res.status !== 201) throw new Error(`sweep: submit ${i}: ${res.status} ${await res.text()}`);
      const view = (await res.json()) as InterviewView;
      interviews[i] = {
        id: view.id,
        address,
        sendAt: Object.fromEntries(view.emails.map((e) => [e.kind, e.sendAt])),
      };
    });
    await runtime.emulator.settle(); // the confirmations
    const deleted: {
      id: string;
      address: string;
      kind: InterviewerEmail;
      due: number;
      /** The step after which it was first in the mailbox. */
      seenAt?: number;
      /** When it was sent, by its sentAt (local clock, epoch ms). */
      sentAt?: number;
    }[] = [];
    for (const [i, { id, address, sendAt }] of interviews.entries()) {
      const kinds: InterviewerEmail[] = i % 2 === 0 ? ['thank-you', 'follow-up'] : ['thank-you'];
      for (const kind of kinds) {
        await scheduler.send(new DeleteScheduleCommand({ Name: `${id}-${kind}`, GroupName: 'default' }));
        deleted.push({ id, address, kind, due: Date.parse(sendAt[kind] ?? '') });
      }
    }
    const reconciledBefore = (await client.metrics()).EmailsReconciled ?? 0;
    const period = SWEEP_PERIOD_MINUTES * 60_000;
    const periods = 6;
    for (const due of [...new Set(deleted.map((d) => d.due))].sort((a, b) => a - b)) {
      for (let k = 0; k <= periods; k++) {
        await client.setClock(new Date(due + k * period + 1_000).toISOString());
        const mail = await client.mail();
        for (const d of deleted)
          if (d.due === due && d.seenAt === undefined && mailTo(mail, d.address, d.kind) > 0) d.seenAt = k;
        if (deleted.every((d) => d.due !== due || d.seenAt !== undefined)) break;
      }
    }
    // Later sweeps must find nothing more to send. (POST /_local/sweep also waits for a sweep
    // the runtime's own timer may have started.)
    const last = Math.max(...deleted.map((d) => d.due));
    await client.setClock(new Date(last + 2 * HOUR).toISOString());
    await client.sweep();
    await client.sweep();
    await runtime.emulator.settle();
    const mail = await client.mail();
    let duplicates = 0;
    let keptOnce = 0;
    let keptCount = 0;
    for (const { id, address } of interviews) {
      const counts = {
        confirmation: mailAbout(mail, address, 'Scheduled:'),
        'thank-you': mailTo(mail, address, 'thank-you'),
        'follow-up': mailTo(mail, address, 'follow-up'),
      };
      for (const [kind, count] of Object.entries(counts)) {
        if (count > 1) {
          duplicates += count - 1;
          console.log(`sweep: ${id} ${kind} sent ${count}×`, kept.about(id));
        }
        if (kind !== 'confirmation' && !deleted.some((d) => d.id === id && d.kind === kind)) {
          keptCount += 1;
          if (count === 1) keptOnce += 1;
        }
      }
    }
    // How late each went, by its sentAt on the local clock. Step k set the clock to its time + k
    // periods + 1 s (walking through the sweeps on the way, see README), from where the clock ran
    // on at real speed: a minute of slack covers that drift.
    const SLACK = 60_000;
    for (const d of deleted) {
      const view = (await (await client.get(d.id)).json()) as InterviewView;
      const email = emailOf(view, d.kind);
      if (email?.sentAt) d.sentAt = Date.parse(email.sentAt);
      if (mailTo(mail, d.address, d.kind) === 0)
        console.log(`sweep: ${d.id} ${d.kind} not sent: ${JSON.stringify(email)}`, kept.about(d.id));
      else if (d.sentAt !== undefined && d.sentAt - d.due < OVERDUE_MS)
        console.log(`sweep: ${d.id} ${d.kind} sent on time although its schedule was deleted`);
    }
    const once = deleted.filter((d) => mailTo(mail, d.address, d.kind) === 1);
    // No schedule fired these: only the sweep can have sent them, once they were overdue.
    const bySweep = once.filter((d) => d.sentAt !== undefined && d.sentAt - d.due >= OVERDUE_MS);
    const notSent = deleted.filter((d) => mailTo(mail, d.address, d.kind) === 0);
    const within = (n: number) =>
      deleted.filter((d) => d.sentAt !== undefined && d.sentAt - d.due <= n * period + SLACK).length;
    const latest = Math.max(0, ...deleted.map((d) => (d.sentAt ?? d.due) - d.due)) / 60_000;
    // Sent (by sentAt) before a step's clock, yet not in the mailbox when that step's POST
    // /_local/clock answered: the answer came before the sends it should have waited for.
    const stepClock = (d: (typeof deleted)[number], k: number) => d.due + k * period + 1_000;
    const early = deleted.filter((d) => {
      const seen = d.seenAt ?? 0;
      return d.sentAt !== undefined && seen > 0 && d.sentAt <= stepClock(d, seen - 1);
    });
    for (const d of early)
      console.log(`sweep: ${d.id} ${d.kind} sent before a step that answered without it`);
    const reconciled = ((await client.metrics()).EmailsReconciled ?? 0) - reconciledBefore;
    report.row(
      'sweep',
      'schedules deleted behind the service (all thank-yous, ½ follow-ups)',
      deleted.length,
    );
    report.row(
      'sweep',
      'their emails sent exactly once by the sweep',
      bySweep.length,
      `target ${deleted.length}`,
    );
    report.row('sweep', 'within one sweep period of their time (by sentAt, +1 min)', within(1));
    report.row(
      'sweep',
      'within two sweep periods of their time (by sentAt, +1 min)',
      within(2),
      `target ${deleted.length}`,
    );
    report.row(
      'sweep',
      'latest of them after its time (minutes)',
      latest.toFixed(1),
      `≤ ${2 * SWEEP_PERIOD_MINUTES}`,
    );
    report.row(
      'sweep',
      'POST /_local/clock answered before the sweep it ran had sent',
      early.length,
      'target 0',
    );
    report.row('sweep', 'not sent', notSent.length, 'target 0');
    report.row('sweep', 'duplicates (all emails of the phase)', duplicates, 'target 0');
    report.row('sweep', 'emails whose schedule was kept, sent exactly once', keptOnce, `target ${keptCount}`);
    report.row('sweep', 'EmailsReconciled (GET /_local/metrics)', reconciled, `target ${deleted.length}`);
    report.row('sweep', 'wall time of the phase (s)', ((performance.now() - phaseStarted) / 1000).toFixed(0));
    return { interviews: m };
  } finally {
    scheduler.destroy();
    await runtime.stop();
    await removeDir(dataDir);
  }
}
