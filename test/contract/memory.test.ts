/** The port contracts (contracts.ts) on the in-memory adapters of lambdas/memory. */
import { MemoryAccessStore } from '../../lambdas/memory/access.js';
import { MemoryScheduler } from '../../lambdas/memory/scheduler.js';
import { MemoryInterviewStore } from '../../lambdas/memory/store.js';
import { accessStoreContract, interviewStoreContract, schedulerContract } from './contracts.js';

const store = new MemoryInterviewStore();
const access = new MemoryAccessStore();
const scheduler = new MemoryScheduler();

interviewStoreContract(() => store);
accessStoreContract(() => access);
schedulerContract(
  () => scheduler,
  async () => scheduler.pending().map((s) => s.name),
);
