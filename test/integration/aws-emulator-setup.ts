/**
 * What the aws-emulator-*.test.ts files share: an emulator on a fresh data folder per test, with a
 * settable clock and a recording target, and the SDK clients and inputs they send it.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { type CreateScheduleCommandInput, SchedulerClient } from '@aws-sdk/client-scheduler';
import { afterEach, beforeEach } from 'vitest';
import { LocalClock } from '../../local/clock.js';
import { type AwsEmulator, type AwsEmulatorOptions, startAwsEmulator } from '../../local/emulator/index.js';

export const FUNCTION_ARN = 'arn:aws:lambda:us-east-1:000000000000:function:sender';
export const QUEUE_ARN = 'arn:aws:sqs:us-east-1:000000000000:some-target-queue';
const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };

export interface Call {
  arn: string;
  payload: unknown;
}

export interface EmulatorHarness {
  /** The test's data folder (a new one per test). */
  dataDir: string;
  /** Set to 2026-03-01T12:00:00Z before each test. */
  clock: LocalClock;
  /** What the target was called with, in order. */
  calls: Call[];
  /** What the recording target does on each call (default: succeed). */
  behaviour: (call: Call) => Promise<void>;
  /** An emulator on `dataDir`, closed after the test. */
  start(overrides?: Partial<AwsEmulatorOptions>): Promise<AwsEmulator>;
}

/** Registers the per-test set-up and tear-down; read the fields inside tests only. */
export function useEmulator(): EmulatorHarness {
  const emulators: AwsEmulator[] = [];
  const harness: EmulatorHarness = {
    dataDir: '',
    clock: new LocalClock(),
    calls: [],
    behaviour: async () => {},
    async start(overrides = {}) {
      const emulator = await startAwsEmulator({
        dataDir: harness.dataDir,
        clock: harness.clock,
        invoke: async (arn, payload) => {
          const call = { arn, payload };
          harness.calls.push(call);
          await harness.behaviour(call);
        },
        tickMs: 3_600_000, // firing is driven by fireDue() unless a test wants the tick
        retryBaseMs: 10,
        log: () => {},
        ...overrides,
      });
      emulators.push(emulator);
      return emulator;
    },
  };

  beforeEach(async () => {
    harness.dataDir = await mkdtemp(path.join(os.tmpdir(), 'aws-emulator-'));
    harness.clock = new LocalClock();
    harness.clock.set(new Date('2026-03-01T12:00:00Z'));
    harness.calls = [];
    harness.behaviour = async () => {};
  });

  afterEach(async () => {
    await Promise.all(emulators.splice(0).map((emulator) => emulator.close()));
    await rm(harness.dataDir, { recursive: true, force: true });
  });

  return harness;
}

export const scheduler = (emulator: AwsEmulator) =>
  new SchedulerClient({ endpoint: emulator.url, region: 'us-east-1', credentials });
export const lambda = (emulator: AwsEmulator) =>
  new LambdaClient({ endpoint: emulator.url, region: 'us-east-1', credentials });

export function createInput(
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
export async function errorName(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'resolved';
  } catch (err) {
    return err instanceof Error ? err.name : String(err);
  }
}
