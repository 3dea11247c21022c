/**
 * Infra assertions on the synthesized template: properties and IAM statements, not resource counts.
 * Bundling is skipped (context `aws:cdk:bundling-stacks: []`) except in the one test that checks the
 * real handlers bundle. NodejsFunction insists that its entry file exists even when it does not
 * bundle, so the skipped-bundling stacks point at a stub entry and do not depend on `lambdas/`.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { App, Stack, Validations } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { afterAll, describe, expect, it, vi } from 'vitest';
import {
  ALARM_THRESHOLDS,
  DEFAULT_CANCEL_THROTTLE,
  DEFAULT_ENTRIES,
  DEFAULT_THROTTLE,
  InterviewFollowupStack,
  type InterviewFollowupStackProps,
  PROJECT_ROOT,
} from '../../infra/stack.js';
import { TABLE } from '../../lambdas/aws/table.js';
import {
  ENV,
  type Env,
  LIMIT_VARIABLES,
  loadApiConfig,
  loadFeedbackConfig,
  loadSenderConfig,
  loadSweepConfig,
} from '../../lambdas/config.js';
import { DEFAULT_LIMITS } from '../../lambdas/core/access.js';
import { METRICS_NAMESPACE } from '../../lambdas/core/ports.js';
import { SWEEP_PERIOD_MINUTES } from '../../lambdas/core/reconcile.js';

const STUB_ENTRY = fileURLToPath(new URL('./fixtures/stub-handler.ts', import.meta.url));
const STUB_ENTRIES = {
  api: STUB_ENTRY,
  sender: STUB_ENTRY,
  feedback: STUB_ENTRY,
  sweep: STUB_ENTRY,
} as const;
const ZERO_KEY = '0'.repeat(64);
const GOOD_KEY = 'a'.repeat(32) + '0123456789abcdef'.repeat(2);
const SENDER = { senderAddress: 'followup@example.com', senderDomain: 'example.com' } as const;

type Json = Record<string, unknown>;
type FunctionId = 'Api' | 'Sender' | 'Feedback' | 'Sweep';
/** Read by the runtime or by Powertools, not by our config loaders. */
const PLATFORM_VARIABLES = ['NODE_OPTIONS', 'POWERTOOLS_SERVICE_NAME'];
interface Statement {
  Effect: string;
  Action: string | string[];
  Resource?: unknown;
  Principal?: unknown;
  NotAction?: unknown;
  NotResource?: unknown;
  Condition?: Json;
}

function newApp(context: Json = {}): App {
  return new App({ context: { 'aws:cdk:bundling-stacks': [], ...context } });
}

function synth(props: InterviewFollowupStackProps = {}, context: Json = {}) {
  const app = newApp(context);
  const stack = new InterviewFollowupStack(app, 'Test', { ...SENDER, entries: STUB_ENTRIES, ...props });
  return { app, stack, template: Template.fromStack(stack) };
}

function resources(template: Template, type: string): [string, Json][] {
  return Object.entries(template.findResources(type)) as [string, Json][];
}

function props(resource: Json): Json {
  return (resource.Properties ?? {}) as Json;
}

function only<T>(items: T[], what: string): T {
  const [item] = items;
  if (item === undefined || items.length !== 1)
    throw new Error(`expected exactly one ${what}, got ${items.length}`);
  return item;
}

/** The logical id of the one resource of `type` whose construct id is `id` (CDK appends a hash). */
function idOf(template: Template, type: string, id: string): string {
  return only(
    resources(template, type)
      .map(([lid]) => lid)
      .filter((lid) => new RegExp(`^${id}[0-9A-F]{8}$`).test(lid)),
    `${type} ${id}`,
  );
}

/** The Lambda function whose construct id is `id`. */
function fn(template: Template, id: FunctionId): { logicalId: string; properties: Json } {
  const logicalId = idOf(template, 'AWS::Lambda::Function', id);
  return { logicalId, properties: props(template.findResources('AWS::Lambda::Function')[logicalId] as Json) };
}

function roleOf(template: Template, id: FunctionId): string {
  const role = fn(template, id).properties.Role as { 'Fn::GetAtt': [string, string] };
  return role['Fn::GetAtt'][0];
}

function envOf(template: Template, id: FunctionId): Json {
  const environment = fn(template, id).properties.Environment as { Variables: Json };
  return environment.Variables;
}

/**
 * The api's environment as Lambda would see it: literal values as synthesized, each CloudFormation
 * reference replaced by a value of the kind it resolves to, and the AWS_REGION Lambda sets.
 */
const DEPLOYED_VALUES: Record<string, string> = {
  [ENV.tableName]: 'Test-Interviews-1A2B3C',
  [ENV.scheduleGroup]: 'Test-ScheduleGroup-1A2B3C',
  [ENV.senderFunctionArn]: 'arn:aws:lambda:eu-west-1:123456789012:function:Test-sender',
  [ENV.schedulerRoleArn]: 'arn:aws:iam::123456789012:role/Test-SchedulerRole-1A2B3C',
  [ENV.scheduleDlqArn]: 'arn:aws:sqs:eu-west-1:123456789012:Test-ScheduleDeadLetterQueue-1A2B3C',
  [ENV.counterSecretArn]: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:CounterSecret-1A2B3C-AbCdEf',
  [ENV.publicUrl]: 'https://d111111abcdef8.cloudfront.net',
  [ENV.sesConfigurationSet]: 'ConfigurationSet-1A2B3C',
};
function deployedEnv(variables: Json): Env {
  const env: Env = { [ENV.region]: 'eu-west-1' };
  for (const [name, value] of Object.entries(variables)) {
    if (typeof value === 'string') env[name] = value;
    else if (DEPLOYED_VALUES[name] !== undefined) env[name] = DEPLOYED_VALUES[name];
    else
      throw new Error(
        `${name} is a reference (${JSON.stringify(value)}) this test has no deployed value for`,
      );
  }
  return env;
}

/**
 * Runs a function's real config loader on its synthesized environment (as Lambda would see it);
 * returns the config and the variables it never read.
 */
function loadDeployed<T>(template: Template, id: FunctionId, loader: (env: Env) => T) {
  const env = deployedEnv(envOf(template, id));
  const read = new Set<string>();
  const recording = new Proxy(env, {
    get(target, name) {
      if (typeof name === 'string') read.add(name);
      return Reflect.get(target, name);
    },
  });
  const config = loader(recording);
  const unread = Object.keys(env).filter((name) => !read.has(name) && !PLATFORM_VARIABLES.includes(name));
  return { config, unread };
}

/** The RouteSettings of the one HTTP API stage. */
function routeSettingsOf(template: Template): Record<string, Json> {
  const stage = props(
    only(
      resources(template, 'AWS::ApiGatewayV2::Stage').map(([, r]) => r),
      'stage',
    ),
  );
  return stage.RouteSettings as Record<string, Json>;
}

const INTERVIEW_ROUTES = [
  'POST /interviews',
  'POST /interviews/preview',
  'GET /interviews/{id}',
  'DELETE /interviews/{id}',
];
const ANONYMOUS_ROUTES = [
  'GET /cancel/{token}',
  'HEAD /cancel/{token}',
  'POST /cancel/{token}',
  'GET /health',
];

function logGroupOf(template: Template, id: FunctionId): string {
  return (fn(template, id).properties.LoggingConfig as { LogGroup: { Ref: string } }).LogGroup.Ref;
}

/** Every statement of every AWS::IAM::Policy attached to the role, plus the role's inline policies. */
function statementsOfRole(template: Template, roleId: string): Statement[] {
  const attached = resources(template, 'AWS::IAM::Policy')
    .filter(([, r]) => JSON.stringify(props(r).Roles ?? []).includes(JSON.stringify({ Ref: roleId })))
    .flatMap(([, r]) => (props(r).PolicyDocument as { Statement: Statement[] }).Statement);
  const role = template.findResources('AWS::IAM::Role')[roleId] as Json | undefined;
  const inline = ((role ? props(role).Policies : undefined) ?? []) as {
    PolicyDocument: { Statement: Statement[] };
  }[];
  return [...attached, ...inline.flatMap((p) => p.PolicyDocument.Statement)];
}

/** Every identity-policy statement in the template (policies, managed policies, roles' inline ones). */
function allIdentityStatements(template: Template): Statement[] {
  const docs: { Statement: Statement[] }[] = [];
  for (const type of ['AWS::IAM::Policy', 'AWS::IAM::ManagedPolicy']) {
    for (const [, r] of resources(template, type))
      docs.push(props(r).PolicyDocument as { Statement: Statement[] });
  }
  for (const type of ['AWS::IAM::Role', 'AWS::IAM::User', 'AWS::IAM::Group']) {
    for (const [, r] of resources(template, type)) {
      for (const p of (props(r).Policies ?? []) as { PolicyDocument: { Statement: Statement[] } }[]) {
        docs.push(p.PolicyDocument);
      }
    }
  }
  return docs.flatMap((d) => d.Statement);
}

/** Every resource-policy statement: queue, topic and key policies, and role trust policies. */
function allResourceStatements(template: Template): Statement[] {
  const documents: [string, string][] = [
    ['AWS::SQS::QueuePolicy', 'PolicyDocument'],
    ['AWS::SNS::TopicPolicy', 'PolicyDocument'],
    ['AWS::KMS::Key', 'KeyPolicy'],
    ['AWS::IAM::Role', 'AssumeRolePolicyDocument'],
  ];
  return documents.flatMap(([type, key]) =>
    resources(template, type).flatMap(([, r]) => (props(r)[key] as { Statement: Statement[] }).Statement),
  );
}

const actionsOf = (s: Statement): string[] => (Array.isArray(s.Action) ? s.Action : [s.Action]);
const getAtt = (logicalId: string, attribute = 'Arn') => ({ 'Fn::GetAtt': [logicalId, attribute] });
const ref = (logicalId: string) => ({ Ref: logicalId });

/** What Stack.formatArn renders for an env-agnostic stack. */
const arnOf = (service: string, resource: string | Json) => ({
  'Fn::Join': [
    '',
    [
      'arn:',
      ref('AWS::Partition'),
      `:${service}:`,
      ref('AWS::Region'),
      ':',
      ref('AWS::AccountId'),
      ...(typeof resource === 'string' ? [`:${resource}`] : [':configuration-set/', resource]),
    ],
  ],
});

/** The stack's acknowledged cdk-nag rules, as "rule id @ construct path" → reason. */
function acknowledgements(root: IConstruct): Map<string, string> {
  const found = new Map<string, string>();
  for (const construct of root.node.findAll()) {
    for (const entry of construct.node.metadata) {
      if (entry.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY) continue;
      for (const [id, reason] of Object.entries(entry.data as Record<string, string>)) {
        found.set(`${id.replace(/^annotation::/i, '')} @ ${construct.node.path}`, reason);
      }
    }
  }
  return found;
}

describe('InterviewFollowupStack (defaults)', () => {
  const { stack, template } = synth();
  const tableId = only(
    resources(template, 'AWS::DynamoDB::Table').map(([id]) => id),
    'table',
  );
  const groupId = only(
    resources(template, 'AWS::Scheduler::ScheduleGroup').map(([id]) => id),
    'schedule group',
  );
  const configSetId = only(
    resources(template, 'AWS::SES::ConfigurationSet').map(([id]) => id),
    'configuration set',
  );
  const secretId = only(
    resources(template, 'AWS::SecretsManager::Secret').map(([id]) => id),
    'secret',
  );
  const api = fn(template, 'Api');
  const sender = fn(template, 'Sender');
  const feedback = fn(template, 'Feedback');
  const schedulesInGroup = {
    'Fn::Join': [
      '',
      [
        'arn:',
        ref('AWS::Partition'),
        ':scheduler:',
        ref('AWS::Region'),
        ':',
        ref('AWS::AccountId'),
        ':schedule/',
        ref(groupId),
        '/*',
      ],
    ],
  };
  const schedulerRoleId = only(
    resources(template, 'AWS::IAM::Role')
      .filter(([, r]) =>
        JSON.stringify(props(r).AssumeRolePolicyDocument).includes('scheduler.amazonaws.com'),
      )
      .map(([id]) => id),
    'scheduler role',
  );
  const passSchedulerRole = {
    Effect: 'Allow',
    Action: 'iam:PassRole',
    Resource: getAtt(schedulerRoleId),
    Condition: { StringEquals: { 'iam:PassedToService': 'scheduler.amazonaws.com' } },
  };
  const queueId = (id: string) => idOf(template, 'AWS::SQS::Queue', id);
  const dlqId = queueId('ScheduleDeadLetterQueue');
  const senderFailureQueueId = queueId('SenderFailureQueue');
  const feedbackRuleDlqId = queueId('FeedbackRuleDeadLetterQueue');
  const feedbackFailureQueueId = queueId('FeedbackFailureQueue');
  const invokeConfigOf = (functionLogicalId: string) =>
    props(
      only(
        resources(template, 'AWS::Lambda::EventInvokeConfig')
          .map(([, r]) => r)
          .filter((r) => JSON.stringify(props(r).FunctionName) === JSON.stringify(ref(functionLogicalId))),
        `event invoke config of ${functionLogicalId}`,
      ),
    );
  const onFailureQueueOf = (functionLogicalId: string) =>
    (
      invokeConfigOf(functionLogicalId).DestinationConfig as {
        OnFailure: { Destination: { 'Fn::GetAtt': [string, string] } };
      }
    ).OnFailure.Destination['Fn::GetAtt'][0];
  const ruleId = idOf(template, 'AWS::Events::Rule', 'SesFeedbackRule');
  const rule = props(template.findResources('AWS::Events::Rule')[ruleId] as Json);

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

  it('api environment: loadApiConfig accepts it and reads every variable (PUBLIC_URL, LINK_ALLOWLIST only when configured)', () => {
    const env = envOf(template, 'Api');
    const { config, unread } = loadDeployed(template, 'Api', loadApiConfig);
    expect(unread).toEqual([]);
    expect(config).toMatchObject({
      tableName: DEPLOYED_VALUES[ENV.tableName],
      scheduleGroup: DEPLOYED_VALUES[ENV.scheduleGroup],
      senderFunctionArn: DEPLOYED_VALUES[ENV.senderFunctionArn],
      schedulerRoleArn: DEPLOYED_VALUES[ENV.schedulerRoleArn],
      scheduleDlqArn: DEPLOYED_VALUES[ENV.scheduleDlqArn],
      counterSecretArn: DEPLOYED_VALUES[ENV.counterSecretArn],
      apiKeySha256: ZERO_KEY,
      limits: DEFAULT_LIMITS,
      linkAllowlist: [],
    });
    expect(config.publicUrl).toBeUndefined();
    expect(config.counterSecret).toBeUndefined();
    // Every limit is set explicitly, from the same table the loader reads.
    for (const [field, variable] of LIMIT_VARIABLES)
      expect(env[ENV[variable]]).toBe(String(DEFAULT_LIMITS[field]));
    expect(env[ENV.publicUrl]).toBeUndefined();
    expect(env[ENV.linkAllowlist]).toBeUndefined();
    // ... and the references point at this stack's resources.
    expect(env[ENV.tableName]).toEqual(ref(tableId));
    expect(env[ENV.scheduleGroup]).toEqual(ref(groupId));
    expect(env[ENV.senderFunctionArn]).toEqual(getAtt(sender.logicalId));
    expect(env[ENV.schedulerRoleArn]).toEqual(getAtt(schedulerRoleId));
    expect(env[ENV.scheduleDlqArn]).toEqual(getAtt(dlqId));
    expect(env[ENV.counterSecretArn]).toEqual(ref(secretId));
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

  it('counter secret: only the api role may read it, with GetSecretValue on it alone', () => {
    const statements = statementsOfRole(template, roleOf(template, 'Api'));
    expect(statements.filter((s) => JSON.stringify(s).includes(secretId))).toEqual([
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

  it('sender environment: loadSenderConfig accepts it and reads every variable, its own ARN included', () => {
    const { config, unread } = loadDeployed(template, 'Sender', loadSenderConfig);
    expect(unread).toEqual([]);
    expect(config.senderAddress).toBe('followup@example.com');
    const env = envOf(template, 'Sender');
    expect(Object.keys(env).sort()).toEqual(
      [
        ENV.tableName,
        ENV.senderAddress,
        ENV.sesConfigurationSet,
        ENV.scheduleGroup,
        ENV.senderFunctionArn,
        ENV.schedulerRoleArn,
        ENV.scheduleDlqArn,
        ...PLATFORM_VARIABLES,
      ].sort(),
    );
    expect(env[ENV.tableName]).toEqual(ref(tableId));
    expect(env[ENV.senderAddress]).toBe('followup@example.com');
    expect(env[ENV.sesConfigurationSet]).toEqual(ref(configSetId));
    expect(env[ENV.scheduleGroup]).toEqual(ref(groupId));
    expect(env[ENV.schedulerRoleArn]).toEqual(getAtt(schedulerRoleId));
    expect(env[ENV.scheduleDlqArn]).toEqual(getAtt(dlqId));
    // Its own ARN, built from its name: a GetAtt of itself would be a circular dependency.
    expect(sender.properties.FunctionName).toBe('Test-sender');
    expect(env[ENV.senderFunctionArn]).toEqual(arnOf('lambda', 'function:Test-sender'));
  });

  it('feedback environment: loadFeedbackConfig accepts it and reads every variable', () => {
    expect(loadDeployed(template, 'Feedback', loadFeedbackConfig).unread).toEqual([]);
    const env = envOf(template, 'Feedback');
    expect(Object.keys(env).sort()).toEqual([ENV.tableName, ENV.scheduleGroup, ...PLATFORM_VARIABLES].sort());
    expect(env[ENV.tableName]).toEqual(ref(tableId));
    expect(env[ENV.scheduleGroup]).toEqual(ref(groupId));
  });

  it('sweep environment: loadSweepConfig accepts it and reads every variable', () => {
    const env = envOf(template, 'Sweep');
    expect(Object.keys(env).sort()).toEqual(
      [ENV.tableName, ENV.senderFunctionArn, ...PLATFORM_VARIABLES].sort(),
    );
    expect(env.POWERTOOLS_SERVICE_NAME).toBe('Test');
    const { config, unread } = loadDeployed(template, 'Sweep', loadSweepConfig);
    expect(unread).toEqual([]);
    expect(config.tableName).toBe(DEPLOYED_VALUES[ENV.tableName]);
    expect(config.senderFunctionArn).toBe(DEPLOYED_VALUES[ENV.senderFunctionArn]);
  });

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
          Action: ['ses:SendEmail', 'ses:SendRawEmail'],
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
        'ses:SendEmail',
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

  it('feedback role: table get/update, DeleteSchedule in the group, its failure queue, nothing else', () => {
    const statements = statementsOfRole(template, roleOf(template, 'Feedback'));
    expect(statements.every((s) => s.Effect === 'Allow')).toBe(true);
    expect(statements).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          Action: ['dynamodb:GetItem', 'dynamodb:UpdateItem'],
          Resource: getAtt(tableId),
        }),
        expect.objectContaining({ Action: 'scheduler:DeleteSchedule', Resource: schedulesInGroup }),
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

  it('HTTP API: exactly the eight routes, all to the api function', () => {
    const routes = resources(template, 'AWS::ApiGatewayV2::Route').map(([, r]) => props(r));
    expect(routes.map((r) => r.RouteKey).sort()).toEqual(
      [
        'POST /interviews',
        'POST /interviews/preview',
        'GET /interviews/{id}',
        'DELETE /interviews/{id}',
        'GET /cancel/{token}',
        'HEAD /cancel/{token}',
        'POST /cancel/{token}',
        'GET /health',
      ].sort(),
    );
    const integrations = resources(template, 'AWS::ApiGatewayV2::Integration').map(([, r]) => props(r));
    expect(integrations.length).toBeGreaterThan(0);
    for (const integration of integrations) {
      expect(integration).toMatchObject({
        IntegrationType: 'AWS_PROXY',
        IntegrationUri: getAtt(api.logicalId),
        PayloadFormatVersion: '2.0',
      });
    }
  });

  it('HTTP API: each /interviews route throttled 20/s burst 40, the cancel routes and /health 10/s burst 20', () => {
    expect(DEFAULT_THROTTLE).toEqual({ rate: 20, burst: 40 });
    expect(DEFAULT_CANCEL_THROTTLE).toEqual({ rate: 10, burst: 20 });
    const integrators = { ThrottlingRateLimit: 20, ThrottlingBurstLimit: 40 };
    const anonymous = { ThrottlingRateLimit: 10, ThrottlingBurstLimit: 20 };
    expect(routeSettingsOf(template)).toEqual({
      'POST /interviews': integrators,
      'POST /interviews/preview': integrators,
      'GET /interviews/{id}': integrators,
      'DELETE /interviews/{id}': integrators,
      'GET /cancel/{token}': anonymous,
      'HEAD /cancel/{token}': anonymous,
      'POST /cancel/{token}': anonymous,
      'GET /health': anonymous,
    });
    // A route added later without its own settings falls to the stage default: the anonymous budget.
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', { DefaultRouteSettings: anonymous });
  });

  it('HTTP API: the stage is created after every route its RouteSettings name', () => {
    const [, stage] = only(resources(template, 'AWS::ApiGatewayV2::Stage'), 'stage');
    const routeIds = resources(template, 'AWS::ApiGatewayV2::Route').map(([id]) => id);
    expect(routeIds.length).toBeGreaterThan(0);
    expect(stage.DependsOn).toEqual(expect.arrayContaining(routeIds));
  });

  it('HTTP API: $default stage, auto-deployed, access log without raw paths', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      AccessLogSettings: {
        Format: Match.stringLikeRegexp('\\$context\\.routeKey'),
        DestinationArn: Match.anyValue(),
      },
    });
    const stage = props(
      only(
        resources(template, 'AWS::ApiGatewayV2::Stage').map(([, r]) => r),
        'stage',
      ),
    );
    expect(JSON.stringify(stage.AccessLogSettings)).not.toMatch(/\$context\.path/);
  });

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

  describe('alarms', () => {
    const alarms = resources(template, 'AWS::CloudWatch::Alarm').map(([, r]) => props(r));

    it.each(['EmailsFailed', 'EmailsUnknown', 'EmailsStuck'])(
      '%s: the app metric of this stack (its service), summed over 5 minutes, at 1 or more',
      (metricName) => {
        const found = only(
          alarms.filter((a) => a.MetricName === metricName),
          `alarm on ${metricName}`,
        );
        expect(found.Namespace).toBe(METRICS_NAMESPACE);
        expect(found.Dimensions).toEqual([{ Name: 'service', Value: 'Test' }]);
        expect(found.Statistic).toBe('Sum');
        expect(found.Period).toBe(300);
        expect(found.Threshold).toBe(1);
        expect(found.ComparisonOperator).toBe('GreaterThanOrEqualToThreshold');
      },
    );
    const queueAlarm = (queue: string) =>
      only(
        alarms.filter(
          (a) =>
            a.MetricName === 'ApproximateNumberOfMessagesVisible' &&
            JSON.stringify(a.Dimensions) ===
              JSON.stringify([{ Name: 'QueueName', Value: getAtt(queue, 'QueueName') }]),
        ),
        `alarm on ${queue}`,
      );
    const lambdaErrorsAlarm = (functionId: string) =>
      only(
        alarms.filter(
          (a) =>
            a.MetricName === 'Errors' &&
            JSON.stringify(a.Dimensions) ===
              JSON.stringify([{ Name: 'FunctionName', Value: ref(functionId) }]),
        ),
        `errors alarm of ${functionId}`,
      );

    it('every alarm evaluates one period, treats missing data as OK, and has no action without alarmEmail', () => {
      expect(alarms).toHaveLength(12); // 4 queues, 2 functions, the API, 2 SES rates, 3 email metrics
      for (const alarm of alarms) {
        expect(alarm).toMatchObject({ EvaluationPeriods: 1, TreatMissingData: 'notBreaching' });
        expect(alarm.AlarmName).toBeUndefined();
        expect(typeof alarm.AlarmDescription).toBe('string');
        expect(alarm.AlarmActions).toBeUndefined();
      }
    });

    it.each([
      'ScheduleDeadLetterQueue',
      'SenderFailureQueue',
      'FeedbackRuleDeadLetterQueue',
      'FeedbackFailureQueue',
    ])('%s: any visible message (maximum over 5 min >= 1)', (id) => {
      expect(queueAlarm(queueId(id))).toMatchObject({
        Namespace: 'AWS/SQS',
        Statistic: 'Maximum',
        Period: 300,
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      });
    });

    it.each([
      ['sender', () => sender.logicalId],
      ['feedback', () => feedback.logicalId],
    ] as const)('%s errors: sum over 5 min >= 1', (_, functionId) => {
      expect(lambdaErrorsAlarm(functionId())).toMatchObject({
        Namespace: 'AWS/Lambda',
        Statistic: 'Sum',
        Period: 300,
        Threshold: ALARM_THRESHOLDS.functionErrors,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      });
      expect(ALARM_THRESHOLDS.functionErrors).toBe(1);
    });

    it('API 5xx rate: 100 * 5xx / Count of the HTTP API over 5 min > 5', () => {
      const alarm = only(
        alarms.filter((a) => a.Metrics !== undefined),
        'math alarm',
      );
      expect(alarm).toMatchObject({ Threshold: 5, ComparisonOperator: 'GreaterThanThreshold' });
      const httpApiId = only(
        resources(template, 'AWS::ApiGatewayV2::Api').map(([id]) => id),
        'HTTP API',
      );
      const stat = (metricName: string) => ({
        Metric: {
          Namespace: 'AWS/ApiGateway',
          MetricName: metricName,
          Dimensions: [{ Name: 'ApiId', Value: ref(httpApiId) }],
        },
        Period: 300,
        Stat: 'Sum',
      });
      expect(alarm.Metrics).toEqual([
        expect.objectContaining({ Expression: '100 * errors / requests', ReturnData: true }),
        { Id: 'errors', MetricStat: stat('5xx'), ReturnData: false },
        { Id: 'requests', MetricStat: stat('Count'), ReturnData: false },
      ]);
    });

    it.each([
      ['Reputation.BounceRate', 0.05],
      ['Reputation.ComplaintRate', 0.001],
    ])('SES %s (account-wide) above %s', (metricName, threshold) => {
      const alarm = only(
        alarms.filter((a) => a.MetricName === metricName),
        metricName,
      );
      expect(alarm).toMatchObject({
        Namespace: 'AWS/SES',
        Statistic: 'Maximum',
        Threshold: threshold,
        ComparisonOperator: 'GreaterThanThreshold',
      });
      expect(alarm.Dimensions).toBeUndefined();
    });

    it('no SNS topic or KMS key without alarmEmail', () => {
      expect(resources(template, 'AWS::SNS::Topic')).toEqual([]);
      expect(resources(template, 'AWS::KMS::Key')).toEqual([]);
    });
  });

  it('outputs ApiUrl and the configuration set name', () => {
    template.hasOutput('ApiUrl', { Value: Match.anyValue() });
    expect(JSON.stringify(template.toJSON().Outputs.ApiUrl.Value)).toContain('.execute-api.');
    template.hasOutput('SesConfigurationSet', { Value: ref(configSetId) });
  });

  it('no WAF, no CloudFront, no region rule unless wafRateLimit is set', () => {
    expect(resources(template, 'AWS::WAFv2::WebACL')).toEqual([]);
    expect(resources(template, 'AWS::CloudFront::Distribution')).toEqual([]);
    expect(Object.keys(template.toJSON().Rules ?? {})).toEqual(['CheckBootstrapVersion']);
    expect(template.toJSON().Outputs.CloudFrontUrl).toBeUndefined();
  });

  it('no API key configured: API_KEY_SHA256 is 64 zeros and a warning says how to set one', () => {
    expect(envOf(template, 'Api')[ENV.apiKeySha256]).toBe(ZERO_KEY);
    Annotations.fromStack(stack).hasWarning('*', Match.stringLikeRegexp('apiKeySha256.*sha256sum'));
  });

  it('is environment-agnostic: account, region and partition stay tokens', () => {
    expect(stack.resolve(stack.account)).toEqual(ref('AWS::AccountId'));
    expect(stack.resolve(stack.region)).toEqual(ref('AWS::Region'));
    expect(JSON.stringify(template.toJSON())).not.toMatch(/:\d{12}:/);
  });
});

describe('alarm notifications (alarmEmail)', () => {
  const { template } = synth({ alarmEmail: 'ops@example.com' });
  const topicId = only(
    resources(template, 'AWS::SNS::Topic').map(([id]) => id),
    'topic',
  );
  const keyId = only(
    resources(template, 'AWS::KMS::Key').map(([id]) => id),
    'key',
  );
  const fromCloudWatch = {
    Principal: { Service: 'cloudwatch.amazonaws.com' },
    Condition: { StringEquals: { 'aws:SourceAccount': ref('AWS::AccountId') } },
  };

  it('an email subscription on a topic encrypted with a rotated customer key', () => {
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'ops@example.com',
      TopicArn: ref(topicId),
    });
    expect(props(template.findResources('AWS::SNS::Topic')[topicId] as Json).KmsMasterKeyId).toEqual(
      getAtt(keyId),
    );
    expect(props(template.findResources('AWS::KMS::Key')[keyId] as Json).EnableKeyRotation).toBe(true);
  });

  it('the key lets CloudWatch alarms of this account encrypt for the topic, nothing more', () => {
    const statements = (
      props(template.findResources('AWS::KMS::Key')[keyId] as Json).KeyPolicy as { Statement: Statement[] }
    ).Statement;
    expect(statements).toContainEqual({
      Effect: 'Allow',
      Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
      Resource: '*',
      ...fromCloudWatch,
    });
  });

  it('the topic policy refuses non-TLS publishing and admits CloudWatch of this account', () => {
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      Topics: [ref(topicId)],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Deny',
            Action: 'sns:Publish',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
          Match.objectLike({
            Effect: 'Allow',
            Action: 'sns:Publish',
            Resource: ref(topicId),
            ...fromCloudWatch,
          }),
        ]),
      },
    });
  });

  it('every alarm notifies the topic on alarm and on recovery', () => {
    const alarms = resources(template, 'AWS::CloudWatch::Alarm').map(([, r]) => props(r));
    expect(alarms).toHaveLength(12); // 4 queues, 2 functions, the API, 2 SES rates, 3 email metrics
    for (const alarm of alarms) {
      expect(alarm.AlarmActions).toEqual([ref(topicId)]);
      expect(alarm.OKActions).toEqual([ref(topicId)]);
    }
  });

  it('no fixed physical names, also with the topic (the sender is named after the stack)', () => {
    const nameProps: Record<string, string> = {
      'AWS::DynamoDB::Table': 'TableName',
      'AWS::Lambda::Function': 'FunctionName',
      'AWS::SQS::Queue': 'QueueName',
      'AWS::IAM::Role': 'RoleName',
      'AWS::Scheduler::ScheduleGroup': 'Name',
      'AWS::Logs::LogGroup': 'LogGroupName',
      'AWS::SES::ConfigurationSet': 'Name',
      'AWS::Events::Rule': 'Name',
      'AWS::CloudWatch::Alarm': 'AlarmName',
      'AWS::SNS::Topic': 'TopicName',
      'AWS::SecretsManager::Secret': 'Name',
    };
    for (const [type, nameProp] of Object.entries(nameProps)) {
      const found = resources(template, type);
      expect(found.length, type).toBeGreaterThan(0);
      for (const [id, r] of found) {
        if (id === fn(template, 'Sender').logicalId) continue;
        expect(props(r)[nameProp], `${type} ${id}.${nameProp}`).toBeUndefined();
      }
    }
  });

  it('the only "*" action in any policy is the account-root administration of the alarm key', () => {
    const withWildcard = [...allIdentityStatements(template), ...allResourceStatements(template)].filter(
      (s) => s.Effect === 'Allow' && actionsOf(s).some((a) => a.includes('*')),
    );
    expect(withWildcard).toEqual([
      {
        Effect: 'Allow',
        Action: 'kms:*',
        Principal: {
          AWS: {
            'Fn::Join': ['', ['arn:', ref('AWS::Partition'), ':iam::', ref('AWS::AccountId'), ':root']],
          },
        },
        Resource: '*',
      },
    ]);
  });
});

describe('InterviewFollowupStack settings', () => {
  it('uses a configured API key hash, without a warning', () => {
    const { stack, template } = synth({ apiKeySha256: GOOD_KEY });
    expect(envOf(template, 'Api')[ENV.apiKeySha256]).toBe(GOOD_KEY);
    Annotations.fromStack(stack).hasNoWarning('*', Match.stringLikeRegexp('apiKeySha256'));
  });

  it.each(['abc', `${GOOD_KEY}0`, 'g'.repeat(64), 'secret'])('rejects apiKeySha256 %j at synth', (key) => {
    expect(() => synth({ apiKeySha256: key })).toThrow(/apiKeySha256 must be the hex SHA-256/);
  });

  it('passes the limits to the api, defaults from DEFAULT_LIMITS (30/min, 500/day, 3, 10, 5, 60/min)', () => {
    const defaults = envOf(synth().template, 'Api');
    expect(LIMIT_VARIABLES.map(([, variable]) => defaults[ENV[variable]])).toEqual([
      '30',
      '500',
      '3',
      '10',
      '5',
      '60',
    ]);
    const context = {
      limitPerMinute: '5',
      limitPerDay: '50',
      limitPerInterviewerPerDay: '1',
      limitPerInterviewerAllKeysPerDay: '4',
      limitPerCandidatePerDay: '2',
      limitPreviewsPerMinute: '7',
    };
    const { template } = synth({}, context);
    const set = envOf(template, 'Api');
    expect(LIMIT_VARIABLES.map(([, variable]) => set[ENV[variable]])).toEqual([
      '5',
      '50',
      '1',
      '4',
      '2',
      '7',
    ]);
    expect(loadDeployed(template, 'Api', loadApiConfig).config.limits).toEqual({
      perMinute: 5,
      perDay: 50,
      perInterviewerPerDay: 1,
      perInterviewerAllKeysPerDay: 4,
      perCandidatePerDay: 2,
      previewsPerMinute: 7,
    });
    // Props win over context here too.
    expect(
      envOf(synth({ limitPreviewsPerMinute: 9 }, context).template, 'Api')[ENV.limitPreviewsPerMinute],
    ).toBe('9');
    // Unset, the all-keys interviewer limit follows a higher per-key one, as the function's own
    // config does (lambdas/core/access.ts limitsFrom).
    const raised = envOf(synth({ limitPerInterviewerPerDay: 20 }).template, 'Api');
    expect(raised[ENV.limitPerInterviewerAllKeysPerDay]).toBe('20');
  });

  it.each([
    [{ limitPerMinute: 1.5 }, {}, /limit perMinute/],
    [{ limitPerInterviewerAllKeysPerDay: 0.5 }, {}, /limit perInterviewerAllKeysPerDay/],
    [{}, { limitPerCandidatePerDay: '0' }, /limitPerCandidatePerDay/],
    [{}, { limitPreviewsPerMinute: 'many' }, /limitPreviewsPerMinute/],
  ])('rejects limit %j / context %j at synth', (p, c, message) => {
    expect(() => synth(p, c)).toThrow(message);
  });

  it('linkAllowlist: unset sets no LINK_ALLOWLIST; a list is trimmed, lower-cased and passed on', () => {
    expect(envOf(synth({}, { linkAllowlist: '' }).template, 'Api')[ENV.linkAllowlist]).toBeUndefined();
    expect(envOf(synth({}, { linkAllowlist: ' , ' }).template, 'Api')[ENV.linkAllowlist]).toBeUndefined();
    const { template } = synth({}, { linkAllowlist: ' Example.com, docs.example.org ,example.com' });
    expect(envOf(template, 'Api')[ENV.linkAllowlist]).toBe('example.com,docs.example.org');
    const { config, unread } = loadDeployed(template, 'Api', loadApiConfig);
    expect(unread).toEqual([]);
    expect(config.linkAllowlist).toEqual(['example.com', 'docs.example.org']);
    expect(envOf(synth({ linkAllowlist: 'example.org' }).template, 'Api')[ENV.linkAllowlist]).toBe(
      'example.org',
    );
  });

  it.each(['https://example.com', 'example.com/path', 'localhost', 'exa mple.com', '*.example.com'])(
    'rejects linkAllowlist entry %j',
    (domain) => {
      expect(() => synth({ linkAllowlist: `example.org,${domain}` })).toThrow(/linkAllowlist must be/);
    },
  );

  it('sets PUBLIC_URL only when publicUrl is given', () => {
    const { template } = synth({ publicUrl: 'https://followup.example.com' });
    expect(envOf(template, 'Api')[ENV.publicUrl]).toBe('https://followup.example.com');
    expect(() => synth({ publicUrl: 'followup.example.com' })).toThrow(/publicUrl/);
    // A path would send the link to one place and the cancel form's POST to another.
    expect(() => synth({ publicUrl: 'https://example.com/followup' })).toThrow(
      /publicUrl must be an http\(s\) origin without a path/,
    );
    expect(envOf(synth({ publicUrl: 'https://followup.example.com/' }).template, 'Api')[ENV.publicUrl]).toBe(
      'https://followup.example.com/',
    );
  });

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
      actionsOf(s).includes('ses:SendEmail'),
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

  it('props win over context', () => {
    const { template } = synth(
      { throttleRate: 5, throttleBurst: 10, cancelThrottleRate: 1, cancelThrottleBurst: 2 },
      { throttleRate: 99, cancelThrottleRate: 99 },
    );
    const routeSettings = routeSettingsOf(template);
    expect(routeSettings['POST /interviews']).toEqual({ ThrottlingRateLimit: 5, ThrottlingBurstLimit: 10 });
    expect(routeSettings['POST /cancel/{token}']).toEqual({
      ThrottlingRateLimit: 1,
      ThrottlingBurstLimit: 2,
    });
  });

  it('the two throttle budgets are independent: changing one leaves the other at its default', () => {
    const cancelOnly = routeSettingsOf(synth({ cancelThrottleRate: 1, cancelThrottleBurst: 1 }).template);
    for (const key of INTERVIEW_ROUTES) {
      expect(cancelOnly[key], key).toEqual({ ThrottlingRateLimit: 20, ThrottlingBurstLimit: 40 });
    }
    const interviewsOnly = routeSettingsOf(synth({ throttleRate: 100, throttleBurst: 200 }).template);
    for (const key of ANONYMOUS_ROUTES) {
      expect(interviewsOnly[key], key).toEqual({ ThrottlingRateLimit: 10, ThrottlingBurstLimit: 20 });
    }
  });

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

  it.each(['ops', 'ops@', 'a b@example.com', 'ops@example'])('rejects alarmEmail %j', (email) => {
    expect(() => synth({ alarmEmail: email })).toThrow(/alarmEmail must be an email address/);
  });

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

  it('defaults the entries to the handlers in lambdas/', () => {
    for (const name of ['api', 'sender', 'feedback'] as const) {
      expect(path.relative(PROJECT_ROOT, DEFAULT_ENTRIES[name])).toBe(
        path.join('lambdas', name, 'handler.ts'),
      );
    }
  });
});

describe('SES sandbox (sesSandbox)', () => {
  const sesResources = (template: Template) =>
    JSON.stringify(
      statementsOfRole(template, roleOf(template, 'Sender')).filter((st) =>
        JSON.stringify(st.Action).includes('ses:SendEmail'),
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

describe('per-IP rate rule (wafRateLimit)', () => {
  const { template } = synth({ wafRateLimit: 1000 });
  const webAclId = only(
    resources(template, 'AWS::WAFv2::WebACL').map(([id]) => id),
    'web ACL',
  );
  const distributionId = only(
    resources(template, 'AWS::CloudFront::Distribution').map(([id]) => id),
    'distribution',
  );
  const httpApiId = only(
    resources(template, 'AWS::ApiGatewayV2::Api').map(([id]) => id),
    'HTTP API',
  );
  const config = props(template.findResources('AWS::CloudFront::Distribution')[distributionId] as Json)
    .DistributionConfig as Json;
  const cloudFrontUrl = { 'Fn::Join': ['', ['https://', getAtt(distributionId, 'DomainName')]] };

  it('a CloudFront-scoped web ACL that allows by default and answers 429 past the limit per IP per 5 minutes', () => {
    const acl = props(template.findResources('AWS::WAFv2::WebACL')[webAclId] as Json);
    expect(acl).toMatchObject({ Scope: 'CLOUDFRONT', DefaultAction: { Allow: {} } });
    expect(acl.Name).toBeUndefined();
    expect(acl.Rules).toEqual([
      {
        Name: 'RatePerIp',
        Priority: 0,
        Statement: { RateBasedStatement: { AggregateKeyType: 'IP', Limit: 1000, EvaluationWindowSec: 300 } },
        Action: { Block: { CustomResponse: { ResponseCode: 429 } } },
        VisibilityConfig: {
          CloudWatchMetricsEnabled: true,
          SampledRequestsEnabled: true,
          MetricName: 'Test-rate-per-ip',
        },
      },
    ]);
  });

  it('the distribution carries the web ACL and forwards everything to the HTTP API over TLS 1.2, uncached', () => {
    expect(config.WebACLId).toEqual(getAtt(webAclId));
    expect(config.Origins).toEqual([
      {
        Id: (config.DefaultCacheBehavior as Json).TargetOriginId,
        DomainName: { 'Fn::Select': [2, { 'Fn::Split': ['/', getAtt(httpApiId, 'ApiEndpoint')] }] },
        CustomOriginConfig: { OriginProtocolPolicy: 'https-only', OriginSSLProtocols: ['TLSv1.2'] },
      },
    ]);
    const behavior = config.DefaultCacheBehavior as Json;
    expect(behavior.AllowedMethods).toEqual(['GET', 'HEAD', 'OPTIONS', 'PUT', 'PATCH', 'POST', 'DELETE']);
    expect(behavior).toMatchObject({
      ViewerProtocolPolicy: 'https-only',
      // Managed CachingDisabled: nothing cached, so the managed origin request policy may forward Authorization.
      CachePolicyId: '4135ea2d-6df8-44a3-9df3-4b5a84be39ad',
      // Managed AllViewerExceptHostHeader: every viewer header (Authorization, Idempotency-Key,
      // Content-Type, Accept, Origin, Sec-Fetch-Site), cookie and query string; Host stays the API's.
      OriginRequestPolicyId: 'b689b0a8-53d0-40ab-baf2-68738e2966ac',
    });
    expect(behavior.ForwardedValues).toBeUndefined();
    // IPv4 only: one IPv6 client holds a whole /64, which a per-address rule cannot hold.
    expect(config.IPV6Enabled).toBe(false);
    expect(config.Aliases).toBeUndefined();
  });

  it('emailed links use the CloudFront URL, unless publicUrl is set', () => {
    expect(envOf(template, 'Api')[ENV.publicUrl]).toEqual(cloudFrontUrl);
    template.hasOutput('CloudFrontUrl', { Value: cloudFrontUrl });
    const { config: apiConfig, unread } = loadDeployed(template, 'Api', loadApiConfig);
    expect(unread).toEqual([]);
    expect(apiConfig.publicUrl).toBe(DEPLOYED_VALUES[ENV.publicUrl]);
    const custom = synth({ wafRateLimit: 1000, publicUrl: 'https://followup.example.com' }).template;
    expect(envOf(custom, 'Api')[ENV.publicUrl]).toBe('https://followup.example.com');
  });

  it('keeps the route throttles behind CloudFront (they still limit the execute-api URL)', () => {
    expect(routeSettingsOf(template)['GET /cancel/{token}']).toEqual({
      ThrottlingRateLimit: 10,
      ThrottlingBurstLimit: 20,
    });
  });

  it('a template rule refuses deployment outside us-east-1', () => {
    const rules = template.toJSON().Rules as Record<string, { Assertions: Json[] }>;
    const regionRules = Object.entries(rules).filter(([id]) => id !== 'CheckBootstrapVersion');
    expect(regionRules).toHaveLength(1);
    expect(regionRules[0]?.[1].Assertions).toEqual([
      {
        Assert: { 'Fn::Equals': [ref('AWS::Region'), 'us-east-1'] },
        AssertDescription: expect.stringMatching(/wafRateLimit.*us-east-1/),
      },
    ]);
  });

  it('synth refuses a stack in another region, and accepts us-east-1', () => {
    const inRegion = (region: string) =>
      new InterviewFollowupStack(newApp(), `In-${region}`, {
        ...SENDER,
        entries: STUB_ENTRIES,
        env: { region },
        wafRateLimit: 500,
      });
    expect(() => inRegion('eu-west-1')).toThrow(/wafRateLimit needs the stack in us-east-1.*eu-west-1/);
    const stack = inRegion('us-east-1');
    Template.fromStack(stack).hasResourceProperties('AWS::WAFv2::WebACL', { Scope: 'CLOUDFRONT' });
  });

  it('reads wafRateLimit from context; empty means no WAF', () => {
    const fromContext = synth({}, { wafRateLimit: '300' }).template;
    fromContext.hasResourceProperties('AWS::WAFv2::WebACL', {
      Rules: [Match.objectLike({ Statement: { RateBasedStatement: Match.objectLike({ Limit: 300 }) } })],
    });
    expect(resources(synth({}, { wafRateLimit: '' }).template, 'AWS::WAFv2::WebACL')).toEqual([]);
    expect(resources(synth({}, { wafRateLimit: '  ' }).template, 'AWS::CloudFront::Distribution')).toEqual(
      [],
    );
  });

  it.each([
    [{ wafRateLimit: 9 }, {}],
    [{ wafRateLimit: 2_000_000_001 }, {}],
    [{ wafRateLimit: 100.5 }, {}],
    [{}, { wafRateLimit: '0' }],
    [{}, { wafRateLimit: 'lots' }],
  ])('rejects wafRateLimit %j / context %j', (p, c) => {
    expect(() => synth(p, c)).toThrow(/wafRateLimit/);
  });

  it('no fixed physical names on the new resources', () => {
    for (const [type, nameProp] of [
      ['AWS::WAFv2::WebACL', 'Name'],
      ['AWS::SecretsManager::Secret', 'Name'],
    ] as const) {
      for (const [id, r] of resources(template, type)) expect(props(r)[nameProp], id).toBeUndefined();
    }
  });
});

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
      'DELETE--interviews--{id}',
      'GET--cancel--{token}',
      'HEAD--cancel--{token}',
      'POST--cancel--{token}',
      'GET--health',
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

describe('bundling', () => {
  const handlersExist = Object.values(DEFAULT_ENTRIES).every((entry) => existsSync(entry));
  const outdir = mkdtempSync(path.join(tmpdir(), 'interview-followup-cdk-'));
  afterAll(() => rmSync(outdir, { recursive: true, force: true }));

  it.skipIf(!handlersExist)(
    'bundles the three real handlers locally with esbuild into ESM assets',
    () => {
      const app = new App({ outdir });
      const stack = new InterviewFollowupStack(app, 'Bundled', SENDER);
      app.synth();
      const manifest = JSON.parse(
        readFileSync(path.join(outdir, `${stack.artifactId}.assets.json`), 'utf8'),
      ) as {
        files: Record<string, { source: { path: string; packaging?: string } }>;
      };
      const template = Template.fromJSON(
        JSON.parse(readFileSync(path.join(outdir, stack.templateFile), 'utf8')) as Json,
      );
      const hashes = new Set<string>();
      for (const id of ['Api', 'Sender', 'Feedback'] as const) {
        const code = fn(template, id).properties.Code as { S3Key: string };
        const hash = code.S3Key.replace(/\.zip$/, '');
        hashes.add(hash);
        const asset = manifest.files[hash];
        expect(asset?.source.packaging, `${id} asset`).toBe('zip');
        const dir = path.join(outdir, asset?.source.path ?? 'missing');
        const bundle = readFileSync(path.join(dir, 'index.mjs'), 'utf8');
        expect(bundle.startsWith('import { createRequire')).toBe(true);
        expect(bundle).toMatch(/export\s*\{[^}]*\bhandler\b/);
        expect(existsSync(path.join(dir, 'index.mjs.map'))).toBe(true);
      }
      expect(hashes.size).toBe(3);
    },
    180_000,
  );
});
