/**
 * submitInterview's clean-up when a submission does not go ahead after its single round trip
 * (the item, the limits, the confirmation's count and the schedules at once), and the takeover of
 * a request that died, on the in-memory adapters.
 */
import { describe, expect, it } from 'vitest';
import type { InterviewRecord } from '../../lambdas/core/interview.js';
import { parseSubmission, type ValidSubmission } from '../../lambdas/core/schema.js';
import { MemoryInvoker, MemoryScheduler } from '../../lambdas/memory/scheduler.js';
import { MemoryInterviewStore } from '../../lambdas/memory/store.js';
import { type NewInterview, ServiceUnavailable, submitInterview } from '../../lambdas/usecases/interviews.js';
import { NOW, validBody } from '../fixtures.js';

const submission = () => parseSubmission(validBody(), NOW) as ValidSubmission;
const ID = '0f0f0f0f-0f0f-4f0f-8f0f-0f0f0f0f0f0f';

function service(store = new MemoryInterviewStore(), scheduler = new MemoryScheduler()) {
  const invoker = new MemoryInvoker();
  const deps = { store, scheduler, invoker, clock: { now: () => NOW }, log: () => {} };
  const confirmation = { taken: 0, givenBack: 0 };
  const counting = {
    allowed: async () => {
      confirmation.taken += 1;
      return true;
    },
    unused: async () => {
      confirmation.givenBack += 1;
    },
  };
  const submit = (options: Partial<NewInterview> = {}) =>
    submitInterview(deps, submission(), {
      ownerKeyId: 'env',
      baseUrl: 'https://followup.example.com',
      confirmation: counting,
      ...options,
    });
  return { store, scheduler, invoker, confirmation, submit };
}

describe('a submission that does not go ahead', () => {
  it('refused, with an item that cannot be deleted: no schedule stays, its emails end failed, the count is given back', async () => {
    class Undeletable extends MemoryInterviewStore {
      lastId = '';
      override async create(record: InterviewRecord) {
        this.lastId = record.id;
        return super.create(record);
      }
      override async discard(): Promise<void> {
        throw new Error('the table did not answer');
      }
    }
    const store = new Undeletable();
    const { scheduler, invoker, confirmation, submit } = service(store);
    expect(await submit({ admitted: Promise.resolve(false) })).toBeUndefined();
    expect(scheduler.pending()).toEqual([]);
    const left = await store.get(store.lastId);
    expect(Object.values(left?.emails ?? {}).map((e) => e?.status)).toEqual(['failed', 'failed', 'failed']);
    expect(invoker.take()).toEqual([]);
    expect(confirmation).toEqual({ taken: 1, givenBack: 1 });
  });

  it('a scheduling failure (503) gives the confirmation count back', async () => {
    class Failing extends MemoryScheduler {
      override async create(): Promise<void> {
        throw new Error('ServiceUnavailable');
      }
    }
    const { confirmation, invoker, submit } = service(undefined, new Failing());
    await expect(submit()).rejects.toBeInstanceOf(ServiceUnavailable);
    expect(invoker.take()).toEqual([]);
    expect(confirmation).toEqual({ taken: 1, givenBack: 1 });
  });
});

describe('taking over from a request that died', () => {
  async function died(confirmationStatus: 'scheduled' | 'sent') {
    const s = service();
    const first = await s.submit({ id: ID, admitted: Promise.resolve(true) });
    expect(first).toBeDefined();
    if (confirmationStatus === 'sent') {
      await s.store.transition(ID, 'confirmation', ['scheduled'], 'sending', {
        updatedAt: NOW.toISOString(),
      });
      await s.store.transition(ID, 'confirmation', ['sending'], 'sent', { updatedAt: NOW.toISOString() });
    }
    s.invoker.take();
    s.confirmation.taken = 0;
    return s;
  }

  it('refused by a limit: the interview it meant to resume keeps its schedules', async () => {
    const s = await died('scheduled');
    const before = s.scheduler.pending().map((p) => p.name);
    expect(before).toHaveLength(2);
    expect(await s.submit({ id: ID, resuming: true, admitted: Promise.resolve(false) })).toBeUndefined();
    expect(s.scheduler.pending().map((p) => p.name)).toEqual(before);
    expect((await s.store.get(ID))?.emails['thank-you']?.status).toBe('scheduled');
    expect(s.confirmation).toEqual({ taken: 0, givenBack: 0 });
  });

  it('admitted: resumes that interview, and counts its confirmation only if it is still to be sent', async () => {
    const s = await died('sent');
    const resumed = await s.submit({ id: ID, resuming: true, admitted: Promise.resolve(true) });
    expect(resumed?.id).toBe(ID);
    expect(s.scheduler.pending()).toHaveLength(2);
    expect(s.confirmation.taken).toBe(0);
    expect(s.invoker.take()).toEqual([]);
  });
});
