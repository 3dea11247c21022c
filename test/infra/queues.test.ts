/**
 * The four failure queues and the failure handling that ends in them (infra/constructs/queues.ts).
 */
import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { defaultStack, getAtt, idsOf, type Json, props, ref } from './synth.js';

describe('InterviewFollowupStack (defaults)', () => {
  const { template } = defaultStack();
  const {
    sender,
    feedback,
    queueId,
    dlqId,
    senderFailureQueueId,
    feedbackRuleDlqId,
    feedbackFailureQueueId,
    invokeConfigOf,
    onFailureQueueOf,
  } = idsOf(template);

  it.each([
    ['sender', () => sender.logicalId, () => senderFailureQueueId],
    ['feedback', () => feedback.logicalId, () => feedbackFailureQueueId],
  ] as const)('%s: 2 retries, 6 h max age, failures to its own failure queue', (_, functionId, queue) => {
    expect(invokeConfigOf(functionId())).toMatchObject({
      Qualifier: '$LATEST',
      MaximumRetryAttempts: 2,
      MaximumEventAgeInSeconds: 6 * 3600,
    });
    expect(onFailureQueueOf(functionId())).toBe(queue());
  });

  it('the four queues are distinct', () => {
    expect(new Set([dlqId, senderFailureQueueId, feedbackRuleDlqId, feedbackFailureQueueId]).size).toBe(4);
  });

  it.each([
    'ScheduleDeadLetterQueue',
    'SenderFailureQueue',
    'FeedbackRuleDeadLetterQueue',
    'FeedbackFailureQueue',
  ])('%s: SQS-managed encryption, 14-day retention, TLS enforced', (id) => {
    const queue = queueId(id);
    expect(props(template.findResources('AWS::SQS::Queue')[queue] as Json)).toMatchObject({
      SqsManagedSseEnabled: true,
      MessageRetentionPeriod: 14 * 24 * 3600,
    });
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      Queues: [ref(queue)],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Deny',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
            Resource: getAtt(queue),
          }),
        ]),
      },
    });
  });
});
