/**
 * The sender's failure paths against the real local DynamoDB. Only the mail service is replaced,
 * by a Mailer that fails the way SES does when throttled or when it rejects a message: no local
 * server can be made to do either on demand.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dynamoClient, schedulerClient } from '../../lambdas/aws/clients.js';
import { EventBridgeEmailScheduler } from '../../lambdas/aws/scheduler.js';
import { DynamoInterviewStore } from '../../lambdas/aws/store.js';
import type { OutgoingEmail } from '../../lambdas/core/emails.js';
import { CANCELLED_BY_REVOKE, type InterviewRecord } from '../../lambdas/core/interview.js';
import { CountingMetrics, MailError, type Mailer } from '../../lambdas/core/ports.js';
import { cancelPending } from '../../lambdas/usecases/cancel.js';
import { RETRY_DELAYS_MINUTES, sendEmail } from '../../lambdas/usecases/send.js';
import { validBody } from '../fixtures.js';
import { localAws, quiet, useLocalRuntime } from './helpers.js';

const { ctx } = useLocalRuntime();
let store: DynamoInterviewStore;
let db: ReturnType<typeof dynamoClient>;
let schedulerApi: ReturnType<typeof schedulerClient>;
let emailScheduler: EventBridgeEmailScheduler;

beforeAll(async () => {
  await ctx.api.setClock('2026-11-27T19:30:00.000Z');
  const aws = localAws(ctx.runtime);
  db = dynamoClient(aws.config, aws.options);
  store = new DynamoInterviewStore(db, 'interviews');
  schedulerApi = schedulerClient(aws.config, aws.options);
  emailScheduler = new EventBridgeEmailScheduler(schedulerApi, 'default', {
    functionArn: 'arn:aws:lambda:us-east-1:000000000000:function:interview-followup-sender',
    roleArn: 'arn:aws:iam::000000000000:role/interview-followup-scheduler',
    deadLetterArn: 'arn:aws:sqs:us-east-1:000000000000:interview-followup-schedule-dlq',
  });
});
afterAll(() => {
  db?.destroy();
  schedulerApi?.destroy();
});

class ScriptedMailer implements Mailer {
  sent: OutgoingEmail[] = [];
  constructor(private readonly failures: Error[]) {}
  async send(email: OutgoingEmail): Promise<string> {
    const failure = this.failures.shift();
    if (failure) throw failure;
    this.sent.push(email);
    return `message-${this.sent.length}`;
  }
}

/**
 * An interview whose thank-you is due at once (it ended at 10:00 in New York, so its 13:00 has
 * passed at 19:30 UTC: it goes at the next minute): the sender sends only what is due.
 */
async function newInterviewId(): Promise<string> {
  const res = await ctx.api.submit({
    ...validBody(),
    interview: { endsAt: '2026-11-27T10:00', timeZone: 'America/New_York' },
  });
  return ((await res.json()) as { id: string }).id;
}

/** What the cancel link's handler would be given (only the store and clock matter here). */
const apiDeps = () => ({
  store,
  scheduler: { create: async () => {}, delete: async () => {} },
  invoker: { invokeAsync: async () => {} },
  clock: ctx.runtime.clock,
  log: quiet,
});

const deps = (mailer: Mailer, metrics = new CountingMetrics()) => ({
  store,
  mailer,
  scheduler: emailScheduler,
  clock: ctx.runtime.clock,
  senderAddress: 'followup@example.com',
  log: quiet,
  metrics,
  quickRetryDelaysMs: [1, 1],
});

describe('sender failure paths', () => {
  it('the retry schedule goes out through the runtime by itself, and a refusal after the last delay fails the email', async () => {
    const id = await newInterviewId();
    const refusing = new ScriptedMailer([new MailError('Throttling', 'retry')]);
    expect(await sendEmail(deps(refusing), { interviewId: id, kind: 'thank-you' })).toBe('retrying');
    const { fired } = await ctx.api.setClock('2026-11-27T19:33:00.000Z');
    expect(fired.map((f) => f.name).some((n) => n.startsWith(`${id}-thank-you-r1-`))).toBe(true);
    expect((await store.get(id))?.emails['thank-you']?.status).toBe('sent'); // the runtime's own mailer
    await ctx.api.setClock('2026-11-27T19:30:00.000Z');

    const other = await newInterviewId();
    const always = new ScriptedMailer(Array.from({ length: 20 }, () => new MailError('Throttling', 'retry')));
    const last = RETRY_DELAYS_MINUTES.length;
    expect(await sendEmail(deps(always), { interviewId: other, kind: 'thank-you', attempt: last })).toBe(
      'failed',
    );
    const state = (await store.get(other))?.emails['thank-you'];
    expect(state?.status).toBe('failed');
    expect(state?.reason).toContain(`gave up after ${last + 1} tries`);
  });

  it('a throttled send is released and retried by a schedule of its own; the retry sends it once', async () => {
    await ctx.api.setClock('2026-11-27T19:30:00.000Z');
    const id = await newInterviewId();
    const mailer = new ScriptedMailer([new MailError('Throttling', 'retry')]);
    expect(await sendEmail(deps(mailer), { interviewId: id, kind: 'thank-you' })).toBe('retrying');
    expect((await store.get(id))?.emails['thank-you']?.status).toBe('scheduled');
    const retry = ctx.runtime.emulator.pending().find((p) => p.name.startsWith(`${id}-thank-you-r1-`));
    expect(retry?.at).toBe('2026-11-27T19:32:00.000Z'); // the next whole minute, plus one
    expect(await sendEmail(deps(mailer), { interviewId: id, kind: 'thank-you', attempt: 1 })).toBe('sent');
    expect(await sendEmail(deps(mailer), { interviewId: id, kind: 'thank-you' })).toBe('not-pending');
    expect(mailer.sent).toHaveLength(1);
    const state = (await store.get(id))?.emails['thank-you'];
    expect(state?.status).toBe('sent');
    expect(state?.messageId).toBe('message-1');
  });

  it('a rejected message ends as failed with the reason, and is never retried', async () => {
    const id = await newInterviewId();
    const mailer = new ScriptedMailer([new MailError('SES refused the message: MessageRejected', 'reject')]);
    expect(await sendEmail(deps(mailer), { interviewId: id, kind: 'thank-you' })).toBe('failed');
    const state = (await store.get(id))?.emails['thank-you'];
    expect(state?.status).toBe('failed');
    expect(state?.reason).toContain('MessageRejected');
    expect(await sendEmail(deps(mailer), { interviewId: id, kind: 'thank-you' })).toBe('not-pending');
    expect(mailer.sent).toHaveLength(0);
  });

  it('no answer from SES: the email stays sending and is never retried, so it cannot go out twice', async () => {
    const id = await newInterviewId();
    const mailer = new ScriptedMailer([new MailError('socket hang up', 'unknown')]);
    expect(await sendEmail(deps(mailer), { interviewId: id, kind: 'thank-you' })).toBe('unknown');
    expect((await store.get(id))?.emails['thank-you']?.status).toBe('sending');
    expect(await sendEmail(deps(mailer), { interviewId: id, kind: 'thank-you' })).toBe('not-pending');
    expect(mailer.sent).toHaveLength(0);
  });

  it('a cancel during a send that SES then refuses: the email ends cancelled and no retry sends it', async () => {
    const id = await newInterviewId();
    const record = await store.get(id);
    if (!record) throw new Error('no record');
    const racing: Mailer = {
      async send() {
        // The candidate presses cancel while the sender holds the email.
        const during = await cancelPending(apiDeps(), (await store.get(id)) ?? record);
        expect(during.emails['thank-you']?.status).toBe('sending');
        expect(during.emails['thank-you']?.cancelRequested).toBe(true);
        throw new MailError('Throttling', 'retry');
      },
    };
    expect(await sendEmail(deps(racing), { interviewId: id, kind: 'thank-you' })).toBe('cancelled');
    const after = (await store.get(id))?.emails['thank-you'];
    expect(after?.status).toBe('cancelled');
    const retry = new ScriptedMailer([]);
    expect(await sendEmail(deps(retry), { interviewId: id, kind: 'thank-you' })).toBe('not-pending');
    expect(retry.sent).toHaveLength(0);
  });

  it('a cancel during a refused send ends it with the reason of whoever cancelled', async () => {
    const id = await newInterviewId();
    const racing: Mailer = {
      async send() {
        // A revoke (or a DELETE, or a bounce) cancels while the sender holds the email.
        const current = await store.get(id);
        if (current) await cancelPending(apiDeps(), current, ['thank-you'], CANCELLED_BY_REVOKE);
        throw new MailError('Throttling', 'retry');
      },
    };
    expect(await sendEmail(deps(racing), { interviewId: id, kind: 'thank-you' })).toBe('cancelled');
    const after = (await store.get(id))?.emails['thank-you'];
    expect(after?.status).toBe('cancelled');
    expect(after?.reason).toBe(CANCELLED_BY_REVOKE);
  });

  it('a cancel during a send that SES accepts: the email is sent, and says so', async () => {
    const id = await newInterviewId();
    const racing: Mailer = {
      async send() {
        const current = await store.get(id);
        if (current) await cancelPending(apiDeps(), current);
        return 'message-accepted';
      },
    };
    expect(await sendEmail(deps(racing), { interviewId: id, kind: 'thank-you' })).toBe('sent');
    const after = await store.get(id);
    expect(after?.emails['thank-you']?.status).toBe('sent');
    expect(after?.emails['follow-up']?.status).toBe('cancelled');
  });

  it('an interview deleted before its send: the email ends cancelled and nothing is written', async () => {
    const id = await newInterviewId();
    await store.erase((await store.get(id)) as InterviewRecord, '2026-11-27T19:31:00.000Z');
    const mailer = new ScriptedMailer([]);
    expect(await sendEmail(deps(mailer), { interviewId: id, kind: 'thank-you' })).toBe('cancelled');
    expect(mailer.sent).toHaveLength(0);
    expect((await store.get(id))?.emails['thank-you']?.status).toBe('cancelled');
  });

  it('an invocation before the email is due sends nothing and leaves it scheduled', async () => {
    await ctx.api.setClock('2026-11-27T19:30:00.000Z');
    const id = await newInterviewId();
    const mailer = new ScriptedMailer([]);
    // The follow-up is due on 2 December; a direct or stray invocation now must not send it.
    expect(await sendEmail(deps(mailer), { interviewId: id, kind: 'follow-up' })).toBe('not-due');
    expect(mailer.sent).toHaveLength(0);
    const state = (await store.get(id))?.emails['follow-up'];
    expect(state?.status).toBe('scheduled');
    expect(state?.claimId).toBeUndefined();
    // Within the allowance for clock skew (two minutes) it goes.
    const early = { now: () => new Date(Date.parse(state?.sendAt ?? '') - 90_000) };
    expect(await sendEmail({ ...deps(mailer), clock: early }, { interviewId: id, kind: 'follow-up' })).toBe(
      'sent',
    );
    expect(mailer.sent).toHaveLength(1);
  });

  it('SES not reached (nothing sent): tried again at once, not a minute later, and sent once', async () => {
    const id = await newInterviewId();
    const metrics = new CountingMetrics();
    const mailer = new ScriptedMailer([
      new MailError('SES could not be reached: ECONNREFUSED', 'unsent'),
      new MailError('SES could not be reached: ECONNREFUSED', 'unsent'),
    ]);
    expect(await sendEmail(deps(mailer, metrics), { interviewId: id, kind: 'thank-you' })).toBe('sent');
    expect(mailer.sent).toHaveLength(1);
    expect(ctx.runtime.emulator.pending().some((p) => p.name.startsWith(`${id}-thank-you-r`))).toBe(false);
    expect(metrics.snapshot()).toMatchObject({ EmailsSent: 1, EmailsRetried: 0 });
  });

  it('a cancel during the quick tries wins: nothing was sent, so the email ends cancelled, not retried', async () => {
    const id = await newInterviewId();
    let calls = 0;
    const mailer: Mailer = {
      async send() {
        calls += 1;
        if (calls === 1) {
          const current = await store.get(id);
          if (current) await cancelPending(apiDeps(), current); // marks the `sending` email
        }
        throw new MailError('SES could not be reached: ECONNREFUSED', 'unsent');
      },
    };
    expect(await sendEmail(deps(mailer), { interviewId: id, kind: 'thank-you' })).toBe('cancelled');
    expect(calls).toBe(1);
    expect((await store.get(id))?.emails['thank-you']?.status).toBe('cancelled');
  });

  it('SES still not reached after the quick tries: released with its retry time, which the sweep respects', async () => {
    const id = await newInterviewId();
    const metrics = new CountingMetrics();
    const unreachable = () => new MailError('SES could not be reached: ECONNREFUSED', 'unsent');
    const mailer = new ScriptedMailer([unreachable(), unreachable(), unreachable()]);
    expect(await sendEmail(deps(mailer, metrics), { interviewId: id, kind: 'thank-you' })).toBe('retrying');
    const state = (await store.get(id))?.emails['thank-you'];
    expect(state?.status).toBe('scheduled');
    expect(state?.retryAt).toBe('2026-11-27T19:32:00.000Z');
    expect(metrics.snapshot()).toMatchObject({ EmailsSent: 0, EmailsRetried: 1 });
  });

  it('counts what happened: sent, failed and unknown outcomes each have their metric', async () => {
    const metrics = new CountingMetrics();
    const rejected = await newInterviewId();
    await sendEmail(deps(new ScriptedMailer([new MailError('MessageRejected', 'reject')]), metrics), {
      interviewId: rejected,
      kind: 'thank-you',
    });
    const lost = await newInterviewId();
    await sendEmail(deps(new ScriptedMailer([new MailError('socket hang up', 'unknown')]), metrics), {
      interviewId: lost,
      kind: 'thank-you',
    });
    const fine = await newInterviewId();
    await sendEmail(deps(new ScriptedMailer([]), metrics), { interviewId: fine, kind: 'thank-you' });
    expect(metrics.snapshot()).toMatchObject({ EmailsSent: 1, EmailsFailed: 1, EmailsUnknown: 1 });
  });

  it('an event for an interview that does not exist sends nothing', async () => {
    const mailer = new ScriptedMailer([]);
    expect(await sendEmail(deps(mailer), { interviewId: 'missing', kind: 'thank-you' })).toBe('not-found');
    expect(mailer.sent).toHaveLength(0);
  });
});
