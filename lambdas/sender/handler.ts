/** Lambda entry for the sender: config and clients once per container, then the use case. */

import { dynamoClient, schedulerClient, sesClient } from '../aws/clients.js';
import { lambdaObservability } from '../aws/observability.js';
import { loadSenderConfig } from '../config.js';
import { parseSendEvent, sendEmail } from '../usecases/send.js';
import { runtimeOf, senderDeps } from '../wiring.js';

const config = loadSenderConfig(process.env);
const observability = lambdaObservability();
const clients = { db: dynamoClient(config), scheduler: schedulerClient(config), ses: sesClient(config) };
const deps = senderDeps(config, clients, runtimeOf(observability));

/** Errors propagate on purpose: Lambda's retries and on-failure destination must see them. */
export async function handler(input: unknown, context?: unknown): Promise<void> {
  const event = parseSendEvent(input);
  await observability.invocation(context, { interviewId: event.interviewId, kind: event.kind }, () =>
    sendEmail(deps, event),
  );
}
