/**
 * `npm run bench`: performance figures measured beside their baselines in one run, printed as a
 * table and written to docs/performance.md. Not part of `npm test`; no test asserts timings.
 *
 * 1. Cold start: each function bundled exactly as the stack bundles it (infra/bundling.ts), its
 *    size, and the time a fresh Node process takes to import it and be ready to handle, beside a
 *    baseline bundle that only imports and constructs the same AWS SDK clients.
 * 2. Intake overhead: POST /interviews through the local runtime, beside the raw I/O it must do
 *    (the same DynamoDB write, the two schedule creations and the confirmation's async invoke,
 *    issued directly with the SDK in parallel), interleaved in one run; then throughput at 50
 *    concurrent clients.
 * 3. Dispatch: 10,000 interviews whose thank-yous fall due in the same minute; the local clock
 *    jumps past it and the run times the drain, then checks the exact count in the SES stand-in
 *    and in the table (every thank-you sent once, nothing left pending).
 * 4. Cost per 1,000 interviews on AWS: a full lifecycle (submit, confirmation, thank-you, a share
 *    of cancels, follow-up, SES delivery events) for a few hundred interviews, counting every
 *    DynamoDB capacity unit, schedule invocation, Lambda invocation and its duration, SES
 *    recipient and API request, priced with the list prices in PRICES.
 *
 * Flags: `--quick` scales everything down (and writes no docs); `--only dispatch,cost` runs only
 * the named phases (cold, intake, dispatch, cost) and writes no docs either.
 */
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import {
  Agent,
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  request,
  type ServerResponse,
} from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { type AttributeValue, ScanCommand as RawScanCommand } from '@aws-sdk/client-dynamodb';
import { InvokeCommand } from '@aws-sdk/client-lambda';
import { CreateScheduleCommand } from '@aws-sdk/client-scheduler';
import { PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { build } from 'esbuild';
import {
  ESBUILD_TARGET,
  ESM_REQUIRE_BANNER,
  FUNCTION_MEMORY_MB,
  MAIN_FIELDS,
  MINIFY,
  SOURCE_MAP,
} from '../infra/bundling.js';
import { ACCESS_PREFIX, DynamoAccessStore } from '../lambdas/aws/access.js';
import { dynamoClient, lambdaClient, schedulerClient } from '../lambdas/aws/clients.js';
import { EventBridgeEmailScheduler } from '../lambdas/aws/scheduler.js';
import { DynamoInterviewStore } from '../lambdas/aws/store.js';
import { TABLE } from '../lambdas/aws/table.js';
import { newApiKeySecret, newKeyId } from '../lambdas/core/access.js';
import { hashSecret } from '../lambdas/core/tokens.js';
import { handleFeedback } from '../lambdas/feedback/feedback.js';
import { DEFAULT_FIRE_CONCURRENCY } from '../local/aws-emulator.js';
import { type LocalRuntime, localAws, NO_LIMITS, startLocalRuntime, TABLE_NAME } from '../local/runtime.js';
import { validBody } from '../test/fixtures.js';

const { values: FLAGS } = parseArgs({
  options: { quick: { type: 'boolean', default: false }, only: { type: 'string' } },
});
const QUICK = FLAGS.quick;
const PHASES = ['cold', 'intake', 'dispatch', 'cost'] as const;
type Phase = (typeof PHASES)[number];
const ONLY = (() => {
  if (FLAGS.only === undefined) return undefined;
  const names = FLAGS.only.split(',').map((s) => s.trim());
  const unknown = names.filter((n) => !PHASES.includes(n as Phase));
  if (unknown.length > 0) {
    console.error(`--only takes a comma-separated list of ${PHASES.join(', ')}; got "${FLAGS.only}"`);
    process.exit(2);
  }
  return new Set(names as Phase[]);
})();
const runs = (phase: Phase) => ONLY === undefined || ONLY.has(phase);
const BUILD = 'bench/.build';
const rows: string[][] = [];
/** Set when a correctness check of a phase fails: the run still prints everything, then exits 1. */
const failures: string[] = [];

function row(section: string, measure: string, value: string, note = '') {
  rows.push([section, measure, value, note]);
  console.log(`${section.padEnd(11)} ${measure.padEnd(46)} ${value.padStart(14)}  ${note}`);
}

function check(ok: boolean, what: string) {
  if (!ok) {
    failures.push(what);
    console.log(`CHECK FAILED: ${what}`);
  }
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? 0;
};
const percentile = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? 0;
};
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

// ---- 1. cold start -------------------------------------------------------------------------------

const FUNCTIONS = {
  api: { entry: 'lambdas/api/handler.ts', clients: ['dynamodb', 'scheduler', 'lambda', 'secrets'] },
  sender: { entry: 'lambdas/sender/handler.ts', clients: ['dynamodb', 'ses', 'scheduler'] },
  feedback: { entry: 'lambdas/feedback/handler.ts', clients: ['dynamodb', 'scheduler'] },
} as const;

const CLIENT_CODE: Record<string, { imports: string; make: string }> = {
  dynamodb: {
    imports:
      "import { DynamoDBClient } from '@aws-sdk/client-dynamodb';\nimport { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';",
    make: 'DynamoDBDocumentClient.from(new DynamoDBClient({}))',
  },
  scheduler: {
    imports: "import { SchedulerClient } from '@aws-sdk/client-scheduler';",
    make: 'new SchedulerClient({})',
  },
  lambda: { imports: "import { LambdaClient } from '@aws-sdk/client-lambda';", make: 'new LambdaClient({})' },
  ses: {
    imports: "import { SESClient } from '@aws-sdk/client-ses';",
    make: 'new SESClient({ maxAttempts: 1 })',
  },
  secrets: {
    imports: "import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';",
    make: 'new SecretsManagerClient({})',
  },
};

/** The environment each function reads at cold start (values like the local runtime's). */
const ENVIRONMENT = {
  AWS_REGION: 'us-east-1',
  TABLE_NAME,
  SCHEDULE_GROUP: 'default',
  SENDER_FUNCTION_ARN: 'arn:aws:lambda:us-east-1:000000000000:function:interview-followup-sender',
  SCHEDULER_ROLE_ARN: 'arn:aws:iam::000000000000:role/interview-followup-scheduler',
  SCHEDULE_DLQ_ARN: 'arn:aws:sqs:us-east-1:000000000000:interview-followup-schedule-dlq',
  API_KEY_SHA256: '0'.repeat(64),
  SENDER_ADDRESS: 'followup@example.com',
  // As a value: on AWS the api reads it from Secrets Manager at cold start (one GetSecretValue,
  // a network round trip this offline measure leaves out).
  COUNTER_SECRET: 'bench-counter-secret-of-at-least-32-characters',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
};

async function bundle(entry: string, outfile: string): Promise<number> {
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: ESBUILD_TARGET,
    mainFields: MAIN_FIELDS,
    banner: { js: ESM_REQUIRE_BANNER },
    minify: MINIFY,
    sourcemap: SOURCE_MAP,
    tsconfig: 'tsconfig.json',
    logLevel: 'error',
  });
  return (await stat(outfile)).size;
}

/** A fresh process: import the bundle, check the handler, print the milliseconds it took. */
function importTime(file: string): number {
  const code =
    'const t = performance.now(); const m = await import(process.env.BENCH_FILE); ' +
    "if (typeof m.handler !== 'function') throw new Error('no handler'); " +
    'process.stdout.write(String(performance.now() - t));';
  const out = spawnSync(process.execPath, ['--enable-source-maps', '--input-type=module', '-e', code], {
    env: { ...process.env, ...ENVIRONMENT, BENCH_FILE: file },
    encoding: 'utf8',
  });
  if (out.status !== 0) throw new Error(`import of ${file} failed: ${out.stderr}`);
  return Number(out.stdout);
}

async function coldStart() {
  await mkdir(BUILD, { recursive: true });
  const samples = QUICK ? 5 : 15;
  for (const [name, fn] of Object.entries(FUNCTIONS)) {
    const baselineEntry = join(BUILD, `${name}-baseline.ts`);
    const clients = fn.clients.map((c) => CLIENT_CODE[c]);
    await writeFile(
      baselineEntry,
      `${clients.map((c) => c?.imports).join('\n')}\nconst clients = [${clients.map((c) => c?.make).join(', ')}];\nexport const handler = async () => clients.length;\n`,
    );
    const bundleFile = join(process.cwd(), BUILD, `${name}.mjs`);
    const baselineFile = join(process.cwd(), BUILD, `${name}-baseline.mjs`);
    const size = await bundle(fn.entry, bundleFile);
    const baseSize = await bundle(baselineEntry, baselineFile);
    const times: number[] = [];
    const baseTimes: number[] = [];
    importTime(bundleFile); // warm the file cache for both, then alternate
    importTime(baselineFile);
    for (let i = 0; i < samples; i++) {
      times.push(importTime(bundleFile));
      baseTimes.push(importTime(baselineFile));
    }
    const ratio = median(times) / median(baseTimes);
    row(
      'cold start',
      `${name}: bundle size (KiB) vs SDK-only baseline`,
      `${(size / 1024).toFixed(0)} / ${(baseSize / 1024).toFixed(0)}`,
      `${(size / baseSize).toFixed(2)}× (target ≤ 1.2×)`,
    );
    row(
      'cold start',
      `${name}: import + init, median of ${samples} (ms) vs baseline`,
      `${median(times).toFixed(1)} / ${median(baseTimes).toFixed(1)}`,
      `${ratio.toFixed(2)}× (target ≤ 1.25×)`,
    );
  }
}

/** Interview `i`: its own candidate and interviewer at `domain`; it ends 23 November 2026, 08:00 New York. */
function submissionFor(domain: string, i: number) {
  return {
    ...validBody(),
    candidate: { name: `Candidate ${i}`, email: `cand-${i}@${domain}`, phone: '123-456-7890' },
    interviewer: { name: `Interviewer ${i}`, email: `int-${i}@${domain}` },
    interview: { endsAt: '2026-11-23T08:00', timeZone: 'America/New_York' },
  };
}

// ---- 2. intake overhead --------------------------------------------------------------------------

async function intakeOverhead() {
  const dataDir = await mkdtemp(join(tmpdir(), 'bench-'));
  const runtime = await startLocalRuntime({ dataDir, log: () => {}, limits: NO_LIMITS });
  const aws = localAws(runtime);
  const db = dynamoClient(aws.config, aws.options);
  const scheduler = schedulerClient(aws.config, aws.options);
  const lambda = lambdaClient(aws.config, aws.options);
  try {
    await fetch(`${runtime.apiUrl}/_local/clock`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ now: '2026-11-23T13:00:00.000Z' }),
    });
    let n = 0;
    const submit = async () => {
      const i = n++;
      const res = await fetch(`${runtime.apiUrl}/interviews`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${runtime.apiKey}`, 'Content-Type': 'application/json' },
        body: JSON.stringify(submissionFor('intake.bench.example.org', i)),
      });
      await res.arrayBuffer();
      return res.status;
    };
    const target = {
      Arn: ENVIRONMENT.SENDER_FUNCTION_ARN,
      RoleArn: ENVIRONMENT.SCHEDULER_ROLE_ARN,
      DeadLetterConfig: { Arn: ENVIRONMENT.SCHEDULE_DLQ_ARN },
      RetryPolicy: { MaximumRetryAttempts: 10, MaximumEventAgeInSeconds: 21_600 },
    };
    let raw = 0;
    const rawIo = async () => {
      const id = `raw-${raw++}-${Date.now()}`;
      const item = { id, tokenHash: id, emails: {}, ownerKeyId: 'env', createdAt: new Date().toISOString() };
      await Promise.all([
        db.send(
          new PutCommand({
            TableName: TABLE_NAME,
            Item: item,
            ConditionExpression: 'attribute_not_exists(id)',
          }),
        ),
        ...['thank-you', 'follow-up'].map((kind) =>
          scheduler.send(
            new CreateScheduleCommand({
              Name: `${id}-${kind}`,
              ScheduleExpression: 'at(2027-01-01T10:00:00)',
              ScheduleExpressionTimezone: 'America/New_York',
              FlexibleTimeWindow: { Mode: 'OFF' },
              ActionAfterCompletion: 'DELETE',
              Target: { ...target, Input: JSON.stringify({ interviewId: id, kind }) },
            }),
          ),
        ),
        lambda.send(
          new InvokeCommand({
            FunctionName: ENVIRONMENT.SENDER_FUNCTION_ARN,
            InvocationType: 'Event',
            Payload: new TextEncoder().encode(JSON.stringify({ interviewId: id, kind: 'noop' })),
          }),
        ),
      ]);
    };
    const samples = QUICK ? 50 : 300;
    for (let i = 0; i < 20; i++) {
      await submit();
      await rawIo();
    }
    const intake: number[] = [];
    const io: number[] = [];
    for (let i = 0; i < samples; i++) {
      let t = performance.now();
      if ((await submit()) !== 201) throw new Error('intake failed');
      intake.push(performance.now() - t);
      t = performance.now();
      await rawIo();
      io.push(performance.now() - t);
    }
    await runtime.emulator.settle();
    row(
      'intake',
      `POST /interviews, ${samples} sequential: p50 / p99 (ms)`,
      `${percentile(intake, 50).toFixed(1)} / ${percentile(intake, 99).toFixed(1)}`,
    );
    row(
      'intake',
      'raw I/O (put, 2 schedules, invoke; parallel): p50 / p99',
      `${percentile(io, 50).toFixed(1)} / ${percentile(io, 99).toFixed(1)}`,
    );
    row(
      'intake',
      'p50 ratio intake / raw I/O',
      `${(percentile(intake, 50) / percentile(io, 50)).toFixed(2)}×`,
      'target ≤ 1.5×',
    );

    const seconds = QUICK ? 5 : 20;
    const deadline = performance.now() + seconds * 1000;
    let ok = 0;
    let errors = 0;
    await Promise.all(
      Array.from({ length: 50 }, async () => {
        while (performance.now() < deadline) {
          if ((await submit()) === 201) ok += 1;
          else errors += 1;
        }
      }),
    );
    await runtime.emulator.settle();
    row(
      'intake',
      `50 concurrent clients for ${seconds} s: requests per second`,
      (ok / seconds).toFixed(1),
      `${errors} errors (target 0)`,
    );
  } finally {
    db.destroy();
    scheduler.destroy();
    lambda.destroy();
    await runtime.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

// ---- shared by 3 and 4 ---------------------------------------------------------------------------

/** Every interview of phases 3 and 4 ends Monday 23 November 2026, 08:00 in New York (13:00Z). */
const SUBMITTED_AT = '2026-11-23T13:05:00.000Z';
/** A minute past the thank-you (end + 3 h, 11:00 in New York, the default). */
const AFTER_THANK_YOU = '2026-11-23T16:01:00.000Z';
/** A minute past the follow-up: 10:00 in New York on the third business day, Thursday 26. */
const AFTER_FOLLOW_UP = '2026-11-26T15:01:00.000Z';

/** An email as the SES stand-in keeps it (GET /store). */
interface StoredEmail {
  messageId: string;
  destination: { to: string[]; cc: string[]; bcc: string[] };
}

const recipientsOf = (e: StoredEmail) => [...e.destination.to, ...e.destination.cc, ...e.destination.bcc];

/** What the SES stand-in holds. Its store is one per process, so each phase clears it first. */
async function mailbox(runtime: LocalRuntime): Promise<StoredEmail[]> {
  const res = await fetch(`${runtime.mailUrl}/store`);
  return ((await res.json()) as { emails: StoredEmail[] }).emails;
}

async function clearMailbox(runtime: LocalRuntime): Promise<void> {
  const res = await fetch(`${runtime.mailUrl}/clear-store`, { method: 'POST' });
  await res.arrayBuffer();
}

interface InterviewItem {
  id: string;
  emails: Record<string, { status: string; messageId?: string } | undefined>;
}

/** Every page of a scan, as one list. */
async function scanAll<T, K>(
  page: (start?: K) => Promise<{ Items?: T[]; LastEvaluatedKey?: K }>,
): Promise<T[]> {
  const items: T[] = [];
  let start: K | undefined;
  do {
    const out = await page(start);
    items.push(...(out.Items ?? []));
    start = out.LastEvaluatedKey;
  } while (start);
  return items;
}

/** Every interview item, read straight from dynalite (never through the meter of phase 4). */
async function scanInterviews(runtime: LocalRuntime): Promise<InterviewItem[]> {
  const aws = localAws(runtime);
  const db = dynamoClient(aws.config, aws.options);
  try {
    const items = await scanAll((start?: Record<string, unknown>) =>
      db.send(
        new ScanCommand({
          TableName: TABLE_NAME,
          FilterExpression: 'attribute_exists(emails)',
          ...(start && { ExclusiveStartKey: start }),
        }),
      ),
    );
    return items as InterviewItem[];
  } finally {
    db.destroy();
  }
}

const countBy = <T>(xs: T[], key: (x: T) => string | undefined) => {
  const counts = new Map<string, number>();
  for (const x of xs) {
    const k = key(x);
    if (k !== undefined) counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  return counts;
};

/** An `aroundSend` hook that records each sender run's milliseconds while `recording()` holds. */
function timeSends(into: number[], recording: () => boolean) {
  return async (_payload: unknown, run: () => Promise<void>) => {
    const t = performance.now();
    try {
      await run();
    } finally {
      if (recording()) into.push(performance.now() - t);
    }
  };
}

// ---- 3. dispatch ---------------------------------------------------------------------------------

/** Filled by phase 3 for the text of docs/performance.md. */
/** Bytes of the files in a folder (LevelDB's), not recursing: it keeps none in subfolders. */
async function folderBytes(dir: string): Promise<number> {
  let total = 0;
  for (const name of await readdir(dir)) total += (await stat(join(dir, name))).size;
  return total;
}

const dispatchFacts = {
  n: 0,
  perSendMs: 0,
  writes: 0,
  keys: 0,
  kib: 0,
  serializeShare: 0,
  stateSchedules: 0,
  stateMb: 0,
};

async function dispatch() {
  const n = QUICK ? 500 : 10_000;
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
    // phase 2: the real intake, so every interview also gets its two schedules and its
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
          const res = await fetch(`${runtime.apiUrl}/interviews`, {
            method: 'POST',
            headers: { Authorization: `Bearer ${runtime.apiKey}`, 'Content-Type': 'application/json' },
            body: JSON.stringify(submissionFor(domain, i)),
          });
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
    row(
      'dispatch',
      `${n} interviews created (POST, 50 concurrent): per s`,
      (n / createSeconds).toFixed(1),
      `${refused} refused (target 0); with confirmations; the emulator committed ${createWrites.keys} keys (${(createWrites.bytes / 1024).toFixed(0)} KiB) for them`,
    );
    check(refused === 0, `dispatch: ${refused} submissions refused`);

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
    check(due === n, `dispatch: ${due} thank-you schedules pending before the jump, expected ${n}`);

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

    row('dispatch', `thank-yous due in one minute: fired by the jump`, `${fired} / ${n}`);
    row('dispatch', 'drain: jump → every due thank-you sent (s)', drainSeconds.toFixed(1));
    row('dispatch', 'drain: emails per second', (n / drainSeconds).toFixed(1));
    row(
      'dispatch',
      'sender per send, in-process: p50 / p99 (ms)',
      `${percentile(handlerMs, 50).toFixed(1)} / ${percentile(handlerMs, 99).toFixed(1)}`,
      `wall time of each run, up to ${DEFAULT_FIRE_CONCURRENCY} overlapping; stalls of the event loop included`,
    );
    row(
      'dispatch',
      'emulator commits in the drain / keys / KiB written',
      `${drainWrites} / ${drainKeys} / ${drainKib.toFixed(0)}`,
      `${((100 * serializeSeconds) / drainSeconds).toFixed(0)}% of the drain building them; its database held ${stateSchedules} schedules (${stateMb.toFixed(1)} MB on disk) at the jump`,
    );
    row(
      'dispatch',
      `thank-you emails at the SES stand-in (exactly ${n})`,
      String(received),
      `${duplicates} duplicates, ${missing} missing, ${unexpected} unexpected (target 0 each)`,
    );
    row(
      'dispatch',
      'table: thank-you sent / left scheduled or sending',
      `${thankYouSent} / ${thankYouPending}`,
      `${messageIdsMatch} message ids match the mailbox; ${deadLetters} dead letters`,
    );
    row(
      'dispatch',
      'confirmations, before the jump (counted apart)',
      `${confirmations.length} / ${confirmationsSent}`,
      `mailbox / table; ${confirmationsOk ? 'one per interview' : 'NOT one per interview'}`,
    );
    row(
      'dispatch',
      'follow-ups not due: scheduled in table / emulator',
      `${followUpsScheduled} / ${followUpSchedules}`,
      `none sent (target ${n} / ${n})`,
    );
    check(exact, 'dispatch: thank-you count is not exact (see the rows above)');
    check(
      confirmationsOk && confirmationsSent === n,
      'dispatch: confirmations are not exactly one per interview',
    );
    check(followUpsScheduled === n && followUpSchedules === n, 'dispatch: follow-ups changed before due');
    check(deadLetters === 0, `dispatch: ${deadLetters} dead letters`);
    Object.assign(dispatchFacts, {
      n,
      perSendMs: (drainSeconds * 1000) / n,
      writes: drainWrites,
      keys: drainKeys,
      kib: drainKib,
      serializeShare: serializeSeconds / drainSeconds,
      stateSchedules,
      stateMb,
    });
  } finally {
    await runtime.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

// ---- 4. cost per 1,000 interviews ----------------------------------------------------------------

interface Price {
  /** Dollars per one unit. */
  usd: number;
  /** How the price is quoted: per million units, per 1,000, or per unit. */
  quotedPer: 1e6 | 1e3 | 1;
  per: string;
  /** Where the price was read (each on PRICES_READ_ON); the first is AWS's own page. */
  sources: string[];
  /** false: the search found the page but not this number on it; stated from the page as known. */
  confirmed: boolean;
}

const PRICES_READ_ON = '2026-11-25';

/** us-east-1 list prices before free tiers: the only prices in this file. */
const PRICES = {
  dynamoWrite: {
    usd: 0.625 / 1e6,
    quotedPer: 1e6,
    per: 'DynamoDB write request unit (on-demand, Standard table class)',
    sources: [
      'https://aws.amazon.com/dynamodb/pricing/on-demand/',
      'https://airbyte.com/data-engineering-resources/dynamodb-pricing (US East, after the Nov 2024 cut)',
    ],
    confirmed: true,
  },
  dynamoRead: {
    usd: 0.125 / 1e6,
    quotedPer: 1e6,
    per: 'DynamoDB read request unit (on-demand, Standard table class)',
    sources: [
      'https://aws.amazon.com/dynamodb/pricing/on-demand/',
      'https://airbyte.com/data-engineering-resources/dynamodb-pricing',
    ],
    confirmed: true,
  },
  schedulerInvocation: {
    usd: 1.0 / 1e6,
    quotedPer: 1e6,
    per: 'EventBridge Scheduler invocation (after 14 million free a month)',
    sources: [
      'https://aws.amazon.com/eventbridge/pricing/',
      'https://cloudburn.io/blog/amazon-eventbridge-pricing (US East, March 2026)',
    ],
    confirmed: true,
  },
  lambdaRequest: {
    usd: 0.2 / 1e6,
    quotedPer: 1e6,
    per: 'Lambda request',
    sources: ['https://aws.amazon.com/lambda/pricing/', 'https://cloudchipr.com/blog/aws-lambda-pricing'],
    confirmed: true,
  },
  lambdaArmGbSecond: {
    usd: 0.0000133334,
    quotedPer: 1,
    per: 'Lambda GB-second, arm64 (first 7.5 billion GB-s a month)',
    sources: [
      'https://aws.amazon.com/lambda/pricing/',
      'https://cloudchipr.com/blog/aws-lambda-pricing',
      'https://app.unpkg.com/artillery@2.0.28/files/lib/platform/aws-lambda/prices.js',
    ],
    confirmed: true,
  },
  sesRecipient: {
    usd: 0.1 / 1e3,
    quotedPer: 1e3,
    per: 'SES outbound recipient, à la carte (To, Cc and Bcc each count)',
    sources: [
      'https://aws.amazon.com/ses/pricing/',
      'https://pricing.us-east-1.amazonaws.com/offers/v1.0/aws/AmazonSES/20260722172054/us-east-1/index.json as transcribed in https://raw.githubusercontent.com/api-evangelist/amazon-ses/refs/heads/main/plans/amazon-ses-plans-pricing.yml',
    ],
    confirmed: true,
  },
  sesEssentialsEmail: {
    usd: 0.16 / 1e3,
    quotedPer: 1e3,
    per: 'SES outbound email on the Essentials plan (default for new accounts since 2026-07-21; first 10 million)',
    sources: [
      'https://docs.aws.amazon.com/ses/latest/APIReference-V2/API_PutAccountPricingAttributes.html (the plans)',
      'https://raw.githubusercontent.com/api-evangelist/amazon-ses/refs/heads/main/plans/amazon-ses-plans-pricing.yml (the rate)',
    ],
    confirmed: true,
  },
  httpApiRequest: {
    usd: 1.0 / 1e6,
    quotedPer: 1e6,
    per: 'API Gateway HTTP API request (first 300 million a month; metered per 512 KB)',
    sources: [
      'https://aws.amazon.com/api-gateway/pricing/',
      'https://www.apigatewaycost.com/aws',
      'https://awsforengineers.com/blog/aws-api-gateway-pricing-explained',
    ],
    confirmed: true,
  },
  dynamoStorageGbMonth: {
    usd: 0.25,
    quotedPer: 1,
    per: 'DynamoDB storage GB-month, Standard (after 25 GB free)',
    sources: ['https://aws.amazon.com/dynamodb/pricing/on-demand/'],
    confirmed: false,
  },
  dynamoPitrGbMonth: {
    usd: 0.2,
    quotedPer: 1,
    per: 'DynamoDB point-in-time recovery GB-month',
    sources: ['https://aws.amazon.com/dynamodb/pricing/on-demand/'],
    confirmed: false,
  },
  logsIngestedGb: {
    usd: 0.5,
    quotedPer: 1,
    per: 'CloudWatch Logs GB ingested (Standard)',
    sources: ['https://aws.amazon.com/cloudwatch/pricing/', 'https://go-cloud.io/aws-api-gateway-pricing'],
    confirmed: true,
  },
} as const satisfies Record<string, Price>;

/** The targets this phase reports against. */
const TARGET_PER_1000_USD = 0.25;
const TARGET_NON_SES_SHARE = 0.1;

type Json = Record<string, unknown>;
const isJson = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

// dynalite computes ConsumedCapacity with DynamoDB's rules (1 KB per write unit of the larger of
// the item before and after, 4 KB per read unit, half for eventually consistent reads); its own
// item-size function sizes what it does not report: the item a failed condition was checked on.
const dynaliteDb = createRequire(import.meta.url)('dynalite/db/index.js') as {
  itemSize(item: unknown): number;
};

const READS = new Set(['GetItem', 'BatchGetItem', 'Query', 'Scan', 'TransactGetItems']);
const WRITES = new Set(['PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem', 'TransactWriteItems']);

interface Units {
  requests: number;
  rru: number;
  wru: number;
}

/** Which kind of item a key is (lambdas/aws/access.ts keys its own items by prefix). */
function itemKind(id: string | undefined): string {
  if (id?.startsWith(ACCESS_PREFIX.key)) return 'API key';
  if (id?.startsWith(ACCESS_PREFIX.limit)) return 'limit counter';
  if (id?.startsWith(ACCESS_PREFIX.idempotency)) return 'idempotency record';
  return 'interview';
}

/** A request's or a response's whole body. */
function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/**
 * A counting proxy in front of dynalite. Each data-plane request gets ReturnConsumedCapacity
 * TOTAL (unless it asked for some itself) and the ConsumedCapacity of the answer is summed; the
 * answer goes back to the client byte for byte. What dynalite does not report is added by
 * DynamoDB's billing rules: a write whose condition fails still costs the existing item's size
 * (at least 1 WRU), and a write that puts or removes a token hash also writes the KEYS_ONLY token
 * index (an entry far under 1 KB: 1 WRU). Transactions (double units) are not used by the code.
 */
class DynamoMeter {
  /** Requests are counted (and the whole phase's other counters run) only while this holds. */
  counting = false;
  readonly units = new Map<string, Units>();
  /** Successful data-plane answers without ConsumedCapacity: should stay 0. */
  unreported = 0;
  url = '';
  private target: URL | undefined;
  private readonly agent = new Agent({ keepAlive: true });
  private readonly server = createServer((req, res) => {
    this.handle(req, res).catch((err: unknown) => {
      failures.push(`cost: the DynamoDB meter failed: ${String(err)}`);
      res.destroy();
    });
  });

  async start(dynaliteUrl: string): Promise<string> {
    this.target = new URL(dynaliteUrl);
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.url;
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
    this.agent.destroy();
  }

  total(): Units {
    const all = [...this.units.values()];
    return {
      requests: sum(all.map((u) => u.requests)),
      rru: sum(all.map((u) => u.rru)),
      wru: sum(all.map((u) => u.wru)),
    };
  }

  private add(what: string, units: Partial<Units>) {
    const u = this.units.get(what) ?? { requests: 0, rru: 0, wru: 0 };
    u.requests += 1;
    u.rru += units.rru ?? 0;
    u.wru += units.wru ?? 0;
    this.units.set(what, u);
  }

  private forward(
    method: string,
    path: string,
    headers: IncomingHttpHeaders,
    body: Buffer,
  ): Promise<{ status: number; headers: IncomingHttpHeaders; body: Buffer }> {
    const target = this.target;
    if (!target) return Promise.reject(new Error('the meter has not started'));
    return new Promise((resolve, reject) => {
      const req = request(
        { host: target.hostname, port: target.port, method, path, headers, agent: this.agent },
        (res) =>
          readBody(res).then(
            (answer) => resolve({ status: res.statusCode ?? 500, headers: res.headers, body: answer }),
            reject,
          ),
      );
      req.on('error', reject);
      req.end(body);
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    const op = String(req.headers['x-amz-target'] ?? '').split('.')[1] ?? '';
    let input: Json | undefined;
    let sent = body;
    if (this.counting && (READS.has(op) || WRITES.has(op))) {
      const parsed: unknown = JSON.parse(body.toString('utf8'));
      if (isJson(parsed)) {
        input = parsed;
        if (input.ReturnConsumedCapacity === undefined) {
          sent = Buffer.from(JSON.stringify({ ...input, ReturnConsumedCapacity: 'TOTAL' }));
        }
      }
    }
    const headers = { ...req.headers, 'content-length': String(sent.length) };
    const out = await this.forward(req.method ?? 'POST', req.url ?? '/', headers, sent);
    // Counted before the client has its answer, so a settled run has settled counts.
    if (input) await this.account(op, input, out, req.headers);
    res.writeHead(out.status, out.headers);
    res.end(out.body);
  }

  private async account(
    op: string,
    input: Json,
    out: { status: number; body: Buffer },
    headers: IncomingHttpHeaders,
  ): Promise<void> {
    const key = isJson(input.Key)
      ? input.Key
      : isJson(input.Item)
        ? { [TABLE.partitionKey]: input.Item[TABLE.partitionKey] }
        : undefined;
    const idAttr = key?.[TABLE.partitionKey];
    const id = isJson(idAttr) && typeof idAttr.S === 'string' ? idAttr.S : undefined;
    const what =
      op === 'Query' || op === 'Scan'
        ? `${op} ${typeof input.IndexName === 'string' ? `index ${input.IndexName}` : 'table'}`
        : `${op} ${itemKind(id)}`;
    const reply: unknown = JSON.parse(out.body.toString('utf8') || '{}');
    const write = WRITES.has(op);
    if (out.status === 200) {
      const consumed = isJson(reply) ? reply.ConsumedCapacity : undefined;
      if (consumed === undefined) this.unreported += 1;
      const reported = sum(
        (Array.isArray(consumed) ? consumed : [consumed]).map((c: unknown) =>
          isJson(c) && typeof c.CapacityUnits === 'number' ? c.CapacityUnits : 0,
        ),
      );
      // A read costs at least one unit, half of one when eventually consistent, even if it finds
      // nothing (dynalite reports 0 for an empty Query).
      const units = write ? reported : Math.max(reported, input.ConsistentRead === true ? 1 : 0.5);
      const names = isJson(input.ExpressionAttributeNames)
        ? Object.values(input.ExpressionAttributeNames)
        : [];
      const index =
        (op === 'PutItem' && isJson(input.Item) && input.Item[TABLE.tokenKey] !== undefined) ||
        (op === 'UpdateItem' &&
          (names.includes(TABLE.tokenKey) ||
            String(input.UpdateExpression ?? '').includes(TABLE.tokenKey))) ||
        (op === 'DeleteItem' && itemKind(id) === 'interview')
          ? 1
          : 0;
      this.add(what, write ? { wru: units + index } : { rru: units });
    } else if (isJson(reply) && String(reply.__type ?? '').endsWith('ConditionalCheckFailedException')) {
      const existing = key ? await this.peek(String(input.TableName), key, headers) : undefined;
      const wru = existing ? Math.max(1, Math.ceil(dynaliteDb.itemSize(existing) / 1024)) : 1;
      this.add(`${what}, condition failed`, { wru });
    } else {
      this.add(`${what}, error ${out.status}`, {});
    }
  }

  /** The item as it is now, read from dynalite directly (not counted). */
  private async peek(table: string, key: Json, headers: IncomingHttpHeaders): Promise<Json | undefined> {
    const body = Buffer.from(JSON.stringify({ TableName: table, Key: key, ConsistentRead: true }));
    const out = await this.forward(
      'POST',
      '/',
      { ...headers, 'x-amz-target': 'DynamoDB_20120810.GetItem', 'content-length': String(body.length) },
      body,
    );
    const reply: unknown = JSON.parse(out.body.toString('utf8') || '{}');
    return isJson(reply) && isJson(reply.Item) ? reply.Item : undefined;
  }
}

/** An SES Delivery event as EventBridge hands it to the feedback function (one per recipient). */
function deliveryEvent(interviewId: string, kind: string, email: StoredEmail, recipient: string, at: Date) {
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': 'Email Delivered',
    source: 'aws.ses',
    account: '000000000000',
    time: at.toISOString(),
    region: 'us-east-1',
    resources: [],
    detail: {
      eventType: 'Delivery',
      delivery: {
        timestamp: at.toISOString(),
        processingTimeMillis: 1000,
        recipients: [recipient],
        smtpResponse: '250 2.6.0 Message received',
        reportingMTA: 'local',
      },
      mail: {
        timestamp: at.toISOString(),
        source: 'followup@example.com',
        sendingAccountId: '000000000000',
        messageId: email.messageId,
        destination: recipientsOf(email),
        tags: {
          'ses:configuration-set': ['interview-followup-events'],
          'interview-id': [interviewId],
          kind: [kind],
        },
      },
    },
  };
}

/** Filled by phase 4 for docs/performance.md. */
const costFacts = {
  n: 0,
  cancelled: 0,
  dynamoByOperation: [] as string[][],
  prices: [] as string[][],
};

async function cost() {
  const n = QUICK ? 40 : 200;
  /** One candidate in this many opens the cancel page after the thank-you and cancels the follow-up. */
  const cancelEvery = 10;
  const domain = 'cost.bench.example.org';
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
      dynamoEndpoint: (url) => meter.start(url),
      aroundSend: timeSends(senderMs, () => meter.counting),
    },
  });
  const aws = localAws(runtime);
  const direct = dynamoClient(aws.config, aws.options);
  const metered = dynamoClient({ ...aws.config, endpoints: { dynamodb: meter.url } }, aws.options);
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
      const res = await submit(submissionFor('warmup.bench.example.org', i), `warmup-${i}`);
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
    const idByAddress = new Map<string, string>();
    for (let i = 0; i < n; i++) {
      const res = await submit(submissionFor(domain, i), `bench-cost-${i}`);
      check(res.status === 201, `cost: submission ${i} answered ${res.status}`);
      const body = JSON.parse(res.text) as { id: string; cancelUrl: string };
      interviews.push(body);
      idByAddress.set(`cand-${i}@${domain}`, body.id);
      idByAddress.set(`int-${i}@${domain}`, body.id);
      await runtime.emulator.settle();
    }
    const confirmations = await mailbox(runtime);
    await clearMailbox(runtime);
    // 2. The thank-yous fall due.
    const thankYouFired = (await runtime.advanceClock(new Date(AFTER_THANK_YOU))).length;
    const thankYous = await mailbox(runtime);
    await clearMailbox(runtime);
    // 3. One candidate in ten opens the link from the confirmation and cancels the follow-up.
    let cancelled = 0;
    for (const [i, interview] of interviews.entries()) {
      if (i % cancelEvery !== 0) continue;
      const page = await call(interview.cancelUrl);
      const done = await call(interview.cancelUrl, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'Sec-Fetch-Site': 'same-origin' },
        body: 'kind=follow-up',
      });
      check(
        page.status === 200 && done.status === 200,
        `cost: cancel ${i} answered ${page.status}/${done.status}`,
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
        const id = idByAddress.get(email.destination.to[0] ?? '') ?? 'unknown';
        for (const recipient of recipientsOf(email)) {
          const t = performance.now();
          const outcome = await handleFeedback(
            feedbackDeps,
            deliveryEvent(id, kind, email, recipient, runtime.clock.now()),
          );
          feedbackMs.push(performance.now() - t);
          if (outcome !== 'recorded') feedbackIgnored += 1;
        }
      }
    }
    meter.counting = false;

    // Is this the lifecycle it claims to be?
    const unique = (emails: StoredEmail[]) => new Set(emails.map((e) => e.destination.to[0])).size;
    check(
      confirmations.length === n && unique(confirmations) === n,
      `cost: ${confirmations.length} confirmations for ${n} interviews`,
    );
    check(
      thankYous.length === n && unique(thankYous) === n && thankYouFired === n,
      `cost: ${thankYous.length} thank-yous (${thankYouFired} fired) for ${n} interviews`,
    );
    check(
      followUps.length === n - cancelled &&
        unique(followUps) === n - cancelled &&
        followUpFired === n - cancelled,
      `cost: ${followUps.length} follow-ups (${followUpFired} fired) for ${n - cancelled} not cancelled`,
    );
    check(feedbackIgnored === 0, `cost: ${feedbackIgnored} delivery events not recorded`);
    check(meter.unreported === 0, `cost: ${meter.unreported} DynamoDB answers without ConsumedCapacity`);

    // ---- the counts, per interview ----
    const db = meter.total();
    const scheduled = emulatorEvents.fired + emulatorEvents.retried;
    const billedGbS = (ms: number[]) =>
      (sum(ms.map((x) => Math.ceil(x))) / 1000) * (FUNCTION_MEMORY_MB / 1024);
    const lambdaInvocations = apiMs.length + senderMs.length + feedbackMs.length;
    const lambdaGbS = billedGbS(apiMs) + billedGbS(senderMs) + billedGbS(feedbackMs);
    check(
      senderMs.length === scheduled + emulatorEvents.asyncInvokes,
      `cost: ${senderMs.length} sender runs for ${scheduled} schedule and ${emulatorEvents.asyncInvokes} async invocations`,
    );
    const sesByKind = {
      confirmation: sum(confirmations.map((e) => recipientsOf(e).length)),
      'thank-you': sum(thankYous.map((e) => recipientsOf(e).length)),
      'follow-up': sum(followUps.map((e) => recipientsOf(e).length)),
    };
    const sesRecipients = sum(Object.values(sesByKind));
    const sesEmails = confirmations.length + thankYous.length + followUps.length;
    const perInterview = (x: number) => x / n;
    const per1000 = (units: number, price: Price) => (units / n) * 1000 * price.usd;

    // Storage: every interview item (plus DynamoDB's 100 bytes of overhead per item, and its token
    // index entry) from its creation until the TTL time it carries.
    const counted = new Set(interviews.map((i) => i.id));
    type RawItem = Record<string, AttributeValue>;
    const rawItems = await scanAll<RawItem, RawItem>((start) =>
      direct.send(new RawScanCommand({ TableName: TABLE_NAME, ...(start && { ExclusiveStartKey: start }) })),
    );
    let gbMonths = 0;
    for (const item of rawItems) {
      if (!item.id?.S || !counted.has(item.id.S) || !item.createdAt?.S || !item.expiresAt?.N) continue;
      const indexEntry = item[TABLE.tokenKey]
        ? { id: item.id, [TABLE.tokenKey]: item[TABLE.tokenKey] }
        : undefined;
      const bytes =
        dynaliteDb.itemSize(item) + 100 + (indexEntry ? dynaliteDb.itemSize(indexEntry) + 100 : 0);
      const months = (Number(item.expiresAt.N) - Date.parse(item.createdAt.S) / 1000) / (730 * 3600);
      gbMonths += (bytes / 2 ** 30) * months;
    }
    // Logs: the functions' own lines as counted, each with Lambda's text prefix (timestamp,
    // request id, level: about 70 bytes), START/END/REPORT lines per invocation (about 300 bytes),
    // and one API access log line per request (the stack's JSON format: about 250 bytes).
    const logBytes = logs.bytes + logs.lines * 70 + lambdaInvocations * 300 + apiMs.length * 250;

    row('cost', `interviews run through the lifecycle`, String(n), `${cancelled} cancelled the follow-up`);
    row(
      'cost',
      'DynamoDB: write / read request units per interview',
      `${perInterview(db.wru).toFixed(2)} / ${perInterview(db.rru).toFixed(2)}`,
      `${perInterview(db.requests).toFixed(1)} requests per interview`,
    );
    row(
      'cost',
      'Scheduler: invocations per interview',
      perInterview(scheduled).toFixed(2),
      `${emulatorEvents.retried} retries`,
    );
    row(
      'cost',
      'Lambda: invocations per interview (api/sender/feedback)',
      `${perInterview(apiMs.length).toFixed(1)}/${perInterview(senderMs.length).toFixed(1)}/${perInterview(feedbackMs.length).toFixed(1)}`,
      `feedback: one per SES delivery event`,
    );
    row(
      'cost',
      'Lambda: p50 ms (api / sender / feedback), local',
      `${median(apiMs).toFixed(1)}/${median(senderMs).toFixed(1)}/${median(feedbackMs).toFixed(2)}`,
      `handler time in-process, billed per ms at ${FUNCTION_MEMORY_MB} MB`,
    );
    row('cost', 'Lambda: billed GB-s per interview, local durations', perInterview(lambdaGbS).toFixed(4));
    row(
      'cost',
      'SES: recipients per interview (emails)',
      `${perInterview(sesRecipients).toFixed(2)} (${perInterview(sesEmails).toFixed(2)})`,
      `confirmation ${perInterview(sesByKind.confirmation).toFixed(1)}, thank-you ${perInterview(sesByKind['thank-you']).toFixed(1)}, follow-up ${perInterview(sesByKind['follow-up']).toFixed(2)} (Bcc copies count)`,
    );
    row('cost', 'HTTP API: requests per interview', perInterview(apiMs.length).toFixed(2));

    const usd = {
      ses: per1000(sesRecipients, PRICES.sesRecipient),
      lambda: per1000(lambdaInvocations, PRICES.lambdaRequest) + per1000(lambdaGbS, PRICES.lambdaArmGbSecond),
      dynamo: per1000(db.wru, PRICES.dynamoWrite) + per1000(db.rru, PRICES.dynamoRead),
      scheduler: per1000(scheduled, PRICES.schedulerInvocation),
      httpApi: per1000(apiMs.length, PRICES.httpApiRequest),
    };
    const total = sum(Object.values(usd));
    const nonSes = total - usd.ses;
    const money = (x: number) => `$${x < 0.01 ? x.toFixed(5) : x.toFixed(3)}`;
    row(
      'cost',
      '$ per 1,000 interviews: SES',
      money(usd.ses),
      `$${PRICES.sesRecipient.usd * 1000} per 1,000 recipients`,
    );
    row(
      'cost',
      '$ per 1,000 interviews: Lambda',
      money(usd.lambda),
      `requests + GB-s at local durations; at 10× those: ${money(usd.lambda + 9 * per1000(lambdaGbS, PRICES.lambdaArmGbSecond))}`,
    );
    row('cost', '$ per 1,000 interviews: DynamoDB', money(usd.dynamo), 'on-demand request units');
    row('cost', '$ per 1,000 interviews: Scheduler', money(usd.scheduler), 'before its 14 M free a month');
    row('cost', '$ per 1,000 interviews: HTTP API', money(usd.httpApi));
    row(
      'cost',
      '$ per 1,000 interviews: total',
      money(total),
      total <= TARGET_PER_1000_USD
        ? `target ≤ $${TARGET_PER_1000_USD}: met`
        : `target ≤ $${TARGET_PER_1000_USD}: MISSED${usd.ses > TARGET_PER_1000_USD ? ` (SES alone is ${money(usd.ses)})` : ''}`,
    );
    row(
      'cost',
      'share of the total that is not SES',
      `${((100 * nonSes) / total).toFixed(1)}%`,
      `${money(nonSes)}; target ≤ ${TARGET_NON_SES_SHARE * 100}%: ${nonSes / total <= TARGET_NON_SES_SHARE ? 'met' : 'MISSED'}`,
    );
    const essentials = per1000(sesRecipients, PRICES.sesEssentialsEmail);
    row(
      'cost',
      'SES on the Essentials plan instead: $ per 1,000',
      money(essentials),
      `total ${money(total - usd.ses + essentials)}; if it bills per email, not recipient: ${money(per1000(sesEmails, PRICES.sesEssentialsEmail))}`,
    );
    const extras =
      per1000(gbMonths, PRICES.dynamoStorageGbMonth) +
      per1000(gbMonths, PRICES.dynamoPitrGbMonth) +
      per1000(logBytes / 2 ** 30, PRICES.logsIngestedGb);
    row(
      'cost',
      'not in the total: storage + PITR + logs, $ per 1,000',
      money(extras),
      `${((perInterview(gbMonths) * 1000 * 2 ** 30) / 2 ** 20).toFixed(1)} MB-months and ${(perInterview(logBytes) / 1024).toFixed(1)} KB of logs per interview; with them, non-SES ${((100 * (nonSes + extras)) / (total + extras)).toFixed(1)}%`,
    );

    costFacts.n = n;
    costFacts.cancelled = cancelled;
    costFacts.dynamoByOperation = [...meter.units.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([what, u]) => [
        what,
        perInterview(u.requests).toFixed(2),
        perInterview(u.wru).toFixed(2),
        perInterview(u.rru).toFixed(2),
      ]);
    costFacts.prices = Object.values(PRICES).map((p: Price) => [
      p.per,
      p.quotedPer === 1
        ? `$${p.usd}`
        : `$${Number((p.usd * p.quotedPer).toPrecision(6))} per ${p.quotedPer === 1e6 ? 'million' : '1,000'}`,
      p.sources.join('; ') + (p.confirmed ? '' : ' (the rate is not in the stored page: not confirmed)'),
    ]);
    console.log('\nDynamoDB by operation, per interview: requests, WRU, RRU');
    for (const [what = '', ...r] of costFacts.dynamoByOperation)
      console.log(`  ${what.padEnd(44)} ${r.join('  ')}`);
  } finally {
    direct.destroy();
    metered.destroy();
    scheduler.destroy();
    await runtime.stop();
    await meter.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}

// ---- run -----------------------------------------------------------------------------------------

const started = new Date();
console.log(
  `bench${QUICK ? ' (quick)' : ''}${ONLY ? ` (only ${[...ONLY].join(', ')})` : ''}, ${started.toISOString()}`,
);
if (runs('cold')) await coldStart();
if (runs('intake')) await intakeOverhead();
if (runs('dispatch')) await dispatch();
if (runs('cost')) await cost();
/** The commit measured, and whether the tree held changes beside it (a clean clone holds none). */
const git = (...args: string[]) => spawnSync('git', args, { encoding: 'utf8' }).stdout.trim();
const commit = git('rev-parse', '--short', 'HEAD') || 'unknown';
const treeState = git('status', '--porcelain', '--untracked-files=no') ? 'with uncommitted changes' : 'clean';
const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
const table = (header: string[], body: string[][]) =>
  [
    `| ${header.join(' | ')} |`,
    `| ${header.map(() => '---').join(' | ')} |`,
    ...body.map((r) => `| ${r.join(' | ')} |`),
  ].join('\n');
if (!QUICK && !ONLY) {
  await writeFile(
    'docs/performance.md',
    `# Performance figures

From \`npm run bench\` on ${started.toISOString().slice(0, 10)}, at commit ${commit} (working tree ${treeState}), on
${machine}. Each figure stands
beside the baseline that bounds it, measured in the same run (the machine is shared and noisy, so
only the ratios are meant to carry over).

${table(['section', 'measure', 'value', 'ratio / target'], rows)}

- Cold start: esbuild with the stack's own options (infra/bundling.ts), started with
  \`--enable-source-maps\` as on Lambda; local Node ${process.version}, not Lambda's Node 24 on arm64.
  The baseline bundle only imports and constructs the function's SDK clients.
- Intake: through the local runtime (dynalite, the scheduler emulator), one request at a time,
  alternating with the raw I/O so both see the same machine. The raw I/O is a lower bound: intake
  also counts the per-key limits and waits for the item before creating the schedules.
- Dispatch: ${dispatchFacts.n.toLocaleString('en-US')} interviews created through \`POST /interviews\` (50 at a time, limits
  lifted), then the local clock jumps a minute past their common thank-you time. What limits the
  figure is the local machinery, not the service. The jump claims every due schedule at once and
  fires them in due-time order through the emulator's pool of ${DEFAULT_FIRE_CONCURRENCY} (the 500 ms tick only takes
  schedules no batch has claimed). The sender, dynalite and the SES stand-in share this one Node
  process and its one event loop, so the drain is bound by that process's CPU:
  ${dispatchFacts.perSendMs.toFixed(1)} ms of drain per email here, each send being the claim, the SES call and the \`sent\` write.
  Within that time, the emulator commits each change to its LevelDB before it counts as done
  (only the keys that change, batched while a write is in flight): ${dispatchFacts.writes} commits of ${dispatchFacts.keys.toLocaleString('en-US')} keys
  (${dispatchFacts.kib.toFixed(0)} KiB) while its database held ${dispatchFacts.stateSchedules.toLocaleString('en-US')} schedules (${dispatchFacts.stateMb.toFixed(1)} MB on disk) at the jump; building
  them took ${(dispatchFacts.serializeShare * 100).toFixed(0)}% of the drain. The count is the point of
  this phase: exactly one thank-you per interview reached the SES stand-in and the table, nothing
  is left \`scheduled\` or \`sending\`, and the confirmations, sent at intake, are counted apart. On
  AWS the drain has other limits: Scheduler invokes the sender asynchronously and in parallel
  (default quota 1,000 invocations per second in us-east-1), Lambda runs many senders at once, and
  the account's SES sending rate (a per-account quota that starts low) becomes the limit; a send
  beyond it is throttled and retried by the sender's own schedule, so a minute with 10,000 due goes
  out over several minutes, each email once.
- Cost: ${costFacts.n} interviews through a whole lifecycle on the local runtime, one step at a time:
  submit (with a key stored by \`npm run api-key\`, so each request reads it, and an
  \`Idempotency-Key\`), the confirmation, the thank-you, one candidate in ten opening the cancel
  page and cancelling the follow-up (${costFacts.cancelled} here), the follow-up, and one SES delivery event per
  recipient run through the feedback function. Every count comes from the run: DynamoDB units from
  a proxy in front of dynalite that asks for \`ReturnConsumedCapacity\` on every request and sums
  what comes back, plus what dynalite does not report (a failed condition still costs the item's
  size, a token-hash change also writes the token index); schedule and async invocations from the
  emulator; Lambda invocations as HTTP requests, sender runs and feedback runs; SES recipients
  from the SES stand-in (To, Cc and Bcc each billed: the thank-you and follow-up carry the
  candidate's Bcc copy by default). What limits the figures: Lambda durations are handler times
  measured in this process, on this machine, with dynalite on loopback (through the meter, one more
  local hop per call), billed per started millisecond at the stack's ${FUNCTION_MEMORY_MB} MB; on Lambda (arm64, a
  fraction of a vCPU at that size, DynamoDB and SES over the network) they can be several times
  longer, and cold starts' init time (phase 1) is not included. The Lambda line is mostly its
  request charge, so even ten times the durations moves it little (the row gives that figure).
  The SES events reach EventBridge's default bus as AWS service events and are not charged; one
  delivery event per recipient is assumed (the shape of the SES fixture), an upper bound if SES
  reports a message's recipients together. Prices are list prices before free tiers (Scheduler's
  14 million free invocations a month alone would cover this service's schedules). Storage,
  point-in-time recovery and logs are estimated in the last row and kept out of the total: storage
  from each item's size and its TTL time, logs from the functions' own lines plus Lambda's and the
  access log's fixed lines (about 70 bytes of prefix per line, 300 per invocation, 250 per request).

DynamoDB units per interview, by operation and item:

${table(['operation', 'requests', 'WRU', 'RRU'], costFacts.dynamoByOperation)}

Prices used (us-east-1, read ${PRICES_READ_ON}; the first source is AWS's own page):

${table(['item', 'price', 'sources'], costFacts.prices)}
`,
  );
  console.log('\nwritten to docs/performance.md');
}
if (failures.length > 0) {
  console.log(`\n${failures.length} check(s) failed:\n- ${failures.join('\n- ')}`);
  process.exitCode = 1;
}
