/**
 * The port contracts (contracts.ts) on the AWS adapters, against the real local servers: the
 * DynamoDB stores on dynalite, the EventBridge scheduler and the Lambda invoker on the emulator,
 * the SES mailer on aws-ses-v2-local.
 */

import type { SESClient } from '@aws-sdk/client-ses';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACCESS_PREFIX, type DynamoAccessStore } from '../../lambdas/aws/access.js';
import { dynamoClient, sesClient } from '../../lambdas/aws/clients.js';
import { SesMailer } from '../../lambdas/aws/mailer.js';
import type { DynamoInterviewStore } from '../../lambdas/aws/store.js';
import { TABLE } from '../../lambdas/aws/table.js';
import { SUPPRESSION_DAYS } from '../../lambdas/core/access.js';
import type { SendEvent } from '../../lambdas/core/events.js';
import { type LocalRuntime, TABLE_NAME } from '../../local/runtime.js';
import { localAws, removeDir, start, tempDir } from '../integration/helpers.js';
import { accessStoreContract, interviewStoreContract } from './contracts.js';
import { invokerContract, mailerContract, schedulerContract } from './delivery.js';
import { historyContract } from './history.js';
import { replaceContract } from './replace.js';
import { suppressionStoreContract } from './suppression.js';

let dataDir = '';
let runtime: LocalRuntime;
let ses: SESClient;
/** What the emulator handed the in-process sender (recorded, then run as usual). */
const received: SendEvent[] = [];
beforeAll(async () => {
  dataDir = await tempDir();
  runtime = await start(dataDir, {
    instrument: {
      aroundSend: async (payload, run) => {
        received.push(payload as SendEvent);
        await run().catch(() => undefined); // an interview that does not exist: nothing to send
      },
    },
  });
  ses = sesClient({ region: 'us-east-1', endpoints: { ses: runtime.mailUrl } }, localAws(runtime).options);
});
afterAll(async () => {
  ses?.destroy();
  await runtime?.stop();
  await removeDir(dataDir);
});

interviewStoreContract(() => runtime.store as DynamoInterviewStore);
historyContract(() => runtime.store as DynamoInterviewStore);
replaceContract(() => runtime.store as DynamoInterviewStore);
accessStoreContract(() => runtime.access as DynamoAccessStore);
suppressionStoreContract(() => runtime.access as DynamoAccessStore);

describe('DynamoAccessStore suppression item', () => {
  it('is named by the HMAC alone, holds no address, and expires SUPPRESSION_DAYS after the latest event', async () => {
    const { config, options } = localAws(runtime);
    const db = dynamoClient(config, options);
    const id = 'c29tZS1obWFjLW9mLWFuLWFkZHJlc3M';
    await runtime.access.suppress(id, '2026-11-27T22:00:41.000Z', 'bounce');
    await runtime.access.suppress(id, '2026-11-28T10:00:00.000Z', 'complaint');
    await runtime.access.suppress(id, '2026-11-27T23:00:00.000Z', 'bounce'); // older: changes nothing
    const out = await db.send(
      new GetCommand({ TableName: TABLE_NAME, Key: { [TABLE.partitionKey]: ACCESS_PREFIX.suppressed + id } }),
    );
    db.destroy();
    expect(out.Item).toEqual({
      [TABLE.partitionKey]: `suppressed#${id}`,
      suppressedAt: '2026-11-28T10:00:00.000Z',
      reason: 'complaint',
      [TABLE.ttlAttribute]: Date.parse('2026-11-28T10:00:00.000Z') / 1000 + SUPPRESSION_DAYS * 86_400,
    });
  });
});
schedulerContract(
  () => runtime.scheduler,
  async () => runtime.emulator.pending().map((p) => p.name),
);
mailerContract(
  () => new SesMailer(ses),
  async () => {
    const { emails } = (await (await fetch(`${runtime.mailUrl}/store`)).json()) as {
      emails: { destination: { to: string[] }; subject: string }[];
    };
    return emails.map((e) => ({ to: e.destination.to, subject: e.subject }));
  },
);
invokerContract(
  () => runtime.invoker,
  async () => {
    await runtime.emulator.settle();
    return received;
  },
);
