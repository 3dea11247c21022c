/**
 * The port contracts (contracts.ts) on the AWS adapters, against the real local servers: the
 * DynamoDB stores on dynalite, the EventBridge scheduler on the emulator.
 */
import { afterAll, beforeAll } from 'vitest';
import type { DynamoAccessStore } from '../../lambdas/aws/access.js';
import type { DynamoInterviewStore } from '../../lambdas/aws/store.js';
import type { LocalRuntime } from '../../local/runtime.js';
import { removeDir, start, tempDir } from '../integration/helpers.js';
import { accessStoreContract, interviewStoreContract, schedulerContract } from './contracts.js';

let dataDir = '';
let runtime: LocalRuntime;
beforeAll(async () => {
  dataDir = await tempDir();
  runtime = await start(dataDir);
});
afterAll(async () => {
  await runtime?.stop();
  await removeDir(dataDir);
});

interviewStoreContract(() => runtime.store as DynamoInterviewStore);
accessStoreContract(() => runtime.access as DynamoAccessStore);
schedulerContract(
  () => runtime.scheduler,
  async () => runtime.emulator.pending().map((p) => p.name),
);
