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
import { App } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { afterAll, describe, expect, it } from 'vitest';
import {
  DEFAULT_ENTRIES,
  InterviewFollowupStack,
  type InterviewFollowupStackProps,
  PROJECT_ROOT,
} from '../../infra/stack.js';
import { TABLE } from '../../lambdas/aws/table.js';
import { ENV } from '../../lambdas/config.js';

const STUB_ENTRY = fileURLToPath(new URL('./fixtures/stub-handler.ts', import.meta.url));
const ZERO_KEY = '0'.repeat(64);
const GOOD_KEY = 'a'.repeat(32) + '0123456789abcdef'.repeat(2);

type Json = Record<string, unknown>;
interface Statement {
  Effect: string;
  Action: string | string[];
  Resource?: unknown;
  NotAction?: unknown;
  NotResource?: unknown;
  Condition?: Json;
}

function synth(props: InterviewFollowupStackProps = {}, context: Json = {}) {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [], ...context } });
  const stack = new InterviewFollowupStack(app, 'Test', {
    senderAddress: 'followup@example.com',
    senderDomain: 'example.com',
    entries: { api: STUB_ENTRY, sender: STUB_ENTRY },
    ...props,
  });
  return { stack, template: Template.fromStack(stack) };
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

/** The Lambda function whose construct id is `id` ('Api' or 'Sender'). */
function fn(template: Template, id: 'Api' | 'Sender'): { logicalId: string; properties: Json } {
  const [logicalId, resource] = only(
    resources(template, 'AWS::Lambda::Function').filter(([lid]) =>
      new RegExp(`^${id}[0-9A-F]{8}$`).test(lid),
    ),
    `${id} function`,
  );
  return { logicalId, properties: props(resource) };
}

function roleOf(template: Template, id: 'Api' | 'Sender'): string {
  const role = fn(template, id).properties.Role as { 'Fn::GetAtt': [string, string] };
  return role['Fn::GetAtt'][0];
}

function envOf(template: Template, id: 'Api' | 'Sender'): Json {
  const environment = fn(template, id).properties.Environment as { Variables: Json };
  return environment.Variables;
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

const actionsOf = (s: Statement): string[] => (Array.isArray(s.Action) ? s.Action : [s.Action]);
const getAtt = (logicalId: string) => ({ 'Fn::GetAtt': [logicalId, 'Arn'] });
const ref = (logicalId: string) => ({ Ref: logicalId });

/** What Stack.formatArn renders for an env-agnostic stack. */
const arnOf = (service: string, resource: string) => ({
  'Fn::Join': [
    '',
    [
      'arn:',
      ref('AWS::Partition'),
      `:${service}:`,
      ref('AWS::Region'),
      ':',
      ref('AWS::AccountId'),
      `:${resource}`,
    ],
  ],
});

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
  const api = fn(template, 'Api');
  const sender = fn(template, 'Sender');
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
  const dlqId = (envOf(template, 'Api')[ENV.scheduleDlqArn] as { 'Fn::GetAtt': [string, string] })[
    'Fn::GetAtt'
  ][0];
  const invokeConfig = props(
    only(
      resources(template, 'AWS::Lambda::EventInvokeConfig').map(([, r]) => r),
      'event invoke config',
    ),
  );
  const failureQueueId = (
    (invokeConfig.DestinationConfig as { OnFailure: { Destination: { 'Fn::GetAtt': [string, string] } } })
      .OnFailure.Destination as { 'Fn::GetAtt': [string, string] }
  )['Fn::GetAtt'][0];

  it('defines the table from TABLE: key, token GSI (keys only), on-demand, PITR, TTL, retained', () => {
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
        ],
        BillingMode: 'PAY_PER_REQUEST',
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        TimeToLiveSpecification: { AttributeName: TABLE.ttlAttribute, Enabled: true },
      }),
    });
  });

  it('gives no resource a fixed physical name', () => {
    const nameProps: Record<string, string> = {
      'AWS::DynamoDB::Table': 'TableName',
      'AWS::Lambda::Function': 'FunctionName',
      'AWS::SQS::Queue': 'QueueName',
      'AWS::IAM::Role': 'RoleName',
      'AWS::Scheduler::ScheduleGroup': 'Name',
      'AWS::Logs::LogGroup': 'LogGroupName',
    };
    for (const [type, nameProp] of Object.entries(nameProps)) {
      for (const [id, r] of resources(template, type)) {
        expect(props(r)[nameProp], `${type} ${id}.${nameProp}`).toBeUndefined();
      }
    }
  });

  it.each([
    ['Api', 10],
    ['Sender', 30],
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
    const logGroup = (properties.LoggingConfig as { LogGroup: { Ref: string } }).LogGroup.Ref;
    expect(props(template.findResources('AWS::Logs::LogGroup')[logGroup] as Json).RetentionInDays).toBe(30);
  });

  it('api environment: exactly the variables loadApiConfig reads (PUBLIC_URL only when configured)', () => {
    const env = envOf(template, 'Api');
    expect(Object.keys(env).sort()).toEqual(
      [
        ENV.tableName,
        ENV.scheduleGroup,
        ENV.senderFunctionArn,
        ENV.schedulerRoleArn,
        ENV.scheduleDlqArn,
        ENV.apiKeySha256,
        'NODE_OPTIONS',
      ].sort(),
    );
    expect(env[ENV.tableName]).toEqual(ref(tableId));
    expect(env[ENV.scheduleGroup]).toEqual(ref(groupId));
    expect(env[ENV.senderFunctionArn]).toEqual(getAtt(sender.logicalId));
    expect(env[ENV.schedulerRoleArn]).toEqual(getAtt(schedulerRoleId));
    expect(template.findResources('AWS::SQS::Queue')[dlqId]).toBeDefined();
  });

  it('sender environment: table and sender address', () => {
    const env = envOf(template, 'Sender');
    expect(Object.keys(env).sort()).toEqual([ENV.tableName, ENV.senderAddress, 'NODE_OPTIONS'].sort());
    expect(env[ENV.tableName]).toEqual(ref(tableId));
    expect(env[ENV.senderAddress]).toBe('followup@example.com');
  });

  it('api role: exactly the actions the api calls, each scoped to its resource', () => {
    const statements = statementsOfRole(template, roleOf(template, 'Api'));
    expect(statements.every((s) => s.Effect === 'Allow')).toBe(true);
    expect(statements.flatMap(actionsOf).sort()).toEqual(
      [
        'dynamodb:GetItem',
        'dynamodb:PutItem',
        'dynamodb:UpdateItem',
        'dynamodb:Query',
        'scheduler:CreateSchedule',
        'scheduler:DeleteSchedule',
        'scheduler:GetSchedule',
        'iam:PassRole',
        'lambda:InvokeFunction',
      ].sort(),
    );
    expect(statements).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          Action: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
          Resource: getAtt(tableId),
        }),
        expect.objectContaining({
          Action: 'dynamodb:Query',
          Resource: { 'Fn::Join': ['', [getAtt(tableId), `/index/${TABLE.tokenIndex}`]] },
        }),
        expect.objectContaining({
          Action: ['scheduler:CreateSchedule', 'scheduler:DeleteSchedule', 'scheduler:GetSchedule'],
          Resource: schedulesInGroup,
        }),
        {
          Effect: 'Allow',
          Action: 'iam:PassRole',
          Resource: getAtt(schedulerRoleId),
          Condition: { StringEquals: { 'iam:PassedToService': 'scheduler.amazonaws.com' } },
        },
        expect.objectContaining({ Action: 'lambda:InvokeFunction', Resource: getAtt(sender.logicalId) }),
      ]),
    );
    // Also through the assertions API, as it would appear in the policy resource.
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [ref(roleOf(template, 'Api'))],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: 'dynamodb:Query',
            Resource: Match.objectLike({ 'Fn::Join': Match.anyValue() }),
          }),
        ]),
      },
    });
  });

  it('sender role: table get/update, SES send on the sender identities, and its failure queue', () => {
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
          Resource: [arnOf('ses', 'identity/example.com'), arnOf('ses', 'identity/followup@example.com')],
        }),
      ]),
    );
    const actions = statements.flatMap(actionsOf);
    expect(actions.filter((a) => !a.startsWith('sqs:')).sort()).toEqual(
      ['dynamodb:GetItem', 'dynamodb:UpdateItem', 'ses:SendEmail', 'ses:SendRawEmail'].sort(),
    );
    // The on-failure destination needs SendMessage on that queue, and on nothing else.
    for (const s of statements.filter((st) => actionsOf(st).some((a) => a.startsWith('sqs:')))) {
      expect(s.Resource).toEqual(getAtt(failureQueueId));
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
              ArnLike: { 'aws:SourceArn': Match.arrayWith([getAtt(groupId)]) },
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

  it('no identity policy allows "*" or a service-wide wildcard action; only the schedule path is a wildcard resource', () => {
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
    expect(wildcardResources).toEqual([schedulesInGroup]);
  });

  it('sender: 2 retries, 6 h max age, failures to the failure queue (not the schedule DLQ)', () => {
    expect(invokeConfig).toMatchObject({
      FunctionName: ref(sender.logicalId),
      Qualifier: '$LATEST',
      MaximumRetryAttempts: 2,
      MaximumEventAgeInSeconds: 6 * 3600,
    });
    expect(template.findResources('AWS::SQS::Queue')[failureQueueId]).toBeDefined();
    expect(failureQueueId).not.toBe(dlqId);
  });

  it('both queues: SQS-managed encryption, 14-day retention, TLS enforced', () => {
    for (const queueId of [dlqId, failureQueueId]) {
      const queue = template.findResources('AWS::SQS::Queue')[queueId] as Json;
      expect(props(queue)).toMatchObject({
        SqsManagedSseEnabled: true,
        MessageRetentionPeriod: 14 * 24 * 3600,
      });
      template.hasResourceProperties('AWS::SQS::QueuePolicy', {
        Queues: [ref(queueId)],
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Effect: 'Deny',
              Condition: { Bool: { 'aws:SecureTransport': 'false' } },
              Resource: getAtt(queueId),
            }),
          ]),
        },
      });
    }
  });

  it('HTTP API: exactly the six routes, all to the api function', () => {
    const routes = resources(template, 'AWS::ApiGatewayV2::Route').map(([, r]) => props(r));
    expect(routes.map((r) => r.RouteKey).sort()).toEqual(
      [
        'POST /interviews',
        'GET /interviews/{id}',
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

  it('HTTP API: $default stage, auto-deployed, throttled 20/s burst 40, access log without raw paths', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingRateLimit: 20, ThrottlingBurstLimit: 40 },
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

  it('outputs ApiUrl', () => {
    template.hasOutput('ApiUrl', { Value: Match.anyValue() });
    expect(JSON.stringify(template.toJSON().Outputs.ApiUrl.Value)).toContain('.execute-api.');
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

describe('InterviewFollowupStack settings', () => {
  it('uses a configured API key hash, without a warning', () => {
    const { stack, template } = synth({ apiKeySha256: GOOD_KEY });
    expect(envOf(template, 'Api')[ENV.apiKeySha256]).toBe(GOOD_KEY);
    Annotations.fromStack(stack).hasNoWarning('*', Match.stringLikeRegexp('apiKeySha256'));
  });

  it.each(['abc', `${GOOD_KEY}0`, 'g'.repeat(64), 'secret'])('rejects apiKeySha256 %j at synth', (key) => {
    expect(() => synth({ apiKeySha256: key })).toThrow(/apiKeySha256 must be the hex SHA-256/);
  });

  it('sets PUBLIC_URL only when publicUrl is given', () => {
    const { template } = synth({ publicUrl: 'https://followup.example.com' });
    expect(envOf(template, 'Api')[ENV.publicUrl]).toBe('https://followup.example.com');
    expect(() => synth({ publicUrl: 'followup.example.com' })).toThrow(/publicUrl/);
  });

  it('reads settings from context when no prop is given (CLI -c values are strings)', () => {
    const app = new App({
      context: {
        'aws:cdk:bundling-stacks': [],
        senderAddress: 'hello@mail.example.org',
        senderDomain: 'example.org',
        apiKeySha256: GOOD_KEY,
        throttleRate: '7',
        throttleBurst: '9',
      },
    });
    const stack = new InterviewFollowupStack(app, 'Ctx', {
      entries: { api: STUB_ENTRY, sender: STUB_ENTRY },
    });
    const template = Template.fromStack(stack);
    expect(envOf(template, 'Sender')[ENV.senderAddress]).toBe('hello@mail.example.org');
    expect(envOf(template, 'Api')[ENV.apiKeySha256]).toBe(GOOD_KEY);
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      DefaultRouteSettings: { ThrottlingRateLimit: 7, ThrottlingBurstLimit: 9 },
    });
    // A subdomain address: SES may authorize against the domain, the subdomain or the address.
    const ses = statementsOfRole(template, roleOf(template, 'Sender')).find((s) =>
      actionsOf(s).includes('ses:SendEmail'),
    );
    expect(ses?.Resource).toEqual([
      arnOf('ses', 'identity/example.org'),
      arnOf('ses', 'identity/mail.example.org'),
      arnOf('ses', 'identity/hello@mail.example.org'),
    ]);
  });

  it('props win over context', () => {
    const { template } = synth({ throttleRate: 5, throttleBurst: 10 }, { throttleRate: 99 });
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      DefaultRouteSettings: { ThrottlingRateLimit: 5, ThrottlingBurstLimit: 10 },
    });
  });

  it.each([
    ['followup@other.com', /must be in senderDomain/],
    ['followup@badexample.com', /must be in senderDomain/],
    ['not-an-address', /must be an email address/],
    ['@example.com', /must be an email address/],
  ])('rejects senderAddress %j for senderDomain example.com', (address, message) => {
    expect(() => synth({ senderAddress: address })).toThrow(message);
  });

  it('rejects a missing sender setting and bad throttle values', () => {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    expect(
      () => new InterviewFollowupStack(app, 'NoSender', { entries: { api: STUB_ENTRY, sender: STUB_ENTRY } }),
    ).toThrow(/Missing setting "senderAddress"/);
    expect(() => synth({ throttleRate: 0 })).toThrow(/throttleRate/);
    expect(() => synth({}, { throttleBurst: 'lots' })).toThrow(/throttleBurst/);
    expect(() => synth({ throttleBurst: 2.5 })).toThrow(/throttleBurst/);
  });

  it('defaults the entries to the handlers in lambdas/', () => {
    expect(path.relative(PROJECT_ROOT, DEFAULT_ENTRIES.api)).toBe(path.join('lambdas', 'api', 'handler.ts'));
    expect(path.relative(PROJECT_ROOT, DEFAULT_ENTRIES.sender)).toBe(
      path.join('lambdas', 'sender', 'handler.ts'),
    );
  });
});

describe('bundling', () => {
  const handlersExist = existsSync(DEFAULT_ENTRIES.api) && existsSync(DEFAULT_ENTRIES.sender);
  const outdir = mkdtempSync(path.join(tmpdir(), 'interview-followup-cdk-'));
  afterAll(() => rmSync(outdir, { recursive: true, force: true }));

  it.skipIf(!handlersExist)(
    'bundles both real handlers locally with esbuild into ESM assets',
    () => {
      const app = new App({ outdir });
      const stack = new InterviewFollowupStack(app, 'Bundled', {
        senderAddress: 'followup@example.com',
        senderDomain: 'example.com',
      });
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
      for (const id of ['Api', 'Sender'] as const) {
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
      expect(hashes.size).toBe(2);
    },
    120_000,
  );
});
