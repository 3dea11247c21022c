/**
 * The sweep (reconcile.ts, sweep.ts) through the local runtime: schedules deleted behind the
 * service's back, emails stuck in `sending`, and what a sweep reads.
 */
import { DeleteScheduleCommand, SchedulerClient } from '@aws-sdk/client-scheduler';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { dynamoClient } from '../../lambdas/aws/clients.js';
import { DynamoInterviewStore } from '../../lambdas/aws/store.js';
import { OVERDUE_MS, STUCK_MS, SWEEP_PERIOD_MINUTES } from '../../lambdas/core/reconcile.js';
import { validBody } from '../fixtures.js';
import { localAws, useLocalRuntime } from './helpers.js';

const { ctx } = useLocalRuntime();
let scheduler: SchedulerClient;
let db: ReturnType<typeof dynamoClient>;
let store: DynamoInterviewStore;

beforeAll(() => {
  const aws = localAws(ctx.runtime);
  scheduler = new SchedulerClient({ region: 'us-east-1', ...aws.options, endpoint: ctx.runtime.emulatorUrl });
  db = dynamoClient(aws.config, aws.options);
  store = new DynamoInterviewStore(db, 'interviews');
});
afterAll(() => {
  scheduler?.destroy();
  db?.destroy();
});

let serial = 0;
let interviewer = '';
beforeEach(async () => {
  serial += 1;
  interviewer = `hiring.manager.${serial}@example.org`;
  await ctx.api.setClock('2026-11-27T19:30:00.000Z');
});

async function submit(): Promise<string> {
  const res = await ctx.api.submit({
    ...validBody(),
    interviewer: { name: 'Mrs. Hiring Manager', email: interviewer },
  });
  expect(res.status).toBe(201);
  return ((await res.json()) as { id: string }).id;
}

const toInterviewer = async () => (await ctx.api.mail()).filter((m) => m.to.includes(interviewer));
const sweepNow = async () =>
  (await (await ctx.api.call('/_local/sweep', { method: 'POST' })).json()) as {
    looked: number;
    reconciled: number;
    stuck: number;
  };
const metrics = async () => (await (await ctx.api.call('/_local/metrics')).json()) as Record<string, number>;

describe('sweep', () => {
  it('an email whose schedule was deleted behind our back is sent once, within two sweep periods', async () => {
    const id = await submit(); // thank-you Friday 17:00 New York = 22:00Z
    await scheduler.send(new DeleteScheduleCommand({ Name: `${id}-thank-you`, GroupName: 'default' }));
    const before = (await metrics()).EmailsReconciled ?? 0;
    // The clock moves one sweep period at a time, as it would on its own; the runtime sweeps each time.
    const due = Date.parse('2026-11-27T22:00:00.000Z');
    let sentAfterPeriods = -1;
    for (let period = 0; period <= 3 && sentAfterPeriods < 0; period++) {
      await ctx.api.setClock(new Date(due + period * SWEEP_PERIOD_MINUTES * 60_000 + 1_000).toISOString());
      if ((await toInterviewer()).length > 0) sentAfterPeriods = period;
    }
    expect(sentAfterPeriods).toBeGreaterThan(0); // nothing fired it on time: it had no schedule
    expect(sentAfterPeriods).toBeLessThanOrEqual(2);
    expect((await metrics()).EmailsReconciled).toBeGreaterThan(before);
    // Further sweeps find nothing more to do for it.
    await ctx.api.setClock(new Date(due + 60 * 60_000).toISOString());
    await sweepNow();
    expect(await toInterviewer()).toHaveLength(1);
    expect((await store.get(id))?.emails['thank-you']?.status).toBe('sent');
  });

  it('a sweep racing the schedule itself still sends once', async () => {
    const id = await submit();
    await ctx.api.setClock('2026-11-27T22:06:00.000Z'); // the schedule fires, and a sweep runs
    await sweepNow();
    await sweepNow();
    expect(await toInterviewer()).toHaveLength(1);
    expect((await store.get(id))?.emails['thank-you']?.status).toBe('sent');
  });

  it('an email stuck in sending is reported as a metric, never re-sent', async () => {
    const id = await submit();
    await scheduler.send(new DeleteScheduleCommand({ Name: `${id}-thank-you`, GroupName: 'default' }));
    // Claimed by a sender that then died (SES may have taken it): stuck in `sending`.
    await store.transition(id, 'thank-you', ['scheduled'], 'sending', {
      updatedAt: '2026-11-27T22:00:00.000Z',
      claimId: 'died',
    });
    const stuckBefore = (await metrics()).EmailsStuck ?? 0;
    // Moving the clock past a sweep period runs a sweep, which finds it.
    const found = Date.parse('2026-11-27T22:00:00.000Z') + STUCK_MS + OVERDUE_MS;
    await ctx.api.setClock(new Date(found).toISOString());
    expect((await metrics()).EmailsStuck).toBe(stuckBefore + 1);
    // Counted again an hour later (not at every sweep), and still never sent.
    expect((await sweepNow()).stuck).toBe(0);
    await ctx.api.setClock(new Date(found + 60 * 60_000 + 1_000).toISOString());
    expect((await metrics()).EmailsStuck).toBe(stuckBefore + 2);
    expect(await toInterviewer()).toHaveLength(0);
    expect((await store.get(id))?.emails['thank-you']?.status).toBe('sending');
  });

  it('reads only what is due: interviews with nothing due are not looked at', async () => {
    // Everything earlier is settled by a sweep far ahead, then fifty interviews are made.
    await ctx.api.setClock('2026-12-20T12:00:00.000Z');
    await sweepNow();
    await ctx.api.setClock('2026-11-27T19:30:00.000Z');
    const ids: string[] = [];
    for (let i = 0; i < 50; i++) {
      interviewer = `panel.${serial}.${i}@example.org`;
      ids.push(await submit());
    }
    // The confirmations went at once; nothing of these fifty is due for hours.
    await ctx.api.setClock('2026-11-27T19:50:00.000Z');
    expect((await sweepNow()).looked).toBe(0);
    const record = await store.get(ids[0] ?? '');
    expect(record?.checkAt).toBe('2026-11-27T22:05:00.000Z'); // the thank-you's time + 5 minutes
  }, 60_000); // fifty submissions
});
