/** Lambda entry for the sweep (an EventBridge rule invokes it every few minutes). */
import { dynamoClient, lambdaClient } from '../aws/clients.js';
import { lambdaObservability } from '../aws/observability.js';
import { loadSweepConfig } from '../config.js';
import { sweep } from '../usecases/sweep.js';
import { runtimeOf, sweepDeps } from '../wiring.js';

const config = loadSweepConfig(process.env);
const observability = lambdaObservability();
const clients = { db: dynamoClient(config), lambda: lambdaClient(config) };
const deps = sweepDeps(config, clients, runtimeOf(observability));

/** A failed run is simply the next run's work: nothing here needs Lambda's retries. */
export async function handler(_event: unknown, context?: unknown): Promise<void> {
  await observability.invocation(context, {}, () => sweep(deps));
}
