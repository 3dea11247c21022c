/**
 * cdk-nag's AwsSolutions pack: no unacknowledged finding, and each acknowledgement on its
 * resource (each construct in infra/constructs/ carries its own).
 */
import { type App, Stack, Validations } from 'aws-cdk-lib';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it, vi } from 'vitest';
import { InterviewFollowupStack, type InterviewFollowupStackProps } from '../../infra/stack.js';
import { acknowledgements, newApp, SENDER, STUB_ENTRIES } from './synth.js';

describe('cdk-nag AwsSolutions', () => {
  /** The findings the stack acknowledges, each on the resource it concerns. */
  const EXPECTED_ACKNOWLEDGEMENTS = [
    ...[
      'ScheduleDeadLetterQueue',
      'SenderFailureQueue',
      'FeedbackRuleDeadLetterQueue',
      'FeedbackFailureQueue',
    ].map((queue) => `AwsSolutions-SQS3 @ Nag/${queue}/Resource`),
    ...['ApiRole', 'SenderRole', 'FeedbackRole'].map(
      (role) =>
        'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:scheduler:<AWS::Region>:<AWS::AccountId>:schedule/<ScheduleGroup>/*]' +
        ` @ Nag/${role}/DefaultPolicy/Resource`,
    ),
    ...[
      'POST--interviews',
      'POST--interviews--preview',
      'GET--interviews--{id}',
      'PATCH--interviews--{id}',
      'DELETE--interviews--{id}',
      'POST--interviews--{id}--restore',
      'GET--cancel--{token}',
      'HEAD--cancel--{token}',
      'POST--cancel--{token}',
      'POST--cancel--{token}--restore',
      'GET--health',
      'GET--openapi.json',
      'GET--docs',
    ].map((route) => `AwsSolutions-APIG4 @ Nag/HttpApi/${route}/Resource`),
    'AwsSolutions-SMG4 @ Nag/CounterSecret/Resource',
    ...['CFR1', 'CFR3', 'CFR4'].map((rule) => `AwsSolutions-${rule} @ Nag/Edge/Distribution/Resource`),
  ].sort();

  function nagApp(props: InterviewFollowupStackProps = {}) {
    const app = newApp();
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    const stack = new InterviewFollowupStack(app, 'Nag', { ...SENDER, entries: STUB_ENTRIES, ...props });
    return { app, stack };
  }

  const findings = (app: App) =>
    new AwsSolutionsChecks()
      .validateScope(app)
      .violations.flatMap((v) => v.violatingResources.map((r) => `${v.ruleName} @ ${r.constructPath}`));

  it.each([
    ['without alarmEmail', {}],
    ['with alarmEmail', { alarmEmail: 'ops@example.com' }],
    ['with wafRateLimit', { wafRateLimit: 1000 }],
    ['with selfServe', { selfServe: true }],
    ['with selfServe off', { selfServe: false }],
  ])('reports no unacknowledged finding (%s), and synth with the plugin succeeds', (_, props) => {
    const { app } = nagApp(props);
    expect(findings(app)).toEqual([]);
    expect(() => app.synth()).not.toThrow();
  });

  it('acknowledges exactly the expected findings, each on its resource, each with a specific reason', () => {
    const { app } = nagApp({ alarmEmail: 'ops@example.com', wafRateLimit: 1000 });
    const acks = acknowledgements(app);
    expect([...acks.keys()].sort()).toEqual(EXPECTED_ACKNOWLEDGEMENTS);
    for (const [where, reason] of acks) expect(reason.length, where).toBeGreaterThan(40);
  });

  it('without the acknowledgements the pack reports exactly those findings (none is stale)', () => {
    const skip = vi.spyOn(Validations.prototype, 'acknowledge').mockImplementation(() => {});
    try {
      const { app } = nagApp({ alarmEmail: 'ops@example.com', wafRateLimit: 1000 });
      expect(findings(app).sort()).toEqual(EXPECTED_ACKNOWLEDGEMENTS);
      expect(() => app.synth()).toThrow(/AwsSolutions-SQS3/);
    } finally {
      skip.mockRestore();
    }
  });

  it('with selfServe (the default without wafRateLimit): the APIG4 acknowledgement of each self-serve route more, each needed', () => {
    const selfServeAcknowledgements = [
      'GET--',
      'HEAD--',
      'POST--',
      'POST--preview',
      'POST--invite',
      'GET--manage--{token}',
      'HEAD--manage--{token}',
      'POST--manage--{token}--confirm',
      'POST--manage--{token}--cancel',
      'POST--manage--{token}--restore',
      'GET--manage--{token}--edit',
      'HEAD--manage--{token}--edit',
      'POST--manage--{token}--edit',
      'POST--manage--{token}--erase',
    ].map((route) => `AwsSolutions-APIG4 @ Nag/HttpApi/${route}/Resource`);
    const without = acknowledgements(nagApp({ alarmEmail: 'ops@example.com', selfServe: false }).app);
    const expected = [...without.keys(), ...selfServeAcknowledgements].sort();
    const acks = acknowledgements(nagApp({ alarmEmail: 'ops@example.com' }).app);
    expect([...acks.keys()].sort()).toEqual(expected);
    for (const where of selfServeAcknowledgements) {
      expect(acks.get(where), where).toMatch(/needs no API Gateway authorizer: .{40,}/);
    }
    const skip = vi.spyOn(Validations.prototype, 'acknowledge').mockImplementation(() => {});
    try {
      expect(findings(nagApp({ alarmEmail: 'ops@example.com' }).app).sort()).toEqual(expected);
    } finally {
      skip.mockRestore();
    }
  });

  it('catches a real problem: an unencrypted queue fails synth', () => {
    const app = newApp();
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    const stack = new Stack(app, 'Throwaway');
    new Queue(stack, 'Plain', { encryption: QueueEncryption.UNENCRYPTED });
    expect(findings(app)).toEqual(
      expect.arrayContaining([
        'AwsSolutions-SQS2 @ Throwaway/Plain/Resource',
        'AwsSolutions-SQS4 @ Throwaway/Plain/Resource',
      ]),
    );
    expect(() => app.synth()).toThrow(/AwsSolutions-SQS2/);
  });
});
