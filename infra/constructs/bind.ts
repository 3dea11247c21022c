/**
 * Bind helpers: the only way a function gets a resource. Each one sets the environment
 * variable(s) the function's config loader reads (lambdas/config.ts) AND grants the IAM actions
 * the code calls on that resource, together, so a variable never comes without its grant nor a
 * grant without its variable (the only other grants: each function's own log group and failure
 * queue, functions.ts). The statements are explicit: only the actions the code calls, each on the
 * narrowest resource, never a CDK `grant*` (which grants more). Plain setting values with no
 * resource behind them go through `configure`.
 *
 * A variable may be bound twice only to the same value (the api's SENDER_FUNCTION_ARN is both
 * what its schedules invoke and what it invokes itself); anything else throws at synth.
 */

import { Stack } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import { ENV, LIMIT_VARIABLES } from '../../lambdas/config.js';
import type { Sender } from './functions.js';
import type { Mail } from './mail.js';
import { acknowledge } from './nag.js';
import type { Scheduling } from './scheduling.js';
import type { CounterSecret } from './secret.js';
import type { Storage } from './storage.js';

type EnvName = (typeof ENV)[keyof typeof ENV];

/** What `configure` may set: values from the settings, which no grant goes with. */
const SETTING_VARIABLES = [
  ENV.apiKeySha256,
  ENV.publicUrl,
  ENV.linkAllowlist,
  ENV.selfServe,
  ...LIMIT_VARIABLES.map(([, variable]) => ENV[variable]),
] as const;
export type SettingVariable =
  | typeof ENV.apiKeySha256
  | typeof ENV.publicUrl
  | typeof ENV.linkAllowlist
  | typeof ENV.selfServe
  | (typeof ENV)[(typeof LIMIT_VARIABLES)[number][1]];

/** Every variable set through this module, per function, to refuse a second, different value. */
const bound = new WeakMap<LambdaFunction, Map<EnvName, string>>();

function setVariable(fn: LambdaFunction, name: EnvName, value: string): void {
  let variables = bound.get(fn);
  if (variables === undefined) {
    variables = new Map();
    bound.set(fn, variables);
  }
  const previous = variables.get(name);
  if (previous === value) return;
  if (previous !== undefined) {
    throw new Error(`${fn.node.path}: ${name} is already bound to another value`);
  }
  variables.set(name, value);
  fn.addEnvironment(name, value);
}

/** The function's role's default policy, where its statements go (and their acknowledgements). */
function policyOf(fn: LambdaFunction) {
  return fn.role?.node.tryFindChild('DefaultPolicy') ?? fn;
}

export type ItemAction = 'GetItem' | 'PutItem' | 'UpdateItem' | 'DeleteItem';

export interface TableAccess {
  /** The item actions the function calls on the table itself. */
  readonly items: readonly ItemAction[];
  /** The index the function queries, if any. */
  readonly query?: 'token' | 'due';
}

/** TABLE_NAME, and `access` on the table (and on the one index it queries). */
export function bindTable(fn: LambdaFunction, storage: Storage, access: TableAccess): void {
  setVariable(fn, ENV.tableName, storage.table.tableName);
  fn.addToRolePolicy(
    new PolicyStatement({
      actions: access.items.map((action) => `dynamodb:${action}`),
      resources: [storage.table.tableArn],
    }),
  );
  if (access.query !== undefined) {
    const index = access.query === 'token' ? storage.tokenIndexArn : storage.dueIndexArn;
    fn.addToRolePolicy(new PolicyStatement({ actions: ['dynamodb:Query'], resources: [index] }));
  }
}

export type ScheduleAction = 'CreateSchedule' | 'DeleteSchedule';

/**
 * SCHEDULE_GROUP and `actions` on the schedules in it. Creating also takes what a schedule
 * names: SENDER_FUNCTION_ARN (the target; the sender names itself by its own ARN, see
 * functions.ts), SCHEDULER_ROLE_ARN with the PassRole to Scheduler, and SCHEDULE_DLQ_ARN.
 */
export function bindSchedules(
  fn: LambdaFunction,
  scheduling: Scheduling,
  actions: readonly ScheduleAction[],
): void {
  const creates = actions.includes('CreateSchedule');
  setVariable(fn, ENV.scheduleGroup, scheduling.groupName);
  if (creates) {
    const { target } = scheduling;
    setVariable(fn, ENV.senderFunctionArn, fn === target.fn ? target.ownArn : target.fn.functionArn);
    setVariable(fn, ENV.schedulerRoleArn, scheduling.role.roleArn);
    setVariable(fn, ENV.scheduleDlqArn, scheduling.deadLetterQueue.queueArn);
  }
  fn.addToRolePolicy(
    new PolicyStatement({
      actions: actions.map((action) => `scheduler:${action}`),
      resources: [scheduling.schedulesArn],
    }),
  );
  if (creates) {
    fn.addToRolePolicy(
      new PolicyStatement({
        actions: ['iam:PassRole'],
        resources: [scheduling.role.roleArn],
        conditions: { StringEquals: { 'iam:PassedToService': 'scheduler.amazonaws.com' } },
      }),
    );
  }
  // Schedule names are per interview and kind, created at intake: they cannot be listed in
  // advance, so the policy names the stack's group and any schedule in it.
  const group = Stack.of(scheduling.group).getLogicalId(scheduling.group);
  acknowledge(
    policyOf(fn),
    `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:scheduler:<AWS::Region>:<AWS::AccountId>:schedule/<${group}>/*]`,
    "Schedules are created per interview at run time; the resource is limited to this stack's schedule group.",
  );
}

/** SENDER_FUNCTION_ARN, and InvokeFunction on the sender (the api's confirmations, the sweep). */
export function bindSender(fn: LambdaFunction, sender: Sender): void {
  setVariable(fn, ENV.senderFunctionArn, sender.fn.functionArn);
  fn.addToRolePolicy(
    new PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [sender.fn.functionArn] }),
  );
}

/**
 * SENDER_ADDRESS and SES_CONFIGURATION_SET, and SendRawEmail (the only call the sender makes:
 * raw messages carry the thread headers) on what SES authorizes it against: the sender's
 * identities and the configuration set (any identity in the SES sandbox).
 */
export function bindMail(fn: LambdaFunction, mail: Mail): void {
  setVariable(fn, ENV.senderAddress, mail.senderAddress);
  setVariable(fn, ENV.sesConfigurationSet, mail.configurationSetName);
  fn.addToRolePolicy(
    new PolicyStatement({
      actions: ['ses:SendRawEmail'],
      resources: [...mail.sendingResources],
    }),
  );
  if (mail.sandbox) {
    acknowledge(
      policyOf(fn),
      'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ses:<AWS::Region>:<AWS::AccountId>:identity/*]',
      'SES sandbox only (context sesSandbox): SES authorizes SendRawEmail against each verified recipient identity too.',
    );
  }
}

/** COUNTER_SECRET_ARN, and GetSecretValue on that secret alone. */
export function bindCounterSecret(fn: LambdaFunction, counterSecret: CounterSecret): void {
  setVariable(fn, ENV.counterSecretArn, counterSecret.secret.secretArn);
  fn.addToRolePolicy(
    new PolicyStatement({
      actions: ['secretsmanager:GetSecretValue'],
      resources: [counterSecret.secret.secretArn],
    }),
  );
}

/** Setting values (the API key hash, the limits, the link allowlist, the public URL, SELF_SERVE): no grant. */
export function configure(
  fn: LambdaFunction,
  variables: Partial<Readonly<Record<SettingVariable, string>>>,
): void {
  for (const [name, value] of Object.entries(variables) as [SettingVariable, string | undefined][]) {
    if (!(SETTING_VARIABLES as readonly string[]).includes(name)) {
      throw new Error(`${name} names a resource: set it with its bind helper, which grants access too`);
    }
    if (value !== undefined) setVariable(fn, name, value);
  }
}
