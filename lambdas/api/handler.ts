/** Lambda entry for the HTTP API: config and clients once per container, then the Hono app. */
import { handle } from 'hono/aws-lambda';
import { dynamoClient, lambdaClient, schedulerClient, secretsClient } from '../aws/clients.js';
import { lambdaObservability } from '../aws/observability.js';
import { readSecret } from '../aws/secrets.js';
import { loadApiConfig } from '../config.js';
import { apiDeps, runtimeOf } from '../wiring.js';
import { createApp } from './app.js';

const config = loadApiConfig(process.env);
const observability = lambdaObservability();
// Once per container, before the first request: the counters' key from Secrets Manager.
const counterKey =
  config.counterSecret ?? (await readSecret(secretsClient(config), config.counterSecretArn ?? ''));
const clients = {
  db: dynamoClient(config),
  scheduler: schedulerClient(config),
  lambda: lambdaClient(config),
};
const app = createApp(apiDeps(config, clients, runtimeOf(observability), counterKey));

const serve = handle(app);

/** The API Gateway request id is the correlation key of every line a request logs. */
export const handler: typeof serve = (event, context) =>
  observability.invocation(
    context,
    { requestId: (event.requestContext as { requestId?: string } | undefined)?.requestId },
    () => serve(event, context),
  );
