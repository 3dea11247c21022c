/**
 * Phase answered: every 201 must survive a kill -9 that follows it. The runtime (a child process,
 * the mailbox in this one) is started, answers one interview and is killed 0–50 ms later, N times
 * on one data folder. Then it starts once more, the clock visits each send time just after it (so
 * every schedule fires on time), and each interview is read back: its record, its two schedules,
 * and its three emails (confirmation, thank-you, follow-up) in the mailbox exactly once. A kill
 * that lands inside the sender's at-most-once window (claimed, SES not called or its answer not
 * recorded) leaves that email `sending` for good, by design: counted apart, not as a loss.
 */
import type { ChildProcess } from 'node:child_process';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { median, percentile } from '../../bench/report.js';
import { dynamoClient } from '../../lambdas/aws/clients.js';
import { DynamoInterviewStore } from '../../lambdas/aws/store.js';
import { seeded } from '../../local/faults.js';
import {
  DEFAULT_API_KEY,
  type LocalRuntime,
  localAws,
  NO_LIMITS,
  startLocalRuntime,
  TABLE_NAME,
} from '../../local/runtime.js';
import { validBody } from '../../test/fixtures.js';
import {
  api,
  childEnv,
  freePort,
  type InterviewView,
  killChild,
  mailAbout,
  mailTo,
  mondayAfter,
  quiet,
  removeDir,
  sleep,
  startChild,
  startMailbox,
  tempDir,
} from './common.js';
import type { Report } from './report.js';

/** What docs/reliability.md says of the phase. */
export interface AnsweredFacts {
  /** Kill -9 cycles, one interview each. */
  cycles: number;
}

export async function answered(report: Report, size: { kills: number }): Promise<AnsweredFacts> {
  const phaseStarted = performance.now();
  const dataDir = await tempDir();
  const logDir = await tempDir('reliability-log-');
  const logFile = join(logDir, 'runtime.log');
  const logs = await open(logFile, 'a');
  const mailbox = await startMailbox();
  const port = await freePort();
  const env = childEnv(dataDir, port, mailbox.url);
  const childClient = api(`http://127.0.0.1:${port}`, DEFAULT_API_KEY);
  const random = seeded(14);
  // Ahead of the real time (each start's clock), so nothing is due while the loop runs.
  const endsAt = `${mondayAfter(7)}T10:00`;
  const n = size.kills;
  const submitted: { id: string; address: string; sendAt: Record<string, string | undefined> }[] = [];
  const startMs: number[] = [];
  let child: ChildProcess | undefined;
  let runtime: LocalRuntime | undefined;
  let db: ReturnType<typeof dynamoClient> | undefined;
  let anomalies = false;
  try {
    for (let i = 0; i < n; i++) {
      const started = performance.now();
      child = await startChild(env, logs.fd);
      startMs.push(performance.now() - started);
      const address = `answered-${i}@example.org`;
      const res = await childClient.submit({
        ...validBody(),
        interviewer: { name: 'Mrs. Hiring Manager', email: address },
        interview: { endsAt, timeZone: 'America/New_York' },
      });
      if (res.status !== 201) throw new Error(`answered: submit ${i}: ${res.status} ${await res.text()}`);
      const view = (await res.json()) as InterviewView;
      await sleep(Math.floor(random() * 51));
      await killChild(child);
      child = undefined;
      submitted.push({
        id: view.id,
        address,
        sendAt: Object.fromEntries(view.emails.map((e) => [e.kind, e.sendAt])),
      });
    }

    // Once more, in this process (to read the schedules and the table), on the same folder.
    const restarted = Date.now();
    runtime = await startLocalRuntime({ dataDir, mailUrl: mailbox.url, log: quiet, limits: NO_LIMITS });
    const restartMs = Date.now() - restarted;
    await runtime.emulator.settle(); // the confirmations whose run a kill cut short
    const client = api(runtime.apiUrl, runtime.apiKey);
    const pending = new Set(runtime.emulator.pending().map((p) => p.name));
    const times = [
      ...new Set(submitted.flatMap((a) => [a.sendAt['thank-you'], a.sendAt['follow-up']])),
    ].filter((t): t is string => t !== undefined);
    for (const t of times.sort()) await client.setClock(new Date(Date.parse(t) + 30_000).toISOString());
    await client.sweep(); // the end of one the runtime's timer may have started
    await runtime.emulator.settle();

    const aws = localAws(runtime);
    db = dynamoClient(aws.config, aws.options);
    const store = new DynamoInterviewStore(db, TABLE_NAME);
    const mail = await client.mail();
    let lost = 0;
    let duplicates = 0;
    let once = 0;
    const midSend: string[] = [];
    let midSendSent = 0;
    for (const { id, address } of submitted) {
      const found = await client.get(id);
      const view = found.status === 200 ? ((await found.json()) as InterviewView) : undefined;
      if (!view) await found.arrayBuffer();
      const record = await store.get(id);
      const problems: string[] = [];
      if (!view || !record) problems.push(`GET ${found.status}, record ${record ? 'present' : 'gone'}`);
      for (const kind of ['thank-you', 'follow-up'])
        if (!pending.has(`${id}-${kind}`)) problems.push(`no ${kind} schedule after the kills`);
      const counts = {
        confirmation: mailAbout(mail, address, 'Scheduled:'),
        'thank-you': mailTo(mail, address, 'thank-you'),
        'follow-up': mailTo(mail, address, 'follow-up'),
      };
      for (const [kind, count] of Object.entries(counts)) {
        const status = record?.emails[kind as keyof typeof counts]?.status ?? 'gone';
        if (count > 1) duplicates += count - 1;
        if (status === 'sending') {
          midSend.push(`${id} ${kind}: ${status}, ${count === 1 ? 'went out' : 'not sent'}`);
          if (count === 1) midSendSent += 1;
        } else if (count === 1 && status === 'sent') once += 1;
        else if (count === 0) problems.push(`${kind} not sent (${status})`);
        else if (status !== 'sent') problems.push(`${kind} in the mailbox ${count}× but ${status}`);
      }
      if (problems.length > 0) {
        lost += 1;
        console.log(`answered: interview ${id} (${address}) lost: ${problems.join('; ')}`);
      }
      if (counts.confirmation > 1 || counts['thank-you'] > 1 || counts['follow-up'] > 1)
        console.log(`answered: interview ${id} (${address}) duplicated: ${JSON.stringify(counts)}`);
    }
    for (const line of midSend) console.log(`answered: caught mid-send: ${line}`);
    anomalies = lost > 0 || duplicates > 0;
    report.row('answered', 'kill -9 0–50 ms after a 201 (cycles)', n, 'target ≥ 200');
    report.row('answered', 'interviews lost (201 answered, record or schedules gone)', lost, 'target 0');
    report.row('answered', 'duplicates', duplicates, 'target 0');
    report.row(
      'answered',
      'emails sent exactly once and recorded sent',
      once,
      `target ${n * 3 - midSend.length}`,
    );
    report.row('answered', 'left "sending" by a kill mid-send: went out', midSendSent);
    report.row('answered', 'left "sending" by a kill mid-send: not sent', midSend.length - midSendSent);
    report.row('answered', 'runtime start per cycle, median (ms)', median(startMs).toFixed(0));
    report.row('answered', 'runtime start per cycle, max (ms)', percentile(startMs, 100).toFixed(0));
    report.row('answered', 'final start, in this process, on that folder (ms)', restartMs);
    report.row(
      'answered',
      'wall time of the phase (s)',
      ((performance.now() - phaseStarted) / 1000).toFixed(0),
    );
    return { cycles: n };
  } finally {
    if (child) await killChild(child);
    await runtime?.stop();
    db?.destroy();
    await logs.close();
    mailbox.close();
    await removeDir(dataDir);
    if (anomalies) console.log(`answered: the runtime's log is kept in ${logFile}`);
    else await removeDir(logDir);
  }
}
