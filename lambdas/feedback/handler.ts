/** Lambda entry for SES feedback (EventBridge rule → this function). */
import { dynamoClient, schedulerClient } from '../aws/clients.js';
import { lambdaObservability } from '../aws/observability.js';
import { EventBridgeEmailScheduler } from '../aws/scheduler.js';
import { DynamoInterviewStore } from '../aws/store.js';
import { loadFeedbackConfig } from '../config.js';
import { systemClock } from '../core/clock.js';
import { handleFeedback } from './feedback.js';

const config = loadFeedbackConfig(process.env);
const observability = lambdaObservability();
const deps = {
  store: new DynamoInterviewStore(dynamoClient(config), config.tableName),
  scheduler: new EventBridgeEmailScheduler(schedulerClient(config), config.scheduleGroup),
  clock: systemClock,
  log: observability.log,
};

/**
 * Errors propagate on purpose: EventBridge invokes this function asynchronously, so Lambda retries
 * it twice and then keeps the event in the feedback failure queue (the rule's own dead-letter
 * queue only catches events EventBridge could not deliver).
 */
export async function handler(event: unknown, context?: unknown): Promise<void> {
  await observability.invocation(context, {}, () => handleFeedback(deps, event));
}
