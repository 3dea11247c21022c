/**
 * IAM: every role's statements, only the actions the code calls, each on its resource
 * (infra/constructs/bind.ts, scheduling.ts).
 */
import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { TABLE } from '../../lambdas/aws/table.js';
import { SWEEP_PERIOD_MINUTES } from '../../lambdas/core/reconcile.js';
import {
  actionsOf,
  allIdentityStatements,
  arnOf,
  defaultStack,
  fn,
  getAtt,
  idsOf,
  ref,
  roleOf,
  statementsOfRole,
} from './synth.js';

describe('InterviewFollowupStack (defaults)', () => {
  const { template } = defaultStack();
  const {
    tableId,
    groupId,
    configSetId,
    secretId,
    sender,
    schedulesInGroup,
    schedulerRoleId,
    passSchedulerRole,
    dlqId,
    senderFailureQueueId,
    feedbackFailureQueueId,
  } = idsOf(template);

  it('the sweep runs every SWEEP_PERIOD_MINUTES, may read only the due index and invoke only the sender', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: `rate(${SWEEP_PERIOD_MINUTES} minutes)`,
      Targets: [Match.objectLike({ Arn: getAtt(fn(template, 'Sweep').logicalId) })],
    });
    const policy = JSON.stringify(statementsOfRole(template, roleOf(template, 'Sweep')));
    expect(policy).toContain(`/index/${TABLE.dueIndex}`);
    expect(policy).not.toContain(`/index/${TABLE.tokenIndex}`);
    expect(policy).not.toContain('ses:');
    expect(policy).not.toContain('scheduler:');
    expect(policy).toContain('lambda:InvokeFunction');
  });

  it('api role: exactly the actions the api calls, each scoped to its resource', () => {
    const statements = statementsOfRole(template, roleOf(template, 'Api'));
    expect(statements.every((s) => s.Effect === 'Allow')).toBe(true);
    expect(statements.flatMap(actionsOf).sort()).toEqual(
      [
        'logs:CreateLogStream',
        'logs:PutLogEvents',
        'dynamodb:GetItem',
        'dynamodb:PutItem',
        'dynamodb:UpdateItem',
        'dynamodb:DeleteItem',
        'dynamodb:Query',
        'scheduler:CreateSchedule',
        'scheduler:DeleteSchedule',
        'iam:PassRole',
        'lambda:InvokeFunction',
        'secretsmanager:GetSecretValue',
      ].sort(),
    );
    expect(statements).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          Action: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'],
          Resource: getAtt(tableId),
        }),
        expect.objectContaining({
          Action: 'dynamodb:Query',
          Resource: { 'Fn::Join': ['', [getAtt(tableId), `/index/${TABLE.tokenIndex}`]] },
        }),
        expect.objectContaining({
          Action: ['scheduler:CreateSchedule', 'scheduler:DeleteSchedule'],
          Resource: schedulesInGroup,
        }),
        passSchedulerRole,
        expect.objectContaining({ Action: 'lambda:InvokeFunction', Resource: getAtt(sender.logicalId) }),
        expect.objectContaining({ Action: 'secretsmanager:GetSecretValue', Resource: ref(secretId) }),
      ]),
    );
    expect(statements).toHaveLength(7);
  });

  it('sender role: table get/update, SES send on identities and configuration set, its retries, its failure queue', () => {
    const statements = statementsOfRole(template, roleOf(template, 'Sender'));
    expect(statements.every((s) => s.Effect === 'Allow')).toBe(true);
    expect(statements).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          Action: ['dynamodb:GetItem', 'dynamodb:UpdateItem'],
          Resource: getAtt(tableId),
        }),
        expect.objectContaining({
          Action: 'ses:SendRawEmail',
          Resource: [
            arnOf('ses', 'identity/example.com'),
            arnOf('ses', 'identity/followup@example.com'),
            arnOf('ses', ref(configSetId)),
          ],
        }),
        expect.objectContaining({ Action: 'scheduler:CreateSchedule', Resource: schedulesInGroup }),
        passSchedulerRole,
      ]),
    );
    const actions = statements.flatMap(actionsOf);
    expect(actions.filter((a) => !a.startsWith('sqs:')).sort()).toEqual(
      [
        'logs:CreateLogStream',
        'logs:PutLogEvents',
        'dynamodb:GetItem',
        'dynamodb:UpdateItem',
        'ses:SendRawEmail',
        'scheduler:CreateSchedule',
        'iam:PassRole',
      ].sort(),
    );
    // The on-failure destination needs SendMessage on that queue, and on nothing else.
    for (const s of statements.filter((st) => actionsOf(st).some((a) => a.startsWith('sqs:')))) {
      expect(s.Resource).toEqual(getAtt(senderFailureQueueId));
    }
  });

  it('feedback role: table get/update, DeleteSchedule in the group, the counter secret, its failure queue, nothing else', () => {
    const statements = statementsOfRole(template, roleOf(template, 'Feedback'));
    expect(statements.every((s) => s.Effect === 'Allow')).toBe(true);
    expect(statements).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          Action: ['dynamodb:GetItem', 'dynamodb:UpdateItem'],
          Resource: getAtt(tableId),
        }),
        expect.objectContaining({ Action: 'scheduler:DeleteSchedule', Resource: schedulesInGroup }),
        expect.objectContaining({ Action: 'secretsmanager:GetSecretValue', Resource: ref(secretId) }),
      ]),
    );
    expect(
      statements
        .flatMap(actionsOf)
        .filter((a) => !a.startsWith('sqs:'))
        .sort(),
    ).toEqual(
      [
        'logs:CreateLogStream',
        'logs:PutLogEvents',
        'dynamodb:GetItem',
        'dynamodb:UpdateItem',
        'scheduler:DeleteSchedule',
        'secretsmanager:GetSecretValue',
      ].sort(),
    );
    for (const s of statements.filter((st) => actionsOf(st).some((a) => a.startsWith('sqs:')))) {
      expect(s.Resource).toEqual(getAtt(feedbackFailureQueueId));
    }
  });

  it('scheduler role: trusted by scheduler.amazonaws.com from this account and group only', () => {
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [
          {
            Action: 'sts:AssumeRole',
            Effect: 'Allow',
            Principal: { Service: 'scheduler.amazonaws.com' },
            Condition: {
              StringEquals: { 'aws:SourceAccount': ref('AWS::AccountId') },
              ArnLike: { 'aws:SourceArn': [getAtt(groupId), schedulesInGroup] },
            },
          },
        ],
      },
    });
  });

  it('scheduler role: may only invoke the sender and send to the schedule DLQ', () => {
    const statements = statementsOfRole(template, schedulerRoleId);
    expect(statements).toEqual([
      { Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: getAtt(sender.logicalId) },
      { Effect: 'Allow', Action: 'sqs:SendMessage', Resource: getAtt(dlqId) },
    ]);
  });

  it('no identity policy allows "*" or a wildcard action; only the schedule path is a wildcard resource', () => {
    const statements = allIdentityStatements(template);
    expect(statements.length).toBeGreaterThan(0);
    const wildcardResources: unknown[] = [];
    for (const s of statements) {
      expect(s.NotAction, JSON.stringify(s)).toBeUndefined();
      expect(s.NotResource, JSON.stringify(s)).toBeUndefined();
      if (s.Effect !== 'Allow') continue;
      for (const action of actionsOf(s)) {
        expect(action, JSON.stringify(s)).not.toContain('*');
      }
      const list = Array.isArray(s.Resource) ? s.Resource : [s.Resource];
      for (const resource of list) {
        expect(resource, JSON.stringify(s)).not.toBe('*');
        if (JSON.stringify(resource).includes('*')) wildcardResources.push(resource);
      }
    }
    // The scheduler statements of the api, the sender and the feedback function.
    expect(wildcardResources).toEqual([schedulesInGroup, schedulesInGroup, schedulesInGroup]);
  });
});
