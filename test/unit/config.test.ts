import { describe, expect, it } from 'vitest';
import { loadApiConfig, loadFeedbackConfig, loadSenderConfig } from '../../lambdas/config.js';
import { DEFAULT_LIMITS } from '../../lambdas/core/access.js';

const ENV = {
  AWS_REGION: 'us-east-1',
  TABLE_NAME: 'interviews',
  SCHEDULE_GROUP: 'default',
  SENDER_FUNCTION_ARN: 'arn:aws:lambda:us-east-1:000000000000:function:sender',
  SCHEDULER_ROLE_ARN: 'arn:aws:iam::000000000000:role/scheduler',
  SCHEDULE_DLQ_ARN: 'arn:aws:sqs:us-east-1:000000000000:dlq',
  API_KEY_SHA256: 'a'.repeat(64),
  SENDER_ADDRESS: 'followup@example.com',
  COUNTER_SECRET: 'c'.repeat(32),
};

describe('configuration from the environment', () => {
  it('reads every function its variables, with the limits defaulted and empty values unset', () => {
    const api = loadApiConfig({ ...ENV, LIMIT_PER_DAY: '7', PUBLIC_URL: '' });
    expect(api.limits).toEqual({ ...DEFAULT_LIMITS, perDay: 7 });
    expect(api.publicUrl).toBeUndefined();
    expect(loadSenderConfig(ENV).senderAddress).toBe('followup@example.com');
    expect(loadFeedbackConfig(ENV)).toEqual({
      region: 'us-east-1',
      endpoints: {},
      tableName: 'interviews',
      scheduleGroup: 'default',
      counterSecret: 'c'.repeat(32),
    });
  });

  it.each([
    [{}, 'Invalid API configuration: region: is not set; tableName: is not set; scheduleGroup: is not set;'],
    [{ ...ENV, LIMIT_PER_DAY: 'many' }, 'limits.perDay: must be a whole number'],
    [{ ...ENV, LIMIT_PER_MINUTE: '1.5' }, 'limits.perMinute: must be a whole number'],
    [{ ...ENV, LIMIT_PER_INTERVIEWER_PER_DAY: '0' }, 'limits.perInterviewerPerDay: must be at least 1'],
    [{ ...ENV, PUBLIC_URL: 'ftp://example.com' }, 'publicUrl: must be an http(s) URL'],
    [
      { ...ENV, PUBLIC_URL: 'https://example.com/followup' },
      'publicUrl: must be an http(s) origin without a path',
    ],
    [{ ...ENV, AWS_ENDPOINT_URL_DYNAMODB: 'localhost:8000' }, 'endpoints.dynamodb: must be an http(s) URL'],
    [{ ...ENV, AWS_ENDPOINT_URL_LAMBDA: 'http:localhost' }, 'endpoints.lambda: must be an http(s) URL'],
    [{ ...ENV, AWS_ENDPOINT_URL_SCHEDULER: 'https://' }, 'endpoints.scheduler: must be an http(s) URL'],
    [
      { ...ENV, SENDER_FUNCTION_ARN: 'arn:aws:lambda:us-east-1:123:function:sender' },
      'senderFunctionArn: must be an ARN',
    ],
    [{ ...ENV, API_KEY_SHA256: 'A'.repeat(64) }, 'apiKeySha256: must be a hex SHA-256 digest'],
    [{ ...ENV, SCHEDULER_ROLE_ARN: 'scheduler' }, 'schedulerRoleArn: must be an ARN'],
    [{ ...ENV, API_KEY_SHA256: 'secret' }, 'apiKeySha256: must be a hex SHA-256 digest'],
  ])('refuses a bad API environment, naming the field: %j', (env, message) => {
    expect(() => loadApiConfig(env)).toThrow(message);
  });

  it.each([
    'followup',
    'followup@example',
    'follow up@example.com',
    '.followup@example.com',
    'a@b..com',
    'followup@example.c',
  ])('refuses a sender address that is not an email address: %j', (address) => {
    expect(() => loadSenderConfig({ ...ENV, SENDER_ADDRESS: address })).toThrow(
      'Invalid sender configuration: senderAddress: must be an email address',
    );
  });

  it('takes a sender address with dots, plus and hyphens, and the optional configuration set', () => {
    const sender = loadSenderConfig({ ...ENV, SENDER_ADDRESS: 'o.neil+jobs@mail-1.example.org' });
    expect(sender.senderAddress).toBe('o.neil+jobs@mail-1.example.org');
    expect(sender.sesConfigurationSet).toBeUndefined();
    expect(loadSenderConfig({ ...ENV, SES_CONFIGURATION_SET: 'tracking' }).sesConfigurationSet).toBe(
      'tracking',
    );
  });

  it('names every unset sender variable, in declaration order', () => {
    expect(() => loadSenderConfig({ AWS_REGION: 'us-east-1', SES_CONFIGURATION_SET: '' })).toThrow(
      'Invalid sender configuration: tableName: is not set; senderAddress: is not set; scheduleGroup: is not set; ' +
        'senderFunctionArn: is not set; schedulerRoleArn: is not set; scheduleDlqArn: is not set',
    );
    expect(() => loadSenderConfig({ ...ENV, SENDER_ADDRESS: '' })).toThrow(
      'Invalid sender configuration: senderAddress: is not set',
    );
    expect(() => loadFeedbackConfig({ ...ENV, TABLE_NAME: undefined })).toThrow(
      'Invalid feedback configuration: tableName: is not set',
    );
    // It names the suppression list's items by the same HMAC as the api's.
    expect(() => loadFeedbackConfig({ ...ENV, COUNTER_SECRET: undefined })).toThrow(
      'Invalid feedback configuration: counterSecret: is not set (COUNTER_SECRET or COUNTER_SECRET_ARN)',
    );
  });

  it('reads the endpoint overrides and the public URL, trimmed', () => {
    const api = loadApiConfig({
      ...ENV,
      AWS_ENDPOINT_URL_DYNAMODB: 'http://127.0.0.1:8000',
      AWS_ENDPOINT_URL_SES: 'http://localhost:8005',
      AWS_ENDPOINT_URL_SCHEDULER: 'http://localhost:9000/scheduler',
      AWS_ENDPOINT_URL_LAMBDA: 'HTTPS://lambda.example.com',
      PUBLIC_URL: ' https://followup.example.com/ \n',
    });
    expect(api).toEqual({
      region: 'us-east-1',
      endpoints: {
        dynamodb: 'http://127.0.0.1:8000',
        ses: 'http://localhost:8005',
        scheduler: 'http://localhost:9000/scheduler',
        lambda: 'HTTPS://lambda.example.com',
      },
      tableName: 'interviews',
      scheduleGroup: 'default',
      senderFunctionArn: ENV.SENDER_FUNCTION_ARN,
      schedulerRoleArn: ENV.SCHEDULER_ROLE_ARN,
      scheduleDlqArn: ENV.SCHEDULE_DLQ_ARN,
      apiKeySha256: ENV.API_KEY_SHA256,
      publicUrl: 'https://followup.example.com/',
      limits: DEFAULT_LIMITS,
      counterSecret: ENV.COUNTER_SECRET,
      linkAllowlist: [],
      selfServe: false,
    });
    expect(
      loadFeedbackConfig({ ...ENV, AWS_ENDPOINT_URL_DYNAMODB: 'http://localhost:8000' }).endpoints,
    ).toEqual({
      dynamodb: 'http://localhost:8000',
    });
  });

  it('defaults each unset or empty limit on its own, and takes whole numbers from 1', () => {
    expect(loadApiConfig(ENV).limits).toEqual(DEFAULT_LIMITS);
    expect(loadApiConfig({ ...ENV, LIMIT_PER_MINUTE: '', LIMIT_PER_INTERVIEWER_PER_DAY: '' }).limits).toEqual(
      DEFAULT_LIMITS,
    );
    expect(
      loadApiConfig({
        ...ENV,
        LIMIT_PER_MINUTE: '1',
        LIMIT_PER_DAY: '10000',
        LIMIT_PER_INTERVIEWER_PER_DAY: '12',
      }).limits,
    ).toEqual({
      ...DEFAULT_LIMITS,
      perMinute: 1,
      perDay: 10000,
      perInterviewerPerDay: 12,
      perInterviewerAllKeysPerDay: 12,
    });
    expect(
      loadApiConfig({
        ...ENV,
        LIMIT_PER_INTERVIEWER_ALL_KEYS_PER_DAY: '20',
        LIMIT_PER_CANDIDATE_PER_DAY: '2',
        LIMIT_PREVIEWS_PER_MINUTE: '90',
      }).limits,
    ).toEqual({
      ...DEFAULT_LIMITS,
      perInterviewerAllKeysPerDay: 20,
      perCandidatePerDay: 2,
      previewsPerMinute: 90,
    });
    expect(loadApiConfig({ ...ENV, LIMIT_PER_INTERVIEWER_PER_DAY: '5' }).limits).toEqual({
      ...DEFAULT_LIMITS,
      perInterviewerPerDay: 5,
    });
  });

  it('collects every problem, in declaration order, into one message', () => {
    const env = {
      AWS_ENDPOINT_URL_SES: 'nope',
      LIMIT_PER_DAY: '0.5',
      API_KEY_SHA256: 'x',
      SCHEDULER_ROLE_ARN: 'scheduler',
      TABLE_NAME: 'interviews',
    };
    expect(() => loadApiConfig(env)).toThrow(
      new Error(
        'Invalid API configuration: region: is not set; endpoints.ses: must be an http(s) URL; ' +
          'scheduleGroup: is not set; senderFunctionArn: is not set; schedulerRoleArn: must be an ARN; ' +
          'scheduleDlqArn: is not set; apiKeySha256: must be a hex SHA-256 digest; ' +
          'limits.perDay: must be a whole number; limits.perDay: must be at least 1; ' +
          'counterSecret: is not set (COUNTER_SECRET or COUNTER_SECRET_ARN)',
      ),
    );
  });

  it('unset, the all-keys interviewer limit is at least the per-key one', () => {
    expect(
      loadApiConfig({ ...ENV, LIMIT_PER_INTERVIEWER_PER_DAY: '50' }).limits.perInterviewerAllKeysPerDay,
    ).toBe(50);
    expect(
      loadApiConfig({
        ...ENV,
        LIMIT_PER_INTERVIEWER_PER_DAY: '50',
        LIMIT_PER_INTERVIEWER_ALL_KEYS_PER_DAY: '4',
      }).limits.perInterviewerAllKeysPerDay,
    ).toBe(4);
  });

  it('takes the counter key as a value or as a secret ARN, exactly one of them', () => {
    const arn = 'arn:aws:secretsmanager:us-east-1:000000000000:secret:CounterKey-AbC123';
    const { COUNTER_SECRET: _value, ...withoutValue } = ENV;
    expect(loadApiConfig({ ...withoutValue, COUNTER_SECRET_ARN: arn }).counterSecretArn).toBe(arn);
    expect(loadApiConfig(ENV).counterSecretArn).toBeUndefined();
    expect(() => loadApiConfig({ ...ENV, COUNTER_SECRET_ARN: arn })).toThrow(
      'counterSecret: set COUNTER_SECRET or COUNTER_SECRET_ARN, not both',
    );
    expect(() => loadApiConfig({ ...ENV, COUNTER_SECRET: 'short' })).toThrow(
      'counterSecret: must be at least 32 characters',
    );
    expect(() => loadApiConfig({ ...withoutValue, COUNTER_SECRET_ARN: 'arn:aws:s3:::bucket' })).toThrow(
      'counterSecretArn: must be a Secrets Manager secret ARN',
    );
  });

  it('reads the link allowlist as lower-cased domains and refuses anything else', () => {
    // SELF_SERVE: on or off (default off), nothing else.
    expect(loadApiConfig({ ...ENV, SELF_SERVE: 'on' }).selfServe).toBe(true);
    expect(loadApiConfig({ ...ENV, SELF_SERVE: 'off' }).selfServe).toBe(false);
    expect(() => loadApiConfig({ ...ENV, SELF_SERVE: 'yes' })).toThrow(/selfServe: must be on or off/);
    expect(loadApiConfig({ ...ENV, LINK_ALLOWLIST: ' LinkedIn.com, example.org ,' }).linkAllowlist).toEqual([
      'linkedin.com',
      'example.org',
    ]);
    expect(() => loadApiConfig({ ...ENV, LINK_ALLOWLIST: 'example.org, https://example.com' })).toThrow(
      'linkAllowlist: "https://example.com" is not a domain name',
    );
  });
});
