/**
 * The cost phase's prices and its dollars: us-east-1 list prices (the only prices in the bench,
 * each with where it was read), and the per-interview and per-1,000 rows of what a lifecycle used.
 */
import { FUNCTION_MEMORY_MB } from '../infra/bundling.js';
import type { Units } from './dynamo-meter.js';
import { median, type Report, sum } from './report.js';

export interface Price {
  /** Dollars per one unit. */
  usd: number;
  /** How the price is quoted: per million units, per 1,000, or per unit. */
  quotedPer: 1e6 | 1e3 | 1;
  per: string;
  /** Where the price was read (each on PRICES_READ_ON); the first is AWS's own page. */
  sources: string[];
  /** false: the search found the page but not this number on it; stated from the page as known. */
  confirmed: boolean;
}

export const PRICES_READ_ON = '2026-11-25';

/** us-east-1 list prices before free tiers: the only prices in this file. */
export const PRICES = {
  dynamoWrite: {
    usd: 0.625 / 1e6,
    quotedPer: 1e6,
    per: 'DynamoDB write request unit (on-demand, Standard table class)',
    sources: [
      'https://aws.amazon.com/dynamodb/pricing/on-demand/',
      'https://airbyte.com/data-engineering-resources/dynamodb-pricing (US East, after the Nov 2024 cut)',
    ],
    confirmed: true,
  },
  dynamoRead: {
    usd: 0.125 / 1e6,
    quotedPer: 1e6,
    per: 'DynamoDB read request unit (on-demand, Standard table class)',
    sources: [
      'https://aws.amazon.com/dynamodb/pricing/on-demand/',
      'https://airbyte.com/data-engineering-resources/dynamodb-pricing',
    ],
    confirmed: true,
  },
  schedulerInvocation: {
    usd: 1.0 / 1e6,
    quotedPer: 1e6,
    per: 'EventBridge Scheduler invocation (after 14 million free a month)',
    sources: [
      'https://aws.amazon.com/eventbridge/pricing/',
      'https://cloudburn.io/blog/amazon-eventbridge-pricing (US East, March 2026)',
    ],
    confirmed: true,
  },
  lambdaRequest: {
    usd: 0.2 / 1e6,
    quotedPer: 1e6,
    per: 'Lambda request',
    sources: ['https://aws.amazon.com/lambda/pricing/', 'https://cloudchipr.com/blog/aws-lambda-pricing'],
    confirmed: true,
  },
  lambdaArmGbSecond: {
    usd: 0.0000133334,
    quotedPer: 1,
    per: 'Lambda GB-second, arm64 (first 7.5 billion GB-s a month)',
    sources: [
      'https://aws.amazon.com/lambda/pricing/',
      'https://cloudchipr.com/blog/aws-lambda-pricing',
      'https://app.unpkg.com/artillery@2.0.28/files/lib/platform/aws-lambda/prices.js',
    ],
    confirmed: true,
  },
  sesRecipient: {
    usd: 0.1 / 1e3,
    quotedPer: 1e3,
    per: 'SES outbound recipient, à la carte (To, Cc and Bcc each count)',
    sources: [
      'https://aws.amazon.com/ses/pricing/',
      'https://pricing.us-east-1.amazonaws.com/offers/v1.0/aws/AmazonSES/20260722172054/us-east-1/index.json as transcribed in https://raw.githubusercontent.com/api-evangelist/amazon-ses/refs/heads/main/plans/amazon-ses-plans-pricing.yml',
    ],
    confirmed: true,
  },
  sesEssentialsEmail: {
    usd: 0.16 / 1e3,
    quotedPer: 1e3,
    per: 'SES outbound email on the Essentials plan (default for new accounts since 2026-07-21; first 10 million)',
    sources: [
      'https://docs.aws.amazon.com/ses/latest/APIReference-V2/API_PutAccountPricingAttributes.html (the plans)',
      'https://raw.githubusercontent.com/api-evangelist/amazon-ses/refs/heads/main/plans/amazon-ses-plans-pricing.yml (the rate)',
    ],
    confirmed: true,
  },
  httpApiRequest: {
    usd: 1.0 / 1e6,
    quotedPer: 1e6,
    per: 'API Gateway HTTP API request (first 300 million a month; metered per 512 KB)',
    sources: [
      'https://aws.amazon.com/api-gateway/pricing/',
      'https://www.apigatewaycost.com/aws',
      'https://awsforengineers.com/blog/aws-api-gateway-pricing-explained',
    ],
    confirmed: true,
  },
  dynamoStorageGbMonth: {
    usd: 0.25,
    quotedPer: 1,
    per: 'DynamoDB storage GB-month, Standard (after 25 GB free)',
    sources: ['https://aws.amazon.com/dynamodb/pricing/on-demand/'],
    confirmed: false,
  },
  dynamoPitrGbMonth: {
    usd: 0.2,
    quotedPer: 1,
    per: 'DynamoDB point-in-time recovery GB-month',
    sources: ['https://aws.amazon.com/dynamodb/pricing/on-demand/'],
    confirmed: false,
  },
  logsIngestedGb: {
    usd: 0.5,
    quotedPer: 1,
    per: 'CloudWatch Logs GB ingested (Standard)',
    sources: ['https://aws.amazon.com/cloudwatch/pricing/', 'https://go-cloud.io/aws-api-gateway-pricing'],
    confirmed: true,
  },
} as const satisfies Record<string, Price>;

/** The targets the cost phase reports against. */
const TARGET_PER_1000_USD = 0.25;
const TARGET_NON_SES_SHARE = 0.1;

/** What one run of the lifecycle used, as counted by the cost phase. */
export interface LifecycleCounts {
  /** Interviews run through it, and how many of them cancelled the follow-up. */
  n: number;
  cancelled: number;
  dynamo: Units;
  /** Schedule invocations (retries included), and the retries among them. */
  scheduled: number;
  retried: number;
  /** Handler milliseconds of each Lambda invocation, per function (one api run per HTTP request). */
  apiMs: number[];
  senderMs: number[];
  feedbackMs: number[];
  /** SES recipients per kind of email (To, Cc and Bcc each count), and the emails. */
  sesByKind: { confirmation: number; 'thank-you': number; 'follow-up': number };
  sesEmails: number;
  /** The interview items' storage, GB-months until their TTL time. */
  gbMonths: number;
  /** The functions' own log lines and their bytes. */
  logs: { lines: number; bytes: number };
}

/** What a lifecycle's counts come to: per interview, and dollars per 1,000 interviews. */
export interface LifecycleCost {
  perInterview: {
    wru: number;
    rru: number;
    requests: number;
    scheduled: number;
    /** Lambda invocations by function. */
    api: number;
    sender: number;
    feedback: number;
    sesRecipients: number;
    sesEmails: number;
  };
  /** Dollars per 1,000 interviews, by service, and their total. */
  usd: { ses: number; lambda: number; dynamo: number; scheduler: number; httpApi: number };
  total: number;
}

/** The billed GB-seconds of these invocations (each rounded up to the millisecond) at the stack's memory. */
const billedGbS = (ms: number[]) => (sum(ms.map((x) => Math.ceil(x))) / 1000) * (FUNCTION_MEMORY_MB / 1024);

/** The per-interview figures of `counts` and their dollars per 1,000 interviews (the total's parts). */
export function lifecycleCost(counts: LifecycleCounts): LifecycleCost {
  const { n, scheduled, apiMs, senderMs, feedbackMs, sesByKind, sesEmails } = counts;
  const db = counts.dynamo;
  const lambdaInvocations = apiMs.length + senderMs.length + feedbackMs.length;
  const lambdaGbS = billedGbS(apiMs) + billedGbS(senderMs) + billedGbS(feedbackMs);
  const sesRecipients = sum(Object.values(sesByKind));
  const per1000 = (units: number, price: Price) => (units / n) * 1000 * price.usd;
  const usd = {
    ses: per1000(sesRecipients, PRICES.sesRecipient),
    lambda: per1000(lambdaInvocations, PRICES.lambdaRequest) + per1000(lambdaGbS, PRICES.lambdaArmGbSecond),
    dynamo: per1000(db.wru, PRICES.dynamoWrite) + per1000(db.rru, PRICES.dynamoRead),
    scheduler: per1000(scheduled, PRICES.schedulerInvocation),
    httpApi: per1000(apiMs.length, PRICES.httpApiRequest),
  };
  return {
    perInterview: {
      wru: db.wru / n,
      rru: db.rru / n,
      requests: db.requests / n,
      scheduled: scheduled / n,
      api: apiMs.length / n,
      sender: senderMs.length / n,
      feedback: feedbackMs.length / n,
      sesRecipients: sesRecipients / n,
      sesEmails: sesEmails / n,
    },
    usd,
    total: sum(Object.values(usd)),
  };
}

const money = (x: number) => `$${x < 0.01 ? x.toFixed(5) : x.toFixed(3)}`;

/** The per-interview counts and their dollars per 1,000 interviews, as rows of `report`. */
export function priceLifecycle(report: Report, counts: LifecycleCounts): LifecycleCost {
  const { n, cancelled, scheduled, apiMs, senderMs, feedbackMs, sesByKind, sesEmails, gbMonths, logs } =
    counts;
  const db = counts.dynamo;
  const lambdaInvocations = apiMs.length + senderMs.length + feedbackMs.length;
  const lambdaGbS = billedGbS(apiMs) + billedGbS(senderMs) + billedGbS(feedbackMs);
  const sesRecipients = sum(Object.values(sesByKind));
  const perInterview = (x: number) => x / n;
  const per1000 = (units: number, price: Price) => (units / n) * 1000 * price.usd;
  // Logs: the functions' own lines as counted, each with Lambda's text prefix (timestamp,
  // request id, level: about 70 bytes), START/END/REPORT lines per invocation (about 300 bytes),
  // and one API access log line per request (the stack's JSON format: about 250 bytes).
  const logBytes = logs.bytes + logs.lines * 70 + lambdaInvocations * 300 + apiMs.length * 250;

  report.row(
    'cost',
    `interviews run through the lifecycle`,
    String(n),
    `${cancelled} cancelled the follow-up`,
  );
  report.row(
    'cost',
    'DynamoDB: write / read request units per interview',
    `${perInterview(db.wru).toFixed(2)} / ${perInterview(db.rru).toFixed(2)}`,
    `${perInterview(db.requests).toFixed(1)} requests per interview`,
  );
  report.row(
    'cost',
    'Scheduler: invocations per interview',
    perInterview(scheduled).toFixed(2),
    `${counts.retried} retries`,
  );
  report.row(
    'cost',
    'Lambda: invocations per interview (api/sender/feedback)',
    `${perInterview(apiMs.length).toFixed(1)}/${perInterview(senderMs.length).toFixed(1)}/${perInterview(feedbackMs.length).toFixed(1)}`,
    `feedback: one per SES delivery event`,
  );
  report.row(
    'cost',
    'Lambda: p50 ms (api / sender / feedback), local',
    `${median(apiMs).toFixed(1)}/${median(senderMs).toFixed(1)}/${median(feedbackMs).toFixed(2)}`,
    `handler time in-process, billed per ms at ${FUNCTION_MEMORY_MB} MB`,
  );
  report.row(
    'cost',
    'Lambda: billed GB-s per interview, local durations',
    perInterview(lambdaGbS).toFixed(4),
  );
  report.row(
    'cost',
    'SES: recipients per interview (emails)',
    `${perInterview(sesRecipients).toFixed(2)} (${perInterview(sesEmails).toFixed(2)})`,
    `confirmation ${perInterview(sesByKind.confirmation).toFixed(1)}, thank-you ${perInterview(sesByKind['thank-you']).toFixed(1)}, follow-up ${perInterview(sesByKind['follow-up']).toFixed(2)} (Bcc copies count)`,
  );
  report.row('cost', 'HTTP API: requests per interview', perInterview(apiMs.length).toFixed(2));

  const cost = lifecycleCost(counts);
  const { usd, total } = cost;
  const nonSes = total - usd.ses;
  report.row(
    'cost',
    '$ per 1,000 interviews: SES',
    money(usd.ses),
    `$${PRICES.sesRecipient.usd * 1000} per 1,000 recipients`,
  );
  report.row(
    'cost',
    '$ per 1,000 interviews: Lambda',
    money(usd.lambda),
    `requests + GB-s at local durations; at 10× those: ${money(usd.lambda + 9 * per1000(lambdaGbS, PRICES.lambdaArmGbSecond))}`,
  );
  report.row('cost', '$ per 1,000 interviews: DynamoDB', money(usd.dynamo), 'on-demand request units');
  report.row(
    'cost',
    '$ per 1,000 interviews: Scheduler',
    money(usd.scheduler),
    'before its 14 M free a month',
  );
  report.row('cost', '$ per 1,000 interviews: HTTP API', money(usd.httpApi));
  report.row(
    'cost',
    '$ per 1,000 interviews: total',
    money(total),
    total <= TARGET_PER_1000_USD
      ? `target ≤ $${TARGET_PER_1000_USD}: met`
      : `target ≤ $${TARGET_PER_1000_USD}: MISSED${usd.ses > TARGET_PER_1000_USD ? ` (SES alone is ${money(usd.ses)})` : ''}`,
  );
  report.row(
    'cost',
    'share of the total that is not SES',
    `${((100 * nonSes) / total).toFixed(1)}%`,
    `${money(nonSes)}; target ≤ ${TARGET_NON_SES_SHARE * 100}%: ${nonSes / total <= TARGET_NON_SES_SHARE ? 'met' : 'MISSED'}`,
  );
  const essentials = per1000(sesRecipients, PRICES.sesEssentialsEmail);
  report.row(
    'cost',
    'SES on the Essentials plan instead: $ per 1,000',
    money(essentials),
    `total ${money(total - usd.ses + essentials)}; if it bills per email, not recipient: ${money(per1000(sesEmails, PRICES.sesEssentialsEmail))}`,
  );
  const extras =
    per1000(gbMonths, PRICES.dynamoStorageGbMonth) +
    per1000(gbMonths, PRICES.dynamoPitrGbMonth) +
    per1000(logBytes / 2 ** 30, PRICES.logsIngestedGb);
  report.row(
    'cost',
    'not in the total: storage + PITR + logs, $ per 1,000',
    money(extras),
    `${((perInterview(gbMonths) * 1000 * 2 ** 30) / 2 ** 20).toFixed(1)} MB-months and ${(perInterview(logBytes) / 1024).toFixed(1)} KB of logs per interview; with them, non-SES ${((100 * (nonSes + extras)) / (total + extras)).toFixed(1)}%`,
  );
  return cost;
}

/**
 * The rows of a second lifecycle, the same steps with a panel of `size` interviewers per
 * submission, under `section`: its per-interview counts and its total, each beside the
 * single-interviewer lifecycle's (`single`, as priceLifecycle returned it).
 */
export function pricePanelLifecycle(
  report: Report,
  section: string,
  size: number,
  counts: LifecycleCounts,
  single: LifecycleCost,
): LifecycleCost {
  const cost = lifecycleCost(counts);
  const { perInterview: p, usd, total } = cost;
  const s = single.perInterview;
  const { sesByKind, n } = counts;
  const ratio = (a: number, b: number) => (b > 0 ? `${(a / b).toFixed(2)}×` : 'n/a');
  report.row(
    section,
    'interviews run through the lifecycle',
    String(n),
    `${size} interviewers each; ${counts.cancelled} cancelled the follow-ups (the whole panel's)`,
  );
  report.row(
    section,
    'DynamoDB: write / read request units per interview',
    `${p.wru.toFixed(2)} / ${p.rru.toFixed(2)}`,
    `${p.requests.toFixed(1)} requests per interview; single interviewer ${s.wru.toFixed(2)} / ${s.rru.toFixed(2)}`,
  );
  report.row(
    section,
    'Scheduler: invocations per interview',
    p.scheduled.toFixed(2),
    `${counts.retried} retries; single interviewer ${s.scheduled.toFixed(2)}`,
  );
  report.row(
    section,
    'Lambda: invocations per interview (api/sender/feedback)',
    `${p.api.toFixed(1)}/${p.sender.toFixed(1)}/${p.feedback.toFixed(1)}`,
    `single interviewer ${s.api.toFixed(1)}/${s.sender.toFixed(1)}/${s.feedback.toFixed(1)}`,
  );
  report.row(
    section,
    'SES: recipients per interview (emails)',
    `${p.sesRecipients.toFixed(2)} (${p.sesEmails.toFixed(2)})`,
    `confirmation ${(sesByKind.confirmation / n).toFixed(1)}, thank-you ${(sesByKind['thank-you'] / n).toFixed(1)}, follow-up ${(sesByKind['follow-up'] / n).toFixed(2)}; single interviewer ${s.sesRecipients.toFixed(2)} (${s.sesEmails.toFixed(2)})`,
  );
  report.row(
    section,
    '$ per 1,000 interviews: total',
    money(total),
    `single interviewer ${money(single.total)} (${ratio(total, single.total)}); SES ${money(usd.ses)}, the rest ${money(total - usd.ses)} (${((100 * (total - usd.ses)) / total).toFixed(1)}%)`,
  );
  return cost;
}

/** The prices as docs/performance.md lists them: item, price as quoted, sources. */
export function priceTable(): string[][] {
  return Object.values(PRICES).map((p: Price) => [
    p.per,
    p.quotedPer === 1
      ? `$${p.usd}`
      : `$${Number((p.usd * p.quotedPer).toPrecision(6))} per ${p.quotedPer === 1e6 ? 'million' : '1,000'}`,
    p.sources.join('; ') + (p.confirmed ? '' : ' (the rate is not in the stored page: not confirmed)'),
  ]);
}
