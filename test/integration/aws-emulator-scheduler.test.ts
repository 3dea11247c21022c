/** The emulator's Scheduler API as the SDK client sees it: the operations, what it refuses, at() in a zone. */
import {
  CreateScheduleCommand,
  type CreateScheduleCommandInput,
  DeleteScheduleCommand,
  GetScheduleCommand,
  ListSchedulesCommand,
} from '@aws-sdk/client-scheduler';
import { describe, expect, it } from 'vitest';
import { createInput, errorName, FUNCTION_ARN, scheduler, useEmulator } from './aws-emulator-setup.js';

const t = useEmulator();

describe('Scheduler API', () => {
  it('creates, gets, lists, deletes and rejects duplicates', async () => {
    const emulator = await t.start();
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
    expect(Math.abs((got.CreationDate?.getTime() ?? 0) - t.clock.now().getTime())).toBeLessThan(60_000);

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
    const emulator = await t.start();
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
    const emulator = await t.start();
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

  it('refuses a flexible time window: it fires at the instant itself', async () => {
    const emulator = await t.start();
    const input = createInput('flexible', {
      FlexibleTimeWindow: { Mode: 'FLEXIBLE', MaximumWindowInMinutes: 15 },
    });
    expect(await errorName(scheduler(emulator).send(new CreateScheduleCommand(input)))).toBe(
      'ValidationException',
    );
    expect(emulator.pending()).toEqual([]);
  });
});

describe('at() in a time zone', () => {
  it('converts wall-clock times across DST changes to the right instants', async () => {
    const emulator = await t.start();
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
