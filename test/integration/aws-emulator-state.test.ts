/** The emulator's state across restarts: what it keeps, the one-time import of scheduler.json, corrupt state. */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { InvokeCommand } from '@aws-sdk/client-lambda';
import { CreateScheduleCommand, GetScheduleCommand } from '@aws-sdk/client-scheduler';
import { ClassicLevel } from 'classic-level';
import { describe, expect, it, vi } from 'vitest';
import { createInput, FUNCTION_ARN, lambda, scheduler, useEmulator } from './aws-emulator-setup.js';

const t = useEmulator();

describe('persistence', () => {
  it('keeps pending schedules and dead letters across a restart, then fires them', async () => {
    const first = await t.start();
    t.behaviour = async () => {
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
    t.behaviour = async () => {};
    await scheduler(first).send(new CreateScheduleCommand(createInput('survivor')));
    await first.close();

    const second = await t.start();
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

    const before = t.calls.length;
    t.clock.set(new Date('2026-03-10T13:00:01Z'));
    expect((await second.fireDue()).map((f) => f.name)).toEqual(['survivor']);
    expect(t.calls.slice(before)).toEqual([
      { arn: FUNCTION_ARN, payload: { interviewId: 'survivor', kind: 'thank-you' } },
    ]);
    expect(second.pending()).toEqual([]);
  });

  it('imports the scheduler.json of an earlier version once, and keeps it as scheduler.json.imported', async () => {
    // What the earlier version wrote: the whole state in one file.
    const nowMs = t.clock.now().getTime();
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
    const file = path.join(t.dataDir, 'scheduler.json');
    await writeFile(file, JSON.stringify(legacy));

    const second = await t.start();
    expect(second.pending()).toEqual([
      { name: 'from-file', groupName: 'followups', at: '2026-03-10T13:00:00.000Z' },
    ]);
    expect(second.deadLetters().map((d) => d.payload)).toEqual([{ interviewId: 'old' }]);
    await expect(readFile(file, 'utf8')).rejects.toThrow(/ENOENT/);
    expect(JSON.parse(await readFile(`${file}.imported`, 'utf8'))).toEqual(legacy);
    await second.close();

    // A start that died between the import and the rename: the same file is not imported twice.
    await writeFile(file, JSON.stringify(legacy));
    const third = await t.start();
    expect(third.pending().map((p) => p.name)).toEqual(['from-file']);
    expect(third.deadLetters()).toHaveLength(1);
    t.clock.set(new Date('2026-03-10T13:00:01Z'));
    expect((await third.fireDue()).map((f) => f.name)).toEqual(['from-file']);
    expect(t.calls).toEqual([
      { arn: FUNCTION_ARN, payload: { interviewId: 'from-file', kind: 'thank-you' } },
    ]);
  });

  it('keeps a schedule whose retry is pending and retries it after a restart', async () => {
    const first = await t.start({ retryBaseMs: 3_600_000 }); // the retry would wait an hour of real time
    t.behaviour = async () => {
      throw new Error('down');
    };
    await scheduler(first).send(new CreateScheduleCommand(createInput('retry-me')));
    t.clock.set(new Date('2026-03-11T00:00:00Z'));
    await first.fireDue();
    expect(t.calls).toHaveLength(1);
    await first.close();

    t.behaviour = async () => {};
    const second = await t.start();
    expect(second.pending().map((p) => p.name)).toEqual(['retry-me']);
    expect((await second.fireDue()).map((f) => f.name)).toEqual(['retry-me']);
    expect(t.calls).toHaveLength(2);
    expect(second.pending()).toEqual([]);
    expect(second.deadLetters()).toEqual([]);
  });

  it('starts empty on an empty file and refuses a corrupt one', async () => {
    const file = path.join(t.dataDir, 'scheduler.json');
    await writeFile(file, '');
    const emulator = await t.start();
    expect(emulator.pending()).toEqual([]);
    await emulator.close();

    await writeFile(file, '{"version":1,"schedules":[{"name":');
    await expect(t.start()).rejects.toThrow(/scheduler\.json is corrupt/);
    // Refused, not dropped: the file is still there, and a later start still refuses it.
    expect(await readFile(file, 'utf8')).toBe('{"version":1,"schedules":[{"name":');
    await expect(t.start()).rejects.toThrow(/scheduler\.json is corrupt/);
  });

  it('refuses to start on a corrupt record in its database, and keeps the record', async () => {
    const first = await t.start();
    await scheduler(first).send(new CreateScheduleCommand(createInput('fine')));
    await first.close();
    const location = path.join(t.dataDir, 'scheduler-db');
    const db = new ClassicLevel<string, string>(location);
    await db.put('s!followups!broken', '{"name":"broken"');
    await db.close();

    await expect(t.start()).rejects.toThrow(/'s!followups!broken' in .*scheduler-db is corrupt/);
    await expect(t.start()).rejects.toThrow(/corrupt/); // the failed start let go of the database

    const again = new ClassicLevel<string, string>(location);
    expect(await again.get('s!followups!broken')).toBe('{"name":"broken"');
    expect(await again.get('s!followups!fine')).toContain('"name":"fine"');
    await again.close();
  });
});
