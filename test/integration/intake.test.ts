/**
 * Intake when a schedule cannot be created, or the submission is refused while its item is being
 * written: all or nothing. The store is the real local DynamoDB;
 * the scheduler port fails its second create, as EventBridge Scheduler would under an outage.
 */
import { GetScheduleCommand, SchedulerClient } from '@aws-sdk/client-scheduler';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dynamoClient } from '../../lambdas/aws/clients.js';
import { DynamoInterviewStore } from '../../lambdas/aws/store.js';
import type { EmailScheduler, OneTimeSchedule } from '../../lambdas/core/ports.js';
import { parseSubmission, type ValidSubmission } from '../../lambdas/core/schema.js';
import { type NewInterview, ServiceUnavailable, submitInterview } from '../../lambdas/usecases/interviews.js';
import { NOW, validBody } from '../fixtures.js';
import { localAws, quiet, useLocalRuntime } from './helpers.js';

const { ctx } = useLocalRuntime();
let db: ReturnType<typeof dynamoClient>;
let store: RecordingStore;

/** The real store, remembering the id of the interview it created. */
class RecordingStore extends DynamoInterviewStore {
  lastId = '';
  override async create(record: Parameters<DynamoInterviewStore['create']>[0]): Promise<boolean> {
    this.lastId = record.id;
    return super.create(record);
  }
}

beforeAll(() => {
  db = dynamoClient(localAws(ctx.runtime).config, localAws(ctx.runtime).options);
  store = new RecordingStore(db, 'interviews');
});
afterAll(() => db?.destroy());

class FlakyScheduler implements EmailScheduler {
  created: string[] = [];
  deleted: string[] = [];
  async create(schedule: OneTimeSchedule): Promise<void> {
    if (this.created.length > 0) throw new Error('ServiceUnavailable');
    this.created.push(schedule.name);
  }
  async delete(name: string): Promise<void> {
    this.deleted.push(name);
  }
}

/** submitInterview of the example body with the real store, a flaky scheduler and a recording invoker. */
function submitWith(options: Partial<NewInterview> = {}) {
  const scheduler = new FlakyScheduler();
  const invoked: unknown[] = [];
  const submitting = submitInterview(
    {
      store,
      scheduler,
      invoker: { invokeAsync: async (e) => void invoked.push(e) },
      clock: { now: () => NOW },
      log: quiet,
    },
    parseSubmission(validBody(), NOW) as ValidSubmission,
    { ownerKeyId: 'env', baseUrl: 'http://127.0.0.1:3000', ...options },
  );
  return { scheduler, invoked, submitting };
}

describe('intake when scheduling fails', () => {
  it('marks every email failed, deletes what it scheduled, queues no confirmation, and answers 503', async () => {
    const { scheduler, invoked, submitting } = submitWith();
    const thrown = await submitting.catch((err: unknown) => err);
    expect(thrown).toBeInstanceOf(ServiceUnavailable);
    const id = store.lastId;
    expect(scheduler.deleted.sort()).toEqual([`${id}-follow-up`, `${id}-thank-you`]);
    expect(invoked).toEqual([]);
    const record = await store.get(id);
    expect(record?.emails['thank-you']?.status).toBe('failed');
    expect(record?.emails['follow-up']?.status).toBe('failed');
    expect(record?.emails.confirmation.status).toBe('failed');
    expect(record?.emails['thank-you']?.reason).toContain('nothing will be sent');
  });

  it("a failed intake is never in the sweep's index, even when marking its emails failed fails too", async () => {
    class FailingAfterCreate extends RecordingStore {
      override async transition(): Promise<undefined> {
        throw new Error('the table did not answer');
      }
    }
    const failing = new FailingAfterCreate(db, 'interviews');
    const submitting = submitInterview(
      {
        store: failing,
        scheduler: new FlakyScheduler(),
        invoker: { invokeAsync: async () => {} },
        clock: { now: () => NOW },
        log: quiet,
      },
      parseSubmission(validBody(), NOW) as ValidSubmission,
      { ownerKeyId: 'env', baseUrl: 'http://127.0.0.1:3000' },
    );
    await expect(submitting).rejects.toThrow();
    const record = await store.get(failing.lastId);
    expect(record?.emails['thank-you']?.status).toBe('scheduled'); // left as it was…
    expect(record?.checkAt).toBeUndefined(); // …but the sweep will never send it
  });

  it.each([
    ['refused (a limit is full)', () => Promise.resolve(false), undefined],
    [
      'not answered (the limit counters failed)',
      () => Promise.reject(new Error('ProvisionedThroughputExceeded')),
      'ProvisionedThroughputExceeded',
    ],
  ])(
    'admission %s while the item was written and the schedules made: both are deleted, nothing queued',
    async (_, admitted, error) => {
      const { scheduler, invoked, submitting } = submitWith({ admitted: admitted() });
      if (error) await expect(submitting).rejects.toThrow(error);
      else expect(await submitting).toBeUndefined();
      expect(store.lastId).not.toBe('');
      expect(await store.get(store.lastId)).toBeUndefined();
      // Made at the same time as the item (one round trip), then deleted again: none stays.
      expect(scheduler.created.length).toBeGreaterThan(0);
      for (const name of scheduler.created) expect(scheduler.deleted).toContain(name);
      expect(invoked).toEqual([]);
    },
  );
});

describe('intake of a zone name as typed', () => {
  interface Email {
    kind: string;
    sendAt?: string;
    localSendAt?: string;
    timeZone: string;
  }

  it('stores and answers the canonical name, and schedules Vancouver at −07:00 from November 2026', async () => {
    await ctx.api.setClock('2026-11-20T12:00:00.000Z');
    const res = await ctx.api.submit({
      ...validBody(),
      interviewer: { name: 'Mrs. Hiring Manager', email: 'vancouver.manager@example.org' },
      interview: { endsAt: '2026-11-27T14:00', timeZone: 'canada/pacific' },
    });
    expect(res.status).toBe(201);
    const created = (await res.json()) as { id: string; emails: Email[] };
    const expected = [
      {
        kind: 'thank-you',
        sendAt: '2026-11-28T00:00:00.000Z', // 17:00 at −07:00, not 01:00Z as PST would have it
        localSendAt: '2026-11-27T17:00',
        timeZone: 'America/Vancouver',
      },
      {
        kind: 'follow-up',
        sendAt: '2026-12-02T17:00:00.000Z',
        localSendAt: '2026-12-02T10:00',
        timeZone: 'America/Vancouver',
      },
    ];
    expect(created.emails).toMatchObject(expected);
    const read = (await (await ctx.api.get(created.id)).json()) as { emails: Email[] };
    expect(read.emails).toMatchObject(expected);

    const scheduler = new SchedulerClient({
      region: 'us-east-1',
      endpoint: ctx.runtime.emulatorUrl,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    const got = await scheduler.send(
      new GetScheduleCommand({ Name: `${created.id}-thank-you`, GroupName: 'default' }),
    );
    scheduler.destroy();
    expect([got.ScheduleExpression, got.ScheduleExpressionTimezone]).toEqual([
      'at(2026-11-28T00:00:00)',
      'UTC',
    ]);
  });

  it('an unknown zone is a 400 naming interview.timeZone', async () => {
    const res = await ctx.api.submit({
      ...validBody(),
      interview: { endsAt: '2026-11-27T14:00', timeZone: 'Mars/Olympus' },
    });
    expect(res.status).toBe(400);
    const error = ((await res.json()) as { error: { fields: { path: string }[] } }).error;
    expect(error.fields.map((f) => f.path)).toEqual(['interview.timeZone']);
  });
});
