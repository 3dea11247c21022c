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
    });
  });

  it.each([
    [{}, 'Invalid API configuration: region: is not set; tableName: is not set; scheduleGroup: is not set;'],
    [{ ...ENV, LIMIT_PER_DAY: 'many' }, 'limits.perDay: must be a whole number'],
    [{ ...ENV, LIMIT_PER_MINUTE: '1.5' }, 'limits.perMinute: must be a whole number'],
    [{ ...ENV, LIMIT_PER_INTERVIEWER_PER_DAY: '0' }, 'limits.perInterviewerPerDay: must be at least 1'],
    [{ ...ENV, PUBLIC_URL: 'ftp://example.com' }, 'publicUrl: must be an http(s) URL'],
    [{ ...ENV, AWS_ENDPOINT_URL_DYNAMODB: 'localhost:8000' }, 'endpoints.dynamodb: must be an http(s) URL'],
    [{ ...ENV, SCHEDULER_ROLE_ARN: 'scheduler' }, 'schedulerRoleArn: must be an ARN'],
    [{ ...ENV, API_KEY_SHA256: 'secret' }, 'apiKeySha256: must be a hex SHA-256 digest'],
  ])('refuses a bad API environment, naming the field: %j', (env, message) => {
    expect(() => loadApiConfig(env)).toThrow(message);
  });

  it('refuses a sender address that is not an email address', () => {
    expect(() => loadSenderConfig({ ...ENV, SENDER_ADDRESS: 'followup' })).toThrow(
      'Invalid sender configuration: senderAddress: must be an email address',
    );
  });
});
