/**
 * Local stand-in for AWS EventBridge Scheduler and for Lambda's Invoke API, served by one small
 * `node:http` server on 127.0.0.1 (a free port). It speaks the restJson1 wire protocol that the real
 * SDK v3 clients send when pointed at it through their `endpoint` option, so the production adapters
 * (lambdas/aws/scheduler.ts, lambdas/aws/invoker.ts) run against it unchanged.
 *
 * Implemented (the service sends CreateSchedule, DeleteSchedule and Event invokes; the rest is
 * there for the tests and for a developer looking at the local state):
 * - Scheduler (scheduler-api.ts): CreateSchedule, GetSchedule, DeleteSchedule, ListSchedules, for
 *   one-time `at()` schedules in any IANA zone, ENABLED or DISABLED, ActionAfterCompletion NONE or
 *   DELETE, a target's RetryPolicy and DeadLetterConfig. Due schedules fire in due order through a
 *   small pool (scheduler-firing.ts), on the tick or when fireDue() is called after moving the
 *   clock; a Lambda target gets Lambda's two asynchronous retries, any other the RetryPolicy.
 * - Lambda (lambda-invoke.ts): Invoke `Event` (written before its 202, two retries with backoff,
 *   then a dead letter) and `RequestResponse`.
 * - AWS-shaped errors: the status, the name in `x-amzn-errortype` and a JSON message, also for an
 *   unknown route (UnknownOperationException).
 * - Durability (store.ts, records.ts): whatever was answered with a 2xx survives `kill -9`.
 *
 * Deliberately not: rate() and cron() expressions and flexible time windows (refused: it fires
 * at the instant), UpdateSchedule and the other operations (UnknownOperationException), schedule
 * groups (any valid name is accepted as if it existed), ClientToken idempotency (a repeated name is
 * a ConflictException, which the adapter takes as done), StartDate, EndDate, Description, KMS keys
 * and other targets' parameters (ignored), ListSchedules' State filter (ignored), the DryRun
 * invocation type (refused), real dead-letter queues or on-failure destinations (read them with
 * deadLetters()), and authentication (any signature passes).
 */
import { mkdir } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Clock } from '../../lambdas/core/clock.js';
import { acceptLoopbackHostsOnly } from '../loopback.js';
import { ApiError, errorMessage, type Service, sendError, unknownOperation, validation } from './common.js';
import { Context, type InvokeTarget, type Log } from './context.js';
import { LambdaInvocations } from './lambda-invoke.js';
import type { DeadLetter } from './records.js';
import { handleScheduler } from './scheduler-api.js';
import { type FiredSchedule, Schedules } from './scheduler-firing.js';
import { openState, type StateWrites } from './store.js';

export type { DeadLetter, FiredSchedule, InvokeTarget, StateWrites };

/** Due schedules invoked at once unless `fireConcurrency` says otherwise. */
export const DEFAULT_FIRE_CONCURRENCY = 8;

export interface AwsEmulatorOptions {
  /** Schedules, dead letters and accepted async invocations are kept in `${dataDir}/scheduler-db`. */
  dataDir: string;
  /** The emulator's notion of now; may jump forward or backwards. */
  clock: Clock;
  /** Runs the target in-process; throws on failure. */
  invoke: InvokeTarget;
  /** How often due schedules are checked by themselves (real time; default 500). */
  tickMs?: number;
  /**
   * How many due schedules are invoked at once (default DEFAULT_FIRE_CONCURRENCY). Real Scheduler
   * fires due schedules in parallel, so the sender must already cope with overlapping invocations;
   * a small pool keeps that true locally without flooding the in-process servers.
   */
  fireConcurrency?: number;
  /** First retry delay for failed invocations (real time; default 1000), doubling, capped at 60 s. */
  retryBaseMs?: number;
  log?: Log;
  /** Fault injection: true when this schedule's first delivery should also arrive a second time. */
  duplicate?: () => boolean;
}

export interface AwsEmulator {
  /** Base URL for both AWS_ENDPOINT_URL_SCHEDULER and AWS_ENDPOINT_URL_LAMBDA. */
  url: string;
  /**
   * Fires every enabled schedule due at or before clock.now(), starting them in due-time order (ties
   * by name) with at most `fireConcurrency` in flight, and resolves once each one's first attempt has
   * finished (success or failure); it also waits for first attempts a tick started just before.
   * Retries continue in the background.
   * Returns the schedules this call fired.
   */
  fireDue(): Promise<FiredSchedule[]>;
  /** Resolves when no first attempt (scheduled or async-invoked) is in flight. */
  settle(): Promise<void>;
  /** Enabled schedules that have not completed yet (including ones waiting for a retry), by due time. */
  pending(): FiredSchedule[];
  deadLetters(): DeadLetter[];
  /**
   * What the state database has been given so far (counters for `npm run bench` and the tests; they
   * change nothing): `writes` batches committed, `keys` records put or deleted in them, `bytes` of
   * keys and values written, and the milliseconds spent building the values' JSON on the event loop.
   */
  stateWrites(): StateWrites;
  /** Stops timers, waits for in-flight attempts and pending writes, closes the server and the database. */
  close(): Promise<void>;
}

/** Routes a request to the Scheduler or the Lambda half and answers any error in the AWS shape. */
async function handle(
  ctx: Context,
  schedules: Schedules,
  lambda: LambdaInvocations,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://emulator');
  const method = req.method ?? 'GET';
  let segments: string[];
  try {
    segments = url.pathname
      .split('/')
      .filter((segment) => segment !== '')
      .map(decodeURIComponent);
  } catch {
    sendError(res, 'scheduler', validation('Malformed percent-encoding in the path'));
    return;
  }
  const service: Service = segments[0] === 'schedules' ? 'scheduler' : 'lambda';
  try {
    const [first, second, functionName, fourth] = segments;
    if (service === 'scheduler') {
      await handleScheduler(schedules, ctx.clock, req, res, url, segments);
    } else if (
      first === '2015-03-31' &&
      second === 'functions' &&
      functionName !== undefined &&
      fourth === 'invocations' &&
      segments.length === 4 &&
      method === 'POST'
    ) {
      await lambda.handle(req, res, functionName);
    } else {
      throw unknownOperation(method, url.pathname);
    }
  } catch (err) {
    if (err instanceof ApiError) {
      sendError(res, service, err);
      return;
    }
    ctx.log('aws-emulator: request failed', { method, path: url.pathname, error: errorMessage(err) });
    const code = service === 'scheduler' ? 'InternalServerException' : 'ServiceException';
    if (!res.headersSent) sendError(res, service, new ApiError(500, code, errorMessage(err)));
    else res.destroy();
  }
}

export async function startAwsEmulator(options: AwsEmulatorOptions): Promise<AwsEmulator> {
  await mkdir(options.dataDir, { recursive: true });
  const { store, state } = await openState(options.dataDir);
  const { clock } = options;
  const log: Log =
    options.log ??
    ((message, fields) =>
      process.stderr.write(
        `${JSON.stringify({ time: clock.now().toISOString(), component: 'aws-emulator', message, ...fields })}\n`,
      ));
  const ctx = new Context(store, clock, options.invoke, log, options.retryBaseMs ?? 1000);
  const fireConcurrency = Math.max(1, options.fireConcurrency ?? DEFAULT_FIRE_CONCURRENCY);
  const schedules = new Schedules(ctx, state.schedules, fireConcurrency, options.duplicate);
  const lambda = new LambdaInvocations(ctx, state.invocations);

  const server = createServer((req, res) => {
    // handle() answers its own errors; this is a last resort.
    handle(ctx, schedules, lambda, req, res).catch(() => res.destroy());
  });
  acceptLoopbackHostsOnly(server); // DNS rebinding: see loopback.ts
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (err) {
    await store.abandon().catch(() => undefined);
    throw err;
  }
  const { port } = server.address() as AddressInfo;

  /** Also starts, once, the async invocations a previous run left unfinished. */
  const startDue = () => {
    lambda.resume();
    return schedules.startDue();
  };
  const tick = setInterval(startDue, options.tickMs ?? 500);
  tick.unref();

  let closing: Promise<void> | undefined;
  return {
    url: `http://127.0.0.1:${port}`,
    fireDue: async () => {
      if (ctx.closed) throw new Error('AWS emulator is closed');
      lambda.resume();
      return schedules.fireDue();
    },
    settle: async () => {
      lambda.resume();
      await ctx.drained(schedules.batches, lambda.firstAttempts);
    },
    pending: () => schedules.pending(),
    deadLetters: () => store.deadLetters(),
    stateWrites: () => ({ ...store.stats }),
    close: () => {
      closing ??= (async () => {
        clearInterval(tick);
        ctx.closed = true;
        schedules.stop();
        lambda.stop();
        // Running targets may still call this server (e.g. delete a schedule), so it stays up until they end.
        await ctx.drained(ctx.running);
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
        await store.close(); // the writes still queued (requests answered while closing) first
      })();
      return closing;
    },
  };
}
