/**
 * Settings read from props or context, and the ones refused at synth; the stack stays
 * environment-agnostic (infra/settings.ts).
 */
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { InterviewFollowupStack } from '../../infra/stack.js';
import { ENV } from '../../lambdas/config.js';
import {
  ANONYMOUS_ROUTES,
  actionsOf,
  arnOf,
  defaultStack,
  envOf,
  GOOD_KEY,
  INTERVIEW_ROUTES,
  newApp,
  only,
  ref,
  resources,
  roleOf,
  routeSettingsOf,
  STUB_ENTRIES,
  statementsOfRole,
  synth,
} from './synth.js';

describe('InterviewFollowupStack (defaults)', () => {
  const { stack, template } = defaultStack();

  it('is environment-agnostic: account, region and partition stay tokens', () => {
    expect(stack.resolve(stack.account)).toEqual(ref('AWS::AccountId'));
    expect(stack.resolve(stack.region)).toEqual(ref('AWS::Region'));
    expect(JSON.stringify(template.toJSON())).not.toMatch(/:\d{12}:/);
  });
});

describe('InterviewFollowupStack settings', () => {
  it('reads settings from context when no prop is given (CLI -c values are strings)', () => {
    const app = newApp({
      senderAddress: 'hello@mail.example.org',
      senderDomain: 'example.org',
      apiKeySha256: GOOD_KEY,
      throttleRate: '7',
      throttleBurst: '9',
      cancelThrottleRate: '2.5',
      cancelThrottleBurst: '3',
      alarmEmail: 'ops@example.org',
      retainData: 'false',
    });
    const stack = new InterviewFollowupStack(app, 'Ctx', { entries: STUB_ENTRIES });
    const template = Template.fromStack(stack);
    expect(envOf(template, 'Sender')[ENV.senderAddress]).toBe('hello@mail.example.org');
    expect(envOf(template, 'Api')[ENV.apiKeySha256]).toBe(GOOD_KEY);
    const routeSettings = routeSettingsOf(template);
    for (const key of INTERVIEW_ROUTES) {
      expect(routeSettings[key], key).toEqual({ ThrottlingRateLimit: 7, ThrottlingBurstLimit: 9 });
    }
    for (const key of ANONYMOUS_ROUTES) {
      expect(routeSettings[key], key).toEqual({ ThrottlingRateLimit: 2.5, ThrottlingBurstLimit: 3 });
    }
    template.hasResourceProperties('AWS::SNS::Subscription', { Endpoint: 'ops@example.org' });
    template.hasResource('AWS::DynamoDB::Table', { DeletionPolicy: 'Delete' });
    template.hasResource('AWS::SecretsManager::Secret', { DeletionPolicy: 'Delete' });
    // A subdomain address: SES may authorize against the domain, the subdomain or the address.
    const ses = statementsOfRole(template, roleOf(template, 'Sender')).find((s) =>
      actionsOf(s).includes('ses:SendRawEmail'),
    );
    const configSetId = only(
      resources(template, 'AWS::SES::ConfigurationSet').map(([id]) => id),
      'configuration set',
    );
    expect(ses?.Resource).toEqual([
      arnOf('ses', 'identity/example.org'),
      arnOf('ses', 'identity/mail.example.org'),
      arnOf('ses', 'identity/hello@mail.example.org'),
      arnOf('ses', ref(configSetId)),
    ]);
  });

  it('rejects a missing sender setting and bad throttle values', () => {
    const app = newApp();
    expect(() => new InterviewFollowupStack(app, 'NoSender', { entries: STUB_ENTRIES })).toThrow(
      /Missing setting "senderAddress"/,
    );
    expect(() => synth({ throttleRate: 0 })).toThrow(/throttleRate/);
    expect(() => synth({}, { throttleBurst: 'lots' })).toThrow(/throttleBurst/);
    expect(() => synth({ throttleBurst: 2.5 })).toThrow(/throttleBurst/);
    expect(() => synth({ cancelThrottleRate: -1 })).toThrow(/cancelThrottleRate/);
    expect(() => synth({}, { cancelThrottleRate: 'fast' })).toThrow(/cancelThrottleRate/);
    expect(() => synth({ cancelThrottleBurst: 0.5 })).toThrow(/cancelThrottleBurst/);
    expect(() => synth({}, { cancelThrottleBurst: '0' })).toThrow(/cancelThrottleBurst/);
  });

  it.each(['yes', 'on', 'True', '1', ''])(
    'rejects context selfServe=%j at synth, saying what it takes',
    (value) => {
      expect(() => synth({}, { selfServe: value })).toThrow(
        /^selfServe must be true or false \(-c selfServe=true\), got "/,
      );
    },
  );
});
