import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import {
  CreateScheduleCommand,
  type CreateScheduleCommandInput,
  DeleteScheduleCommand,
  GetScheduleCommand,
  ListSchedulesCommand,
  SchedulerClient,
} from '@aws-sdk/client-scheduler';
import { ClassicLevel } from 'classic-level';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type AwsEmulator, type AwsEmulatorOptions, startAwsEmulator } from '../../local/aws-emulator.js';
import { LocalClock } from '../../local/clock.js';

const FUNCTION_ARN = 'arn:aws:lambda:us-east-1:000000000000:function:sender';
const QUEUE_ARN = 'arn:aws:sqs:us-east-1:000000000000:some-target-queue';
const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };

interface Call {
  arn: string;
  payload: unknown;
}

let dataDir: string;
let clock: LocalClock;
let calls: Call[];
/** What the recording target does on each call (default: succeed). */
let behaviour: (call: Call) => Promise<void>;
const emulators: AwsEmulator[] = [];

async function start(overrides: Partial<AwsEmulatorOptions> = {}): Promise<AwsEmulator> {
  const emulator = await startAwsEmulator({
    dataDir,
    clock,
    invoke: async (arn, payload) => {
      const call = { arn, payload };
      calls.push(call);
      await behaviour(call);
    },
    tickMs: 3_600_000, // firing is driven by fireDue() unless a test wants the tick
    retryBaseMs: 10,
    log: () => {},
    ...overrides,
  });
  emulators.push(emulator);
  return emulator;
}

const scheduler = (emulator: AwsEmulator) =>
  new SchedulerClient({ endpoint: emulator.url, region: 'us-east-1', credentials });
const lambda = (emulator: AwsEmulator) =>
  new LambdaClient({ endpoint: emulator.url, region: 'us-east-1', credentials });

function createInput(
  name: string,
  overrides: Partial<CreateScheduleCommandInput> = {},
): CreateScheduleCommandInput {
  return {
    Name: name,
    GroupName: 'followups',
    ScheduleExpression: 'at(2026-03-10T09:00:00)',
    ScheduleExpressionTimezone: 'America/New_York',
    FlexibleTimeWindow: { Mode: 'OFF' },
    ActionAfterCompletion: 'DELETE',
    Target: {
      Arn: FUNCTION_ARN,
      RoleArn: 'arn:aws:iam::000000000000:role/scheduler',
      Input: JSON.stringify({ interviewId: name, kind: 'thank-you' }),
    },
    ...overrides,
  };
}

/** The rejection's error name, or a marker if the promise resolved. */
async function errorName(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'resolved';
  } catch (err) {
    return err instanceof Error ? err.name : String(err);
  }
}

beforeEach(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'aws-emulator-'));
  clock = new LocalClock();
  clock.set(new Date('2026-03-01T12:00:00Z'));
  calls = [];
  behaviour = async () => {};
});

afterEach(async () => {
  await Promise.all(emulators.splice(0).map((emulator) => emulator.close()));
  await rm(dataDir, { recursive: true, force: true });
});

describe('Scheduler API', () => {
  it('creates, gets, lists, deletes and rejects duplicates', async () => {
    const emulator = await start();
    const client = scheduler(emulator);

    const created = await client.send(new CreateScheduleCommand(createInput('followup-a')));
    expect(created.ScheduleArn).toBe(
      'arn:aws:scheduler:us-east-1:000000000000:schedule/followups/followup-a',
    );

    const got = await client.send(new GetScheduleCommand({ Name: 'followup-a', GroupName: 'followups' }));
    expect(got.Name).toBe('followup-a');
    expect(got.GroupName).toBe('followups');
    expect(got.Arn).toBe(created.ScheduleArn);
    expect(got.ScheduleExpression).toBe('at(2026-03-10T09:00:00)');
    expect(got.ScheduleExpressionTimezone).toBe('America/New_York');
    expect(got.State).toBe('ENABLED');
    expect(got.ActionAfterCompletion).toBe('DELETE');
    expect(got.FlexibleTimeWindow).toEqual({ Mode: 'OFF' });
    expect(got.Target?.Arn).toBe(FUNCTION_ARN);
    expect(got.Target?.RoleArn).toBe('arn:aws:iam::000000000000:role/scheduler');
    expect(JSON.parse(got.Target?.Input ?? 'null')).toEqual({ interviewId: 'followup-a', kind: 'thank-you' });
    expect(got.Target?.RetryPolicy).toEqual({ MaximumEventAgeInSeconds: 86400, MaximumRetryAttempts: 185 });
    // Epoch seconds on the wire, parsed by the SDK into a Date: the emulator clock's "now".
    expect(Math.abs((got.CreationDate?.getTime() ?? 0) - clock.now().getTime())).toBeLessThan(60_000);

    await client.send(new CreateScheduleCommand(createInput('followup-b')));
    await client.send(new CreateScheduleCommand(createInput('other')));
    await client.send(new CreateScheduleCommand(createInput('followup-c', { GroupName: 'elsewhere' })));

    const listed = await client.send(
      new ListSchedulesCommand({ GroupName: 'followups', NamePrefix: 'followup-' }),
    );
    expect(listed.Schedules?.map((s) => s.Name)).toEqual(['followup-a', 'followup-b']);
    expect(listed.Schedules?.[0]?.Target?.Arn).toBe(FUNCTION_ARN);
    expect(listed.Schedules?.[0]?.CreationDate).toBeInstanceOf(Date);
    expect(listed.NextToken).toBeUndefined();

    // Pagination across groups, deterministic by name.
    const names: string[] = [];
    let token: string | undefined;
    do {
      const page = await client.send(new ListSchedulesCommand({ MaxResults: 1, NextToken: token }));
      names.push(...(page.Schedules ?? []).map((s) => `${s.GroupName}/${s.Name}`));
      token = page.NextToken;
    } while (token);
    expect(names).toEqual([
      'followups/followup-a',
      'followups/followup-b',
      'elsewhere/followup-c',
      'followups/other',
    ]);

    expect(await errorName(client.send(new CreateScheduleCommand(createInput('followup-a'))))).toBe(
      'ConflictException',
    );

    await client.send(new DeleteScheduleCommand({ Name: 'followup-a', GroupName: 'followups' }));
    expect(
      await errorName(client.send(new GetScheduleCommand({ Name: 'followup-a', GroupName: 'followups' }))),
    ).toBe('ResourceNotFoundException');
    expect(
      await errorName(client.send(new DeleteScheduleCommand({ Name: 'followup-a', GroupName: 'followups' }))),
    ).toBe('ResourceNotFoundException');
    // The group matters: the same name in the default group does not exist.
    expect(await errorName(client.send(new GetScheduleCommand({ Name: 'followup-b' })))).toBe(
      'ResourceNotFoundException',
    );
  });

  it('rejects what it does not emulate or what AWS would not accept', async () => {
    const emulator = await start();
    const client = scheduler(emulator);
    const rejected = async (input: CreateScheduleCommandInput) => {
      try {
        await client.send(new CreateScheduleCommand(input));
      } catch (err) {
        return {
          name: err instanceof Error ? err.name : '',
          message: err instanceof Error ? err.message : '',
        };
      }
      return { name: 'resolved', message: '' };
    };

    const rate = await rejected(createInput('r', { ScheduleExpression: 'rate(5 minutes)' }));
    expect(rate.name).toBe('ValidationException');
    expect(rate.message).toMatch(/only one-time at\(/i);
    expect((await rejected(createInput('bad name!'))).name).toBe('ValidationException');
    expect((await rejected(createInput('d', { ScheduleExpression: 'at(2026-02-30T09:00:00)' }))).name).toBe(
      'ValidationException',
    );
    expect((await rejected(createInput('z', { ScheduleExpressionTimezone: 'Mars/Olympus' }))).name).toBe(
      'ValidationException',
    );
    expect((await rejected(createInput('f', { FlexibleTimeWindow: undefined }))).name).toBe(
      'ValidationException',
    );
    const retries = await rejected(
      createInput('p', {
        Target: {
          Arn: FUNCTION_ARN,
          RoleArn: 'arn:aws:iam::000000000000:role/scheduler',
          RetryPolicy: { MaximumRetryAttempts: 186 },
        },
      }),
    );
    expect(retries.name).toBe('ValidationException');
    const input = await rejected(
      createInput('i', {
        Target: { Arn: FUNCTION_ARN, RoleArn: 'arn:aws:iam::0:role/x', Input: '{not json' },
      }),
    );
    expect(input.name).toBe('ValidationException');
    expect(emulator.pending()).toEqual([]);
  });

  it('answers unknown routes with 404 and malformed JSON with 400, and keeps serving', async () => {
    const emulator = await start();
    const unknown = await fetch(`${emulator.url}/nothing/here`);
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get('x-amzn-errortype')).toBe('UnknownOperationException');
    expect(await unknown.json()).toHaveProperty('message');

    const malformed = await fetch(`${emulator.url}/schedules/x`, { method: 'POST', body: '{"Name":' });
    expect(malformed.status).toBe(400);
    expect(malformed.headers.get('x-amzn-errortype')).toBe('ValidationException');
    expect(await malformed.json()).toEqual({ Message: 'Request body is not valid JSON' });

    const badPayload = await fetch(`${emulator.url}/2015-03-31/functions/sender/invocations`, {
      method: 'POST',
      body: 'nope',
    });
    expect(badPayload.status).toBe(400);
    expect(badPayload.headers.get('x-amzn-errortype')).toBe('InvalidRequestContentException');

    await scheduler(emulator).send(new CreateScheduleCommand(createInput('still-up')));
    expect(emulator.pending().map((p) => p.name)).toEqual(['still-up']);
  });
});

describe('at() in a time zone', () => {
  it('converts wall-clock times across DST changes to the right instants', async () => {
    const emulator = await start();
    const client = scheduler(emulator);
    const cases: Array<[string, string, string]> = [
      ['ny-before-spring', 'at(2026-03-07T03:30:00)', '2026-03-07T08:30:00.000Z'], // EST, UTC-5
      ['ny-after-spring', 'at(2026-03-08T03:30:00)', '2026-03-08T07:30:00.000Z'], // EDT, UTC-4
      ['ny-before-fall', 'at(2026-10-31T01:30:00)', '2026-10-31T05:30:00.000Z'], // EDT
      ['ny-after-fall', 'at(2026-11-01T03:30:00)', '2026-11-01T08:30:00.000Z'], // EST again
    ];
    for (const [name, expression] of cases) {
      await client.send(new CreateScheduleCommand(createInput(name, { ScheduleExpression: expression })));
    }
    await client.send(
      new CreateScheduleCommand(
        createInput('utc-default', {
          ScheduleExpression: 'at(2026-03-08T03:30:00)',
          ScheduleExpressionTimezone: undefined,
        }),
      ),
    );

    const byName = new Map(emulator.pending().map((p) => [p.name, p.at]));
    for (const [name, , instant] of cases) expect(byName.get(name)).toBe(instant);
    expect(byName.get('utc-default')).toBe('2026-03-08T03:30:00.000Z');
  });
});

describe('firing', () => {
  it('fires only once due, exactly once, with the parsed input, and deletes it after', async () => {
    const emulator = await start();
    const client = scheduler(emulator);
    await client.send(new CreateScheduleCommand(createInput('t1'))); // 2026-03-10T09:00 NY = 13:00Z

    clock.set(new Date('2026-03-10T12:59:59Z'));
    expect(await emulator.fireDue()).toEqual([]);
    expect(calls).toEqual([]);

    clock.set(new Date('2026-03-10T13:00:00Z'));
    const [first, second] = await Promise.all([emulator.fireDue(), emulator.fireDue()]);
    expect([...(first ?? []), ...(second ?? [])]).toEqual([
      { name: 't1', groupName: 'followups', at: '2026-03-10T13:00:00.000Z' },
    ]);
    expect(calls).toEqual([{ arn: FUNCTION_ARN, payload: { interviewId: 't1', kind: 'thank-you' } }]);

    expect(await emulator.fireDue()).toEqual([]);
    expect(calls).toHaveLength(1);
    expect(emulator.pending()).toEqual([]);
    expect(await errorName(client.send(new GetScheduleCommand({ Name: 't1', GroupName: 'followups' })))).toBe(
      'ResourceNotFoundException',
    );
  });

  it('fires in due order (ties by name), keeps NONE schedules without refiring, skips DISABLED', async () => {
    const emulator = await start();
    const client = scheduler(emulator);
    const at = (name: string, expression: string, extra: Partial<CreateScheduleCommandInput> = {}) =>
      client.send(
        new CreateScheduleCommand(
          createInput(name, { ScheduleExpression: expression, ScheduleExpressionTimezone: 'UTC', ...extra }),
        ),
      );
    await at('late', 'at(2026-03-02T10:00:00)');
    await at('b-early', 'at(2026-03-02T09:00:00)');
    await at('a-early', 'at(2026-03-02T09:00:00)', { ActionAfterCompletion: 'NONE' });
    await at('off', 'at(2026-03-02T08:00:00)', { State: 'DISABLED' });
    await at('future', 'at(2026-03-03T00:00:00)');

    clock.set(new Date('2026-03-02T12:00:00Z'));
    const fired = await emulator.fireDue();
    expect(fired.map((f) => f.name)).toEqual(['a-early', 'b-early', 'late']);
    expect(calls.map((c) => (c.payload as { interviewId: string }).interviewId)).toEqual([
      'a-early',
      'b-early',
      'late',
    ]);

    const kept = await client.send(new GetScheduleCommand({ Name: 'a-early', GroupName: 'followups' }));
    expect(kept.ActionAfterCompletion).toBe('NONE');
    expect(await emulator.fireDue()).toEqual([]);
    expect(calls).toHaveLength(3);
    expect(emulator.pending().map((p) => p.name)).toEqual(['future']);
    const off = await client.send(new GetScheduleCommand({ Name: 'off', GroupName: 'followups' }));
    expect(off.State).toBe('DISABLED');
  });

  it('fires due schedules in parallel, in due order, never more than fireConcurrency at once', async () => {
    const emulator = await start({ fireConcurrency: 3 });
    let inFlight = 0;
    let most = 0;
    behaviour = async () => {
      most = Math.max(most, ++inFlight);
      await new Promise((resolve) => setTimeout(resolve, 5));
      inFlight -= 1;
    };
    const names = Array.from({ length: 10 }, (_, i) => `s${String(i).padStart(2, '0')}`);
    for (const name of names) await scheduler(emulator).send(new CreateScheduleCommand(createInput(name)));

    clock.set(new Date('2026-03-10T14:00:00Z'));
    expect((await emulator.fireDue()).map((f) => f.name)).toEqual(names);
    expect(calls.map((c) => (c.payload as { interviewId: string }).interviewId)).toEqual(names);
    expect(most).toBe(3);
    expect(emulator.pending()).toEqual([]);
  });

  it('fires on its own tick once the clock has moved past the instant', async () => {
    const emulator = await start({ tickMs: 10 });
    await scheduler(emulator).send(new CreateScheduleCommand(createInput('ticked')));
    clock.set(new Date('2026-03-10T14:00:00Z'));
    await vi.waitFor(() => expect(calls).toHaveLength(1));
    await vi.waitFor(() => expect(emulator.pending()).toEqual([]));
    expect(calls[0]?.payload).toEqual({ interviewId: 'ticked', kind: 'thank-you' });
  });

  it('retries a failed invocation until it succeeds', async () => {
    const emulator = await start();
    let failures = 1;
    behaviour = async () => {
      if (failures-- > 0) throw new Error('sender is down');
    };
    await scheduler(emulator).send(new CreateScheduleCommand(createInput('flaky')));
    clock.set(new Date('2026-03-11T00:00:00Z'));

    expect((await emulator.fireDue()).map((f) => f.name)).toEqual(['flaky']);
    expect(calls).toHaveLength(1); // fireDue waits for the first attempt only
    expect(emulator.pending().map((p) => p.name)).toEqual(['flaky']); // pending while its retry waits

    await vi.waitFor(() => expect(emulator.pending()).toEqual([]));
    expect(calls).toHaveLength(2);
    expect(calls[1]?.payload).toEqual({ interviewId: 'flaky', kind: 'thank-you' });
    expect(emulator.deadLetters()).toEqual([]);
  });

  it.each([
    // Scheduler hands a Lambda target over asynchronously: Lambda's two retries apply, not the policy.
    {
      what: 'a Lambda target: function errors get Lambda’s two async retries, then its on-failure destination',
      arn: FUNCTION_ARN,
      source: 'lambda',
      attempts: 3,
    },
    {
      what: 'another target: its RetryPolicy decides, then the schedule’s dead-letter queue',
      arn: QUEUE_ARN,
      source: 'scheduler',
      attempts: 2,
    },
  ])('$what', async ({ arn, source, attempts }) => {
    const emulator = await start();
    behaviour = async () => {
      throw new Error('always broken');
    };
    await scheduler(emulator).send(
      new CreateScheduleCommand(
        createInput('doomed', {
          Target: {
            Arn: arn,
            RoleArn: 'arn:aws:iam::000000000000:role/scheduler',
            Input: '{"interviewId":"doomed"}',
            RetryPolicy: { MaximumRetryAttempts: 1 },
            DeadLetterConfig: { Arn: 'arn:aws:sqs:us-east-1:000000000000:dlq' },
          },
        }),
      ),
    );
    clock.set(new Date('2026-03-11T00:00:00Z'));
    await emulator.fireDue();

    await vi.waitFor(() => expect(emulator.deadLetters()).toHaveLength(1));
    expect(emulator.deadLetters()[0]).toEqual({
      source,
      name: 'doomed',
      groupName: 'followups',
      target: arn,
      payload: { interviewId: 'doomed' },
      error: 'always broken',
      attempts,
      at: expect.stringMatching(/^2026-03-11T00:00/),
    });
    expect(calls).toHaveLength(attempts);
    expect(emulator.pending()).toEqual([]);
    expect(
      await errorName(
        scheduler(emulator).send(new GetScheduleCommand({ Name: 'doomed', GroupName: 'followups' })),
      ),
    ).toBe('ResourceNotFoundException');
  });
});

describe('persistence', () => {
  it('keeps pending schedules and dead letters across a restart, then fires them', async () => {
    const first = await start();
    behaviour = async () => {
      throw new Error('nope');
    };
    await lambda(first).send(
      new InvokeCommand({
        FunctionName: FUNCTION_ARN,
        InvocationType: 'Event',
        Payload: new TextEncoder().encode('{"lost":false}'),
      }),
    );
    await vi.waitFor(() => expect(first.deadLetters()).toHaveLength(1));
    behaviour = async () => {};
    await scheduler(first).send(new CreateScheduleCommand(createInput('survivor')));
    await first.close();

    const second = await start();
    expect(second.pending()).toEqual([
      { name: 'survivor', groupName: 'followups', at: '2026-03-10T13:00:00.000Z' },
    ]);
    expect(second.deadLetters().map((d) => [d.source, d.name, d.payload])).toEqual([
      ['lambda', 'sender', { lost: false }],
    ]);
    const got = await scheduler(second).send(
      new GetScheduleCommand({ Name: 'survivor', GroupName: 'followups' }),
    );
    expect(got.ScheduleExpression).toBe('at(2026-03-10T09:00:00)');

    const before = calls.length;
    clock.set(new Date('2026-03-10T13:00:01Z'));
    expect((await second.fireDue()).map((f) => f.name)).toEqual(['survivor']);
    expect(calls.slice(before)).toEqual([
      { arn: FUNCTION_ARN, payload: { interviewId: 'survivor', kind: 'thank-you' } },
    ]);
    expect(second.pending()).toEqual([]);
  });

  it('imports the scheduler.json of an earlier version once, and keeps it as scheduler.json.imported', async () => {
    // What the earlier version wrote: the whole state in one file.
    const nowMs = clock.now().getTime();
    const legacy = {
      version: 1,
      schedules: [
        {
          name: 'from-file',
          groupName: 'followups',
          expression: 'at(2026-03-10T09:00:00)',
          timezone: 'America/New_York',
          dueAtMs: Date.parse('2026-03-10T13:00:00Z'),
          state: 'ENABLED',
          flexibleTimeWindow: { Mode: 'OFF' },
          target: {
            Arn: FUNCTION_ARN,
            RoleArn: 'arn:aws:iam::000000000000:role/scheduler',
            Input: '{"interviewId":"from-file","kind":"thank-you"}',
            RetryPolicy: { MaximumEventAgeInSeconds: 86400, MaximumRetryAttempts: 185 },
          },
          actionAfterCompletion: 'DELETE',
          createdMs: nowMs,
          modifiedMs: nowMs,
          completed: false,
          attempts: 0,
        },
      ],
      deadLetters: [
        {
          source: 'lambda',
          name: 'sender',
          target: FUNCTION_ARN,
          payload: { interviewId: 'old' },
          error: 'down',
          attempts: 3,
          at: '2026-02-28T10:00:00.000Z',
        },
      ],
    };
    const file = path.join(dataDir, 'scheduler.json');
    await writeFile(file, JSON.stringify(legacy));

    const second = await start();
    expect(second.pending()).toEqual([
      { name: 'from-file', groupName: 'followups', at: '2026-03-10T13:00:00.000Z' },
    ]);
    expect(second.deadLetters().map((d) => d.payload)).toEqual([{ interviewId: 'old' }]);
    await expect(readFile(file, 'utf8')).rejects.toThrow(/ENOENT/);
    expect(JSON.parse(await readFile(`${file}.imported`, 'utf8'))).toEqual(legacy);
    await second.close();

    // A start that died between the import and the rename: the same file is not imported twice.
    await writeFile(file, JSON.stringify(legacy));
    const third = await start();
    expect(third.pending().map((p) => p.name)).toEqual(['from-file']);
    expect(third.deadLetters()).toHaveLength(1);
    clock.set(new Date('2026-03-10T13:00:01Z'));
    expect((await third.fireDue()).map((f) => f.name)).toEqual(['from-file']);
    expect(calls).toEqual([{ arn: FUNCTION_ARN, payload: { interviewId: 'from-file', kind: 'thank-you' } }]);
  });

  it('keeps a schedule whose retry is pending and retries it after a restart', async () => {
    const first = await start({ retryBaseMs: 3_600_000 }); // the retry would wait an hour of real time
    behaviour = async () => {
      throw new Error('down');
    };
    await scheduler(first).send(new CreateScheduleCommand(createInput('retry-me')));
    clock.set(new Date('2026-03-11T00:00:00Z'));
    await first.fireDue();
    expect(calls).toHaveLength(1);
    await first.close();

    behaviour = async () => {};
    const second = await start();
    expect(second.pending().map((p) => p.name)).toEqual(['retry-me']);
    expect((await second.fireDue()).map((f) => f.name)).toEqual(['retry-me']);
    expect(calls).toHaveLength(2);
    expect(second.pending()).toEqual([]);
    expect(second.deadLetters()).toEqual([]);
  });

  it('starts empty on an empty file and refuses a corrupt one', async () => {
    const file = path.join(dataDir, 'scheduler.json');
    await writeFile(file, '');
    const emulator = await start();
    expect(emulator.pending()).toEqual([]);
    await emulator.close();

    await writeFile(file, '{"version":1,"schedules":[{"name":');
    await expect(start()).rejects.toThrow(/scheduler\.json is corrupt/);
    // Refused, not dropped: the file is still there, and a later start still refuses it.
    expect(await readFile(file, 'utf8')).toBe('{"version":1,"schedules":[{"name":');
    await expect(start()).rejects.toThrow(/scheduler\.json is corrupt/);
  });

  it('refuses to start on a corrupt record in its database, and keeps the record', async () => {
    const first = await start();
    await scheduler(first).send(new CreateScheduleCommand(createInput('fine')));
    await first.close();
    const location = path.join(dataDir, 'scheduler-db');
    const db = new ClassicLevel<string, string>(location);
    await db.put('s!followups!broken', '{"name":"broken"');
    await db.close();

    await expect(start()).rejects.toThrow(/'s!followups!broken' in .*scheduler-db is corrupt/);
    await expect(start()).rejects.toThrow(/corrupt/); // the failed start let go of the database

    const again = new ClassicLevel<string, string>(location);
    expect(await again.get('s!followups!broken')).toBe('{"name":"broken"');
    expect(await again.get('s!followups!fine')).toContain('"name":"fine"');
    await again.close();
  });
});

describe('Lambda Invoke', () => {
  it('accepts an Event invocation with 202 and runs the target in the background', async () => {
    const emulator = await start();
    const out = await lambda(emulator).send(
      new InvokeCommand({
        FunctionName: FUNCTION_ARN,
        InvocationType: 'Event',
        Payload: new TextEncoder().encode(JSON.stringify({ interviewId: 'i-1', kind: 'confirmation' })),
      }),
    );
    expect(out.StatusCode).toBe(202);
    await emulator.settle();
    expect(calls).toEqual([{ arn: FUNCTION_ARN, payload: { interviewId: 'i-1', kind: 'confirmation' } }]);
  });

  it('retries a failing Event invocation twice, then dead-letters it', async () => {
    const emulator = await start();
    behaviour = async () => {
      throw new Error('handler crashed');
    };
    const out = await lambda(emulator).send(
      new InvokeCommand({
        FunctionName: 'sender',
        InvocationType: 'Event',
        Payload: new TextEncoder().encode('[1]'),
      }),
    );
    expect(out.StatusCode).toBe(202);
    await vi.waitFor(() => expect(emulator.deadLetters()).toHaveLength(1));
    expect(calls).toHaveLength(3);
    expect(emulator.deadLetters()[0]).toMatchObject({
      source: 'lambda',
      name: 'sender',
      target: 'sender',
      payload: [1],
      error: 'handler crashed',
      attempts: 3,
    });
  });

  it('runs a RequestResponse invocation and reports an unhandled error', async () => {
    const emulator = await start();
    const client = lambda(emulator);
    const ok = await client.send(
      new InvokeCommand({ FunctionName: FUNCTION_ARN, Payload: new TextEncoder().encode('{"a":1}') }),
    );
    expect(ok.StatusCode).toBe(200);
    expect(ok.FunctionError).toBeUndefined();
    expect(new TextDecoder().decode(ok.Payload)).toBe('null');
    expect(calls).toEqual([{ arn: FUNCTION_ARN, payload: { a: 1 } }]);

    behaviour = async () => {
      throw new Error('bad input');
    };
    const failed = await client.send(
      new InvokeCommand({ FunctionName: FUNCTION_ARN, Payload: new TextEncoder().encode('{}') }),
    );
    expect(failed.StatusCode).toBe(200);
    expect(failed.FunctionError).toBe('Unhandled');
    expect(JSON.parse(new TextDecoder().decode(failed.Payload))).toMatchObject({ errorMessage: 'bad input' });
  });
});
