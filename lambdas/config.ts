/**
 * The one place that names every environment variable a function reads, and reads them.
 * Infra (`infra/stack.ts`) imports `ENV` to set the variables; each handler calls its loader
 * once at cold start, so a missing or malformed variable fails the container before any request.
 */
import * as z from 'zod/mini';
import { DEFAULT_LIMITS } from './core/access.js';

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
  region: 'AWS_REGION',
  endpointDynamodb: 'AWS_ENDPOINT_URL_DYNAMODB',
  endpointSes: 'AWS_ENDPOINT_URL_SES',
  endpointScheduler: 'AWS_ENDPOINT_URL_SCHEDULER',
  endpointLambda: 'AWS_ENDPOINT_URL_LAMBDA',
} as const;

export type Env = Record<string, string | undefined>;

const arn = z.string().check(z.regex(/^arn:[a-z-]+:[a-z0-9-]+:[a-z0-9-]*:\d{12}:.+$/, 'must be an ARN'));
const optionalUrl = z.optional(z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }));
const name = z.string().check(z.minLength(1, 'must not be empty'));
const limit = (fallback: number) =>
  z._default(
    z.coerce
      .number('must be a whole number')
      .check(z.refine(Number.isInteger, 'must be a whole number'), z.minimum(1, 'must be at least 1')),
    fallback,
  );

/** Endpoint overrides: unset on AWS; set by the local runtime to its stand-in servers. */
const awsSchema = z.object({
  region: name,
  endpoints: z.object({
    dynamodb: optionalUrl,
    ses: optionalUrl,
    scheduler: optionalUrl,
    lambda: optionalUrl,
  }),
});

const apiSchema = z.extend(awsSchema, {
  tableName: name,
  scheduleGroup: name,
  senderFunctionArn: arn,
  schedulerRoleArn: arn,
  scheduleDlqArn: arn,
  apiKeySha256: z.string().check(z.regex(/^[0-9a-f]{64}$/, 'must be a hex SHA-256 digest')),
  publicUrl: optionalUrl,
  limits: z.object({
    perMinute: limit(DEFAULT_LIMITS.perMinute),
    perDay: limit(DEFAULT_LIMITS.perDay),
    perInterviewerPerDay: limit(DEFAULT_LIMITS.perInterviewerPerDay),
  }),
});

const senderSchema = z.extend(awsSchema, {
  tableName: name,
  senderAddress: z.email('must be an email address'),
  sesConfigurationSet: z.optional(name),
  // The sender schedules its own retries when SES refuses an email for now.
  scheduleGroup: name,
  senderFunctionArn: arn,
  schedulerRoleArn: arn,
  scheduleDlqArn: arn,
});

const feedbackSchema = z.extend(awsSchema, {
  tableName: name,
  scheduleGroup: name,
});

export type AwsConfig = z.infer<typeof awsSchema>;
export type FeedbackConfig = z.infer<typeof feedbackSchema>;
export type ApiConfig = z.infer<typeof apiSchema>;
export type SenderConfig = z.infer<typeof senderSchema>;

function pick(env: Env, name: string): string | undefined {
  const value = env[name];
  return value === undefined || value === '' ? undefined : value;
}

function awsFields(env: Env) {
  return {
    region: pick(env, ENV.region),
    endpoints: {
      dynamodb: pick(env, ENV.endpointDynamodb),
      ses: pick(env, ENV.endpointSes),
      scheduler: pick(env, ENV.endpointScheduler),
      lambda: pick(env, ENV.endpointLambda),
    },
  };
}

function parse<T>(schema: z.ZodMiniType<T>, raw: unknown, what: string): T {
  const result = schema.safeParse(raw, { reportInput: true });
  if (!result.success) {
    // A missing variable is the usual mistake; zod/mini carries no English messages of its own.
    const problems = result.error.issues.map((i) => {
      const missing = i.code === 'invalid_type' && i.input === undefined;
      return `${i.path.join('.') || '(root)'}: ${missing ? 'is not set' : i.message}`;
    });
    throw new Error(`Invalid ${what} configuration: ${problems.join('; ')}`);
  }
  return result.data;
}

export function loadApiConfig(env: Env): ApiConfig {
  return parse(
    apiSchema,
    {
      ...awsFields(env),
      tableName: pick(env, ENV.tableName),
      scheduleGroup: pick(env, ENV.scheduleGroup),
      senderFunctionArn: pick(env, ENV.senderFunctionArn),
      schedulerRoleArn: pick(env, ENV.schedulerRoleArn),
      scheduleDlqArn: pick(env, ENV.scheduleDlqArn),
      apiKeySha256: pick(env, ENV.apiKeySha256),
      publicUrl: pick(env, ENV.publicUrl),
      limits: {
        perMinute: pick(env, ENV.limitPerMinute),
        perDay: pick(env, ENV.limitPerDay),
        perInterviewerPerDay: pick(env, ENV.limitPerInterviewerPerDay),
      },
    },
    'API',
  );
}

export function loadSenderConfig(env: Env): SenderConfig {
  return parse(
    senderSchema,
    {
      ...awsFields(env),
      tableName: pick(env, ENV.tableName),
      senderAddress: pick(env, ENV.senderAddress),
      sesConfigurationSet: pick(env, ENV.sesConfigurationSet),
      scheduleGroup: pick(env, ENV.scheduleGroup),
      senderFunctionArn: pick(env, ENV.senderFunctionArn),
      schedulerRoleArn: pick(env, ENV.schedulerRoleArn),
      scheduleDlqArn: pick(env, ENV.scheduleDlqArn),
    },
    'sender',
  );
}

export function loadFeedbackConfig(env: Env): FeedbackConfig {
  return parse(
    feedbackSchema,
    { ...awsFields(env), tableName: pick(env, ENV.tableName), scheduleGroup: pick(env, ENV.scheduleGroup) },
    'feedback',
  );
}
