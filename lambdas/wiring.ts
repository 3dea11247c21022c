/**
 * The one wiring module: which adapter stands behind which port, for each function. Each
 * environment's composition root calls it with its own config, SDK clients and runtime (clock,
 * log, metrics): the Lambda handlers (`lambdas/<function>/handler.ts`) and the local runtime
 * (`local/runtime.ts`). The in-process tests wire the in-memory adapters of lambdas/memory
 * instead (test/support/in-process.ts). Each builder takes only the clients its function uses,
 * so a bundle never carries an SDK client it does not call.
 */

import type { LambdaClient } from '@aws-sdk/client-lambda';
import type { SchedulerClient } from '@aws-sdk/client-scheduler';
import type { SESClient } from '@aws-sdk/client-ses';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { AppOptions } from './api/app.js';
import { DynamoAccessStore } from './aws/access.js';
import { LambdaSenderInvoker } from './aws/invoker.js';
import { SesMailer } from './aws/mailer.js';
import { EventBridgeEmailScheduler } from './aws/scheduler.js';
import { DynamoInterviewStore } from './aws/store.js';
import type { ApiConfig, FeedbackConfig, SenderConfig, SweepConfig } from './config.js';
import { type Clock, systemClock } from './core/clock.js';
import type { Logger, Metrics } from './core/ports.js';
import type { FeedbackDeps } from './usecases/feedback.js';
import type { SenderDeps } from './usecases/send.js';
import type { SweepDeps } from './usecases/sweep.js';

/** What the environment gives every function besides its adapters. */
export interface Runtime {
  clock: Clock;
  log: Logger;
  metrics: Metrics;
}

/** A Lambda's runtime: the system clock, and the Powertools log and metrics of lambdaObservability. */
export function runtimeOf(observability: { log: Logger; metrics: Metrics }): Runtime {
  return { clock: systemClock, log: observability.log, metrics: observability.metrics };
}

/** Schedules that invoke the sender (intake, and the sender's own retries and moves). */
function schedulerOf(client: SchedulerClient, config: ApiConfig | SenderConfig): EventBridgeEmailScheduler {
  return new EventBridgeEmailScheduler(client, config.scheduleGroup, {
    functionArn: config.senderFunctionArn,
    roleArn: config.schedulerRoleArn,
    deadLetterArn: config.scheduleDlqArn,
  });
}

export function apiDeps(
  config: ApiConfig,
  clients: { db: DynamoDBDocumentClient; scheduler: SchedulerClient; lambda: LambdaClient },
  runtime: Runtime,
  /** The limit counters' HMAC key: COUNTER_SECRET, or the secret COUNTER_SECRET_ARN names. */
  counterKey: string,
): AppOptions {
  return {
    store: new DynamoInterviewStore(clients.db, config.tableName),
    access: new DynamoAccessStore(clients.db, config.tableName),
    scheduler: schedulerOf(clients.scheduler, config),
    invoker: new LambdaSenderInvoker(clients.lambda, config.senderFunctionArn),
    clock: runtime.clock,
    log: runtime.log,
    limits: config.limits,
    counterKey,
    linkAllowlist: config.linkAllowlist,
    ...(config.selfServe && { selfServe: true }),
    apiKeySha256: config.apiKeySha256,
    ...(config.publicUrl && { publicUrl: config.publicUrl }),
  };
}

export function senderDeps(
  config: SenderConfig,
  clients: { db: DynamoDBDocumentClient; scheduler: SchedulerClient; ses: SESClient },
  runtime: Runtime,
): SenderDeps {
  return {
    store: new DynamoInterviewStore(clients.db, config.tableName),
    mailer: new SesMailer(clients.ses, config.sesConfigurationSet),
    scheduler: schedulerOf(clients.scheduler, config),
    senderAddress: config.senderAddress,
    ...runtime,
  };
}

export function feedbackDeps(
  config: FeedbackConfig,
  clients: { db: DynamoDBDocumentClient; scheduler: SchedulerClient },
  runtime: Omit<Runtime, 'metrics'>,
  /** The api's counter key (as apiDeps takes it): the suppression list is keyed as the api reads it. */
  counterKey: string,
): FeedbackDeps {
  return {
    store: new DynamoInterviewStore(clients.db, config.tableName),
    // It only deletes schedules, so it needs no target.
    scheduler: new EventBridgeEmailScheduler(clients.scheduler, config.scheduleGroup),
    suppressions: new DynamoAccessStore(clients.db, config.tableName),
    counterKey,
    clock: runtime.clock,
    log: runtime.log,
  };
}

export function sweepDeps(
  config: SweepConfig,
  clients: { db: DynamoDBDocumentClient; lambda: LambdaClient },
  runtime: Runtime,
): SweepDeps & { store: DynamoInterviewStore } {
  return {
    store: new DynamoInterviewStore(clients.db, config.tableName),
    invoker: new LambdaSenderInvoker(clients.lambda, config.senderFunctionArn),
    ...runtime,
  };
}
