/**
 * Phase 2, intake overhead: POST /interviews through the local runtime, beside the raw I/O it must
 * do, issued directly with the SDK all at once: the same requests, each once (the item's write,
 * the five limit counters, the checkAt update, the two schedule
 * creations and the confirmation's async invoke). Interleaved in one run; then throughput at 50
 * concurrent clients. The ratio is what intake adds to its I/O: its order (two round trips where
 * the raw I/O takes one), the HTTP layer, the validation and the rendering.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InvokeCommand } from '@aws-sdk/client-lambda';
import { CreateScheduleCommand } from '@aws-sdk/client-scheduler';
import { PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { dynamoClient, lambdaClient, schedulerClient } from '../../lambdas/aws/clients.js';
import { localAws, NO_LIMITS, startLocalRuntime, TABLE_NAME } from '../../local/runtime.js';
import { FUNCTION_ENVIRONMENT, postInterview, submissionFor } from '../lifecycle.js';
import { type PhaseOptions, percentile, type Report } from '../report.js';

export async function intakeOverhead(report: Report, { quick }: PhaseOptions): Promise<void> {
  const dataDir = await mkdtemp(join(tmpdir(), 'bench-'));
  // The sender's runs (each intake's confirmation) wait until a sample pair is timed: on AWS the
  // sender is another function on another machine, off intake's critical path, but here it shares
  // this one process and would land inside whichever timing comes next.
  const held: (() => Promise<void>)[] = [];
  let holding = true;
  const runtime = await startLocalRuntime({
    dataDir,
    log: () => {},
    limits: NO_LIMITS,
    instrument: {
      aroundSend: (_payload, run) =>
        holding
          ? new Promise<void>((resolve, reject) => held.push(() => run().then(resolve, reject)))
          : run(),
    },
  });
  const drain = async () => {
    while (held.length > 0) await Promise.allSettled(held.splice(0).map((send) => send()));
  };
  const aws = localAws(runtime);
  const db = dynamoClient(aws.config, aws.options);
  const scheduler = schedulerClient(aws.config, aws.options);
  const lambda = lambdaClient(aws.config, aws.options);
  try {
    await fetch(`${runtime.apiUrl}/_local/clock`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ now: '2026-11-23T13:00:00.000Z' }),
    });
    let n = 0;
    const submit = async () => {
      const i = n++;
      const res = await postInterview(runtime, submissionFor('intake.bench.example.org', i));
      await res.arrayBuffer();
      return res.status;
    };
    const target = {
      Arn: FUNCTION_ENVIRONMENT.SENDER_FUNCTION_ARN,
      RoleArn: FUNCTION_ENVIRONMENT.SCHEDULER_ROLE_ARN,
      DeadLetterConfig: { Arn: FUNCTION_ENVIRONMENT.SCHEDULE_DLQ_ARN },
      RetryPolicy: { MaximumRetryAttempts: 10, MaximumEventAgeInSeconds: 21_600 },
    };
    let raw = 0;
    const rawIo = async () => {
      const id = `raw-${raw++}-${Date.now()}`;
      const item = { id, tokenHash: id, emails: {}, ownerKeyId: 'env', createdAt: new Date().toISOString() };
      // The limit counters: the per-key minute, day and interviewer windows, the all-keys
      // interviewer window and the candidate's confirmations (the previous minute is read only
      // near the per-minute limit, never with the limits lifted as here).
      const counters = ['minute', 'day', 'interviewer', 'all-keys', 'candidate'].map(
        (w) => `limit#raw#${w}#${id}`,
      );
      await Promise.all([
        db.send(
          new PutCommand({
            TableName: TABLE_NAME,
            Item: item,
            ConditionExpression: 'attribute_not_exists(id)',
          }),
        ),
        ...counters.map((counter) =>
          db.send(
            new UpdateCommand({
              TableName: TABLE_NAME,
              Key: { id: counter },
              UpdateExpression: 'ADD #n :one',
              ConditionExpression: 'attribute_not_exists(#n) OR #n < :limit',
              ExpressionAttributeNames: { '#n': 'count' },
              ExpressionAttributeValues: { ':one': 1, ':limit': 1_000_000 },
              ReturnValues: 'UPDATED_NEW',
            }),
          ),
        ),
        // The sweep's checkAt, written once the schedules exist.
        db.send(
          new UpdateCommand({
            TableName: TABLE_NAME,
            Key: { id: `checkat#${id}` },
            UpdateExpression: 'SET checkAt = :at',
            ExpressionAttributeValues: { ':at': '2027-01-01T10:05:00.000Z' },
          }),
        ),
        ...['thank-you', 'follow-up'].map((kind) =>
          scheduler.send(
            new CreateScheduleCommand({
              Name: `${id}-${kind}`,
              ScheduleExpression: 'at(2027-01-01T10:00:00)',
              ScheduleExpressionTimezone: 'America/New_York',
              FlexibleTimeWindow: { Mode: 'OFF' },
              ActionAfterCompletion: 'DELETE',
              Target: { ...target, Input: JSON.stringify({ interviewId: id, kind }) },
            }),
          ),
        ),
        lambda.send(
          new InvokeCommand({
            FunctionName: FUNCTION_ENVIRONMENT.SENDER_FUNCTION_ARN,
            InvocationType: 'Event',
            Payload: new TextEncoder().encode(JSON.stringify({ interviewId: id, kind: 'noop' })),
          }),
        ),
      ]);
    };
    const samples = quick ? 50 : 300;
    for (let i = 0; i < 20; i++) {
      await submit();
      await rawIo();
      await drain();
    }
    const intake: number[] = [];
    const io: number[] = [];
    for (let i = 0; i < samples; i++) {
      let t = performance.now();
      if ((await submit()) !== 201) throw new Error('intake failed');
      intake.push(performance.now() - t);
      t = performance.now();
      await rawIo();
      io.push(performance.now() - t);
      await drain();
    }
    await runtime.emulator.settle();
    report.row(
      'intake',
      `POST /interviews, ${samples} sequential: p50 / p99 (ms)`,
      `${percentile(intake, 50).toFixed(1)} / ${percentile(intake, 99).toFixed(1)}`,
    );
    report.row(
      'intake',
      'raw I/O (its 7 table requests, 2 schedules, invoke; parallel): p50 / p99',
      `${percentile(io, 50).toFixed(1)} / ${percentile(io, 99).toFixed(1)}`,
    );
    report.row(
      'intake',
      'p50 ratio intake / raw I/O',
      `${(percentile(intake, 50) / percentile(io, 50)).toFixed(2)}×`,
      'target ≤ 1.5×',
    );

    // From here on the sender runs as the confirmations come, as in the dispatch phase.
    holding = false;
    await drain();
    const seconds = quick ? 5 : 20;
    const deadline = performance.now() + seconds * 1000;
    let ok = 0;
    let errors = 0;
    await Promise.all(
      Array.from({ length: 50 }, async () => {
        while (performance.now() < deadline) {
          if ((await submit()) === 201) ok += 1;
          else errors += 1;
        }
      }),
    );
    await runtime.emulator.settle();
    report.row(
      'intake',
      `50 concurrent clients for ${seconds} s: requests per second`,
      (ok / seconds).toFixed(1),
      `${errors} errors (target 0)`,
    );
  } finally {
    db.destroy();
    scheduler.destroy();
    lambda.destroy();
    await runtime.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}
