/**
 * What the phases that run the local runtime share: the environment the functions read, the
 * interviews they submit and the instants they jump to, the SES stand-in's mailbox, table scans.
 */
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { dynamoClient } from '../lambdas/aws/clients.js';
import { type LocalRuntime, localAws, TABLE_NAME } from '../local/runtime.js';
import { validBody } from '../test/fixtures.js';

/** The environment each function reads at cold start (values like the local runtime's). */
export const FUNCTION_ENVIRONMENT = {
  AWS_REGION: 'us-east-1',
  TABLE_NAME,
  SCHEDULE_GROUP: 'default',
  SENDER_FUNCTION_ARN: 'arn:aws:lambda:us-east-1:000000000000:function:interview-followup-sender',
  SCHEDULER_ROLE_ARN: 'arn:aws:iam::000000000000:role/interview-followup-scheduler',
  SCHEDULE_DLQ_ARN: 'arn:aws:sqs:us-east-1:000000000000:interview-followup-schedule-dlq',
  API_KEY_SHA256: '0'.repeat(64),
  SENDER_ADDRESS: 'followup@example.com',
  // As a value: on AWS the api reads it from Secrets Manager at cold start (one GetSecretValue,
  // a network round trip this offline measure leaves out).
  COUNTER_SECRET: 'bench-counter-secret-of-at-least-32-characters',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
};

/** Interview `i`: its own candidate and interviewer at `domain`; it ends 23 November 2026, 08:00 New York. */
export function submissionFor(domain: string, i: number) {
  return {
    ...validBody(),
    candidate: { name: `Candidate ${i}`, email: `cand-${i}@${domain}`, phone: '123-456-7890' },
    interviewer: { name: `Interviewer ${i}`, email: `int-${i}@${domain}` },
    interview: { endsAt: '2026-11-23T08:00', timeZone: 'America/New_York' },
  };
}

/** POST /interviews with the runtime's own API key. */
export function postInterview(runtime: LocalRuntime, body: unknown): Promise<Response> {
  return fetch(`${runtime.apiUrl}/interviews`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${runtime.apiKey}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
}

/** Every interview of the dispatch and cost phases ends Monday 23 November 2026, 08:00 in New York (13:00Z). */
export const SUBMITTED_AT = '2026-11-23T13:05:00.000Z';
/** A minute past the thank-you (end + 3 h, 11:00 in New York, the default). */
export const AFTER_THANK_YOU = '2026-11-23T16:01:00.000Z';
/** A minute past the follow-up: 10:00 in New York on the third business day, Thursday 26. */
export const AFTER_FOLLOW_UP = '2026-11-26T15:01:00.000Z';

/** An email as the SES stand-in keeps it (GET /store). */
export interface StoredEmail {
  messageId: string;
  destination: { to: string[]; cc: string[]; bcc: string[] };
}

export const recipientsOf = (e: StoredEmail) => [
  ...e.destination.to,
  ...e.destination.cc,
  ...e.destination.bcc,
];

/** What the SES stand-in holds. Its store is one per process, so each phase clears it first. */
export async function mailbox(runtime: LocalRuntime): Promise<StoredEmail[]> {
  const res = await fetch(`${runtime.mailUrl}/store`);
  return ((await res.json()) as { emails: StoredEmail[] }).emails;
}

export async function clearMailbox(runtime: LocalRuntime): Promise<void> {
  const res = await fetch(`${runtime.mailUrl}/clear-store`, { method: 'POST' });
  await res.arrayBuffer();
}

export interface InterviewItem {
  id: string;
  emails: Record<string, { status: string; messageId?: string } | undefined>;
}

/** Every page of a scan, as one list. */
export async function scanAll<T, K>(
  page: (start?: K) => Promise<{ Items?: T[]; LastEvaluatedKey?: K }>,
): Promise<T[]> {
  const items: T[] = [];
  let start: K | undefined;
  do {
    const out = await page(start);
    items.push(...(out.Items ?? []));
    start = out.LastEvaluatedKey;
  } while (start);
  return items;
}

/** Every interview item, read straight from dynalite (a client of its own, never metered). */
export async function scanInterviews(runtime: LocalRuntime): Promise<InterviewItem[]> {
  const aws = localAws(runtime);
  const db = dynamoClient(aws.config, aws.options);
  try {
    const items = await scanAll((start?: Record<string, unknown>) =>
      db.send(
        new ScanCommand({
          TableName: TABLE_NAME,
          FilterExpression: 'attribute_exists(emails)',
          ...(start && { ExclusiveStartKey: start }),
        }),
      ),
    );
    return items as InterviewItem[];
  } finally {
    db.destroy();
  }
}

/** An `aroundSend` hook that records each sender run's milliseconds while `recording()` holds. */
export function timeSends(into: number[], recording: () => boolean) {
  return async (_payload: unknown, run: () => Promise<void>) => {
    const t = performance.now();
    try {
      await run();
    } finally {
      if (recording()) into.push(performance.now() - t);
    }
  };
}
