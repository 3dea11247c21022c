/**
 * The emulator firing due schedules (order, pool, tick, retries, dead letters) and Lambda's Invoke
 * (Event with its retries, RequestResponse).
 */
import { InvokeCommand } from '@aws-sdk/client-lambda';
import {
  CreateScheduleCommand,
  type CreateScheduleCommandInput,
  GetScheduleCommand,
} from '@aws-sdk/client-scheduler';
import { describe, expect, it, vi } from 'vitest';
import {
  createInput,
  errorName,
  FUNCTION_ARN,
  lambda,
  QUEUE_ARN,
  scheduler,
  useEmulator,
} from './aws-emulator-setup.js';

const t = useEmulator();

describe('firing', () => {
  it('fires only once due, exactly once, with the parsed input, and deletes it after', async () => {
    const emulator = await t.start();
    const client = scheduler(emulator);
    await client.send(new CreateScheduleCommand(createInput('t1'))); // 2026-03-10T09:00 NY = 13:00Z

    t.clock.set(new Date('2026-03-10T12:59:59Z'));
    expect(await emulator.fireDue()).toEqual([]);
    expect(t.calls).toEqual([]);

    t.clock.set(new Date('2026-03-10T13:00:00Z'));
    const [first, second] = await Promise.all([emulator.fireDue(), emulator.fireDue()]);
    expect([...(first ?? []), ...(second ?? [])]).toEqual([
      { name: 't1', groupName: 'followups', at: '2026-03-10T13:00:00.000Z' },
    ]);
    expect(t.calls).toEqual([{ arn: FUNCTION_ARN, payload: { interviewId: 't1', kind: 'thank-you' } }]);

    expect(await emulator.fireDue()).toEqual([]);
    expect(t.calls).toHaveLength(1);
    expect(emulator.pending()).toEqual([]);
    expect(await errorName(client.send(new GetScheduleCommand({ Name: 't1', GroupName: 'followups' })))).toBe(
      'ResourceNotFoundException',
    );
  });

  it('fires in due order (ties by name), keeps NONE schedules without refiring, skips DISABLED', async () => {
    const emulator = await t.start();
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

    t.clock.set(new Date('2026-03-02T12:00:00Z'));
    const fired = await emulator.fireDue();
    expect(fired.map((f) => f.name)).toEqual(['a-early', 'b-early', 'late']);
    expect(t.calls.map((c) => (c.payload as { interviewId: string }).interviewId)).toEqual([
      'a-early',
      'b-early',
      'late',
    ]);

    const kept = await client.send(new GetScheduleCommand({ Name: 'a-early', GroupName: 'followups' }));
    expect(kept.ActionAfterCompletion).toBe('NONE');
    expect(await emulator.fireDue()).toEqual([]);
    expect(t.calls).toHaveLength(3);
    expect(emulator.pending().map((p) => p.name)).toEqual(['future']);
    const off = await client.send(new GetScheduleCommand({ Name: 'off', GroupName: 'followups' }));
    expect(off.State).toBe('DISABLED');
  });

  it('fires due schedules in parallel, in due order, never more than fireConcurrency at once', async () => {
    const emulator = await t.start({ fireConcurrency: 3 });
    let inFlight = 0;
    let most = 0;
    t.behaviour = async () => {
      most = Math.max(most, ++inFlight);
      await new Promise((resolve) => setTimeout(resolve, 5));
      inFlight -= 1;
    };
    const names = Array.from({ length: 10 }, (_, i) => `s${String(i).padStart(2, '0')}`);
    for (const name of names) await scheduler(emulator).send(new CreateScheduleCommand(createInput(name)));

    t.clock.set(new Date('2026-03-10T14:00:00Z'));
    expect((await emulator.fireDue()).map((f) => f.name)).toEqual(names);
    expect(t.calls.map((c) => (c.payload as { interviewId: string }).interviewId)).toEqual(names);
    expect(most).toBe(3);
    expect(emulator.pending()).toEqual([]);
  });

  it('fires on its own tick once the clock has moved past the instant', async () => {
    const emulator = await t.start({ tickMs: 10 });
    await scheduler(emulator).send(new CreateScheduleCommand(createInput('ticked')));
    t.clock.set(new Date('2026-03-10T14:00:00Z'));
    await vi.waitFor(() => expect(t.calls).toHaveLength(1));
    await vi.waitFor(() => expect(emulator.pending()).toEqual([]));
    expect(t.calls[0]?.payload).toEqual({ interviewId: 'ticked', kind: 'thank-you' });
  });

  it('retries a failed invocation until it succeeds', async () => {
    const emulator = await t.start();
    let failures = 1;
    t.behaviour = async () => {
      if (failures-- > 0) throw new Error('sender is down');
    };
    await scheduler(emulator).send(new CreateScheduleCommand(createInput('flaky')));
    t.clock.set(new Date('2026-03-11T00:00:00Z'));

    expect((await emulator.fireDue()).map((f) => f.name)).toEqual(['flaky']);
    expect(t.calls).toHaveLength(1); // fireDue waits for the first attempt only
    expect(emulator.pending().map((p) => p.name)).toEqual(['flaky']); // pending while its retry waits

    await vi.waitFor(() => expect(emulator.pending()).toEqual([]));
    expect(t.calls).toHaveLength(2);
    expect(t.calls[1]?.payload).toEqual({ interviewId: 'flaky', kind: 'thank-you' });
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
    const emulator = await t.start();
    t.behaviour = async () => {
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
    t.clock.set(new Date('2026-03-11T00:00:00Z'));
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
    expect(t.calls).toHaveLength(attempts);
    expect(emulator.pending()).toEqual([]);
    expect(
      await errorName(
        scheduler(emulator).send(new GetScheduleCommand({ Name: 'doomed', GroupName: 'followups' })),
      ),
    ).toBe('ResourceNotFoundException');
  });
});

describe('Lambda Invoke', () => {
  it('accepts an Event invocation with 202 and runs the target in the background', async () => {
    const emulator = await t.start();
    const out = await lambda(emulator).send(
      new InvokeCommand({
        FunctionName: FUNCTION_ARN,
        InvocationType: 'Event',
        Payload: new TextEncoder().encode(JSON.stringify({ interviewId: 'i-1', kind: 'confirmation' })),
      }),
    );
    expect(out.StatusCode).toBe(202);
    await emulator.settle();
    expect(t.calls).toEqual([{ arn: FUNCTION_ARN, payload: { interviewId: 'i-1', kind: 'confirmation' } }]);
  });

  it('retries a failing Event invocation twice, then dead-letters it', async () => {
    const emulator = await t.start();
    t.behaviour = async () => {
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
    expect(t.calls).toHaveLength(3);
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
    const emulator = await t.start();
    const client = lambda(emulator);
    const ok = await client.send(
      new InvokeCommand({ FunctionName: FUNCTION_ARN, Payload: new TextEncoder().encode('{"a":1}') }),
    );
    expect(ok.StatusCode).toBe(200);
    expect(ok.FunctionError).toBeUndefined();
    expect(new TextDecoder().decode(ok.Payload)).toBe('null');
    expect(t.calls).toEqual([{ arn: FUNCTION_ARN, payload: { a: 1 } }]);

    t.behaviour = async () => {
      throw new Error('bad input');
    };
    const failed = await client.send(
      new InvokeCommand({ FunctionName: FUNCTION_ARN, Payload: new TextEncoder().encode('{}') }),
    );
    expect(failed.StatusCode).toBe(200);
    expect(failed.FunctionError).toBe('Unhandled');
    expect(JSON.parse(new TextDecoder().decode(failed.Payload))).toMatchObject({ errorMessage: 'bad input' });
  });

  it('refuses other invocation types, and runs nothing', async () => {
    const emulator = await t.start();
    const dryRun = lambda(emulator).send(
      new InvokeCommand({
        FunctionName: FUNCTION_ARN,
        InvocationType: 'DryRun',
        Payload: new TextEncoder().encode('{}'),
      }),
    );
    expect(await errorName(dryRun)).toBe('InvalidParameterValueException');
    await emulator.settle();
    expect(t.calls).toEqual([]);
  });
});
