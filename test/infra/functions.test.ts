/**
 * The functions themselves: runtime, bundle, memory, timeouts, their own roles and log groups,
 * the sender's name and the default entries (infra/constructs/functions.ts).
 */
import path from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { DEFAULT_ENTRIES, InterviewFollowupStack, PROJECT_ROOT } from '../../infra/stack.js';
import {
  actionsOf,
  defaultStack,
  envOf,
  fn,
  getAtt,
  type Json,
  logGroupOf,
  newApp,
  props,
  roleOf,
  SENDER,
  STUB_ENTRIES,
  statementsOfRole,
} from './synth.js';

describe('InterviewFollowupStack (defaults)', () => {
  const { template } = defaultStack();

  it.each([
    ['Api', 10],
    ['Sender', 30],
    ['Feedback', 30],
  ] as const)('%s function: Node.js 24 on arm64, ESM bundle, 256 MB, %is, own log group', (id, timeout) => {
    const { properties } = fn(template, id);
    expect(properties).toMatchObject({
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      MemorySize: 256,
      Timeout: timeout,
      Handler: 'index.handler',
    });
    expect(envOf(template, id).NODE_OPTIONS).toBe('--enable-source-maps');
    expect(
      props(template.findResources('AWS::Logs::LogGroup')[logGroupOf(template, id)] as Json).RetentionInDays,
    ).toBe(30);
  });

  it.each(['Api', 'Sender', 'Feedback'] as const)(
    '%s role: assumed by Lambda only, no managed policy, writes only to its own log group',
    (id) => {
      const roleId = roleOf(template, id);
      const role = props(template.findResources('AWS::IAM::Role')[roleId] as Json);
      expect(role.AssumeRolePolicyDocument).toEqual({
        Version: '2012-10-17',
        Statement: [
          { Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' } },
        ],
      });
      expect(role.ManagedPolicyArns).toBeUndefined();
      const logs = statementsOfRole(template, roleId).filter((s) =>
        actionsOf(s).some((a) => a.startsWith('logs:')),
      );
      expect(logs).toEqual([
        {
          Effect: 'Allow',
          Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
          Resource: getAtt(logGroupOf(template, id)),
        },
      ]);
    },
  );

  it('gives each function its own role', () => {
    const roles = new Set((['Api', 'Sender', 'Feedback'] as const).map((id) => roleOf(template, id)));
    expect(roles.size).toBe(3);
  });
});

describe('InterviewFollowupStack settings', () => {
  it('names the sender after the stack: one per stage, at most 64 characters', () => {
    const nameIn = (stackId: string) => {
      const stack = new InterviewFollowupStack(newApp(), stackId, { ...SENDER, entries: STUB_ENTRIES });
      return fn(Template.fromStack(stack), 'Sender').properties.FunctionName as string;
    };
    expect(nameIn('interview-followup-prod')).toBe('interview-followup-prod-sender');
    expect(nameIn('interview-followup-dev')).toBe('interview-followup-dev-sender');
    const long = nameIn(`stage-${'x'.repeat(100)}`);
    expect(long.length).toBeLessThanOrEqual(64);
    expect(long).toMatch(/^stage-x+-[0-9A-F]{8}-sender$/);
  });

  it('defaults the entries to the handlers in lambdas/', () => {
    for (const name of ['api', 'sender', 'feedback'] as const) {
      expect(path.relative(PROJECT_ROOT, DEFAULT_ENTRIES[name])).toBe(
        path.join('lambdas', name, 'handler.ts'),
      );
    }
  });
});
