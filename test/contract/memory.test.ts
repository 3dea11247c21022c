/** The port contracts (contracts.ts) on the in-memory adapters of lambdas/memory. */
import type { SendEvent } from '../../lambdas/core/events.js';
import { MemoryAccessStore } from '../../lambdas/memory/access.js';
import { MemoryMailer } from '../../lambdas/memory/mailer.js';
import { MemoryInvoker, MemoryScheduler } from '../../lambdas/memory/scheduler.js';
import { MemoryInterviewStore } from '../../lambdas/memory/store.js';
import { accessStoreContract, interviewStoreContract } from './contracts.js';
import { invokerContract, mailerContract, schedulerContract } from './delivery.js';
import { historyContract } from './history.js';
import { replaceContract } from './replace.js';
import { suppressionStoreContract } from './suppression.js';

const store = new MemoryInterviewStore();
const access = new MemoryAccessStore();
const scheduler = new MemoryScheduler();
const mailer = new MemoryMailer();
const invoker = new MemoryInvoker();
const received: SendEvent[] = [];
invoker.onInvoke = () => received.push(...invoker.take());

interviewStoreContract(() => store);
historyContract(() => store);
replaceContract(() => store);
accessStoreContract(() => access);
suppressionStoreContract(() => access);
schedulerContract(
  () => scheduler,
  async () => scheduler.pending().map((s) => s.name),
);
mailerContract(
  () => mailer,
  async () => mailer.sent,
);
invokerContract(
  () => invoker,
  async () => received,
);
