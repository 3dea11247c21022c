/** Lambda entry for the HTTP API: config and clients once per container, then the Hono app. */
import { handle } from 'hono/aws-lambda';
import { DynamoAccessStore } from '../aws/access.js';
import { dynamoClient, lambdaClient, schedulerClient, secretsClient } from '../aws/clients.js';
import { LambdaSenderInvoker } from '../aws/invoker.js';
import { lambdaObservability } from '../aws/observability.js';
import { EventBridgeEmailScheduler } from '../aws/scheduler.js';
import { readSecret } from '../aws/secrets.js';
import { DynamoInterviewStore } from '../aws/store.js';
import { loadApiConfig } from '../config.js';
import { systemClock } from '../core/clock.js';
import { createApp } from './app.js';

const config = loadApiConfig(process.env);
const observability = lambdaObservability();
const db = dynamoClient(config);
// Once per container, before the first request: the counters' key from Secrets Manager.
const counterKey =
  config.counterSecret ?? (await readSecret(secretsClient(config), config.counterSecretArn ?? ''));
const app = createApp({
  store: new DynamoInterviewStore(db, config.tableName),
  access: new DynamoAccessStore(db, config.tableName),
  limits: config.limits,
  counterKey,
  linkAllowlist: config.linkAllowlist,
  scheduler: new EventBridgeEmailScheduler(schedulerClient(config), config.scheduleGroup, {
    functionArn: config.senderFunctionArn,
    roleArn: config.schedulerRoleArn,
    deadLetterArn: config.scheduleDlqArn,
  }),
  invoker: new LambdaSenderInvoker(lambdaClient(config), config.senderFunctionArn),
  clock: systemClock,
  log: observability.log,
  apiKeySha256: config.apiKeySha256,
  ...(config.publicUrl && { publicUrl: config.publicUrl }),
});

const serve = handle(app);

/** The API Gateway request id is the correlation key of every line a request logs. */
export const handler: typeof serve = (event, context) =>
  observability.invocation(
    context,
    { requestId: (event.requestContext as { requestId?: string } | undefined)?.requestId },
    () => serve(event, context),
  );
