/**
 * The whole service on one machine: dynalite (DynamoDB), aws-ses-v2-local (SES + a mailbox page),
 * our Scheduler/Lambda emulator, and the same Hono app that runs on Lambda, plus `/_local/*`
 * routes for development and tests. The production adapters run unchanged, pointed at the
 * stand-ins through their endpoints. `npm start` (local/main.ts) and the integration tests both
 * start it through `startLocalRuntime`.
 */
import { randomBytes } from 'node:crypto';
import { access, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import {
  CreateTableCommand,
  type CreateTableCommandInput,
  DeleteTableCommand,
  DescribeTableCommand,
  ResourceNotFoundException,
} from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { serve } from '@hono/node-server';
import { ClassicLevel } from 'classic-level';
import dynalite from 'dynalite';
import { Hono } from 'hono';
import { createApp, errorResponse } from '../lambdas/api/app.js';
import { DynamoAccessStore } from '../lambdas/aws/access.js';
import { dynamoClient, lambdaClient, schedulerClient, sesClient } from '../lambdas/aws/clients.js';
import { LambdaSenderInvoker } from '../lambdas/aws/invoker.js';
import { SesMailer } from '../lambdas/aws/mailer.js';
import { EventBridgeEmailScheduler } from '../lambdas/aws/scheduler.js';
import { DynamoInterviewStore } from '../lambdas/aws/store.js';
import { TABLE } from '../lambdas/aws/table.js';
import { type AwsConfig, ENV, LIMIT_VARIABLES, loadApiConfig, loadSenderConfig } from '../lambdas/config.js';
import type { Limits } from '../lambdas/core/access.js';
import type { InterviewRecord } from '../lambdas/core/interview.js';
import { CountingMetrics, jsonLogger, type Logger } from '../lambdas/core/ports.js';
import { firstCheckAt, SWEEP_PERIOD_MINUTES } from '../lambdas/core/reconcile.js';
import { hashSecret } from '../lambdas/core/tokens.js';
import { parseSendEvent, sendEmail } from '../lambdas/sender/send.js';
import { reportTimeZoneDisagreements } from '../lambdas/shared/timezones.js';
import { type SweepReport, sweep } from '../lambdas/sweep/sweep.js';
import { type AwsEmulator, type FiredSchedule, startAwsEmulator } from './aws-emulator.js';
import { LocalClock } from './clock.js';
import { FaultInjector, injectDynamoFaults, injectSesFaults, parseFaults } from './faults.js';
import { acceptLoopbackHostsOnly } from './loopback.js';

export interface LocalOptions {
  dataDir: string;
  /** 0 (the default) picks a free port. */
  port?: number;
  mailPort?: number;
  /**
   * An SES stand-in already running elsewhere (MAIL_URL): used instead of starting one, so the
   * mailbox outlives this process (the reliability script's crash phase kills the runtime).
   */
  mailUrl?: string;
  /** dynalite's port: `npm run api-key` talks to it (default 0, a free port). */
  dynamoPort?: number;
  /** Limits, as the LIMIT_* variables give them (strings or numbers); defaults otherwise. */
  limits?: Partial<Record<keyof Limits, string | number | undefined>>;
  /** LINK_ALLOWLIST: comma-separated domains links in submitted text may point to. */
  linkAllowlist?: string;
  apiKey?: string;
  publicUrl?: string;
  senderAddress?: string;
  /** SES configuration set to send through (SES events); the local SES accepts any name. */
  sesConfigurationSet?: string;
  /** LOCAL_FAULTS, e.g. "ses.throttle=0.2,ddb.error=0.05,scheduler.duplicate=0.1" (see faults.ts). */
  faults?: string;
  faultSeed?: number;
  /** First retry delay of failed invocations in the emulator (ms, doubling); default 1000. */
  retryBaseMs?: number;
  log?: Logger;
  /**
   * Measurement hooks for `npm run bench`; nothing else sets them, and without them nothing
   * changes. Neither may alter what passes through.
   */
  instrument?: {
    /**
     * Given dynalite's URL, the URL the service's DynamoDB clients use instead (a counting
     * proxy in front of it). `dynamoUrl` stays dynalite's own.
     */
    dynamoEndpoint?: (dynaliteUrl: string) => string | Promise<string>;
    /** Wraps each in-process run of the sender (scheduled or async-invoked); must call `run`. */
    aroundSend?: (payload: unknown, run: () => Promise<void>) => Promise<void>;
  };
}

export interface LocalRuntime {
  apiUrl: string;
  mailUrl: string;
  dynamoUrl: string;
  emulatorUrl: string;
  apiKey: string;
  clock: LocalClock;
  emulator: AwsEmulator;
  /** Faults injected so far, by kind. */
  faults: FaultInjector;
  /**
   * What `POST /_local/clock` does: sets the clock, fires what is due and waits for every first
   * attempt (async invocations included). Resolves with the schedules fired.
   */
  advanceClock(instant: Date, options?: { down?: boolean }): Promise<FiredSchedule[]>;
  /** What `POST /_local/sweep` does: one sweep now (see reconcile.ts), its sends awaited. */
  sweep(): Promise<SweepReport>;
  /** The metrics counted so far (`GET /_local/metrics`). */
  metrics: CountingMetrics;
  stop(): Promise<void>;
}

// aws-ses-v2-local is CommonJS with an `exports.default`; require() reads it the same way under
// Node and under Vitest, where default-import interop differs.
const startSes = (
  createRequire(import.meta.url)('aws-ses-v2-local') as {
    default: (config: { host: string; port: number }) => Promise<Server>;
  }
).default;

/** aws-ses-v2-local on 127.0.0.1 (0: a free port): the SES API and its mailbox page. */
export async function startMailServer(port: number): Promise<Server> {
  const server = await startSes({ host: '127.0.0.1', port });
  acceptLoopbackHostsOnly(server); // DNS rebinding: see loopback.ts
  return server;
}

export const DEFAULT_API_KEY = 'local-dev-key';
const ACCOUNT = '000000000000';
const REGION = 'us-east-1';
const SENDER_ARN = `arn:aws:lambda:${REGION}:${ACCOUNT}:function:interview-followup-sender`;
const CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };
/** The runtime's DynamoDB table. */
export const TABLE_NAME = 'interviews';

/** Limits out of the way, for tests, the bench and the reliability run, unless limits are the point. */
export const NO_LIMITS: Limits = {
  perMinute: 1_000_000,
  perDay: 1_000_000,
  perInterviewerPerDay: 1_000_000,
  perInterviewerAllKeysPerDay: 1_000_000,
  perCandidatePerDay: 1_000_000,
  previewsPerMinute: 1_000_000,
};

/**
 * Rewrites dynalite's LevelDB files so they hold only current values. LevelDB keeps an item's
 * earlier versions in its log and tables until a compaction, so without this an erased interview's
 * addresses and texts would stay readable in the data folder. Runs while dynalite is closed (at
 * start, for a run that died, and at stop); a folder without a table yet is left alone.
 */
async function compactTable(path: string): Promise<void> {
  try {
    await access(join(path, 'CURRENT'));
  } catch {
    return;
  }
  const db = new ClassicLevel(path);
  await db.open();
  try {
    await db.compactRange('\u0000', '\uffff');
  } finally {
    await db.close();
  }
}

/**
 * The limit counters' HMAC key (COUNTER_SECRET), made once per data folder and kept beside the
 * data, so counters survive a restart. Readable by this user only.
 */
async function counterSecret(dataDir: string): Promise<string> {
  const file = join(dataDir, 'counter-secret');
  try {
    return (await readFile(file, 'utf8')).trim();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    const secret = randomBytes(32).toString('base64url');
    await writeFile(file, `${secret}\n`, { mode: 0o600, flag: 'wx' }).catch(async (writeErr: unknown) => {
      // Another runtime on the same folder made it first: use theirs.
      if ((writeErr as NodeJS.ErrnoException).code !== 'EEXIST') throw writeErr;
    });
    return (await readFile(file, 'utf8')).trim();
  }
}

/** The SDK client config pointing at a runtime's stand-ins, for callers that use them directly. */
export function localAws(runtime: Pick<LocalRuntime, 'dynamoUrl' | 'emulatorUrl'>) {
  return {
    config: {
      region: REGION,
      endpoints: { dynamodb: runtime.dynamoUrl, scheduler: runtime.emulatorUrl, lambda: runtime.emulatorUrl },
    },
    options: { credentials: CREDENTIALS },
  };
}
/** A full ISO instant with its offset: "2026-12-03T00:00:00Z", "2026-12-03T09:30:00.000+05:30". */
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/;

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });
}

function close(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((err) => (err ? reject(err) : resolve()));
    server.closeAllConnections();
  });
}

const TABLE_DEFINITION: CreateTableCommandInput = {
  TableName: TABLE_NAME,
  BillingMode: 'PAY_PER_REQUEST',
  AttributeDefinitions: [
    { AttributeName: TABLE.partitionKey, AttributeType: 'S' },
    { AttributeName: TABLE.tokenKey, AttributeType: 'S' },
    { AttributeName: TABLE.dueShardKey, AttributeType: 'S' },
    { AttributeName: TABLE.dueSortKey, AttributeType: 'S' },
  ],
  KeySchema: [{ AttributeName: TABLE.partitionKey, KeyType: 'HASH' }],
  GlobalSecondaryIndexes: [
    {
      IndexName: TABLE.tokenIndex,
      KeySchema: [{ AttributeName: TABLE.tokenKey, KeyType: 'HASH' }],
      Projection: { ProjectionType: 'KEYS_ONLY' },
    },
    {
      IndexName: TABLE.dueIndex,
      KeySchema: [
        { AttributeName: TABLE.dueShardKey, KeyType: 'HASH' },
        { AttributeName: TABLE.dueSortKey, KeyType: 'RANGE' },
      ],
      Projection: { ProjectionType: 'KEYS_ONLY' },
    },
  ],
};

/** Waits (briefly) until the table's status satisfies `done`; undefined means it does not exist. */
async function tableState(db: DynamoDBDocumentClient, done: (status: string | undefined) => boolean) {
  for (let tries = 0; tries < 500; tries++) {
    let status: string | undefined;
    try {
      status = (await db.send(new DescribeTableCommand({ TableName: TABLE_NAME }))).Table?.TableStatus;
    } catch (err) {
      if (!(err instanceof ResourceNotFoundException)) throw err;
    }
    if (done(status)) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`the local table did not settle (${TABLE_NAME})`);
}

/**
 * Creates the table, or brings one made by an older version up to date. dynalite cannot add an
 * index to a table, so a table without the sweep's index is rebuilt once: read whole, made
 * again, written back, each pending interview with its first `checkAt` (see reconcile.ts). The
 * items are saved to `table-rebuild.json` (written whole, then renamed) before the table is
 * deleted, and that file is removed last: a rebuild cut short by a kill is finished at the next
 * start, so nothing the runtime once answered for is lost on the way.
 */
async function ensureTable(config: AwsConfig, dataDir: string, log: Logger): Promise<void> {
  const db = dynamoClient(config, { credentials: CREDENTIALS });
  const saved = join(dataDir, 'table-rebuild.json');
  try {
    let items = await readFile(saved, 'utf8').then(
      (text) => JSON.parse(text) as Record<string, unknown>[],
      (err: unknown) => {
        if ((err as { code?: unknown }).code === 'ENOENT') return undefined;
        throw err;
      },
    );
    if (items === undefined) {
      let indexes: string[];
      try {
        const out = await db.send(new DescribeTableCommand({ TableName: TABLE_NAME }));
        indexes = (out.Table?.GlobalSecondaryIndexes ?? []).map((index) => index.IndexName ?? '');
      } catch (err) {
        if (!(err instanceof ResourceNotFoundException)) throw err;
        await db.send(new CreateTableCommand(TABLE_DEFINITION));
        return;
      }
      if (indexes.includes(TABLE.dueIndex)) return;
      items = [];
      let start: Record<string, unknown> | undefined;
      do {
        const page = await db.send(new ScanCommand({ TableName: TABLE_NAME, ExclusiveStartKey: start }));
        items.push(...(page.Items ?? []));
        start = page.LastEvaluatedKey;
      } while (start);
      await writeFile(`${saved}.tmp`, JSON.stringify(items));
      await rename(`${saved}.tmp`, saved);
    }
    await db.send(new DeleteTableCommand({ TableName: TABLE_NAME })).catch((err: unknown) => {
      if (!(err instanceof ResourceNotFoundException)) throw err; // a finished delete, resumed
    });
    await tableState(db, (status) => status === undefined); // dynalite deletes in the background
    await db.send(new CreateTableCommand(TABLE_DEFINITION));
    await tableState(db, (status) => status === 'ACTIVE');
    const store = new DynamoInterviewStore(db, TABLE_NAME);
    for (const item of items) {
      const isInterview = typeof item.emails === 'object' && !item.erasedAt;
      const checkAt = isInterview ? firstCheckAt(item as unknown as InterviewRecord) : undefined;
      if (checkAt) await store.create({ ...(item as unknown as InterviewRecord), checkAt });
      else await db.send(new PutCommand({ TableName: TABLE_NAME, Item: item }));
    }
    await rm(saved);
    log('info', 'local table rebuilt with the sweep index', { items: items.length });
  } finally {
    db.destroy();
  }
}

interface CapturedEmail {
  from: string;
  replyTo: string[];
  destination: { to: string[]; cc: string[]; bcc: string[] };
  subject: string;
  body: { text?: string; html?: string };
  at: number;
}

export async function startLocalRuntime(options: LocalOptions): Promise<LocalRuntime> {
  const log = options.log ?? jsonLogger;
  const apiKey = options.apiKey ?? DEFAULT_API_KEY;
  const clock = new LocalClock();
  const faults = new FaultInjector(parseFaults(options.faults), options.faultSeed);
  await mkdir(options.dataDir, { recursive: true });

  const tablePath = join(options.dataDir, 'dynamodb');
  await compactTable(tablePath); // what a run that died left behind
  const dynamo = dynalite({
    path: tablePath,
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
  });
  const dynamoHosts = acceptLoopbackHostsOnly(dynamo); // DNS rebinding: see loopback.ts
  const dynamoPort = await listen(dynamo, options.dynamoPort ?? 0);
  const dynaliteUrl = `http://127.0.0.1:${dynamoPort}`;
  const dynamoEndpoint = (await options.instrument?.dynamoEndpoint?.(dynaliteUrl)) ?? dynaliteUrl;
  // A proxy in front of dynalite (the bench's meter) forwards its own Host.
  if (dynamoEndpoint !== dynaliteUrl) dynamoHosts.allowPort(Number(new URL(dynamoEndpoint).port));
  const ses = options.mailUrl ? undefined : await startMailServer(options.mailPort ?? 0);
  const sesUrl = ses
    ? `http://127.0.0.1:${(ses.address() as AddressInfo).port}`
    : (options.mailUrl as string);

  // The sender runs in-process when the emulator fires a schedule or gets an async invoke.
  let deliver: (payload: unknown) => Promise<void> = async () => {
    throw new Error('the sender is not ready yet');
  };
  // The table before the emulator: a schedule it fires at start must find its interview.
  await ensureTable({ region: REGION, endpoints: { dynamodb: dynamoEndpoint } }, options.dataDir, log);
  const emulator = await startAwsEmulator({
    dataDir: options.dataDir,
    clock,
    invoke: async (functionArn, payload) => {
      if (functionArn !== SENDER_ARN) throw new Error(`no local function ${functionArn}`);
      await deliver(payload);
    },
    log: (message, fields) => log('info', message, fields),
    duplicate: () => faults.roll('scheduler.duplicate'),
    ...(options.retryBaseMs !== undefined && { retryBaseMs: options.retryBaseMs }),
  });

  const env = {
    [ENV.region]: REGION,
    [ENV.endpointDynamodb]: dynamoEndpoint,
    [ENV.endpointSes]: sesUrl,
    [ENV.endpointScheduler]: emulator.url,
    [ENV.endpointLambda]: emulator.url,
    [ENV.tableName]: TABLE_NAME,
    [ENV.scheduleGroup]: 'default',
    [ENV.senderFunctionArn]: SENDER_ARN,
    [ENV.schedulerRoleArn]: `arn:aws:iam::${ACCOUNT}:role/interview-followup-scheduler`,
    [ENV.scheduleDlqArn]: `arn:aws:sqs:${REGION}:${ACCOUNT}:interview-followup-schedule-dlq`,
    [ENV.apiKeySha256]: hashSecret(apiKey),
    [ENV.senderAddress]: options.senderAddress ?? 'followup@example.com',
    [ENV.sesConfigurationSet]: options.sesConfigurationSet,
    ...Object.fromEntries(
      LIMIT_VARIABLES.map(([field, variable]) => [ENV[variable], options.limits?.[field]?.toString()]),
    ),
    [ENV.counterSecret]: await counterSecret(options.dataDir),
    [ENV.linkAllowlist]: options.linkAllowlist,
  };
  const apiConfig = loadApiConfig(env);
  const senderConfig = loadSenderConfig(env);

  const clientOptions = { credentials: CREDENTIALS };
  const db = dynamoClient(apiConfig, clientOptions);
  const scheduler = schedulerClient(apiConfig, clientOptions);
  const lambda = lambdaClient(apiConfig, clientOptions);
  const mail = sesClient(senderConfig, clientOptions);
  // The sender gets clients of its own, so faults can be injected into its calls alone.
  const senderDb = dynamoClient(senderConfig, clientOptions);
  injectDynamoFaults(senderDb, faults);
  injectSesFaults(mail, faults);
  const store = new DynamoInterviewStore(db, apiConfig.tableName);
  const emailScheduler = new EventBridgeEmailScheduler(scheduler, apiConfig.scheduleGroup, {
    functionArn: apiConfig.senderFunctionArn,
    roleArn: apiConfig.schedulerRoleArn,
    deadLetterArn: apiConfig.scheduleDlqArn,
  });
  const metrics = new CountingMetrics();
  reportTimeZoneDisagreements(log);
  const senderDeps = {
    metrics,
    store: new DynamoInterviewStore(senderDb, senderConfig.tableName),
    mailer: new SesMailer(mail, senderConfig.sesConfigurationSet),
    scheduler: emailScheduler,
    clock,
    senderAddress: senderConfig.senderAddress,
    log,
  };
  const send = async (payload: unknown) => {
    await sendEmail(senderDeps, parseSendEvent(payload));
  };
  const aroundSend = options.instrument?.aroundSend;
  deliver = aroundSend ? (payload) => aroundSend(payload, () => send(payload)) : send;

  const invoker = new LambdaSenderInvoker(lambda, apiConfig.senderFunctionArn);
  // The sweep, as on AWS, every SWEEP_PERIOD_MINUTES of the local clock (so also right after the
  // clock is moved past a period); `POST /_local/sweep` runs it at once.
  // Sweeps run one after another, each deciding when it starts whether it is due (by the clock
  // as it is then): a clock moved while one runs gets a fresh one, never the one in flight.
  const sweepPeriodMs = SWEEP_PERIOD_MINUTES * 60_000;
  let lastSweep = clock.now().getTime();
  let sweeps: Promise<unknown> = Promise.resolve();
  const sweepOnce = (force: boolean): Promise<SweepReport | undefined> => {
    const run = sweeps.then(async () => {
      const now = clock.now().getTime();
      if (now < lastSweep) lastSweep = now; // the clock was moved back
      if (!force && now - lastSweep < sweepPeriodMs) return undefined;
      lastSweep = now;
      const report = await sweep({ store, invoker, clock, log, metrics });
      await emulator.settle(); // the sends it handed over
      return report;
    });
    sweeps = run.catch(() => undefined);
    return run;
  };
  const runSweep = async (): Promise<SweepReport> => (await sweepOnce(true)) as SweepReport;
  let ticking = false;
  const sweepTimer = setInterval(() => {
    if (ticking) return;
    ticking = true;
    sweepOnce(false)
      .catch((err: unknown) => log('error', 'local sweep failed', { error: String(err) }))
      .finally(() => {
        ticking = false;
      });
  }, 1_000);
  sweepTimer.unref();

  /**
   * Moves the clock. By default time passes with the runtime up: the clock walks from event to
   * event (each schedule's time, and each moment a sweep would find something due), firing and
   * sweeping at each, so every email goes at its own time, as it would have. `down: true` is an
   * outage instead: the runtime was stopped until `instant`, so everything due by then fires at
   * once, late, and the late-send policy decides what it may still be.
   */
  const advanceClock = async (instant: Date, options: { down?: boolean } = {}) => {
    const fired: FiredSchedule[] = [];
    const step = async (at: number) => {
      clock.set(new Date(at));
      fired.push(...(await emulator.fireDue()));
      await emulator.settle();
      await sweepOnce(false);
    };
    const target = instant.getTime();
    for (let steps = 0; !options.down && steps < 100_000; steps++) {
      const now = clock.now().getTime();
      const schedule = emulator.pending().find((p) => Date.parse(p.at) > now);
      const checkAt = await store.nextCheckAt();
      const sweepAt =
        checkAt === undefined ? undefined : Math.max(Date.parse(checkAt), lastSweep + sweepPeriodMs);
      const next = Math.min(
        schedule ? Date.parse(schedule.at) : Number.POSITIVE_INFINITY,
        sweepAt !== undefined && sweepAt > now ? sweepAt : Number.POSITIVE_INFINITY,
      );
      if (!(next <= target)) break;
      await step(next);
    }
    await step(target);
    return fired;
  };

  const server = new Hono();
  server.get('/_local/mail', async (c) => {
    const res = await fetch(`${sesUrl}/store`);
    const { emails } = (await res.json()) as { emails: CapturedEmail[] };
    return c.json(
      emails.map((e) => ({
        from: e.from,
        to: e.destination.to,
        cc: e.destination.cc,
        bcc: e.destination.bcc,
        replyTo: e.replyTo,
        subject: e.subject,
        text: e.body.text ?? '',
        html: e.body.html ?? '',
        at: new Date(e.at * 1000).toISOString(),
      })),
    );
  });
  // The mailbox stands for the recipients' inboxes: a DELETE of an interview cannot recall what
  // was delivered, there or here. This empties the local one (it is in memory and gone at stop).
  server.delete('/_local/mail', async (c) => {
    const res = await fetch(`${sesUrl}/clear-store`, { method: 'POST' });
    if (!res.ok) throw new Error(`the mailbox was not cleared (${res.status})`);
    return c.body(null, 204);
  });
  server.get('/_local/clock', (c) => c.json({ now: clock.now().toISOString() }));
  server.get('/_local/metrics', (c) => c.json(metrics.snapshot()));
  server.post('/_local/sweep', async (c) => c.json(await runSweep()));
  server.post('/_local/clock', async (c) => {
    // JSON only: a form or text/plain POST is what a page of another site could send.
    if (!(c.req.header('Content-Type') ?? '').toLowerCase().startsWith('application/json')) {
      return errorResponse(
        c,
        415,
        'unsupported_media_type',
        'The body must be JSON: Content-Type: application/json.',
      );
    }
    let body: unknown;
    try {
      body = await c.req.json();
    } catch {
      return errorResponse(c, 400, 'malformed_json', 'The body is not valid JSON.');
    }
    const now = (body as { now?: unknown } | null)?.now;
    const down = (body as { down?: unknown } | null)?.down;
    if (down !== undefined && typeof down !== 'boolean') {
      return errorResponse(c, 400, 'invalid_request', 'down must be true or false.', [
        { path: 'down', message: 'must be true or false' },
      ]);
    }
    const instant = typeof now === 'string' && ISO_INSTANT.test(now) ? new Date(now) : undefined;
    if (!instant || Number.isNaN(instant.getTime())) {
      return errorResponse(c, 400, 'invalid_request', 'now must be an ISO timestamp with an offset or Z.', [
        { path: 'now', message: 'must be an ISO timestamp with an offset or Z' },
      ]);
    }
    const fired = await advanceClock(instant, { down: down === true });
    return c.json({ now: instant.toISOString(), fired: fired.map((f) => ({ name: f.name, at: f.at })) });
  });

  const port = options.port ?? 0;
  const publicUrl = options.publicUrl;
  let apiUrl = '';
  const api = createApp({
    store,
    access: new DynamoAccessStore(db, apiConfig.tableName),
    limits: apiConfig.limits,
    counterKey: apiConfig.counterSecret ?? '',
    linkAllowlist: apiConfig.linkAllowlist,
    scheduler: emailScheduler,
    invoker,
    clock,
    log,
    apiKeySha256: apiConfig.apiKeySha256,
    // Resolved per request, once the port is known.
    get publicUrl() {
      return publicUrl ?? apiUrl;
    },
  });
  server.route('/', api);
  server.notFound((c) => errorResponse(c, 404, 'not_found', `No route for ${c.req.method} ${c.req.path}.`));
  server.onError((err, c) => {
    log('error', 'unhandled error in a local route', {
      route: c.req.routePath,
      error: err.stack ?? String(err),
    });
    return errorResponse(c, 500, 'internal', 'Something went wrong on our side. Please try again.');
  });

  const http = await new Promise<Server>((resolve, reject) => {
    const s = serve({ fetch: server.fetch, port, hostname: '127.0.0.1' }, () => resolve(s as Server));
    // Before any request arrives; DNS rebinding: see loopback.ts. Origins are the app's to judge.
    acceptLoopbackHostsOnly(s as Server, { refuseOtherOrigins: false });
    (s as Server).once('error', reject);
  });
  apiUrl = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;

  let stopped = false;
  return {
    apiUrl,
    mailUrl: sesUrl,
    dynamoUrl: dynaliteUrl,
    emulatorUrl: emulator.url,
    apiKey,
    clock,
    emulator,
    faults,
    advanceClock,
    sweep: runSweep,
    metrics,
    async stop() {
      if (stopped) return;
      stopped = true;
      clearInterval(sweepTimer);
      await sweeps;
      await close(http);
      await emulator.close();
      for (const client of [db, senderDb, scheduler, lambda, mail]) client.destroy();
      if (ses) await close(ses);
      await close(dynamo);
      await compactTable(tablePath);
    },
  };
}
