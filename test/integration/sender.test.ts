/**
 * The sender's failure paths against the real local DynamoDB. Only the mail service is replaced,
 * by a Mailer that fails the way SES does when throttled or when it rejects a message: no local
 * server can be made to do either on demand.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dynamoClient } from '../../lambdas/aws/clients.js';
import { DynamoInterviewStore } from '../../lambdas/aws/store.js';
import type { OutgoingEmail } from '../../lambdas/core/emails.js';
import { MailError, type Mailer } from '../../lambdas/core/ports.js';
import { sendEmail } from '../../lambdas/sender/send.js';
import { validBody } from '../fixtures.js';
import { quiet, useLocalRuntime } from './helpers.js';

const { ctx } = useLocalRuntime();
let store: DynamoInterviewStore;
let db: ReturnType<typeof dynamoClient>;

beforeAll(async () => {
  await ctx.api.setClock('2026-11-27T19:30:00.000Z');
  db = dynamoClient(
    { region: 'us-east-1', endpoints: { dynamodb: ctx.runtime.dynamoUrl } },
    { credentials: { accessKeyId: 'local', secretAccessKey: 'local' } },
  );
  store = new DynamoInterviewStore(db, 'interviews');
});
afterAll(() => db?.destroy());

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

async function newInterviewId(): Promise<string> {
  const res = await ctx.api.submit(validBody());
  return ((await res.json()) as { id: string }).id;
}

const deps = (mailer: Mailer) => ({
  store,
  mailer,
  clock: ctx.runtime.clock,
  senderAddress: 'followup@example.com',
  log: quiet,
});

describe('sender failure paths', () => {
  it('a throttled send is released for a retry, and the retry sends it once', async () => {
    const id = await newInterviewId();
    const mailer = new ScriptedMailer([new MailError('Throttling', true)]);
    await expect(sendEmail(deps(mailer), { interviewId: id, kind: 'thank-you' })).rejects.toThrow(
      'Throttling',
    );
    expect((await store.get(id))?.emails['thank-you'].status).toBe('scheduled');
    expect(await sendEmail(deps(mailer), { interviewId: id, kind: 'thank-you' })).toBe('sent');
    expect(await sendEmail(deps(mailer), { interviewId: id, kind: 'thank-you' })).toBe('not-pending');
    expect(mailer.sent).toHaveLength(1);
    const state = (await store.get(id))?.emails['thank-you'];
    expect(state?.status).toBe('sent');
    expect(state?.messageId).toBe('message-1');
  });

  it('a rejected message ends as failed with the reason, and is never retried', async () => {
    const id = await newInterviewId();
    const mailer = new ScriptedMailer([new MailError('SES refused the message: MessageRejected', false)]);
    expect(await sendEmail(deps(mailer), { interviewId: id, kind: 'follow-up' })).toBe('failed');
    const state = (await store.get(id))?.emails['follow-up'];
    expect(state?.status).toBe('failed');
    expect(state?.reason).toContain('MessageRejected');
    expect(await sendEmail(deps(mailer), { interviewId: id, kind: 'follow-up' })).toBe('not-pending');
    expect(mailer.sent).toHaveLength(0);
  });

  it('an event for an interview that does not exist sends nothing', async () => {
    const mailer = new ScriptedMailer([]);
    expect(await sendEmail(deps(mailer), { interviewId: 'missing', kind: 'thank-you' })).toBe('not-found');
    expect(mailer.sent).toHaveLength(0);
  });
});
