/**
 * The table (keys, indexes, billing, recovery, TTL), the counter secret, and what `retainData`
 * keeps when the stack is deleted (infra/constructs/storage.ts, secret.ts).
 */
import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { TABLE } from '../../lambdas/aws/table.js';
import {
  actionsOf,
  allIdentityStatements,
  defaultStack,
  idsOf,
  type Json,
  props,
  ref,
  resources,
  roleOf,
  statementsOfRole,
  synth,
} from './synth.js';

describe('InterviewFollowupStack (defaults)', () => {
  const { template } = defaultStack();
  const { secretId } = idsOf(template);

  it('defines the table from TABLE: key, token and due GSIs (keys only), on-demand, PITR, TTL, retained', () => {
    template.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: Match.objectLike({
        KeySchema: [{ AttributeName: TABLE.partitionKey, KeyType: 'HASH' }],
        AttributeDefinitions: Match.arrayWith([
          { AttributeName: TABLE.partitionKey, AttributeType: 'S' },
          { AttributeName: TABLE.tokenKey, AttributeType: 'S' },
        ]),
        GlobalSecondaryIndexes: [
          {
            IndexName: TABLE.tokenIndex,
            KeySchema: [{ AttributeName: TABLE.tokenKey, KeyType: 'HASH' }],
            Projection: { ProjectionType: 'KEYS_ONLY' },
          },
          {
            IndexName: TABLE.dueIndex,
            KeySchema: [
              { AttributeName: TABLE.dueShardKey, KeyType: 'HASH' },
              { AttributeName: TABLE.dueSortKey, KeyType: 'RANGE' },
            ],
            Projection: { ProjectionType: 'KEYS_ONLY' },
          },
        ],
        BillingMode: 'PAY_PER_REQUEST',
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        TimeToLiveSpecification: { AttributeName: TABLE.ttlAttribute, Enabled: true },
      }),
    });
  });

  it('retains the log groups too by default', () => {
    const logGroups = resources(template, 'AWS::Logs::LogGroup');
    expect(logGroups.length).toBeGreaterThan(0);
    for (const [id, r] of logGroups) expect(r.DeletionPolicy, id).toBe('Retain');
  });

  it('counter secret: generated (64 characters, no punctuation), no fixed name, retained with the data', () => {
    template.hasResource('AWS::SecretsManager::Secret', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
    const secret = props(template.findResources('AWS::SecretsManager::Secret')[secretId] as Json);
    expect(secret.GenerateSecretString).toEqual({ PasswordLength: 64, ExcludePunctuation: true });
    expect(secret.SecretString).toBeUndefined();
    expect(secret.Name).toBeUndefined();
    expect(secret.KmsKeyId).toBeUndefined(); // the AWS-managed key: no KMS grant needed
  });

  it('counter secret: only the api and feedback roles may read it, with GetSecretValue on it alone', () => {
    const statements = (['Api', 'Feedback'] as const).flatMap((id) =>
      statementsOfRole(template, roleOf(template, id)),
    );
    expect(statements.filter((s) => JSON.stringify(s).includes(secretId))).toEqual([
      { Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: ref(secretId) },
      { Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: ref(secretId) },
    ]);
    const elsewhere = allIdentityStatements(template).filter(
      (s) =>
        actionsOf(s).some((a) => a.startsWith('secretsmanager:')) &&
        !statements.some((own) => JSON.stringify(own) === JSON.stringify(s)),
    );
    expect(elsewhere).toEqual([]);
    expect(resources(template, 'AWS::SecretsManager::ResourcePolicy')).toEqual([]);
  });
});

describe('InterviewFollowupStack settings', () => {
  it.each([
    ['prop', { retainData: false }, {}],
    ['context false', {}, { retainData: false }],
    ['context "false"', {}, { retainData: 'false' }],
  ] as const)('retainData=false (%s): the table and the log groups are deleted with the stack', (_, p, c) => {
    const { template } = synth(p, c);
    template.hasResource('AWS::DynamoDB::Table', { DeletionPolicy: 'Delete', UpdateReplacePolicy: 'Delete' });
    template.hasResource('AWS::Scheduler::ScheduleGroup', { DeletionPolicy: 'Delete' });
    for (const [id, r] of resources(template, 'AWS::Logs::LogGroup'))
      expect(r.DeletionPolicy, id).toBe('Delete');
  });

  it('retainData=true in context keeps the table and the schedule group; anything else is refused', () => {
    const { template } = synth({}, { retainData: 'true' });
    template.hasResource('AWS::DynamoDB::Table', { DeletionPolicy: 'Retain' });
    // Deleting the group would delete every pending schedule of the retained table's emails.
    template.hasResource('AWS::Scheduler::ScheduleGroup', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
    expect(() => synth({}, { retainData: 'no' })).toThrow(/retainData must be true or false/);
  });
});
