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
 * (Dispatch throughput and cost per 1,000 interviews are not measured yet.)
 */
import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { CreateScheduleCommand, SchedulerClient } from '@aws-sdk/client-scheduler';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { build } from 'esbuild';
import { ESBUILD_TARGET, ESM_REQUIRE_BANNER, MAIN_FIELDS, MINIFY, SOURCE_MAP } from '../infra/bundling.js';
import { startLocalRuntime } from '../local/runtime.js';
import { validBody } from '../test/fixtures.js';

const QUICK = process.argv.includes('--quick');
const BUILD = 'bench/.build';
const rows: string[][] = [];

function row(section: string, measure: string, value: string, note = '') {
  rows.push([section, measure, value, note]);
  console.log(`${section.padEnd(11)} ${measure.padEnd(46)} ${value.padStart(14)}  ${note}`);
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? 0;
};
const percentile = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? 0;
};

// ---- 1. cold start -------------------------------------------------------------------------------

const FUNCTIONS = {
  api: { entry: 'lambdas/api/handler.ts', clients: ['dynamodb', 'scheduler', 'lambda'] },
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
};

/** The environment each function reads at cold start (values like the local runtime's). */
const ENVIRONMENT = {
  AWS_REGION: 'us-east-1',
  TABLE_NAME: 'interviews',
  SCHEDULE_GROUP: 'default',
  SENDER_FUNCTION_ARN: 'arn:aws:lambda:us-east-1:000000000000:function:interview-followup-sender',
  SCHEDULER_ROLE_ARN: 'arn:aws:iam::000000000000:role/interview-followup-scheduler',
  SCHEDULE_DLQ_ARN: 'arn:aws:sqs:us-east-1:000000000000:interview-followup-schedule-dlq',
  API_KEY_SHA256: '0'.repeat(64),
  SENDER_ADDRESS: 'followup@example.com',
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
  const runs = QUICK ? 5 : 15;
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
    for (let i = 0; i < runs; i++) {
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
      `${name}: import + init, median of ${runs} (ms) vs baseline`,
      `${median(times).toFixed(1)} / ${median(baseTimes).toFixed(1)}`,
      `${ratio.toFixed(2)}× (target ≤ 1.25×)`,
    );
  }
}

// ---- 2. intake overhead --------------------------------------------------------------------------

async function intakeOverhead() {
  const dataDir = await mkdtemp(join(tmpdir(), 'bench-'));
  const runtime = await startLocalRuntime({
    dataDir,
    log: () => {},
    limits: { perMinute: 1_000_000, perDay: 1_000_000, perInterviewerPerDay: 1_000_000 },
  });
  const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
  const db = DynamoDBDocumentClient.from(
    new DynamoDBClient({ region: 'us-east-1', endpoint: runtime.dynamoUrl, credentials }),
    {
      marshallOptions: { removeUndefinedValues: true },
    },
  );
  const scheduler = new SchedulerClient({ region: 'us-east-1', endpoint: runtime.emulatorUrl, credentials });
  const lambda = new LambdaClient({ region: 'us-east-1', endpoint: runtime.emulatorUrl, credentials });
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
        body: JSON.stringify({
          ...validBody(),
          interviewer: { name: `Interviewer ${i}`, email: `bench-${i}@example.org` },
          interview: { endsAt: '2026-11-23T08:00', timeZone: 'America/New_York' },
        }),
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
            TableName: 'interviews',
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

const started = new Date();
console.log(`bench${QUICK ? ' (quick)' : ''}, ${started.toISOString()}`);
await coldStart();
await intakeOverhead();
const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
if (!QUICK) {
  await writeFile(
    'docs/performance.md',
    `# Performance figures

From \`npm run bench\` on ${started.toISOString().slice(0, 10)}, on ${machine}. Each figure stands
beside the baseline that bounds it, measured in the same run (the machine is shared and noisy, so
only the ratios are meant to carry over).

| section | measure | value | ratio / target |
| --- | --- | --- | --- |
${rows.map((r) => `| ${r.join(' | ')} |`).join('\n')}

- Cold start: esbuild with the stack's own options (infra/bundling.ts), started with
  \`--enable-source-maps\` as on Lambda; local Node ${process.version}, not Lambda's Node 24 on arm64.
  The baseline bundle only imports and constructs the function's SDK clients.
- Intake: through the local runtime (dynalite, the scheduler emulator), one request at a time,
  alternating with the raw I/O so both see the same machine. The raw I/O is a lower bound: intake
  also counts the per-key limits and waits for the item before creating the schedules.
- Not measured yet: dispatch throughput (10,000 due at once) and cost per 1,000 interviews.
`,
  );
  console.log('\nwritten to docs/performance.md');
}
