/**
 * CloudWatch alarms on every failure path (the four failure queues, the sender's and the feedback
 * function's errors), the API's 5xx rate, the account's SES reputation and the app's own email
 * metrics; with `alarmEmail`, an encrypted SNS topic that mails each alarm and its recovery.
 */
import { Duration, RemovalPolicy, type Stack } from 'aws-cdk-lib';
import type { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  Alarm,
  type AlarmProps,
  ComparisonOperator,
  MathExpression,
  Metric,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { METRICS_NAMESPACE, type MetricName } from '../../lambdas/core/ports.js';
import type { FailureQueues } from './queues.js';

/** Alarm thresholds, exported so tests and the README agree with the stack. */
export const ALARM_THRESHOLDS = {
  /** Messages visible in a dead-letter or failure queue. */
  queueMessages: 1,
  /** Function errors in 5 minutes. */
  functionErrors: 1,
  /** Percentage of API requests answered 5xx in 5 minutes (alarm above). */
  api5xxPercent: 5,
  /** SES account bounce rate (alarm above; SES reviews an account at 5 %). */
  bounceRate: 0.05,
  /** SES account complaint rate (alarm above; SES reviews an account at 0.1 %). */
  complaintRate: 0.001,
  /** Emails ended `failed`, with an unknown outcome, or found stuck, in 5 minutes (the app's metrics). */
  emailMetric: 1,
} as const;

export interface AlarmsProps {
  readonly queues: FailureQueues;
  readonly sender: IFunction;
  readonly feedback: IFunction;
  readonly httpApi: HttpApi;
  /** Where notifications go (an SNS email subscription); empty: no topic, no alarm actions. */
  readonly alarmEmail: string;
}

/** A flat construct: every alarm, and the topic and its key, are direct children of the stack. */
export class Alarms {
  readonly alarms: readonly Alarm[];
  /** Only with `alarmEmail`. */
  readonly topic?: Topic;

  constructor(scope: Stack, props: AlarmsProps) {
    const alarms: Alarm[] = [];
    this.alarms = alarms;
    const alarm = (alarmId: string, alarmProps: Omit<AlarmProps, 'evaluationPeriods'>) => {
      const created = new Alarm(scope, alarmId, {
        evaluationPeriods: 1,
        treatMissingData: TreatMissingData.NOT_BREACHING,
        ...alarmProps,
      });
      alarms.push(created);
      return created;
    };
    const fiveMinutes = Duration.minutes(5);

    const { queues } = props;
    const queueAlarms = [
      [
        queues.scheduleDlq,
        'ScheduleDeadLetterQueueAlarm',
        'A schedule fired but EventBridge Scheduler could not invoke the sender: that email was not sent.',
      ],
      [
        queues.senderFailureQueue,
        'SenderFailureQueueAlarm',
        "The sender failed on an email after Lambda's retries: that email was not sent.",
      ],
      [
        queues.feedbackRuleDlq,
        'FeedbackRuleDeadLetterQueueAlarm',
        'EventBridge could not deliver an SES bounce/complaint event to the feedback function.',
      ],
      [
        queues.feedbackFailureQueue,
        'FeedbackFailureQueueAlarm',
        "The feedback function failed on an SES event after Lambda's retries: it was not applied.",
      ],
    ] as const;
    for (const [queue, alarmId, meaning] of queueAlarms) {
      alarm(alarmId, {
        alarmDescription: `${meaning} The message waits in ${queue.node.id} (kept 14 days).`,
        metric: queue.metricApproximateNumberOfMessagesVisible({ period: fiveMinutes, statistic: 'Maximum' }),
        threshold: ALARM_THRESHOLDS.queueMessages,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      });
    }
    alarm('SenderErrorsAlarm', {
      alarmDescription:
        'The sender failed (Lambda retries it; failures after retries go to its failure queue).',
      metric: props.sender.metricErrors({ period: fiveMinutes, statistic: 'Sum' }),
      threshold: ALARM_THRESHOLDS.functionErrors,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    });
    alarm('FeedbackErrorsAlarm', {
      alarmDescription: 'The feedback function failed on an SES event (retried; then its failure queue).',
      metric: props.feedback.metricErrors({ period: fiveMinutes, statistic: 'Sum' }),
      threshold: ALARM_THRESHOLDS.functionErrors,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    });
    // The app's own metrics (EMF from the sender and the sweep, lambdas/aws/observability.ts).
    const appMetric = (metricName: MetricName) =>
      new Metric({
        namespace: METRICS_NAMESPACE,
        metricName,
        dimensionsMap: { service: scope.stackName },
        statistic: 'Sum',
        period: fiveMinutes,
      });
    const emailAlarms: ReadonlyArray<readonly [string, MetricName, string]> = [
      [
        'EmailsFailedAlarm',
        'EmailsFailed',
        'An email ended failed (SES refused it for good, or kept refusing it).',
      ],
      [
        'EmailsUnknownAlarm',
        'EmailsUnknown',
        'SES did not answer a send: the email may or may not have gone out, and is not retried.',
      ],
      [
        'EmailsStuckAlarm',
        'EmailsStuck',
        'The sweep found an email stuck in sending (or a confirmation never sent); it is never re-sent.',
      ],
    ];
    for (const [alarmId, metricName, meaning] of emailAlarms) {
      alarm(alarmId, {
        alarmDescription: meaning,
        metric: appMetric(metricName),
        threshold: ALARM_THRESHOLDS.emailMetric,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      });
    }
    alarm('Api5xxRateAlarm', {
      alarmDescription: `More than ${ALARM_THRESHOLDS.api5xxPercent}% of API requests answered 5xx in 5 minutes.`,
      metric: new MathExpression({
        expression: '100 * errors / requests',
        usingMetrics: {
          errors: props.httpApi.metricServerError({ period: fiveMinutes, statistic: 'Sum' }),
          requests: props.httpApi.metricCount({ period: fiveMinutes, statistic: 'Sum' }),
        },
        period: fiveMinutes,
        label: 'API 5xx responses (% of requests)',
      }),
      threshold: ALARM_THRESHOLDS.api5xxPercent,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
    });
    // Account-wide reputation metrics: the rates SES itself uses to review or pause sending.
    const reputation = (metricName: string) =>
      new Metric({ namespace: 'AWS/SES', metricName, statistic: 'Maximum', period: Duration.hours(1) });
    alarm('SesBounceRateAlarm', {
      alarmDescription: `SES account bounce rate above ${ALARM_THRESHOLDS.bounceRate * 100}%.`,
      metric: reputation('Reputation.BounceRate'),
      threshold: ALARM_THRESHOLDS.bounceRate,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
    });
    alarm('SesComplaintRateAlarm', {
      alarmDescription: `SES account complaint rate above ${ALARM_THRESHOLDS.complaintRate * 100}%.`,
      metric: reputation('Reputation.ComplaintRate'),
      threshold: ALARM_THRESHOLDS.complaintRate,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
    });

    if (props.alarmEmail !== '') {
      const topic = alarmTopic(scope);
      this.topic = topic;
      topic.addSubscription(new EmailSubscription(props.alarmEmail));
      const action = new SnsAction(topic);
      for (const each of alarms) {
        each.addAlarmAction(action);
        each.addOkAction(action);
      }
    }
  }
}

/**
 * KMS-encrypted, TLS-only topic for alarm notifications. CloudWatch cannot publish to a topic
 * encrypted with the AWS-managed SNS key, so the topic has its own key that lets CloudWatch
 * alarms of this account use it.
 */
function alarmTopic(scope: Stack): Topic {
  const key = new Key(scope, 'AlarmTopicKey', {
    description: 'Encrypts the interview-followup alarm topic',
    enableKeyRotation: true,
    // Only in-flight notifications depend on it; deleted with the stack (after 7 days).
    removalPolicy: RemovalPolicy.DESTROY,
    pendingWindow: Duration.days(7),
  });
  const fromCloudWatchInThisAccount = {
    principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
    conditions: { StringEquals: { 'aws:SourceAccount': scope.account } },
  };
  key.addToResourcePolicy(
    new PolicyStatement({
      ...fromCloudWatchInThisAccount,
      actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
      resources: ['*'], // in a key policy, "*" means this key
    }),
  );
  const topic = new Topic(scope, 'AlarmTopic', {
    displayName: `${scope.stackName} alarms`,
    masterKey: key,
    enforceSSL: true,
  });
  // enforceSSL creates a topic policy, which replaces the default one: allow the alarms back in.
  topic.addToResourcePolicy(
    new PolicyStatement({
      ...fromCloudWatchInThisAccount,
      actions: ['sns:Publish'],
      resources: [topic.topicArn],
    }),
  );
  return topic;
}
