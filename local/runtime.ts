/**
 * The whole service on one machine: dynalite (DynamoDB), aws-ses-v2-local (SES + a mailbox page),
 * our Scheduler/Lambda emulator, and the same Hono app that runs on Lambda, plus `/_local/*`
 * routes for development and tests (local/service.ts). The local composition root: the
 * production adapters, wired by lambdas/wiring.ts as on Lambda, pointed at the stand-ins through
 * their endpoints. `npm start` (local/main.ts) and the integration tests both start it through
 * `startLocalRuntime`.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { serve } from '@hono/node-server';
import dynalite from 'dynalite';
import { type AppOptions, createApp } from '../lambdas/api/app.js';
import { dynamoClient, lambdaClient, schedulerClient, sesClient } from '../lambdas/aws/clients.js';
import {
  ENV,
  LIMIT_VARIABLES,
  loadApiConfig,
  loadFeedbackConfig,
  loadSenderConfig,
  loadSweepConfig,
} from '../lambdas/config.js';
import type { Limits } from '../lambdas/core/access.js';
import { CountingMetrics, jsonLogger, type Logger } from '../lambdas/core/ports.js';
import { hashSecret } from '../lambdas/core/tokens.js';
import { createInviteApp, type InviteOptions } from '../lambdas/invite/app.js';
import { reportTimeZoneDisagreements } from '../lambdas/shared/timezones.js';
import { parseSendEvent, sendEmail } from '../lambdas/usecases/send.js';
import { apiDeps, feedbackDeps, senderDeps, sweepDeps } from '../lambdas/wiring.js';
import { LocalClock } from './clock.js';
import { type AwsEmulator, startAwsEmulator } from './emulator/index.js';
import { FaultInjector, injectDynamoFaults, injectSesFaults, parseFaults } from './faults.js';
import { acceptLoopbackHostsOnly } from './loopback.js';
import { keepMailHeaders } from './mail-headers.js';
import { type CapturedMail, type LocalService, localService } from './service.js';
import { CREDENTIALS, compactTable, ensureTable, TABLE_NAME } from './table.js';

export { TABLE_NAME } from './table.js';

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
  /** SELF_SERVE: `on` serves the self-serve form and pages (docs/self-serve.md). */
  selfServe?: string;
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
     * Called once with each DynamoDB client the service's adapters use (the api's and the
     * sender's), before any request: the bench adds its metering middleware there.
     */
    dynamoClient?: (client: DynamoDBDocumentClient) => void;
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
  /** The api's adapters (on the stand-ins), for tools and tests that look behind the API. */
  store: AppOptions['store'];
  access: AppOptions['access'];
  scheduler: AppOptions['scheduler'];
  invoker: AppOptions['invoker'];
  /** The feedback function's deps, wired as on Lambda (no SES events arrive here: tests hand them). */
  feedback: ReturnType<typeof feedbackDeps>;
  /** The addresses' HMAC key (COUNTER_SECRET), to find an address's counter or suppression. */
  counterKey: string;
  /** Faults injected so far, by kind. */
  faults: FaultInjector;
  advanceClock: LocalService['advanceClock'];
  sweep: LocalService['sweep'];
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

/** Limits out of the way, for tests, the bench and the reliability run, unless limits are the point. */
export const NO_LIMITS: Limits = {
  perMinute: 1_000_000,
  perDay: 1_000_000,
  perInterviewerPerDay: 1_000_000,
  perInterviewerAllKeysPerDay: 1_000_000,
  perCandidatePerDay: 1_000_000,
  previewsPerMinute: 1_000_000,
  selfServePerIpPerHour: 1_000_000,
};

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

/** One message as the SES stand-in stores it (its `GET /store`). */
export interface CapturedEmail {
  messageId: string;
  from: string;
  replyTo: string[];
  destination: { to: string[]; cc: string[]; bcc: string[] };
  subject: string;
  body: { text?: string; html?: string };
  at: number;
}

/**
 * The SES stand-in's store, as `GET /_local/mail` shows it, with what the runtime kept of each
 * message (see mail-headers.ts): its headers, and its Bcc copies (the destinations besides To).
 */
function sesMailbox(sesUrl: string, kept: ReturnType<typeof keepMailHeaders>) {
  return {
    async list(): Promise<CapturedMail[]> {
      const res = await fetch(`${sesUrl}/store`);
      const { emails } = (await res.json()) as { emails: CapturedEmail[] };
      return emails.map((e) => {
        const extra = kept.get(e.messageId);
        const named = new Set([...e.destination.to, ...e.destination.cc].map(bareAddress));
        const bcc = extra ? extra.destinations.filter((d) => !named.has(bareAddress(d))) : e.destination.bcc;
        return {
          from: e.from,
          to: e.destination.to,
          cc: e.destination.cc,
          bcc,
          replyTo: e.replyTo,
          subject: e.subject,
          text: e.body.text ?? '',
          html: e.body.html ?? '',
          at: new Date(e.at * 1000).toISOString(),
          headers: extra?.headers ?? {},
        };
      });
    },
    async clear(): Promise<void> {
      const res = await fetch(`${sesUrl}/clear-store`, { method: 'POST' });
      if (!res.ok) throw new Error(`the mailbox was not cleared (${res.status})`);
      kept.clear();
    },
  };
}

/** `"Name" <a@example.com>` or `a@example.com` → `a@example.com`, lower case. */
function bareAddress(mailbox: string): string {
  const open = mailbox.lastIndexOf('<');
  const close = mailbox.lastIndexOf('>');
  return (open !== -1 && close > open ? mailbox.slice(open + 1, close) : mailbox).trim().toLowerCase();
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
  acceptLoopbackHostsOnly(dynamo); // DNS rebinding: see loopback.ts
  const dynamoPort = await listen(dynamo, options.dynamoPort ?? 0);
  const dynaliteUrl = `http://127.0.0.1:${dynamoPort}`;
  const ses = options.mailUrl ? undefined : await startMailServer(options.mailPort ?? 0);
  const sesUrl = ses
    ? `http://127.0.0.1:${(ses.address() as AddressInfo).port}`
    : (options.mailUrl as string);

  // The sender runs in-process when the emulator fires a schedule or gets an async invoke.
  let deliver: (payload: unknown) => Promise<void> = async () => {
    throw new Error('the sender is not ready yet');
  };
  // The table before the emulator: a schedule it fires at start must find its interview.
  await ensureTable({ region: REGION, endpoints: { dynamodb: dynaliteUrl } }, options.dataDir, log);
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
    [ENV.endpointDynamodb]: dynaliteUrl,
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
    [ENV.selfServe]: options.selfServe,
  };
  // The functions' own loaders read the variables, as at a Lambda cold start.
  const apiConfig = loadApiConfig(env);
  const senderConfig = loadSenderConfig(env);

  const clientOptions = { credentials: CREDENTIALS };
  const api = {
    db: dynamoClient(apiConfig, clientOptions),
    scheduler: schedulerClient(apiConfig, clientOptions),
    lambda: lambdaClient(apiConfig, clientOptions),
  };
  // The sender gets clients of its own, so faults can be injected into its calls alone.
  const sender = {
    db: dynamoClient(senderConfig, clientOptions),
    scheduler: api.scheduler,
    ses: sesClient(senderConfig, clientOptions),
  };
  for (const client of [api.db, sender.db]) options.instrument?.dynamoClient?.(client);
  injectDynamoFaults(sender.db, faults);
  injectSesFaults(sender.ses, faults);
  const mailHeaders = keepMailHeaders(sender.ses, REGION);
  const metrics = new CountingMetrics();
  reportTimeZoneDisagreements(log);
  const runtime = { clock, log, metrics };
  const deps = senderDeps(senderConfig, sender, runtime);
  const send = async (payload: unknown) => {
    await sendEmail(deps, parseSendEvent(payload));
  };
  const aroundSend = options.instrument?.aroundSend;
  deliver = aroundSend ? (payload) => aroundSend(payload, () => send(payload)) : send;

  const sweeping = sweepDeps(loadSweepConfig(env), api, runtime);
  const publicUrl = options.publicUrl;
  let apiUrl = '';
  const counterKey = apiConfig.counterSecret ?? '';
  const appOptions = apiDeps(apiConfig, api, runtime, counterKey);
  const feedback = feedbackDeps(loadFeedbackConfig(env), api, runtime, counterKey);
  // Resolved per request, once the port is known.
  Object.defineProperty(appOptions, 'publicUrl', { get: () => publicUrl ?? apiUrl });
  const inviteOptions: InviteOptions = { clock };
  Object.defineProperty(inviteOptions, 'publicUrl', { get: () => publicUrl ?? apiUrl });
  const service = localService({
    api: createApp(appOptions),
    ...(apiConfig.selfServe && { invite: createInviteApp(inviteOptions) }),
    clock,
    dispatcher: {
      fireDue: () => emulator.fireDue(),
      settle: () => emulator.settle(),
      pendingTimes: () => emulator.pending().map((p) => p.at),
    },
    // The sweep wired as the Sweep function is on AWS, on the api's clients.
    store: sweeping.store,
    invoker: sweeping.invoker,
    mailbox: sesMailbox(sesUrl, mailHeaders),
    metrics,
    log,
  });

  const http = await new Promise<Server>((resolve, reject) => {
    const s = serve({ fetch: service.app.fetch, port: options.port ?? 0, hostname: '127.0.0.1' }, () =>
      resolve(s as Server),
    );
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
    store: appOptions.store,
    access: appOptions.access,
    scheduler: appOptions.scheduler,
    invoker: appOptions.invoker,
    feedback,
    counterKey,
    faults,
    advanceClock: service.advanceClock,
    sweep: service.sweep,
    metrics,
    async stop() {
      if (stopped) return;
      stopped = true;
      await service.stop();
      await close(http);
      await emulator.close();
      for (const client of [api.db, sender.db, api.scheduler, api.lambda, sender.ses]) client.destroy();
      if (ses) await close(ses);
      await close(dynamo);
      await compactTable(tablePath);
    },
  };
}
