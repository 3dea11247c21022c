/**
 * Phase 4, cost per 1,000 interviews on AWS: a full lifecycle (submit, confirmation, thank-you, a
 * share of cancels, follow-up, SES delivery events) for a few hundred interviews, counting every
 * DynamoDB capacity unit (bench/dynamo-meter.ts), schedule invocation, Lambda invocation and its
 * duration, SES recipient and API request, priced with the list prices of bench/prices.ts. Then
 * the same lifecycle again, on a runtime of its own, with a panel of three interviewers per
 * submission (each gets their own thank-you and follow-up, the follow-up a reply in the thank-you's
 * thread), reported as rows of its own beside the single-interviewer figures.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type AttributeValue, ScanCommand } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoAccessStore } from '../../lambdas/aws/access.js';
import { dynamoClient, schedulerClient } from '../../lambdas/aws/clients.js';
import { EventBridgeEmailScheduler } from '../../lambdas/aws/scheduler.js';
import { DynamoInterviewStore } from '../../lambdas/aws/store.js';
import { TABLE } from '../../lambdas/aws/table.js';
import { newApiKeySecret, newKeyId } from '../../lambdas/core/access.js';
import { type EmailKey, emailKey } from '../../lambdas/core/panel.js';
import { hashSecret } from '../../lambdas/core/tokens.js';
import { handleFeedback } from '../../lambdas/usecases/feedback.js';
import { localAws, NO_LIMITS, startLocalRuntime, TABLE_NAME } from '../../local/runtime.js';
import { DynamoMeter, itemSize } from '../dynamo-meter.js';
import {
  AFTER_FOLLOW_UP,
  AFTER_THANK_YOU,
  clearMailbox,
  isReply,
  mailbox,
  panelistAddress,
  panelSubmissionFor,
  recipientsOf,
  type StoredEmail,
  SUBMITTED_AT,
  scanAll,
  submissionFor,
  timeSends,
} from '../lifecycle.js';
import { type LifecycleCounts, priceLifecycle, pricePanelLifecycle, priceTable } from '../prices.js';
import { type PhaseOptions, type Report, sum } from '../report.js';
import { deliveryEvent } from '../ses-event.js';

/** What docs/performance.md says of the lifecycle, and its tables. */
export interface CostFacts {
  n: number;
  cancelled: number;
  /** Per interview, by operation and item: operation, requests, WRU, RRU. */
  dynamoByOperation: string[][];
  /** The prices used: item, price, sources. */
  prices: string[][];
  /** The second lifecycle, a panel per submission: its size, interviews and cancels. */
  panel: { size: number; n: number; cancelled: number };
}

/** The panel of the second lifecycle: this many interviewers per submission. */
const PANEL_SIZE = 3;

export async function cost(report: Report, { quick }: PhaseOptions): Promise<CostFacts> {
  const n = quick ? 40 : 200;
  const single = await lifecycle(report, { n, panel: 1, label: 'cost', domain: 'cost.bench.example.org' });
  const singleCost = priceLifecycle(report, single.counts);
  printByOperation('DynamoDB by operation, per interview: requests, WRU, RRU', single.dynamoByOperation);

  const section = `cost (panel of ${PANEL_SIZE})`;
  const panel = await lifecycle(report, {
    n,
    panel: PANEL_SIZE,
    label: section,
    domain: 'panel.cost.bench.example.org',
  });
  pricePanelLifecycle(report, section, PANEL_SIZE, panel.counts, singleCost);
  printByOperation(
    `DynamoDB by operation, per interview, panel of ${PANEL_SIZE}: requests, WRU, RRU`,
    panel.dynamoByOperation,
  );
  return {
    n,
    cancelled: single.counts.cancelled,
    dynamoByOperation: single.dynamoByOperation,
    prices: priceTable(),
    panel: { size: PANEL_SIZE, n, cancelled: panel.counts.cancelled },
  };
}

function printByOperation(title: string, rows: string[][]): void {
  console.log(`\n${title}`);
  for (const [what = '', ...r] of rows) console.log(`  ${what.padEnd(44)} ${r.join('  ')}`);
}

/**
 * One lifecycle of `n` interviews, each with a panel of `panel` interviewers (1: the `interviewer`
 * shorthand, as before panels), on a runtime of its own; `label` starts its checks' messages.
 */
async function lifecycle(
  report: Report,
  { n, panel, label, domain }: { n: number; panel: number; label: string; domain: string },
): Promise<{ counts: LifecycleCounts; dynamoByOperation: string[][] }> {
  /** One candidate in this many opens the cancel page after the thank-you and cancels the follow-up. */
  const cancelEvery = 10;
  const submission = (d: string, i: number) =>
    panel === 1 ? submissionFor(d, i) : panelSubmissionFor(d, i, panel);
  /** Interview `i`'s interviewers' addresses, panelist 1 first. */
  const addressesOf = (i: number) =>
    panel === 1
      ? [`int-${i}@${domain}`]
      : Array.from({ length: panel }, (_, k) => panelistAddress(domain, i, k + 1));
  const dataDir = await mkdtemp(join(tmpdir(), 'bench-cost-'));
  const meter = new DynamoMeter();
  /** Each run of the sender (a Lambda invocation): its in-process handler time. */
  const senderMs: number[] = [];
  const emulatorEvents = { fired: 0, retried: 0, asyncInvokes: 0 };
  const logs = { lines: 0, bytes: 0 };
  const log = (level: string, message: string, fields?: Record<string, unknown>) => {
    if (!meter.counting) return;
    if (message === 'scheduler: firing schedule') emulatorEvents.fired += 1;
    else if (message === 'scheduler: retrying schedule') emulatorEvents.retried += 1;
    else if (message === 'lambda: async invocation' || message === 'lambda: retrying async invocation') {
      emulatorEvents.asyncInvokes += 1;
    } else if (!/^(scheduler|lambda|aws-emulator):/.test(message)) {
      // A function's own log line (jsonLogger's shape, before redaction, which keeps lengths close).
      logs.lines += 1;
      logs.bytes += Buffer.byteLength(JSON.stringify({ level, message, ...fields })) + 1;
    }
  };
  const runtime = await startLocalRuntime({
    dataDir,
    log,
    limits: NO_LIMITS,
    instrument: {
      dynamoClient: (client) => meter.attach(client),
      aroundSend: timeSends(senderMs, () => meter.counting),
    },
  });
  const aws = localAws(runtime);
  const direct = dynamoClient(aws.config, aws.options);
  meter.readsThrough(direct);
  // The feedback function's client, run in-process by this phase: metered like the service's.
  const metered = dynamoClient(aws.config, aws.options);
  meter.attach(metered);
  const scheduler = schedulerClient(aws.config, aws.options);
  try {
    await clearMailbox(runtime);
    runtime.clock.set(new Date(SUBMITTED_AT));
    // A key stored as `npm run api-key` stores it: how an integrator calls the API, and what costs
    // one strongly consistent read per request (the deployment's own apiKeySha256 key skips it).
    const secret = newApiKeySecret();
    await new DynamoAccessStore(direct, TABLE_NAME).createKey(hashSecret(secret), {
      keyId: newKeyId(),
      name: 'bench',
      createdAt: SUBMITTED_AT,
    });

    const apiMs: number[] = [];
    const call = async (url: string, init: RequestInit = {}) => {
      const t = performance.now();
      const res = await fetch(url.startsWith('http') ? url : `${runtime.apiUrl}${url}`, init);
      const text = await res.text();
      if (meter.counting) apiMs.push(performance.now() - t);
      return { status: res.status, text };
    };
    const submit = (body: unknown, idempotencyKey: string) =>
      call('/interviews', {
        method: 'POST',
        headers: {
          Authorization: `Bearer ${secret}`,
          'Content-Type': 'application/json',
          'Idempotency-Key': idempotencyKey,
        },
        body: JSON.stringify(body),
      });

    // Warm-up, not counted: a few interviews through the same path, then deleted (which deletes
    // their schedules), so the first counted requests do not pay for JIT and first connections.
    for (let i = 0; i < 3; i++) {
      const res = await submit(submission('warmup.bench.example.org', i), `warmup-${i}`);
      await runtime.emulator.settle();
      const { id } = JSON.parse(res.text) as { id: string };
      await call(`/interviews/${id}`, { method: 'DELETE', headers: { Authorization: `Bearer ${secret}` } });
    }
    await runtime.emulator.settle();
    await clearMailbox(runtime);

    meter.counting = true;
    // 1. Submissions, one at a time (each with an Idempotency-Key, as the README asks of clients),
    // each followed by its confirmation before the next: one function at a time, as on Lambda,
    // so no duration includes another invocation's work.
    const interviews: { id: string; cancelUrl: string }[] = [];
    /** By the address an email goes to: its interview, the candidate's copy, and the panelist (1, 2, …). */
    const byAddress = new Map<string, { id: string; candidate: string; person?: number }>();
    for (let i = 0; i < n; i++) {
      const res = await submit(submission(domain, i), `bench-cost-${i}`);
      report.check(res.status === 201, `${label}: submission ${i} answered ${res.status}`);
      const body = JSON.parse(res.text) as { id: string; cancelUrl: string };
      interviews.push(body);
      const candidate = `cand-${i}@${domain}`;
      byAddress.set(candidate, { id: body.id, candidate });
      addressesOf(i).forEach((address, k) => {
        byAddress.set(address, { id: body.id, candidate, person: k + 1 });
      });
      await runtime.emulator.settle();
    }
    const confirmations = await mailbox(runtime);
    await clearMailbox(runtime);
    // 2. The thank-yous fall due.
    const thankYouFired = (await runtime.advanceClock(new Date(AFTER_THANK_YOU))).length;
    const thankYous = await mailbox(runtime);
    await clearMailbox(runtime);
    // 3. One candidate in ten opens the link from the confirmation and cancels the follow-up (a
    // panel's: the form names no interviewer, so every panelist's).
    let cancelled = 0;
    for (const [i, interview] of interviews.entries()) {
      if (i % cancelEvery !== 0) continue;
      const page = await call(interview.cancelUrl);
      const done = await call(interview.cancelUrl, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'Sec-Fetch-Site': 'same-origin' },
        body: 'kind=follow-up',
      });
      report.check(
        page.status === 200 && done.status === 200,
        `${label}: cancel ${i} answered ${page.status}/${done.status}`,
      );
      cancelled += 1;
    }
    // 4. The follow-ups fall due.
    const followUpFired = (await runtime.advanceClock(new Date(AFTER_FOLLOW_UP))).length;
    const followUps = await mailbox(runtime);
    // 5. SES reports each delivery, one event per recipient, through EventBridge to the feedback
    // function, run here in-process with the same adapters its handler builds.
    const feedbackDeps = {
      store: new DynamoInterviewStore(metered, TABLE_NAME),
      scheduler: new EventBridgeEmailScheduler(scheduler, 'default'),
      suppressions: new DynamoAccessStore(metered, TABLE_NAME),
      counterKey: runtime.counterKey,
      clock: runtime.clock,
      log,
    };
    const feedbackMs: number[] = [];
    let feedbackIgnored = 0;
    for (const [kind, emails] of [
      ['confirmation', confirmations],
      ['thank-you', thankYous],
      ['follow-up', followUps],
    ] as const) {
      for (const email of emails) {
        const to = byAddress.get(email.destination.to[0] ?? '');
        const id = to?.id ?? 'unknown';
        // The email's key (panel.ts), which its `email` tag carries as keyTag: `thank-you_2` for panelist 2.
        const key: EmailKey = kind === 'confirmation' ? kind : emailKey(kind, to?.person ?? 1);
        for (const recipient of recipientsOf(email)) {
          const t = performance.now();
          const outcome = await handleFeedback(
            feedbackDeps,
            deliveryEvent(id, kind, key, email, recipient, runtime.clock.now()),
          );
          feedbackMs.push(performance.now() - t);
          if (outcome !== 'recorded') feedbackIgnored += 1;
        }
      }
    }
    meter.counting = false;

    // Is this the lifecycle it claims to be?
    const unique = (emails: StoredEmail[]) => new Set(emails.map((e) => e.destination.to[0])).size;
    const perPerson = n * panel;
    const notCancelled = (n - cancelled) * panel;
    report.check(
      confirmations.length === n && unique(confirmations) === n,
      `${label}: ${confirmations.length} confirmations for ${n} interviews`,
    );
    report.check(
      thankYous.length === perPerson && unique(thankYous) === perPerson && thankYouFired === perPerson,
      `${label}: ${thankYous.length} thank-yous (${thankYouFired} fired) for ${perPerson} interviewers`,
    );
    report.check(
      followUps.length === notCancelled &&
        unique(followUps) === notCancelled &&
        followUpFired === notCancelled,
      `${label}: ${followUps.length} follow-ups (${followUpFired} fired) for ${notCancelled} interviewers not cancelled`,
    );
    // Each interviewer's email to that person alone, with the candidate's copy as the one Bcc
    // (a destination only: what the recipients count rests on).
    const copied = [...thankYous, ...followUps].filter((e) => {
      const to = byAddress.get(e.destination.to[0] ?? '');
      return (
        to?.person !== undefined &&
        e.destination.to.length === 1 &&
        e.destination.cc.length === 0 &&
        e.destination.bcc.length === 1 &&
        e.destination.bcc[0] === to.candidate
      );
    }).length;
    report.check(
      copied === thankYous.length + followUps.length,
      `${label}: ${thankYous.length + followUps.length - copied} thank-yous or follow-ups not to one interviewer with the candidate's Bcc copy`,
    );
    // Each follow-up answers its own thank-you: "Re: " its subject, In-Reply-To its Message-ID.
    const thankYouOf = new Map(thankYous.map((e) => [e.destination.to[0], e]));
    const threaded = followUps.filter((e) => {
      const parent = thankYouOf.get(e.destination.to[0]);
      return (
        parent !== undefined &&
        isReply(e) &&
        e.headers['in-reply-to'] === parent.headers['message-id'] &&
        e.subject === `Re: ${parent.subject}`
      );
    }).length;
    report.check(
      threaded === followUps.length,
      `${label}: ${followUps.length - threaded} follow-ups not in their thank-you's thread`,
    );
    report.check(feedbackIgnored === 0, `${label}: ${feedbackIgnored} delivery events not recorded`);
    report.check(
      meter.unreported === 0,
      `${label}: ${meter.unreported} DynamoDB answers without ConsumedCapacity`,
    );
    report.check(
      meter.errors.length === 0,
      `${label}: the DynamoDB meter failed: ${meter.errors.join('; ')}`,
    );

    const scheduled = emulatorEvents.fired + emulatorEvents.retried;
    report.check(
      senderMs.length === scheduled + emulatorEvents.asyncInvokes,
      `${label}: ${senderMs.length} sender runs for ${scheduled} schedule and ${emulatorEvents.asyncInvokes} async invocations`,
    );
    const recipients = (emails: StoredEmail[]) => sum(emails.map((e) => recipientsOf(e).length));
    const counts: LifecycleCounts = {
      n,
      cancelled,
      dynamo: meter.total(),
      scheduled,
      retried: emulatorEvents.retried,
      apiMs,
      senderMs,
      feedbackMs,
      sesByKind: {
        confirmation: recipients(confirmations),
        'thank-you': recipients(thankYous),
        'follow-up': recipients(followUps),
      },
      sesEmails: confirmations.length + thankYous.length + followUps.length,
      gbMonths: await storedGbMonths(direct, new Set(interviews.map((i) => i.id))),
      logs,
    };
    const dynamoByOperation = [...meter.units.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([what, u]) => [what, ...[u.requests, u.wru, u.rru].map((x) => (x / n).toFixed(2))]);
    return { counts, dynamoByOperation };
  } finally {
    direct.destroy();
    metered.destroy();
    scheduler.destroy();
    await runtime.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

/**
 * Storage: every counted interview item (plus DynamoDB's 100 bytes of overhead per item, and its
 * token index entry) from its creation until the TTL time it carries, in GB-months.
 */
async function storedGbMonths(direct: DynamoDBDocumentClient, counted: Set<string>): Promise<number> {
  type RawItem = Record<string, AttributeValue>;
  const rawItems = await scanAll<RawItem, RawItem>((start) =>
    direct.send(new ScanCommand({ TableName: TABLE_NAME, ...(start && { ExclusiveStartKey: start }) })),
  );
  let gbMonths = 0;
  for (const item of rawItems) {
    if (!item.id?.S || !counted.has(item.id.S) || !item.createdAt?.S || !item.expiresAt?.N) continue;
    const token = item[TABLE.tokenKey];
    const indexEntry = token ? { id: item.id, [TABLE.tokenKey]: token } : undefined;
    const bytes = itemSize(item) + 100 + (indexEntry ? itemSize(indexEntry) + 100 : 0);
    const months = (Number(item.expiresAt.N) - Date.parse(item.createdAt.S) / 1000) / (730 * 3600);
    gbMonths += (bytes / 2 ** 30) * months;
  }
  return gbMonths;
}
