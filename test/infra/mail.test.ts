/**
 * SES: the configuration set, its events to EventBridge, the feedback rule, the sandbox setting
 * and the sender address checks (infra/constructs/mail.ts).
 */
import { Annotations, Match, type Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { ENV, loadSenderConfig } from '../../lambdas/config.js';
import {
  arnOf,
  defaultStack,
  getAtt,
  idsOf,
  type Json,
  only,
  props,
  ref,
  resources,
  roleOf,
  statementsOfRole,
  synth,
} from './synth.js';

describe('InterviewFollowupStack (defaults)', () => {
  const { template } = defaultStack();
  const { configSetId, feedback, feedbackRuleDlqId, ruleId, rule } = idsOf(template);

  it('SES configuration set: no fixed name, suppression list for bounces and complaints, reputation metrics', () => {
    expect(props(template.findResources('AWS::SES::ConfigurationSet')[configSetId] as Json)).toEqual({
      SuppressionOptions: { SuppressedReasons: ['BOUNCE', 'COMPLAINT'] },
      ReputationOptions: { ReputationMetricsEnabled: true },
    });
  });

  it('SES event destination: bounce, complaint and delivery to the default event bus', () => {
    const destination = props(
      only(
        resources(template, 'AWS::SES::ConfigurationSetEventDestination').map(([, r]) => r),
        'event destination',
      ),
    );
    expect(destination).toEqual({
      ConfigurationSetName: ref(configSetId),
      EventDestination: {
        Enabled: true,
        MatchingEventTypes: ['bounce', 'complaint', 'delivery'],
        EventBridgeDestination: { EventBusArn: arnOf('events', 'event-bus/default') },
      },
    });
  });

  it("feedback rule: on the default bus, SES bounce/complaint/delivery of this stack's configuration set only", () => {
    expect(rule.EventBusName).toBeUndefined();
    expect(rule.State).toBe('ENABLED');
    expect(rule.EventPattern).toEqual({
      source: ['aws.ses'],
      'detail-type': ['Email Bounced', 'Email Complaint Received', 'Email Delivered'],
      detail: { mail: { tags: { 'ses:configuration-set': [ref(configSetId)] } } },
    });
  });

  it('feedback rule: targets the feedback function with 8 retries, 2 h max age and an encrypted DLQ', () => {
    expect(rule.Targets).toEqual([
      {
        Id: 'Target0',
        Arn: getAtt(feedback.logicalId),
        RetryPolicy: { MaximumRetryAttempts: 8, MaximumEventAgeInSeconds: 2 * 3600 },
        DeadLetterConfig: { Arn: getAtt(feedbackRuleDlqId) },
      },
    ]);
    // EventBridge may invoke the function and write to the DLQ, for this rule only.
    template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      FunctionName: getAtt(feedback.logicalId),
      Principal: 'events.amazonaws.com',
      SourceArn: getAtt(ruleId),
    });
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      Queues: [ref(feedbackRuleDlqId)],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Allow',
            Action: 'sqs:SendMessage',
            Principal: { Service: 'events.amazonaws.com' },
            Condition: { ArnEquals: { 'aws:SourceArn': getAtt(ruleId) } },
            Resource: getAtt(feedbackRuleDlqId),
          }),
        ]),
      },
    });
  });
});

describe('SES sandbox (sesSandbox)', () => {
  const sesResources = (template: Template) =>
    JSON.stringify(
      statementsOfRole(template, roleOf(template, 'Sender')).filter((st) =>
        JSON.stringify(st.Action).includes('ses:SendRawEmail'),
      ),
    );

  it('off by default: the sender may send only as its own identities', () => {
    const policy = sesResources(synth().template);
    expect(policy).toContain('identity/example.com');
    expect(policy).not.toContain('identity/*');
  });

  it('on: the sender may send as any verified identity of the account (SES checks each recipient too)', () => {
    const { stack, template } = synth({ sesSandbox: true });
    expect(sesResources(template)).toContain('identity/*');
    const warnings = Annotations.fromStack(stack).findWarning(
      '*',
      Match.stringLikeRegexp('sesSandbox is on'),
    );
    expect(warnings).toHaveLength(1);
  });

  it('read from context too', () => {
    expect(sesResources(synth({}, { sesSandbox: 'true' }).template)).toContain('identity/*');
  });
});

describe('InterviewFollowupStack settings', () => {
  it.each([
    ['followup@other.com', /must be in senderDomain/],
    ['followup@badexample.com', /must be in senderDomain/],
    ['not-an-address', /must be an email address/],
    ['@example.com', /must be an email address/],
    // The sender's own config refuses it at cold start, so synth must too.
    ['a~b@example.com', /must be an email address/],
  ])('rejects senderAddress %j for senderDomain example.com', (address, message) => {
    expect(() => synth({ senderAddress: address })).toThrow(message);
    if (/email address/.test(String(message))) {
      expect(() => loadSenderConfig({ [ENV.senderAddress]: address })).toThrow(/senderAddress/);
    }
  });
});
