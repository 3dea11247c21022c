/** Lambda entry for SES feedback (EventBridge rule → this function). */
import { dynamoClient, schedulerClient, secretsClient } from '../aws/clients.js';
import { lambdaObservability } from '../aws/observability.js';
import { readSecret } from '../aws/secrets.js';
import { loadFeedbackConfig } from '../config.js';
import { handleFeedback } from '../usecases/feedback.js';
import { feedbackDeps, runtimeOf } from '../wiring.js';

const config = loadFeedbackConfig(process.env);
const observability = lambdaObservability();
// Once per container, as the api does: the key the suppression list's items are named by.
const counterKey =
  config.counterSecret ?? (await readSecret(secretsClient(config), config.counterSecretArn ?? ''));
const clients = { db: dynamoClient(config), scheduler: schedulerClient(config) };
const deps = feedbackDeps(config, clients, runtimeOf(observability), counterKey);

/**
 * Errors propagate on purpose: EventBridge invokes this function asynchronously, so Lambda retries
 * it twice and then keeps the event in the feedback failure queue (the rule's own dead-letter
 * queue only catches events EventBridge could not deliver).
 */
export async function handler(event: unknown, context?: unknown): Promise<void> {
  await observability.invocation(context, {}, () => handleFeedback(deps, event));
}
