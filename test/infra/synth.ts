/**
 * Shared by the infra tests: builds the stack and reads its synthesized template. Infra assertions
 * are on the template: properties and IAM statements, not resource counts. Bundling is skipped
 * (context `aws:cdk:bundling-stacks: []`) except in the one test that checks the real handlers
 * bundle (bundling.test.ts). NodejsFunction insists that its entry file exists even when it does
 * not bundle, so the skipped-bundling stacks point at a stub entry and do not depend on `lambdas/`.
 *
 * Synthesis is slow: each test file synthesizes each variant it needs once (`defaultStack()` caches
 * the default one per file; vitest loads this module afresh for every test file).
 */
import { fileURLToPath } from 'node:url';
import { App, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { InterviewFollowupStack, type InterviewFollowupStackProps } from '../../infra/stack.js';
import { ENV, type Env } from '../../lambdas/config.js';

export const STUB_ENTRY = fileURLToPath(new URL('./fixtures/stub-handler.ts', import.meta.url));
export const STUB_ENTRIES = {
  api: STUB_ENTRY,
  sender: STUB_ENTRY,
  feedback: STUB_ENTRY,
  sweep: STUB_ENTRY,
  docs: STUB_ENTRY,
  invite: STUB_ENTRY,
} as const;
export const ZERO_KEY = '0'.repeat(64);
export const GOOD_KEY = 'a'.repeat(32) + '0123456789abcdef'.repeat(2);
export const SENDER = { senderAddress: 'followup@example.com', senderDomain: 'example.com' } as const;

export type Json = Record<string, unknown>;
export type FunctionId = 'Api' | 'Sender' | 'Feedback' | 'Sweep' | 'Docs' | 'Invite';
/** Read by the runtime or by Powertools, not by our config loaders. */
export const PLATFORM_VARIABLES = ['NODE_OPTIONS', 'POWERTOOLS_SERVICE_NAME'];
export interface Statement {
  Effect: string;
  Action: string | string[];
  Resource?: unknown;
  Principal?: unknown;
  NotAction?: unknown;
  NotResource?: unknown;
  Condition?: Json;
}

export function newApp(context: Json = {}): App {
  return new App({ context: { 'aws:cdk:bundling-stacks': [], ...context } });
}

export function synth(props: InterviewFollowupStackProps = {}, context: Json = {}) {
  const app = newApp(context);
  const stack = new InterviewFollowupStack(app, 'Test', { ...SENDER, entries: STUB_ENTRIES, ...props });
  return { app, stack, template: Template.fromStack(stack) };
}

export function resources(template: Template, type: string): [string, Json][] {
  return Object.entries(template.findResources(type)) as [string, Json][];
}

export function props(resource: Json): Json {
  return (resource.Properties ?? {}) as Json;
}

export function only<T>(items: T[], what: string): T {
  const [item] = items;
  if (item === undefined || items.length !== 1)
    throw new Error(`expected exactly one ${what}, got ${items.length}`);
  return item;
}

/** The logical id of the one resource of `type` whose construct id is `id` (CDK appends a hash). */
export function idOf(template: Template, type: string, id: string): string {
  return only(
    resources(template, type)
      .map(([lid]) => lid)
      .filter((lid) => new RegExp(`^${id}[0-9A-F]{8}$`).test(lid)),
    `${type} ${id}`,
  );
}

/** The Lambda function whose construct id is `id`. */
export function fn(template: Template, id: FunctionId): { logicalId: string; properties: Json } {
  const logicalId = idOf(template, 'AWS::Lambda::Function', id);
  return { logicalId, properties: props(template.findResources('AWS::Lambda::Function')[logicalId] as Json) };
}

export function roleOf(template: Template, id: FunctionId): string {
  const role = fn(template, id).properties.Role as { 'Fn::GetAtt': [string, string] };
  return role['Fn::GetAtt'][0];
}

export function envOf(template: Template, id: FunctionId): Json {
  const environment = fn(template, id).properties.Environment as { Variables: Json };
  return environment.Variables;
}

/**
 * The api's environment as Lambda would see it: literal values as synthesized, each CloudFormation
 * reference replaced by a value of the kind it resolves to, and the AWS_REGION Lambda sets.
 */
export const DEPLOYED_VALUES: Record<string, string> = {
  [ENV.tableName]: 'Test-Interviews-1A2B3C',
  [ENV.scheduleGroup]: 'Test-ScheduleGroup-1A2B3C',
  [ENV.senderFunctionArn]: 'arn:aws:lambda:eu-west-1:123456789012:function:Test-sender',
  [ENV.schedulerRoleArn]: 'arn:aws:iam::123456789012:role/Test-SchedulerRole-1A2B3C',
  [ENV.scheduleDlqArn]: 'arn:aws:sqs:eu-west-1:123456789012:Test-ScheduleDeadLetterQueue-1A2B3C',
  [ENV.counterSecretArn]: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:CounterSecret-1A2B3C-AbCdEf',
  [ENV.publicUrl]: 'https://d111111abcdef8.cloudfront.net',
  [ENV.sesConfigurationSet]: 'ConfigurationSet-1A2B3C',
};
export function deployedEnv(variables: Json): Env {
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
export function loadDeployed<T>(template: Template, id: FunctionId, loader: (env: Env) => T) {
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
export function routeSettingsOf(template: Template): Record<string, Json> {
  const stage = props(
    only(
      resources(template, 'AWS::ApiGatewayV2::Stage').map(([, r]) => r),
      'stage',
    ),
  );
  return stage.RouteSettings as Record<string, Json>;
}

export const INTERVIEW_ROUTES = [
  'POST /interviews',
  'POST /interviews/preview',
  'GET /interviews/{id}',
  'PATCH /interviews/{id}',
  'DELETE /interviews/{id}',
  'POST /interviews/{id}/restore',
];
export const ANONYMOUS_ROUTES = [
  'GET /cancel/{token}',
  'HEAD /cancel/{token}',
  'POST /cancel/{token}',
  'POST /cancel/{token}/restore',
  'GET /health',
  'GET /openapi.json',
  'GET /docs',
];
/** The routes the docs function answers; every other goes to the api function but the invite's. */
export const DOCS_ROUTES = ['GET /openapi.json', 'GET /docs'];
/** The route the invite function answers (with the self-serve pages). */
export const INVITE_ROUTES = ['POST /invite'];
/** The routes `selfServe` adds (on by default), to the api function on the anonymous budget; none without it. */
export const SELF_SERVE_ROUTES = [
  'GET /',
  'HEAD /',
  'POST /',
  'POST /preview',
  'POST /invite',
  'GET /manage/{token}',
  'HEAD /manage/{token}',
  'POST /manage/{token}/confirm',
  'POST /manage/{token}/cancel',
  'POST /manage/{token}/restore',
  'GET /manage/{token}/edit',
  'HEAD /manage/{token}/edit',
  'POST /manage/{token}/edit',
  'POST /manage/{token}/erase',
];

export function logGroupOf(template: Template, id: FunctionId): string {
  return (fn(template, id).properties.LoggingConfig as { LogGroup: { Ref: string } }).LogGroup.Ref;
}

/** Every statement of every AWS::IAM::Policy attached to the role, plus the role's inline policies. */
export function statementsOfRole(template: Template, roleId: string): Statement[] {
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
export function allIdentityStatements(template: Template): Statement[] {
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
export function allResourceStatements(template: Template): Statement[] {
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

export const actionsOf = (s: Statement): string[] => (Array.isArray(s.Action) ? s.Action : [s.Action]);
export const getAtt = (logicalId: string, attribute = 'Arn') => ({ 'Fn::GetAtt': [logicalId, attribute] });
export const ref = (logicalId: string) => ({ Ref: logicalId });

/** What Stack.formatArn renders for an env-agnostic stack. */
export const arnOf = (service: string, resource: string | Json) => ({
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
export function acknowledgements(root: IConstruct): Map<string, string> {
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

/** The default stack (`synth()`), synthesized once per test file. */
let cachedDefaults: ReturnType<typeof synth> | undefined;
export function defaultStack(): ReturnType<typeof synth> {
  cachedDefaults ??= synth();
  return cachedDefaults;
}

/** The logical ids most tests of the default template refer to. */
export function idsOf(template: Template) {
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
  return {
    tableId,
    groupId,
    configSetId,
    secretId,
    api,
    sender,
    feedback,
    schedulesInGroup,
    schedulerRoleId,
    passSchedulerRole,
    queueId,
    dlqId,
    senderFailureQueueId,
    feedbackRuleDlqId,
    feedbackFailureQueueId,
    invokeConfigOf,
    onFailureQueueOf,
    ruleId,
    rule,
  };
}
