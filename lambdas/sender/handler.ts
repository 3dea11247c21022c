/** Lambda entry for the sender: config and clients once per container, then the use case. */

import { dynamoClient, schedulerClient, sesClient } from '../aws/clients.js';
import { SesMailer } from '../aws/mailer.js';
import { lambdaObservability } from '../aws/observability.js';
import { EventBridgeEmailScheduler } from '../aws/scheduler.js';
import { DynamoInterviewStore } from '../aws/store.js';
import { loadSenderConfig } from '../config.js';
import { systemClock } from '../core/clock.js';
import { parseSendEvent, sendEmail } from './send.js';

const config = loadSenderConfig(process.env);
const observability = lambdaObservability();
const deps = {
  store: new DynamoInterviewStore(dynamoClient(config), config.tableName),
  mailer: new SesMailer(sesClient(config), config.sesConfigurationSet),
  scheduler: new EventBridgeEmailScheduler(schedulerClient(config), config.scheduleGroup, {
    functionArn: config.senderFunctionArn,
    roleArn: config.schedulerRoleArn,
    deadLetterArn: config.scheduleDlqArn,
  }),
  clock: systemClock,
  senderAddress: config.senderAddress,
  log: observability.log,
  metrics: observability.metrics,
};

/** Errors propagate on purpose: Lambda's retries and on-failure destination must see them. */
export async function handler(input: unknown, context?: unknown): Promise<void> {
  const event = parseSendEvent(input);
  await observability.invocation(context, { interviewId: event.interviewId, kind: event.kind }, () =>
    sendEmail(deps, event),
  );
}
