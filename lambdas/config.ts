/**
 * The one place that names every environment variable a function reads, and reads them.
 * Infra (`infra/constructs/bind.ts`) imports `ENV` to set the variables; each handler calls its loader
 * once at cold start, so a missing or malformed variable fails the container before any request.
 * Plain checks, no schema library (the formats are core/validate.ts's): the sender and feedback
 * bundles load nothing else for this.
 */
import { type Limits, limitsFrom } from './core/access.js';
import {
  ARN,
  DOMAIN_NAME,
  EMAIL_ADDRESS,
  isHttpUrl,
  PUBLIC_URL,
  SECRET_ARN,
  SHA256_HEX,
} from './core/validate.js';

/** The stack's settings still import these from here; core/validate.ts is where they live. */
export { DOMAIN_NAME, EMAIL_ADDRESS, PUBLIC_URL } from './core/validate.js';

export const ENV = {
  tableName: 'TABLE_NAME',
  scheduleGroup: 'SCHEDULE_GROUP',
  senderFunctionArn: 'SENDER_FUNCTION_ARN',
  schedulerRoleArn: 'SCHEDULER_ROLE_ARN',
  scheduleDlqArn: 'SCHEDULE_DLQ_ARN',
  senderAddress: 'SENDER_ADDRESS',
  apiKeySha256: 'API_KEY_SHA256',
  publicUrl: 'PUBLIC_URL',
  sesConfigurationSet: 'SES_CONFIGURATION_SET',
  limitPerMinute: 'LIMIT_PER_MINUTE',
  limitPerDay: 'LIMIT_PER_DAY',
  limitPerInterviewerPerDay: 'LIMIT_PER_INTERVIEWER_PER_DAY',
  limitPerInterviewerAllKeysPerDay: 'LIMIT_PER_INTERVIEWER_ALL_KEYS_PER_DAY',
  limitPerCandidatePerDay: 'LIMIT_PER_CANDIDATE_PER_DAY',
  limitPreviewsPerMinute: 'LIMIT_PREVIEWS_PER_MINUTE',
  limitSelfServePerIpPerHour: 'LIMIT_SELF_SERVE_PER_IP_PER_HOUR',
  /** The key of the addresses' HMAC (limit counters, suppressions), as a value (the local runtime) ... */
  counterSecret: 'COUNTER_SECRET',
  /** ... or as the ARN of a Secrets Manager secret holding it (the stack), read at cold start. */
  counterSecretArn: 'COUNTER_SECRET_ARN',
  /** Comma-separated domains that links in submitted texts may point to; unset: no links. */
  linkAllowlist: 'LINK_ALLOWLIST',
  selfServe: 'SELF_SERVE',
  region: 'AWS_REGION',
  endpointDynamodb: 'AWS_ENDPOINT_URL_DYNAMODB',
  endpointSes: 'AWS_ENDPOINT_URL_SES',
  endpointScheduler: 'AWS_ENDPOINT_URL_SCHEDULER',
  endpointLambda: 'AWS_ENDPOINT_URL_LAMBDA',
} as const;

export type Env = Record<string, string | undefined>;

export type AwsConfig = {
  region: string;
  /** Endpoint overrides: unset on AWS; set by the local runtime to its stand-in servers. */
  endpoints: { dynamodb?: string; ses?: string; scheduler?: string; lambda?: string };
};

/** What creating schedules for the sender takes (intake, and the sender's own retries). */
type SchedulingConfig = {
  scheduleGroup: string;
  senderFunctionArn: string;
  schedulerRoleArn: string;
  scheduleDlqArn: string;
};

/** Exactly one is set: the counter key itself, or the secret that holds it. */
type CounterKeyConfig = { counterSecret?: string; counterSecretArn?: string };

export type ApiConfig = AwsConfig &
  SchedulingConfig &
  CounterKeyConfig & {
    tableName: string;
    apiKeySha256: string;
    publicUrl?: string;
    limits: Limits;
    linkAllowlist: string[];
    /** SELF_SERVE=on serves the self-serve form and pages (off by default while they are built). */
    selfServe: boolean;
  };

/** The sender schedules its own retries when SES refuses an email for now. */
export type SenderConfig = AwsConfig &
  SchedulingConfig & {
    tableName: string;
    senderAddress: string;
    sesConfigurationSet?: string;
  };

/** The feedback function also writes the suppression list, keyed as the api reads it. */
export type FeedbackConfig = AwsConfig & CounterKeyConfig & { tableName: string; scheduleGroup: string };

/** The sweep reads the due index and hands overdue emails to the sender. */
export type SweepConfig = AwsConfig & { tableName: string; senderFunctionArn: string };
/** The invite function's (lambdas/invite/): no AWS service, only the public URL, as the api has it. */
export type InviteConfig = { publicUrl?: string };

/** Checks a set variable: returns the value to keep and reports each problem through `fail`. */
type Check<T> = (value: string, fail: (message: string) => void) => T;

const matching =
  (pattern: RegExp, message: string): Check<string> =>
  (value, fail) => {
    if (!pattern.test(value)) fail(message);
    return value;
  };

/** Any value: an empty variable already counts as unset, which `required` reports. */
const name: Check<string> = (value) => value;
const arn = matching(ARN, 'must be an ARN');
const sha256 = matching(SHA256_HEX, 'must be a hex SHA-256 digest');
const email = matching(EMAIL_ADDRESS, 'must be an email address');

/** Kept trimmed; "http:host" parses as a URL too, so the `//` must be written out. */
const url: Check<string> = (value, fail) => {
  const trimmed = value.trim();
  if (!isHttpUrl(trimmed)) fail('must be an http(s) URL');
  return trimmed.replace(/[\t\n\r]/g, ''); // which the URL parser ignores anyway
};

/** At least 32 characters: the HMAC key of the limit counters (see core/access.ts). */
const counterSecretValue: Check<string> = (value, fail) => {
  if (value.length < 32) fail('must be at least 32 characters');
  return value;
};
const secretArn = matching(SECRET_ARN, 'must be a Secrets Manager secret ARN');

/** "example.com, example.org" → ["example.com", "example.org"], lower-cased. */
const domains: Check<string[]> = (value, fail) => {
  const list = value
    .split(',')
    .map((d) => d.trim().toLowerCase())
    .filter((d) => d !== '');
  for (const d of list) {
    if (!DOMAIN_NAME.test(d)) fail(`"${d}" is not a domain name`);
  }
  return list;
};

const onOff: Check<boolean> = (value, fail) => {
  if (value !== 'on' && value !== 'off') fail('must be on or off');
  return value === 'on';
};

const publicBase: Check<string> = (value, fail) => {
  const checked = url(value, fail);
  if (!PUBLIC_URL.test(checked))
    fail('must be an http(s) origin without a path, such as https://followup.example.com');
  return checked;
};

const limit: Check<number> = (value, fail) => {
  const number = Number(value);
  if (!Number.isInteger(number)) fail('must be a whole number');
  if (Number.isFinite(number) && number < 1) fail('must be at least 1');
  return number;
};

type Reader = {
  required<T>(path: string, variable: string, check: Check<T>): T;
  optional<T>(path: string, variable: string, check: Check<T>): T | undefined;
  /** A problem no single variable shows (two that exclude each other, say). */
  problem(message: string): void;
};

/** Builds a configuration, collecting every field's problems to throw them together. */
function load<T>(env: Env, what: string, build: (read: Reader) => T): T {
  const problems: string[] = [];
  const optional = <V>(path: string, variable: string, check: Check<V>): V | undefined => {
    const value = env[variable];
    // An empty variable counts as unset.
    if (value === undefined || value === '') return undefined;
    return check(value, (message) => problems.push(`${path}: ${message}`));
  };
  const required = <V>(path: string, variable: string, check: Check<V>): V => {
    const value = optional(path, variable, check);
    if (value === undefined) problems.push(`${path}: is not set`);
    return value as V; // unused when a problem was reported: `load` throws
  };
  const config = build({ required, optional, problem: (message) => problems.push(message) });
  if (problems.length > 0) throw new Error(`Invalid ${what} configuration: ${problems.join('; ')}`);
  return config;
}

function awsConfig(read: Reader): AwsConfig {
  return {
    region: read.required('region', ENV.region, name),
    endpoints: {
      dynamodb: read.optional('endpoints.dynamodb', ENV.endpointDynamodb, url),
      ses: read.optional('endpoints.ses', ENV.endpointSes, url),
      scheduler: read.optional('endpoints.scheduler', ENV.endpointScheduler, url),
      lambda: read.optional('endpoints.lambda', ENV.endpointLambda, url),
    },
  };
}

function schedulingConfig(read: Reader): SchedulingConfig {
  return {
    scheduleGroup: read.required('scheduleGroup', ENV.scheduleGroup, name),
    senderFunctionArn: read.required('senderFunctionArn', ENV.senderFunctionArn, arn),
    schedulerRoleArn: read.required('schedulerRoleArn', ENV.schedulerRoleArn, arn),
    scheduleDlqArn: read.required('scheduleDlqArn', ENV.scheduleDlqArn, arn),
  };
}

export function loadApiConfig(env: Env): ApiConfig {
  return load(env, 'API', (read) => ({
    ...awsConfig(read),
    tableName: read.required('tableName', ENV.tableName, name),
    ...schedulingConfig(read),
    apiKeySha256: read.required('apiKeySha256', ENV.apiKeySha256, sha256),
    publicUrl: read.optional('publicUrl', ENV.publicUrl, publicBase),
    limits: limitsOf(read),
    ...counterKey(read),
    linkAllowlist: read.optional('linkAllowlist', ENV.linkAllowlist, domains) ?? [],
    selfServe: read.optional('selfServe', ENV.selfServe, onOff) ?? false,
  }));
}

function limitsOf(read: Reader): Limits {
  const set: Partial<Limits> = {};
  for (const [field, variable] of LIMIT_VARIABLES) {
    const value = read.optional(`limits.${field}`, ENV[variable], limit);
    if (value !== undefined) set[field] = value;
  }
  return limitsFrom(set);
}

/** Each limit and the variable that sets it. */
export const LIMIT_VARIABLES = [
  ['perMinute', 'limitPerMinute'],
  ['perDay', 'limitPerDay'],
  ['perInterviewerPerDay', 'limitPerInterviewerPerDay'],
  ['perInterviewerAllKeysPerDay', 'limitPerInterviewerAllKeysPerDay'],
  ['perCandidatePerDay', 'limitPerCandidatePerDay'],
  ['previewsPerMinute', 'limitPreviewsPerMinute'],
  ['selfServePerIpPerHour', 'limitSelfServePerIpPerHour'],
] as const satisfies ReadonlyArray<readonly [keyof Limits, keyof typeof ENV]>;

function counterKey(read: Reader): CounterKeyConfig {
  const secret = read.optional('counterSecret', ENV.counterSecret, counterSecretValue);
  const arn = read.optional('counterSecretArn', ENV.counterSecretArn, secretArn);
  if (secret !== undefined && arn !== undefined) {
    read.problem('counterSecret: set COUNTER_SECRET or COUNTER_SECRET_ARN, not both');
  } else if (secret === undefined && arn === undefined) {
    read.problem('counterSecret: is not set (COUNTER_SECRET or COUNTER_SECRET_ARN)');
  }
  return {
    ...(secret !== undefined && { counterSecret: secret }),
    ...(arn !== undefined && { counterSecretArn: arn }),
  };
}

export function loadSenderConfig(env: Env): SenderConfig {
  return load(env, 'sender', (read) => ({
    ...awsConfig(read),
    tableName: read.required('tableName', ENV.tableName, name),
    senderAddress: read.required('senderAddress', ENV.senderAddress, email),
    sesConfigurationSet: read.optional('sesConfigurationSet', ENV.sesConfigurationSet, name),
    ...schedulingConfig(read),
  }));
}

export function loadFeedbackConfig(env: Env): FeedbackConfig {
  return load(env, 'feedback', (read) => ({
    ...awsConfig(read),
    tableName: read.required('tableName', ENV.tableName, name),
    scheduleGroup: read.required('scheduleGroup', ENV.scheduleGroup, name),
    ...counterKey(read),
  }));
}

export function loadSweepConfig(env: Env): SweepConfig {
  return load(env, 'sweep', (read) => ({
    ...awsConfig(read),
    tableName: read.required('tableName', ENV.tableName, name),
    senderFunctionArn: read.required('senderFunctionArn', ENV.senderFunctionArn, arn),
  }));
}

export function loadInviteConfig(env: Env): InviteConfig {
  return load(env, 'invite', (read) => {
    const publicUrl = read.optional('publicUrl', ENV.publicUrl, publicBase);
    return publicUrl === undefined ? {} : { publicUrl };
  });
}
