/**
 * Phase late: the runtime is down for three simulated days: everything due meanwhile fires late at
 * once when it comes back, and the late-send policy decides. Interviews end in five zones from a
 * day before their submission to half a day after the restart, so thank-yous are due at every
 * local hour (evenings too) and fall more or less than a day behind it, and follow-ups fall before
 * and after it. Then the clock walks on a week (30-minute steps, and each pending schedule's own
 * time, so nothing fires late a second time).
 */
import { THANK_YOU_TOO_LATE } from '../../lambdas/core/lateness.js';
import { wallClock } from '../../lambdas/core/time.js';
import { type LocalRuntime, NO_LIMITS, startLocalRuntime } from '../../local/runtime.js';
import { validBody } from '../../test/fixtures.js';
import {
  api,
  type EmailView,
  emailOf,
  HOUR,
  type InterviewView,
  inBatches,
  keptLog,
  mailAbout,
  mailTo,
  mondayAfter,
  removeDir,
  startMailbox,
  tempDir,
} from './common.js';
import type { Report } from './report.js';

/** What docs/reliability.md says of the phase. */
export interface LateFacts {
  interviews: number;
  zones: readonly string[];
  /** Minutes between one interview's end and the next. */
  stepMinutes: number;
}

const LATE_ZONES: readonly string[] = [
  'America/New_York',
  'America/Vancouver',
  'Europe/Berlin',
  'Asia/Kolkata',
  'Australia/Sydney',
];

export async function late(report: Report, size: { interviews: number }): Promise<LateFacts> {
  const phaseStarted = performance.now();
  const dataDir = await tempDir();
  const mailbox = await startMailbox();
  const kept = keptLog();
  const options = { dataDir, mailUrl: mailbox.url, log: kept.log, limits: NO_LIMITS };
  let runtime: LocalRuntime | undefined = await startLocalRuntime(options);
  try {
    let client = api(runtime.apiUrl, runtime.apiKey);
    const submittedAt = Date.parse(`${mondayAfter(7)}T12:00:00.000Z`);
    await client.setClock(new Date(submittedAt).toISOString());
    const k = size.interviews;
    // From a day before the submissions (their thank-yous go at once, rule 5) to half a day
    // after the restart: thank-yous fall more and less than a day behind it, and after it.
    const first = submittedAt - 24 * HOUR + 30 * 60_000;
    const step = Math.floor((108 * 60) / k) * 60_000;
    const interviews: { id: string; address: string; zone: string; planned: Record<string, string> }[] = [];
    await inBatches([...Array(k).keys()], 10, async (i) => {
      const address = `late-${i}@example.org`;
      const zone = LATE_ZONES[i % LATE_ZONES.length] as string;
      const res = await client.submit({
        ...validBody(),
        interviewer: { name: 'Mrs. Hiring Manager', email: address },
        interview: { endsAt: new Date(first + i * step).toISOString(), timeZone: zone },
      });
      if (res.status !== 201) throw new Error(`late: submit ${i}: ${res.status} ${await res.text()}`);
      const view = (await res.json()) as InterviewView;
      interviews[i] = {
        id: view.id,
        address,
        zone,
        planned: Object.fromEntries(view.emails.map((e) => [e.kind, e.sendAt ?? ''])),
      };
    });
    await runtime.emulator.settle(); // the confirmations
    await runtime.stop();
    runtime = undefined;
    // Three days later it starts again on the same folder; its clock starts at the real time.
    runtime = await startLocalRuntime(options);
    client = api(runtime.apiUrl, runtime.apiKey);
    const back = submittedAt + 72 * HOUR;
    const { fired } = await client.setClock(new Date(back).toISOString(), true);
    const end = back + 7 * 24 * HOUR;
    for (let now = back; now < end; ) {
      const next = runtime.emulator
        .pending()
        .map((p) => Date.parse(p.at))
        .filter((at) => at > now)
        .reduce((a, b) => Math.min(a, b), now + 30 * 60_000);
      now = Math.min(next, end);
      await client.setClock(new Date(now).toISOString());
    }
    await client.sweep(); // the end of one the runtime's timer may have started
    await runtime.emulator.settle();

    const mail = await client.mail();
    const count = {
      quiet: [] as string[],
      thankYouOver24h: [] as string[],
      skipped: 0,
      notices: 0,
      noticeMismatch: [] as string[],
      thankYouLateAtOnce: 0,
      thankYouMoved: 0,
      thankYouMovedOnce: 0,
      followUpMoved: 0,
      followUpMovedOnce: 0,
      onTime: 0,
      spacing: [] as string[],
      weekend: [] as string[],
      duplicates: 0,
      unsettled: [] as string[],
      disagree: [] as string[],
    };
    for (const { id, address, zone, planned } of interviews) {
      const view = (await (await client.get(id)).json()) as InterviewView;
      const thankYou = emailOf(view, 'thank-you');
      const followUp = emailOf(view, 'follow-up');
      const counts = {
        confirmation: mailAbout(mail, address, 'Scheduled:'),
        notice: mailAbout(mail, address, 'Not sent: your thank-you'),
        'thank-you': mailTo(mail, address, 'thank-you'),
        'follow-up': mailTo(mail, address, 'follow-up'),
      };
      for (const c of Object.values(counts)) count.duplicates += Math.max(0, c - 1);
      const what = (e: EmailView | undefined) => `${id} (${zone}) ${JSON.stringify(e)}`;
      for (const e of [thankYou, followUp]) {
        if (!e) continue;
        if (e.status !== 'sent' && e.status !== 'skipped') count.unsettled.push(what(e));
        if ((e.status === 'sent') !== (counts[e.kind as 'thank-you' | 'follow-up'] === 1))
          count.disagree.push(`${what(e)}, in the mailbox ${counts[e.kind as 'thank-you']}×`);
        if (!e.sentAt) continue;
        const local = wallClock(new Date(e.sentAt), zone);
        if (local.hour >= 20 || local.hour < 8) count.quiet.push(what(e));
        const lateBy = Date.parse(e.sentAt) - Date.parse(planned[e.kind] ?? '');
        if (lateBy <= 2 * 60_000) count.onTime += 1;
        if (e.kind === 'follow-up') {
          const weekday = new Date(Date.UTC(local.year, local.month - 1, local.day)).getUTCDay();
          if (weekday === 0 || weekday === 6) count.weekend.push(what(e));
        }
      }
      if (thankYou?.sentAt) {
        const lateBy = Date.parse(thankYou.sentAt) - Date.parse(planned['thank-you'] ?? '');
        // A thank-you may be moved to exactly 24 h after its plan; its send then takes a moment.
        if (lateBy > 24 * HOUR + 60_000) count.thankYouOver24h.push(what(thankYou));
        if (thankYou.sendAt !== planned['thank-you']) {
          count.thankYouMoved += 1;
          if (counts['thank-you'] === 1) count.thankYouMovedOnce += 1;
        } else if (lateBy > 2 * 60_000) count.thankYouLateAtOnce += 1;
      }
      const skipped = thankYou?.status === 'skipped' && (thankYou.reason ?? '').includes(THANK_YOU_TOO_LATE);
      if (skipped) count.skipped += 1;
      count.notices += counts.notice;
      if (counts.notice !== (skipped ? 1 : 0))
        count.noticeMismatch.push(`${what(thankYou)}, notices ${counts.notice}`);
      if (followUp && followUp.sendAt !== planned['follow-up']) {
        count.followUpMoved += 1;
        if (followUp.status === 'sent' && counts['follow-up'] === 1) count.followUpMovedOnce += 1;
      }
      if (
        thankYou?.sentAt &&
        followUp?.sentAt &&
        Date.parse(followUp.sentAt) - Date.parse(thankYou.sentAt) < 24 * HOUR
      )
        count.spacing.push(`${what(thankYou)} ${JSON.stringify(followUp)}`);
    }
    const show = (label: string, items: string[]) => {
      for (const item of items) {
        console.log(`late: ${label}: ${item}`);
        for (const line of kept.about(item.slice(0, 36))) console.log(`  ${line}`);
      }
    };
    show('sent in quiet hours', count.quiet);
    show('thank-you over 24 h late', count.thankYouOver24h);
    show('notice mismatch', count.noticeMismatch);
    show('follow-up within 24 h of the thank-you', count.spacing);
    show('follow-up on a weekend', count.weekend);
    show('neither sent nor skipped', count.unsettled);
    show('status and mailbox disagree', count.disagree);
    const metrics = await client.metrics();
    report.row('late', `interviews in ${LATE_ZONES.length} zones, ending over 4½ days`, k);
    report.row('late', 'schedules fired late at once after 3 days down', fired.length);
    report.row(
      'late',
      'interviewer emails sent in quiet hours (20:00–08:00)',
      count.quiet.length,
      'target 0',
    );
    report.row(
      'late',
      'thank-yous sent > 24 h (+1 min) after their planned time',
      count.thankYouOver24h.length,
      'target 0',
    );
    report.row('late', 'thank-yous skipped as late', count.skipped);
    report.row(
      'late',
      'candidate notices "Not sent: your thank-you…"',
      count.notices,
      `target ${count.skipped}`,
    );
    report.row('late', 'skips and notices that do not pair up', count.noticeMismatch.length, 'target 0');
    report.row('late', 'thank-yous sent late at once (< 24 h, daytime)', count.thankYouLateAtOnce);
    report.row(
      'late',
      'thank-yous moved out of quiet hours, sent once',
      count.thankYouMovedOnce,
      `target ${count.thankYouMoved}`,
    );
    report.row(
      'late',
      'follow-ups moved, later sent exactly once',
      count.followUpMovedOnce,
      `target ${count.followUpMoved}`,
    );
    report.row('late', 'follow-ups < 24 h after their thank-you', count.spacing.length, 'target 0');
    report.row('late', 'follow-ups sent on a weekend', count.weekend.length, 'target 0');
    report.row('late', 'emails sent on time (planned after the restart)', count.onTime);
    report.row('late', 'emails neither sent nor skipped at the end', count.unsettled.length, 'target 0');
    report.row('late', 'status and mailbox disagree', count.disagree.length, 'target 0');
    report.row('late', 'duplicates', count.duplicates, 'target 0');
    report.row(
      'late',
      'EmailsMovedLate / EmailsSkippedLate (metrics)',
      `${metrics.EmailsMovedLate} / ${metrics.EmailsSkippedLate}`,
    );
    report.row('late', 'wall time of the phase (s)', ((performance.now() - phaseStarted) / 1000).toFixed(0));
    return { interviews: k, zones: LATE_ZONES, stepMinutes: step / 60_000 };
  } finally {
    await runtime?.stop();
    mailbox.close();
    await removeDir(dataDir);
  }
}
