/**
 * Alarms, and their notifications with `alarmEmail` (infra/constructs/alarms.ts).
 */
import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { ALARM_THRESHOLDS } from '../../infra/stack.js';
import { METRICS_NAMESPACE } from '../../lambdas/core/ports.js';
import {
  actionsOf,
  allIdentityStatements,
  allResourceStatements,
  defaultStack,
  fn,
  getAtt,
  idsOf,
  type Json,
  only,
  props,
  ref,
  resources,
  type Statement,
  synth,
} from './synth.js';

describe('InterviewFollowupStack (defaults)', () => {
  const { template } = defaultStack();
  const { sender, feedback, queueId } = idsOf(template);

  describe('alarms', () => {
    const alarms = resources(template, 'AWS::CloudWatch::Alarm').map(([, r]) => props(r));

    it.each(['EmailsFailed', 'EmailsUnknown', 'EmailsStuck'])(
      '%s: the app metric of this stack (its service), summed over 5 minutes, at 1 or more',
      (metricName) => {
        const found = only(
          alarms.filter((a) => a.MetricName === metricName),
          `alarm on ${metricName}`,
        );
        expect(found.Namespace).toBe(METRICS_NAMESPACE);
        expect(found.Dimensions).toEqual([{ Name: 'service', Value: 'Test' }]);
        expect(found.Statistic).toBe('Sum');
        expect(found.Period).toBe(300);
        expect(found.Threshold).toBe(1);
        expect(found.ComparisonOperator).toBe('GreaterThanOrEqualToThreshold');
      },
    );
    const queueAlarm = (queue: string) =>
      only(
        alarms.filter(
          (a) =>
            a.MetricName === 'ApproximateNumberOfMessagesVisible' &&
            JSON.stringify(a.Dimensions) ===
              JSON.stringify([{ Name: 'QueueName', Value: getAtt(queue, 'QueueName') }]),
        ),
        `alarm on ${queue}`,
      );
    const lambdaErrorsAlarm = (functionId: string) =>
      only(
        alarms.filter(
          (a) =>
            a.MetricName === 'Errors' &&
            JSON.stringify(a.Dimensions) ===
              JSON.stringify([{ Name: 'FunctionName', Value: ref(functionId) }]),
        ),
        `errors alarm of ${functionId}`,
      );

    it('every alarm evaluates one period, treats missing data as OK, and has no action without alarmEmail', () => {
      expect(alarms).toHaveLength(12); // 4 queues, 2 functions, the API, 2 SES rates, 3 email metrics
      for (const alarm of alarms) {
        expect(alarm).toMatchObject({ EvaluationPeriods: 1, TreatMissingData: 'notBreaching' });
        expect(alarm.AlarmName).toBeUndefined();
        expect(typeof alarm.AlarmDescription).toBe('string');
        expect(alarm.AlarmActions).toBeUndefined();
      }
    });

    it.each([
      'ScheduleDeadLetterQueue',
      'SenderFailureQueue',
      'FeedbackRuleDeadLetterQueue',
      'FeedbackFailureQueue',
    ])('%s: any visible message (maximum over 5 min >= 1)', (id) => {
      expect(queueAlarm(queueId(id))).toMatchObject({
        Namespace: 'AWS/SQS',
        Statistic: 'Maximum',
        Period: 300,
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      });
    });

    it.each([
      ['sender', () => sender.logicalId],
      ['feedback', () => feedback.logicalId],
    ] as const)('%s errors: sum over 5 min >= 1', (_, functionId) => {
      expect(lambdaErrorsAlarm(functionId())).toMatchObject({
        Namespace: 'AWS/Lambda',
        Statistic: 'Sum',
        Period: 300,
        Threshold: ALARM_THRESHOLDS.functionErrors,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      });
      expect(ALARM_THRESHOLDS.functionErrors).toBe(1);
    });

    it('API 5xx rate: 100 * 5xx / Count of the HTTP API over 5 min > 5', () => {
      const alarm = only(
        alarms.filter((a) => a.Metrics !== undefined),
        'math alarm',
      );
      expect(alarm).toMatchObject({ Threshold: 5, ComparisonOperator: 'GreaterThanThreshold' });
      const httpApiId = only(
        resources(template, 'AWS::ApiGatewayV2::Api').map(([id]) => id),
        'HTTP API',
      );
      const stat = (metricName: string) => ({
        Metric: {
          Namespace: 'AWS/ApiGateway',
          MetricName: metricName,
          Dimensions: [{ Name: 'ApiId', Value: ref(httpApiId) }],
        },
        Period: 300,
        Stat: 'Sum',
      });
      expect(alarm.Metrics).toEqual([
        expect.objectContaining({ Expression: '100 * errors / requests', ReturnData: true }),
        { Id: 'errors', MetricStat: stat('5xx'), ReturnData: false },
        { Id: 'requests', MetricStat: stat('Count'), ReturnData: false },
      ]);
    });

    it.each([
      ['Reputation.BounceRate', 0.05],
      ['Reputation.ComplaintRate', 0.001],
    ])('SES %s (account-wide) above %s', (metricName, threshold) => {
      const alarm = only(
        alarms.filter((a) => a.MetricName === metricName),
        metricName,
      );
      expect(alarm).toMatchObject({
        Namespace: 'AWS/SES',
        Statistic: 'Maximum',
        Threshold: threshold,
        ComparisonOperator: 'GreaterThanThreshold',
      });
      expect(alarm.Dimensions).toBeUndefined();
    });

    it('no SNS topic or KMS key without alarmEmail', () => {
      expect(resources(template, 'AWS::SNS::Topic')).toEqual([]);
      expect(resources(template, 'AWS::KMS::Key')).toEqual([]);
    });
  });
});

describe('alarm notifications (alarmEmail)', () => {
  const { template } = synth({ alarmEmail: 'ops@example.com' });
  const topicId = only(
    resources(template, 'AWS::SNS::Topic').map(([id]) => id),
    'topic',
  );
  const keyId = only(
    resources(template, 'AWS::KMS::Key').map(([id]) => id),
    'key',
  );
  const fromCloudWatch = {
    Principal: { Service: 'cloudwatch.amazonaws.com' },
    Condition: { StringEquals: { 'aws:SourceAccount': ref('AWS::AccountId') } },
  };

  it('an email subscription on a topic encrypted with a rotated customer key', () => {
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'ops@example.com',
      TopicArn: ref(topicId),
    });
    expect(props(template.findResources('AWS::SNS::Topic')[topicId] as Json).KmsMasterKeyId).toEqual(
      getAtt(keyId),
    );
    expect(props(template.findResources('AWS::KMS::Key')[keyId] as Json).EnableKeyRotation).toBe(true);
  });

  it('the key lets CloudWatch alarms of this account encrypt for the topic, nothing more', () => {
    const statements = (
      props(template.findResources('AWS::KMS::Key')[keyId] as Json).KeyPolicy as { Statement: Statement[] }
    ).Statement;
    expect(statements).toContainEqual({
      Effect: 'Allow',
      Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
      Resource: '*',
      ...fromCloudWatch,
    });
  });

  it('the topic policy refuses non-TLS publishing and admits CloudWatch of this account', () => {
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      Topics: [ref(topicId)],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Deny',
            Action: 'sns:Publish',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
          Match.objectLike({
            Effect: 'Allow',
            Action: 'sns:Publish',
            Resource: ref(topicId),
            ...fromCloudWatch,
          }),
        ]),
      },
    });
  });

  it('every alarm notifies the topic on alarm and on recovery', () => {
    const alarms = resources(template, 'AWS::CloudWatch::Alarm').map(([, r]) => props(r));
    expect(alarms).toHaveLength(12); // 4 queues, 2 functions, the API, 2 SES rates, 3 email metrics
    for (const alarm of alarms) {
      expect(alarm.AlarmActions).toEqual([ref(topicId)]);
      expect(alarm.OKActions).toEqual([ref(topicId)]);
    }
  });

  it('no fixed physical names, also with the topic (the sender is named after the stack)', () => {
    const nameProps: Record<string, string> = {
      'AWS::DynamoDB::Table': 'TableName',
      'AWS::Lambda::Function': 'FunctionName',
      'AWS::SQS::Queue': 'QueueName',
      'AWS::IAM::Role': 'RoleName',
      'AWS::Scheduler::ScheduleGroup': 'Name',
      'AWS::Logs::LogGroup': 'LogGroupName',
      'AWS::SES::ConfigurationSet': 'Name',
      'AWS::Events::Rule': 'Name',
      'AWS::CloudWatch::Alarm': 'AlarmName',
      'AWS::SNS::Topic': 'TopicName',
      'AWS::SecretsManager::Secret': 'Name',
    };
    for (const [type, nameProp] of Object.entries(nameProps)) {
      const found = resources(template, type);
      expect(found.length, type).toBeGreaterThan(0);
      for (const [id, r] of found) {
        if (id === fn(template, 'Sender').logicalId) continue;
        expect(props(r)[nameProp], `${type} ${id}.${nameProp}`).toBeUndefined();
      }
    }
  });

  it('the only "*" action in any policy is the account-root administration of the alarm key', () => {
    const withWildcard = [...allIdentityStatements(template), ...allResourceStatements(template)].filter(
      (s) => s.Effect === 'Allow' && actionsOf(s).some((a) => a.includes('*')),
    );
    expect(withWildcard).toEqual([
      {
        Effect: 'Allow',
        Action: 'kms:*',
        Principal: {
          AWS: {
            'Fn::Join': ['', ['arn:', ref('AWS::Partition'), ':iam::', ref('AWS::AccountId'), ':root']],
          },
        },
        Resource: '*',
      },
    ]);
  });
});

describe('InterviewFollowupStack settings', () => {
  it.each(['ops', 'ops@', 'a b@example.com', 'ops@example'])('rejects alarmEmail %j', (email) => {
    expect(() => synth({ alarmEmail: email })).toThrow(/alarmEmail must be an email address/);
  });
});
