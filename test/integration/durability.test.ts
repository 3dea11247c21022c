/**
 * What the local emulator answered with a 2xx survives `kill -9` right after the answer: the
 * emulator (and then the whole runtime) runs in a child process that is killed with SIGKILL, and a
 * new one on the same data folder must still hold and deliver what was acknowledged. Also: a
 * change costs the same few keys however many schedules are pending.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import {
  CreateScheduleCommand,
  type CreateScheduleCommandInput,
  DeleteScheduleCommand,
  SchedulerClient,
} from '@aws-sdk/client-scheduler';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LocalClock } from '../../local/clock.js';
import { type AwsEmulator, type StateWrites, startAwsEmulator } from '../../local/emulator/index.js';
import { startMailServer } from '../../local/runtime.js';
import { validBody } from '../fixtures.js';
import { type ChildScript, startScript } from '../support/child.js';

const FUNCTION_ARN = 'arn:aws:lambda:us-east-1:000000000000:function:sender';
const NOW = '2026-03-01T12:00:00.000Z';
const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };

let dataDir: string;
let clock: LocalClock;
let calls: unknown[];
const children: ChildScript[] = [];
const emulators: AwsEmulator[] = [];
const closers: Array<() => void> = [];

beforeEach(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'durability-'));
  clock = new LocalClock();
  clock.set(new Date(NOW));
  calls = [];
});

afterEach(async () => {
  await Promise.all(children.splice(0).map((child) => child.kill()));
  await Promise.all(emulators.splice(0).map((emulator) => emulator.close()));
  for (const close of closers.splice(0)) close();
  await rm(dataDir, { recursive: true, force: true });
});

/** The emulator in this process, on the test's data folder, recording what it invokes. */
async function startHere(): Promise<AwsEmulator> {
  const emulator = await startAwsEmulator({
    dataDir,
    clock,
    invoke: async (_arn, payload) => {
      calls.push(payload);
    },
    tickMs: 3_600_000,
    retryBaseMs: 5,
    log: () => {},
  });
  emulators.push(emulator);
  return emulator;
}

/** The emulator in a child process on the test's data folder; resolves with its URL. */
async function startChild(behaviour: 'ok' | 'hang' | 'fail'): Promise<{ child: ChildScript; url: string }> {
  const child = startScript('./emulator-child.ts', [dataDir, behaviour, NOW]);
  children.push(child);
  const { url } = await child.line((line) => typeof line.url === 'string');
  return { child, url: url as string };
}

function scheduler(url: string): SchedulerClient {
  const client = new SchedulerClient({ endpoint: url, region: 'us-east-1', credentials, maxAttempts: 1 });
  closers.push(() => client.destroy());
  return client;
}

function lambda(url: string): LambdaClient {
  const client = new LambdaClient({ endpoint: url, region: 'us-east-1', credentials, maxAttempts: 1 });
  closers.push(() => client.destroy());
  return client;
}

function createInput(name: string, at = 'at(2026-03-10T09:00:00)'): CreateScheduleCommandInput {
  return {
    Name: name,
    GroupName: 'followups',
    ScheduleExpression: at,
    ScheduleExpressionTimezone: 'America/New_York',
    FlexibleTimeWindow: { Mode: 'OFF' },
    ActionAfterCompletion: 'DELETE',
    Target: {
      Arn: FUNCTION_ARN,
      RoleArn: 'arn:aws:iam::000000000000:role/scheduler',
      Input: JSON.stringify({ interviewId: name, kind: 'thank-you' }),
    },
  };
}

const invokeEvent = (url: string, payload: unknown) =>
  lambda(url).send(
    new InvokeCommand({
      FunctionName: FUNCTION_ARN,
      InvocationType: 'Event',
      Payload: new TextEncoder().encode(JSON.stringify(payload)),
    }),
  );

describe('the emulator after kill -9', () => {
  it('keeps a schedule created, and forgets one deleted, just before the kill, and fires it', async () => {
    const { child, url } = await startChild('ok');
    const client = scheduler(url);
    await client.send(new CreateScheduleCommand(createInput('deleted')));
    await client.send(new CreateScheduleCommand(createInput('kept')));
    await client.send(new DeleteScheduleCommand({ Name: 'deleted', GroupName: 'followups' }));
    expect((await child.kill()).signal).toBe('SIGKILL'); // right after the last 200

    const emulator = await startHere();
    expect(emulator.pending()).toEqual([
      { name: 'kept', groupName: 'followups', at: '2026-03-10T13:00:00.000Z' },
    ]);
    clock.set(new Date('2026-03-10T13:00:01Z'));
    expect((await emulator.fireDue()).map((fired) => fired.name)).toEqual(['kept']);
    expect(calls).toEqual([{ interviewId: 'kept', kind: 'thank-you' }]);
  });

  it('delivers, once, an Event invocation answered 202 just before the kill', async () => {
    const { child, url } = await startChild('hang'); // its attempt is still running at the kill
    const out = await invokeEvent(url, { interviewId: 'i-1', kind: 'confirmation' });
    expect(out.StatusCode).toBe(202);
    await child.kill();

    const emulator = await startHere();
    await emulator.settle();
    expect(calls).toEqual([{ interviewId: 'i-1', kind: 'confirmation' }]);
    expect(emulator.deadLetters()).toEqual([]);

    // Done is done: a further restart does not deliver it again.
    await emulator.close();
    const again = await startHere();
    await again.settle();
    await again.fireDue();
    expect(calls).toHaveLength(1);
  });

  it('keeps a dead letter given up just before the kill, and does not run its invocation again', async () => {
    const { child, url } = await startChild('fail');
    const out = await invokeEvent(url, { interviewId: 'i-2', kind: 'confirmation' });
    expect(out.StatusCode).toBe(202);
    await child.line((line) => line.log === 'lambda: gave up, dead-lettered');
    await child.kill();

    const emulator = await startHere();
    expect(emulator.deadLetters()).toEqual([
      {
        source: 'lambda',
        name: 'sender',
        target: FUNCTION_ARN,
        payload: { interviewId: 'i-2', kind: 'confirmation' },
        error: 'the target is down',
        attempts: 3,
        at: expect.stringMatching(/^2026-03-01T12:00/),
      },
    ]);
    await emulator.settle();
    expect(calls).toEqual([]);
  });
});

describe('the cost of a change', () => {
  const delta = (before: StateWrites, after: StateWrites) => ({
    writes: after.writes - before.writes,
    keys: after.keys - before.keys,
    bytes: after.bytes - before.bytes,
  });

  it('is the same few keys and bytes with 2,000 schedules pending as with none', async () => {
    const emulator = await startHere();
    const create = async (name: string, at?: string) => {
      const input = createInput(name, at);
      const res = await fetch(`${emulator.url}/schedules/${name}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(input),
      });
      expect(res.status).toBe(200);
      await res.arrayBuffer();
    };
    const name = (i: number) => `pending-${String(i).padStart(4, '0')}`;

    let before = emulator.stateWrites();
    await create(name(0));
    const alone = delta(before, emulator.stateWrites());
    expect(alone).toMatchObject({ writes: 1, keys: 1 });

    await create('due-early', 'at(2026-03-02T09:00:00)');
    for (let i = 1; i < 2000; i += 25) {
      await Promise.all(Array.from({ length: Math.min(25, 2000 - i) }, (_, j) => create(name(i + j))));
    }
    expect(emulator.pending()).toHaveLength(2001);

    before = emulator.stateWrites();
    await create(name(2000));
    const crowded = delta(before, emulator.stateWrites());
    expect(crowded).toEqual(alone); // same record size: only its own key is written
    expect(crowded.bytes).toBeLessThan(2048); // the whole state would be about 1.5 MB

    before = emulator.stateWrites();
    const deleted = await fetch(`${emulator.url}/schedules/${name(7)}?groupName=followups`, {
      method: 'DELETE',
    });
    expect(deleted.status).toBe(200);
    expect(delta(before, emulator.stateWrites())).toMatchObject({ writes: 1, keys: 1 });

    before = emulator.stateWrites();
    clock.set(new Date('2026-03-02T14:00:01Z'));
    expect((await emulator.fireDue()).map((fired) => fired.name)).toEqual(['due-early']);
    const fired = delta(before, emulator.stateWrites()); // its first attempt's time, then its deletion
    expect(fired.keys).toBe(2);
    expect(fired.bytes).toBeLessThan(2048);

    before = emulator.stateWrites();
    await invokeEvent(emulator.url, { interviewId: 'i-3', kind: 'confirmation' });
    await emulator.settle();
    const invoked = delta(before, emulator.stateWrites()); // accepted, then done
    expect(invoked.keys).toBe(2);
    expect(invoked.bytes).toBeLessThan(1024);
    expect(emulator.pending()).toHaveLength(2000);
  });
});

describe('the whole local runtime after kill -9 right after the 201', () => {
  let mail: Server;
  let mailUrl: string;

  beforeEach(async () => {
    mail = await startMailServer(0); // in this process, so the mailbox outlives the kill
    mailUrl = `http://127.0.0.1:${(mail.address() as AddressInfo).port}`;
    closers.push(() => {
      mail.close();
      mail.closeAllConnections();
    });
  });

  const mailbox = async () =>
    ((await (await fetch(`${mailUrl}/store`)).json()) as { emails: unknown[] }).emails;

  async function startRuntime(hold: boolean) {
    const child = startScript('./runtime-child.ts', hold ? [dataDir, 'hold-sends'] : [dataDir], {
      MAIL_URL: mailUrl,
    });
    children.push(child);
    const ready = await child.line((line) => typeof line.apiUrl === 'string');
    return { child, apiUrl: ready.apiUrl as string, apiKey: ready.apiKey as string };
  }

  it('sends the confirmation, the thank-you and the follow-up exactly once each', async () => {
    // The runtime's clock is real time until set: an interview that ended half an hour ago.
    const first = await startRuntime(true); // sends held: none has begun at the kill
    const endsAt = new Date(Math.floor((Date.now() - 30 * 60_000) / 60_000) * 60_000).toISOString();
    const res = await fetch(`${first.apiUrl}/interviews`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${first.apiKey}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ ...validBody(), interview: { endsAt, timeZone: 'America/New_York' } }),
    });
    const created = (await res.json()) as { id: string; emails: Array<{ kind: string; sendAt: string }> };
    expect(res.status).toBe(201);
    expect((await first.child.kill()).signal).toBe('SIGKILL');
    expect(await mailbox()).toEqual([]);

    const second = await startRuntime(false);
    const sendAt = (kind: string) => {
      const at = created.emails.find((email) => email.kind === kind)?.sendAt;
      if (!at) throw new Error(`no ${kind} in ${JSON.stringify(created)}`);
      return new Date(Date.parse(at) + 30_000).toISOString();
    };
    const setClock = async (now: string) => {
      const moved = await fetch(`${second.apiUrl}/_local/clock`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ now }),
      });
      expect(moved.status).toBe(200);
      return (await moved.json()) as { fired: Array<{ name: string }> };
    };
    // Each jump fires what is due and waits for it, the confirmation accepted before the kill too.
    expect((await setClock(sendAt('thank-you'))).fired.map((f) => f.name)).toContain(
      `${created.id}-thank-you`,
    );
    expect((await setClock(sendAt('follow-up'))).fired.map((f) => f.name)).toEqual([
      `${created.id}-follow-up`,
    ]);

    const mails = (await (await fetch(`${second.apiUrl}/_local/mail`)).json()) as Array<{
      to: string[];
      subject: string;
    }>;
    const count = (to: string, subjectStart: string) =>
      mails.filter((m) => m.to.includes(to) && m.subject.startsWith(subjectStart)).length;
    expect({
      confirmation: count('reagan@example.com', 'Scheduled:'),
      thankYou: count('hiring.manager@example.org', 'Thank you'),
      followUp: count('hiring.manager@example.org', 'Re: Thank you'), // in the thank-you's thread
      all: mails.length,
    }).toEqual({ confirmation: 1, thankYou: 1, followUp: 1, all: 3 });

    expect(await second.child.kill('SIGTERM')).toEqual({ code: 0, signal: null });
  }, 120_000);
});
