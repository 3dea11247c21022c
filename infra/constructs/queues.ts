/**
 * The four failure queues: each is itself the end of a failure path (so none has a dead-letter
 * queue of its own), and each has an alarm (alarms.ts).
 */
import { Duration, type Stack } from 'aws-cdk-lib';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { acknowledge } from './nag.js';

/** A flat construct: the queues are direct children of the stack, under these ids. */
export class FailureQueues {
  /** Scheduler delivers to the sender asynchronously; this catches schedules it could not deliver. */
  readonly scheduleDlq: Queue;
  /** The sender's own failures (after its retries), whoever invoked it: Scheduler or the api. */
  readonly senderFailureQueue: Queue;
  /** SES events EventBridge could not deliver to the feedback function. */
  readonly feedbackRuleDlq: Queue;
  /**
   * Feedback invocations that failed after Lambda's retries (EventBridge invokes asynchronously,
   * so function errors never reach the rule's dead-letter queue).
   */
  readonly feedbackFailureQueue: Queue;

  constructor(scope: Stack) {
    this.scheduleDlq = deadLetterQueue(
      scope,
      'ScheduleDeadLetterQueue',
      "EventBridge Scheduler's dead-letter queue for schedules it could not deliver to the sender",
    );
    this.senderFailureQueue = deadLetterQueue(
      scope,
      'SenderFailureQueue',
      "the sender's on-failure destination for invocations that failed after Lambda's retries",
    );
    this.feedbackRuleDlq = deadLetterQueue(
      scope,
      'FeedbackRuleDeadLetterQueue',
      "the SES feedback rule's dead-letter queue for events EventBridge could not deliver",
    );
    this.feedbackFailureQueue = deadLetterQueue(
      scope,
      'FeedbackFailureQueue',
      "the feedback function's on-failure destination for invocations that failed after Lambda's retries",
    );
  }
}

/** An encrypted, TLS-only queue that is itself the last stop of a failure path. */
function deadLetterQueue(scope: Stack, id: string, what: string): Queue {
  const queue = new Queue(scope, id, {
    encryption: QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    retentionPeriod: Duration.days(14),
  });
  acknowledge(
    queue,
    'AwsSolutions-SQS3',
    `This queue is ${what}; a dead-letter queue for it would only move the same messages again.`,
  );
  return queue;
}
