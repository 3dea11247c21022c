/**
 * The service's Lambda functions: what each one is (entry, timeout, retries, failure queue) and
 * the shape they all share (runtime, bundling, memory, a role and a log group of their own). What
 * a function may touch is not decided here: the stack binds it (bind.ts).
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ArnFormat, Duration, Names, type RemovalPolicy, type Stack } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime } from 'aws-cdk-lib/aws-lambda';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { NodejsFunction, type NodejsFunctionProps, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import {
  ESBUILD_TARGET,
  ESM_REQUIRE_BANNER,
  FUNCTION_MEMORY_MB,
  MAIN_FIELDS,
  MINIFY,
  NODE_MAJOR,
  SOURCE_MAP,
} from '../bundling.js';

/** Repository root: `infra/..`. Entry files, the lock file and tsconfig are resolved from here. */
export const PROJECT_ROOT = fileURLToPath(new URL('../..', import.meta.url));

export const DEFAULT_ENTRIES = {
  api: path.join(PROJECT_ROOT, 'lambdas', 'api', 'handler.ts'),
  sender: path.join(PROJECT_ROOT, 'lambdas', 'sender', 'handler.ts'),
  feedback: path.join(PROJECT_ROOT, 'lambdas', 'feedback', 'handler.ts'),
  sweep: path.join(PROJECT_ROOT, 'lambdas', 'sweep', 'handler.ts'),
  docs: path.join(PROJECT_ROOT, 'lambdas', 'docs', 'handler.ts'),
  invite: path.join(PROJECT_ROOT, 'lambdas', 'invite', 'handler.ts'),
} as const;

// Lambda's newest Node.js runtime in this aws-cdk-lib; the esbuild target follows it (bundling.ts).
const RUNTIME = Runtime.NODEJS_24_X;
if (RUNTIME.name !== `nodejs${NODE_MAJOR}.x`) throw new Error('infra/bundling.ts NODE_MAJOR is out of step');

export interface FunctionProps {
  /** The handler's entry file (DEFAULT_ENTRIES, or a stub in tests that skip bundling). */
  readonly entry: string;
  /** The removal policy of the function's log group: kept with the data (`retainData`). */
  readonly logRemovalPolicy: RemovalPolicy;
}

export interface RetriedFunctionProps extends FunctionProps {
  /** Where invocations that failed after Lambda's retries go. */
  readonly failureQueue: IQueue;
}

/** The sender, and the ARN it knows itself by (its environment needs it for its own retries). */
export interface Sender {
  readonly fn: NodejsFunction;
  /**
   * The sender's ARN built from its name. A function cannot reference its own generated ARN (a
   * circular dependency), so its name is derived from the stack name instead: still unique per
   * stage, never a literal in the code.
   */
  readonly ownArn: string;
}

/** Sends a scheduled thank-you / follow-up or a confirmation email; schedules its own retries. */
export function senderFunction(scope: Stack, props: RetriedFunctionProps): Sender {
  const functionName = `${Names.uniqueResourceName(scope, { maxLength: 57, separator: '-', allowedSpecialCharacters: '-_' })}-sender`;
  const ownArn = scope.formatArn({
    service: 'lambda',
    resource: 'function',
    resourceName: functionName,
    arnFormat: ArnFormat.COLON_RESOURCE_NAME,
  });
  const fn = serviceFunction(scope, 'Sender', props, {
    functionName,
    description: 'Sends a scheduled thank-you / follow-up or a confirmation email through SES',
    timeout: Duration.seconds(30),
    onFailure: new SqsDestination(props.failureQueue),
    retryAttempts: 2,
    maxEventAge: Duration.hours(6),
  });
  return { fn, ownArn };
}

/** Behind the HTTP API (api.ts): intake, preview, status, erasure and the cancel page. */
export function apiFunction(scope: Stack, props: FunctionProps): NodejsFunction {
  return serviceFunction(scope, 'Api', props, {
    description: 'HTTP API: interview intake, preview, status, erasure and the cancel page',
    timeout: Duration.seconds(10),
  });
}

/**
 * The API's description (`GET /openapi.json`, `GET /docs`), behind the same HTTP API: a function
 * of its own, so the api's bundle carries neither the document nor zod's JSON Schema output. It
 * reads nothing and may touch nothing beyond its log group.
 */
export function docsFunction(scope: Stack, props: FunctionProps): NodejsFunction {
  return serviceFunction(scope, 'Docs', props, {
    description: 'HTTP API: the OpenAPI document and the API reference page',
    timeout: Duration.seconds(5),
  });
}

/**
 * "Fill in from the invite" (`POST /invite`, with the self-serve pages): a function of its own, so
 * the api's bundle carries no iCalendar parser. It reads nothing and may touch nothing beyond its
 * log group; its one setting is the public URL (the cross-site check's).
 */
export function inviteFunction(scope: Stack, props: FunctionProps): NodejsFunction {
  return serviceFunction(scope, 'Invite', props, {
    description: 'HTTP API: the self-serve form filled in from a calendar invite',
    timeout: Duration.seconds(5),
  });
}

/** SES bounce/complaint/delivery events, routed to it by the feedback rule (mail.ts). */
export function feedbackFunction(scope: Stack, props: RetriedFunctionProps): NodejsFunction {
  return serviceFunction(scope, 'Feedback', props, {
    description: 'SES bounce/complaint/delivery events: marks the email failed, cancels what is pending',
    timeout: Duration.seconds(30),
    onFailure: new SqsDestination(props.failureQueue),
    retryAttempts: 2,
    maxEventAge: Duration.hours(6),
  });
}

/**
 * A NodejsFunction with its own role and log group: the role may write to that log group only
 * (instead of the AWS-managed AWSLambdaBasicExecutionRole, which allows every log group). Its
 * `id` is also the prefix of the ids `<id>Logs` and `<id>Role`, all direct children of the stack.
 */
export function serviceFunction(
  scope: Stack,
  id: string,
  props: FunctionProps,
  extra: Partial<NodejsFunctionProps>,
): NodejsFunction {
  const logGroup = new LogGroup(scope, `${id}Logs`, {
    retention: RetentionDays.ONE_MONTH,
    removalPolicy: props.logRemovalPolicy,
  });
  const role = new Role(scope, `${id}Role`, {
    assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
    description: `Execution role of the ${id.toLowerCase()} function`,
  });
  logGroup.grantWrite(role);
  return new NodejsFunction(scope, id, { ...functionProps(scope, props.entry, logGroup), role, ...extra });
}

function functionProps(scope: Stack, entry: string, logGroup: LogGroup): NodejsFunctionProps {
  return {
    entry,
    handler: 'handler',
    runtime: RUNTIME,
    architecture: Architecture.ARM_64,
    memorySize: FUNCTION_MEMORY_MB,
    projectRoot: PROJECT_ROOT,
    depsLockFilePath: path.join(PROJECT_ROOT, 'package-lock.json'),
    logGroup,
    // POWERTOOLS_SERVICE_NAME: the `service` of every log line and the dimension of every metric.
    environment: { NODE_OPTIONS: '--enable-source-maps', POWERTOOLS_SERVICE_NAME: scope.stackName },
    bundling: {
      forceDockerBundling: false,
      format: OutputFormat.ESM,
      mainFields: MAIN_FIELDS,
      banner: ESM_REQUIRE_BANNER,
      target: ESBUILD_TARGET,
      minify: MINIFY,
      sourceMap: SOURCE_MAP,
      externalModules: [],
      tsconfig: path.join(PROJECT_ROOT, 'tsconfig.json'),
    },
  };
}
