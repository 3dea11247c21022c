/**
 * Phase crash: the runtime, a child process, is killed with SIGKILL while every thank-you falls
 * due at once; once restarted, each must have gone out at most once (the SES stand-in runs in this
 * process, so the mailbox survives the kill).
 */
import { DEFAULT_API_KEY } from '../../local/runtime.js';
import {
  api,
  childEnv,
  emailOf,
  freePort,
  HOUR,
  type InterviewView,
  inBatches,
  interviewBody,
  mondayAfter,
  removeDir,
  sleep,
  startChild,
  startMailbox,
  tempDir,
} from './common.js';
import type { Report } from './report.js';

/** An email as the SES stand-in keeps it (GET /store), the parts read here. */
interface StoredEmail {
  destination: { to: string[] };
  subject: string;
}

export async function crash(
  report: Report,
  size: { interviews: number; killAfterMs: number },
): Promise<void> {
  const dataDir = await tempDir();
  const mailbox = await startMailbox();
  const stored = async () =>
    ((await (await fetch(`${mailbox.url}/store`)).json()) as { emails: StoredEmail[] }).emails;
  const port = await freePort();
  const env = childEnv(dataDir, port, mailbox.url);
  const client = api(`http://127.0.0.1:${port}`, DEFAULT_API_KEY);
  let child = await startChild(env);
  try {
    // Ahead of the real time, where the restarted runtime's clock begins: a day in the past would
    // make it fire the thank-yous days late (and skip them) before the clock is set again.
    const day = mondayAfter(7);
    await client.setClock(`${day}T12:00:00.000Z`);
    const n = size.interviews;
    let due = 0;
    await inBatches([...Array(n).keys()], 10, async (i) => {
      const res = await client.submit({
        ...interviewBody(i, 'crash'),
        interview: { endsAt: `${day}T08:00`, timeZone: 'America/New_York' },
      });
      if (res.status !== 201) throw new Error(`submit ${i}: ${res.status}`);
      due = Date.parse(emailOf((await res.json()) as InterviewView, 'thank-you')?.sendAt ?? '');
    });
    const at = (ms: number) => new Date(due + ms).toISOString();
    // Every thank-you falls due at once; kill -9 while they are going out.
    const firing = client.setClock(at(30_000)).catch(() => undefined);
    await sleep(size.killAfterMs);
    child.kill('SIGKILL');
    await firing;
    const beforeRestart = await stored();
    child = await startChild(env);
    await client.setClock(at(30_000));
    await client.setClock(at(HOUR));
    const mail = await stored();
    let once = 0;
    let duplicates = 0;
    let notSent = 0;
    for (let i = 0; i < n; i++) {
      const c = mail.filter(
        (m) => m.destination.to.includes(`crash-${i}@example.org`) && m.subject.startsWith('Thank you'),
      ).length;
      if (c === 1) once += 1;
      if (c > 1) duplicates += c - 1;
      if (c === 0) notSent += 1;
    }
    // The mail store is shared by everything in this process: count this phase's addresses only.
    const thankYousBefore = beforeRestart.filter(
      (m) => m.subject.startsWith('Thank you') && m.destination.to.some((a) => a.startsWith('crash-')),
    ).length;
    report.row('crash', 'thank-yous due at the kill', n);
    report.row('crash', 'sent before kill -9', thankYousBefore);
    report.row('crash', 'sent exactly once after the restart', once, `the rest: caught mid-send, below`);
    report.row('crash', 'duplicates', duplicates, 'target 0');
    report.row('crash', 'not sent (caught mid-send: left "sending")', notSent);
  } finally {
    child.kill('SIGKILL');
    mailbox.close();
    await removeDir(dataDir);
  }
}
