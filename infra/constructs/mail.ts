/**
 * The SES side of the service: the configuration set every email is sent through, the identities
 * the sender sends as, and the way back: the set's bounce, complaint and delivery events go to the
 * default event bus, where a rule hands this stack's to the feedback function. The sender gets its
 * From address, the set's name and its SES grant together through `bindMail` (bind.ts).
 */
import { Annotations, Duration, type Stack } from 'aws-cdk-lib';
import { EventBus, Rule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import {
  ConfigurationSet,
  EmailSendingEvent,
  EventDestination,
  SuppressionReasons,
} from 'aws-cdk-lib/aws-ses';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';

/** The SES events the configuration set publishes to EventBridge, and their EventBridge detail-types. */
export const SES_FEEDBACK_EVENTS = {
  [EmailSendingEvent.BOUNCE]: 'Email Bounced',
  [EmailSendingEvent.COMPLAINT]: 'Email Complaint Received',
  [EmailSendingEvent.DELIVERY]: 'Email Delivered',
} as const;

export interface MailProps {
  /** From address of every email (checked by the settings). */
  readonly senderAddress: string;
  /** The SES identities SES may authorize a send from that address against: domain(s) and address. */
  readonly identities: readonly string[];
  /** The account is in the SES sandbox (`sesSandbox`): the sender may send as any identity. */
  readonly sandbox: boolean;
}

/** A flat construct: `ConfigurationSet` and `SesFeedbackRule` are direct children of the stack. */
export class Mail {
  readonly configurationSet: ConfigurationSet;
  readonly configurationSetName: string;
  readonly configurationSetArn: string;
  readonly senderAddress: string;
  /**
   * What SendRawEmail is authorized against: the identities and, when one is named, the
   * configuration set. In the sandbox SES also checks each recipient's (verified) identity, so
   * the list then names every identity of the account.
   */
  readonly sendingResources: readonly string[];
  readonly sandbox: boolean;
  private readonly scope: Stack;

  constructor(scope: Stack, props: MailProps) {
    this.scope = scope;
    this.senderAddress = props.senderAddress;
    this.sandbox = props.sandbox;
    // No name: CloudFormation generates one, so two stages can live in one account.
    this.configurationSet = new ConfigurationSet(scope, 'ConfigurationSet', {
      suppressionReasons: SuppressionReasons.BOUNCES_AND_COMPLAINTS,
      reputationMetrics: true,
    });
    this.configurationSet.addEventDestination('ToEventBridge', {
      destination: EventDestination.eventBus(EventBus.fromEventBusName(scope, 'DefaultEventBus', 'default')),
      events: Object.keys(SES_FEEDBACK_EVENTS) as EmailSendingEvent[],
    });
    this.configurationSetName = this.configurationSet.configurationSetName;
    this.configurationSetArn = scope.formatArn({
      service: 'ses',
      resource: 'configuration-set',
      resourceName: this.configurationSetName,
    });
    const identityArn = (identity: string) =>
      scope.formatArn({ service: 'ses', resource: 'identity', resourceName: identity });
    this.sendingResources = [
      ...(props.sandbox ? ['*'] : props.identities).map(identityArn),
      this.configurationSetArn,
    ];
    if (props.sandbox) {
      Annotations.of(scope).addWarning(
        'sesSandbox is on: the sender may send as any verified SES identity of this account, and SES ' +
          'delivers only to verified recipients. Turn it off once the account has production access.',
      );
    }
  }

  /**
   * Configuration set events → default bus → `handler`: the rule `SesFeedbackRule`, retried by
   * EventBridge, with what it cannot deliver in `deadLetterQueue`.
   */
  deliverFeedbackTo(handler: IFunction, deadLetterQueue: IQueue): Rule {
    const rule = new Rule(this.scope, 'SesFeedbackRule', {
      description: "SES bounce, complaint and delivery events of this stack's configuration set",
      eventPattern: {
        source: ['aws.ses'],
        detailType: Object.values(SES_FEEDBACK_EVENTS),
        detail: { mail: { tags: { 'ses:configuration-set': [this.configurationSetName] } } },
      },
    });
    rule.addTarget(
      new LambdaFunction(handler, {
        retryAttempts: 8,
        maxEventAge: Duration.hours(2),
        deadLetterQueue,
      }),
    );
    return rule;
  }
}
