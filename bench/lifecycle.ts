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

/** Panelist `p` (1, 2, …) of panel interview `i`: `int-<i>-<p>@domain`. */
export const panelistAddress = (domain: string, i: number, p: number) => `int-${i}-${p}@${domain}`;

/**
 * Interview `i` as `submissionFor` makes it, but with a panel of `size` interviewers (each at
 * panelistAddress) instead of one.
 */
export function panelSubmissionFor(domain: string, i: number, size: number) {
  const { interviewer: _one, ...rest } = submissionFor(domain, i);
  return {
    ...rest,
    interviewers: Array.from({ length: size }, (_, k) => ({
      name: `Interviewer ${i}.${k + 1}`,
      email: panelistAddress(domain, i, k + 1),
    })),
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

/**
 * An email as its recipients got it: the SES stand-in's message id and To and Cc, the Bcc copies
 * (destinations the service names in no header, which the stand-in cannot see: the runtime keeps
 * them, see local/mail-headers.ts), its subject and its header fields by lower-case name
 * (`in-reply-to` and `references` on a reply).
 */
export interface StoredEmail {
  messageId: string;
  destination: { to: string[]; cc: string[]; bcc: string[] };
  subject: string;
  headers: Record<string, string>;
}

/** Every recipient SES bills for an email: To, Cc and Bcc each. */
export const recipientsOf = (e: StoredEmail) => [
  ...e.destination.to,
  ...e.destination.cc,
  ...e.destination.bcc,
];

/** A follow-up answering in its thank-you's thread (subject "Re: Thank you for …"). */
export const isReply = (e: StoredEmail) => e.headers['in-reply-to'] !== undefined;

/** An email of `GET /_local/mail` (local/service.ts, CapturedMail): the parts read here. */
interface LocalMail {
  to: string[];
  cc: string[];
  bcc: string[];
  subject: string;
  headers: Record<string, string>;
}

/**
 * What the recipients got, as the local runtime's `GET /_local/mail` shows it (the stand-in's
 * store, with the Bcc copies and headers the runtime kept). Its store is one per process, so each
 * phase clears it first. The message id is the stand-in's, read back from the Message-ID header the
 * runtime gives each message ("<id@email.amazonses.com>", as SES names them in us-east-1).
 */
export async function mailbox(runtime: LocalRuntime): Promise<StoredEmail[]> {
  const res = await fetch(`${runtime.apiUrl}/_local/mail`);
  if (!res.ok) throw new Error(`GET /_local/mail answered ${res.status}`);
  return ((await res.json()) as LocalMail[]).map((m) => ({
    messageId: /^<([^@>]+)@/.exec(m.headers['message-id'] ?? '')?.[1] ?? '',
    destination: { to: m.to, cc: m.cc, bcc: m.bcc },
    subject: m.subject,
    headers: m.headers,
  }));
}

/** Empties the mailbox: the stand-in's store and what the runtime kept beside it. */
export async function clearMailbox(runtime: LocalRuntime): Promise<void> {
  const res = await fetch(`${runtime.apiUrl}/_local/mail`, { method: 'DELETE' });
  await res.arrayBuffer();
  if (!res.ok) throw new Error(`DELETE /_local/mail answered ${res.status}`);
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
