/** Lambda entry for the sweep (an EventBridge rule invokes it every few minutes). */
import { dynamoClient, lambdaClient } from '../aws/clients.js';
import { LambdaSenderInvoker } from '../aws/invoker.js';
import { lambdaObservability } from '../aws/observability.js';
import { DynamoInterviewStore } from '../aws/store.js';
import { loadSweepConfig } from '../config.js';
import { systemClock } from '../core/clock.js';
import { sweep } from './sweep.js';

const config = loadSweepConfig(process.env);
const observability = lambdaObservability();
const deps = {
  store: new DynamoInterviewStore(dynamoClient(config), config.tableName),
  invoker: new LambdaSenderInvoker(lambdaClient(config), config.senderFunctionArn),
  clock: systemClock,
  log: observability.log,
  metrics: observability.metrics,
};

/** A failed run is simply the next run's work: nothing here needs Lambda's retries. */
export async function handler(_event: unknown, context?: unknown): Promise<void> {
  await observability.invocation(context, {}, () => sweep(deps));
}
