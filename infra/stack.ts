/**
 * The whole service in one stack: DynamoDB table, the `api` and `sender` functions, the HTTP API,
 * an EventBridge Scheduler group with its execution role and dead-letter queue, and the sender's
 * on-failure queue. Environment-agnostic (account, region and partition stay CloudFormation
 * tokens), so `cdk synth` works offline and without credentials. No fixed physical names.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  Annotations,
  ArnFormat,
  CfnOutput,
  Duration,
  RemovalPolicy,
  Stack,
  type StackProps,
} from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import { HttpApi, HttpMethod, LogGroupLogDestination } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { AttributeType, BillingMode, ProjectionType, Table } from 'aws-cdk-lib/aws-dynamodb';
import { Effect, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime } from 'aws-cdk-lib/aws-lambda';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { NodejsFunction, type NodejsFunctionProps, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { CfnScheduleGroup } from 'aws-cdk-lib/aws-scheduler';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { TABLE } from '../lambdas/aws/table.js';
import { ENV } from '../lambdas/config.js';

/** Repository root: `infra/..`. Entry files, the lock file and tsconfig are resolved from here. */
export const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));

export const DEFAULT_ENTRIES = {
  api: path.join(PROJECT_ROOT, 'lambdas', 'api', 'handler.ts'),
  sender: path.join(PROJECT_ROOT, 'lambdas', 'sender', 'handler.ts'),
} as const;

/** Stands for "no key configured": no input hashes to it, so the API rejects every key. */
export const NO_API_KEY_SHA256 = '0'.repeat(64);

export const DEFAULT_THROTTLE = { rate: 20, burst: 40 } as const;

/**
 * Every value can also come from CDK context (`-c key=value` or `cdk.json`) under the same name;
 * a prop, when given, wins over the context.
 */
export interface InterviewFollowupStackProps extends StackProps {
  /** From address of every email, e.g. `followup@example.com`. Context `senderAddress`. */
  readonly senderAddress?: string;
  /** SES identity (domain) the sender address belongs to. Context `senderDomain`. */
  readonly senderDomain?: string;
  /** Hex SHA-256 of the intake API key; empty means "not configured". Context `apiKeySha256`. */
  readonly apiKeySha256?: string;
  /** Public base URL for emailed links (custom domain); empty means the API's own URL. Context `publicUrl`. */
  readonly publicUrl?: string;
  /** Steady-state requests per second of the default stage. Context `throttleRate`, default 20. */
  readonly throttleRate?: number;
  /** Burst limit of the default stage. Context `throttleBurst`, default 40. */
  readonly throttleBurst?: number;
  /**
   * Handler entry files. Defaults to `lambdas/api/handler.ts` and `lambdas/sender/handler.ts`.
   * Only tests that skip bundling (context `aws:cdk:bundling-stacks: []`) should point these
   * elsewhere (NodejsFunction checks that the entry file exists even when it does not bundle).
   */
  readonly entries?: { readonly api: string; readonly sender: string };
}

// Lambda's newest Node.js runtime in this aws-cdk-lib; the esbuild target follows it ("node24").
const RUNTIME = Runtime.NODEJS_24_X;
const ESBUILD_TARGET = RUNTIME.name.replace(/^nodejs(\d+)\.x$/, 'node$1');

// Output is ESM; CommonJS dependencies that call require() get a real one.
const ESM_REQUIRE_BANNER =
  "import { createRequire as __cdkCreateRequire } from 'node:module'; const require = __cdkCreateRequire(import.meta.url);";

export class InterviewFollowupStack extends Stack {
  constructor(scope: Construct, id: string, props: InterviewFollowupStackProps = {}) {
    super(scope, id, props);

    const settings = this.readSettings(props);

    // ---- Data -------------------------------------------------------------------------------
    const table = new Table(this, 'Interviews', {
      partitionKey: { name: TABLE.partitionKey, type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      timeToLiveAttribute: TABLE.ttlAttribute,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    table.addGlobalSecondaryIndex({
      indexName: TABLE.tokenIndex,
      partitionKey: { name: TABLE.tokenKey, type: AttributeType.STRING },
      projectionType: ProjectionType.KEYS_ONLY,
    });
    const tokenIndexArn = `${table.tableArn}/index/${TABLE.tokenIndex}`;

    // ---- Queues -----------------------------------------------------------------------------
    // Scheduler delivers to the sender asynchronously; this catches schedules it could not deliver.
    const scheduleDlq = new Queue(this, 'ScheduleDeadLetterQueue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    // The sender's own failures (after its retries), whoever invoked it: Scheduler or the api.
    const senderFailureQueue = new Queue(this, 'SenderFailureQueue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });

    // ---- Functions --------------------------------------------------------------------------
    const sender = new NodejsFunction(this, 'Sender', {
      ...this.functionProps('Sender', settings.entries.sender),
      description: 'Sends a scheduled thank-you / follow-up or a confirmation email through SES',
      timeout: Duration.seconds(30),
      onFailure: new SqsDestination(senderFailureQueue),
      retryAttempts: 2,
      maxEventAge: Duration.hours(6),
    });
    sender.addEnvironment(ENV.tableName, table.tableName);
    sender.addEnvironment(ENV.senderAddress, settings.senderAddress);

    // Schedule group: no name given, CloudFormation generates one. Ref = name, Arn = ARN.
    const scheduleGroup = new CfnScheduleGroup(this, 'ScheduleGroup', {});
    const scheduleGroupName = scheduleGroup.ref;
    const schedulesInGroupArn = this.formatArn({
      service: 'scheduler',
      resource: 'schedule',
      resourceName: `${scheduleGroupName}/*`,
      arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
    });

    // The role Scheduler assumes to fire our schedules.
    const schedulerRole = new Role(this, 'SchedulerRole', {
      description: 'Assumed by EventBridge Scheduler to invoke the sender for this stack',
      assumedBy: new ServicePrincipal('scheduler.amazonaws.com', {
        conditions: {
          StringEquals: { 'aws:SourceAccount': this.account },
          // Scheduler documents aws:SourceArn as the schedule *group* ARN; older docs said the
          // schedule ARN. Both forms stay within this stack's group.
          ArnLike: { 'aws:SourceArn': [scheduleGroup.attrArn, schedulesInGroupArn] },
        },
      }),
    });
    schedulerRole.addToPolicy(
      new PolicyStatement({
        effect: Effect.ALLOW,
        actions: ['lambda:InvokeFunction'],
        resources: [sender.functionArn],
      }),
    );
    schedulerRole.addToPolicy(
      new PolicyStatement({
        effect: Effect.ALLOW,
        actions: ['sqs:SendMessage'],
        resources: [scheduleDlq.queueArn],
      }),
    );

    const api = new NodejsFunction(this, 'Api', {
      ...this.functionProps('Api', settings.entries.api),
      description: 'HTTP API: interview intake and the cancel page',
      timeout: Duration.seconds(10),
    });
    api.addEnvironment(ENV.tableName, table.tableName);
    api.addEnvironment(ENV.scheduleGroup, scheduleGroupName);
    api.addEnvironment(ENV.senderFunctionArn, sender.functionArn);
    api.addEnvironment(ENV.schedulerRoleArn, schedulerRole.roleArn);
    api.addEnvironment(ENV.scheduleDlqArn, scheduleDlq.queueArn);
    api.addEnvironment(ENV.apiKeySha256, settings.apiKeySha256);
    if (settings.publicUrl !== '') {
      api.addEnvironment(ENV.publicUrl, settings.publicUrl);
    }

    // ---- IAM: explicit statements, only the actions the code calls ---------------------------
    api.addToRolePolicy(
      new PolicyStatement({
        actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
        resources: [table.tableArn],
      }),
    );
    api.addToRolePolicy(new PolicyStatement({ actions: ['dynamodb:Query'], resources: [tokenIndexArn] }));
    api.addToRolePolicy(
      new PolicyStatement({
        actions: ['scheduler:CreateSchedule', 'scheduler:DeleteSchedule', 'scheduler:GetSchedule'],
        resources: [schedulesInGroupArn],
      }),
    );
    api.addToRolePolicy(
      new PolicyStatement({
        actions: ['iam:PassRole'],
        resources: [schedulerRole.roleArn],
        conditions: { StringEquals: { 'iam:PassedToService': 'scheduler.amazonaws.com' } },
      }),
    );
    api.addToRolePolicy(
      new PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [sender.functionArn] }),
    );

    sender.addToRolePolicy(
      new PolicyStatement({
        actions: ['dynamodb:GetItem', 'dynamodb:UpdateItem'],
        resources: [table.tableArn],
      }),
    );
    sender.addToRolePolicy(
      new PolicyStatement({
        actions: ['ses:SendEmail', 'ses:SendRawEmail'],
        resources: settings.sesIdentities.map((identity) =>
          this.formatArn({ service: 'ses', resource: 'identity', resourceName: identity }),
        ),
      }),
    );

    // ---- HTTP API ---------------------------------------------------------------------------
    const httpApi = new HttpApi(this, 'HttpApi', {
      apiName: this.stackName,
      description: 'interview-followup: intake and cancel page',
      createDefaultStage: false,
    });
    const accessLogs = new LogGroup(this, 'ApiAccessLogs', { retention: RetentionDays.ONE_MONTH });
    const stage = httpApi.addStage('DefaultStage', {
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: settings.throttleRate, burstLimit: settings.throttleBurst },
      accessLogSettings: {
        destination: new LogGroupLogDestination(accessLogs),
        // routeKey is the route template ("GET /cancel/{token}"), so cancel tokens stay out of logs.
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            time: '$context.requestTime',
            ip: '$context.identity.sourceIp',
            routeKey: '$context.routeKey',
            status: '$context.status',
            latencyMs: '$context.responseLatency',
            integrationError: '$context.integrationErrorMessage',
          }),
        ),
      },
    });

    const integration = new HttpLambdaIntegration('ApiIntegration', api);
    const routes: ReadonlyArray<readonly [string, HttpMethod]> = [
      ['/interviews', HttpMethod.POST],
      ['/interviews/{id}', HttpMethod.GET],
      ['/cancel/{token}', HttpMethod.GET],
      ['/cancel/{token}', HttpMethod.HEAD],
      ['/cancel/{token}', HttpMethod.POST],
      ['/health', HttpMethod.GET],
    ];
    for (const [routePath, method] of routes) {
      httpApi.addRoutes({ path: routePath, methods: [method], integration });
    }

    new CfnOutput(this, 'ApiUrl', { value: stage.url, description: 'Base URL of the HTTP API' });
  }

  private functionProps(id: string, entry: string): NodejsFunctionProps {
    return {
      entry,
      handler: 'handler',
      runtime: RUNTIME,
      architecture: Architecture.ARM_64,
      memorySize: 256,
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: path.join(PROJECT_ROOT, 'package-lock.json'),
      logGroup: new LogGroup(this, `${id}Logs`, { retention: RetentionDays.ONE_MONTH }),
      environment: { NODE_OPTIONS: '--enable-source-maps' },
      bundling: {
        forceDockerBundling: false,
        format: OutputFormat.ESM,
        mainFields: ['module', 'main'],
        banner: ESM_REQUIRE_BANNER,
        target: ESBUILD_TARGET,
        minify: true,
        sourceMap: true,
        externalModules: [],
        tsconfig: path.join(PROJECT_ROOT, 'tsconfig.json'),
      },
    };
  }

  private readSettings(props: InterviewFollowupStackProps) {
    const senderAddress = this.stringSetting('senderAddress', props.senderAddress).trim();
    const senderDomain = this.stringSetting('senderDomain', props.senderDomain).trim().toLowerCase();
    const apiKeySha256 = this.stringSetting('apiKeySha256', props.apiKeySha256, '').trim().toLowerCase();
    const publicUrl = this.stringSetting('publicUrl', props.publicUrl, '').trim();

    if (!/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/.test(senderDomain)) {
      throw new Error(`senderDomain must be a domain name such as example.com, got "${senderDomain}"`);
    }
    const at = senderAddress.lastIndexOf('@');
    const local = senderAddress.slice(0, at);
    const addressDomain = senderAddress.slice(at + 1).toLowerCase();
    if (at < 1 || /[\s@<>,;"]/.test(local) || addressDomain === '') {
      throw new Error(
        `senderAddress must be an email address such as followup@${senderDomain}, got "${senderAddress}"`,
      );
    }
    if (addressDomain !== senderDomain && !addressDomain.endsWith(`.${senderDomain}`)) {
      throw new Error(
        `senderAddress "${senderAddress}" must be in senderDomain "${senderDomain}" (or a subdomain of it): ` +
          'SES only sends from verified identities and the sender may only use that one.',
      );
    }
    const sesIdentities = [...new Set([senderDomain, addressDomain, senderAddress])];

    let apiKey = apiKeySha256;
    if (apiKey === '') {
      apiKey = NO_API_KEY_SHA256;
      Annotations.of(this).addWarning(
        'apiKeySha256 is not set, so the API rejects every API key (POST /interviews always answers 401). ' +
          'Choose a key and deploy with: npx cdk deploy -c apiKeySha256=$(printf %s "$KEY" | sha256sum | cut -d\' \' -f1)',
      );
    } else if (!/^[0-9a-f]{64}$/.test(apiKey)) {
      throw new Error(
        'apiKeySha256 must be the hex SHA-256 of the API key (64 characters 0-9a-f), e.g. ' +
          `-c apiKeySha256=$(printf %s "$KEY" | sha256sum | cut -d' ' -f1); got ${apiKey.length} characters`,
      );
    }

    if (publicUrl !== '' && !/^https?:\/\/[^\s/?#]+(\/[^\s?#]*)?$/.test(publicUrl)) {
      throw new Error(
        `publicUrl must be an http(s) URL such as https://followup.example.com, got "${publicUrl}"`,
      );
    }

    const throttleRate = this.numberSetting('throttleRate', props.throttleRate, DEFAULT_THROTTLE.rate);
    const throttleBurst = this.numberSetting('throttleBurst', props.throttleBurst, DEFAULT_THROTTLE.burst);
    if (!Number.isInteger(throttleBurst)) {
      throw new Error(`throttleBurst must be a whole number, got ${throttleBurst}`);
    }

    return {
      senderAddress,
      sesIdentities,
      apiKeySha256: apiKey,
      publicUrl,
      throttleRate,
      throttleBurst,
      entries: props.entries ?? DEFAULT_ENTRIES,
    };
  }

  /** A prop, else the context value, else `fallback`; throws when none is there. */
  private stringSetting(key: string, prop: string | undefined, fallback?: string): string {
    if (prop !== undefined) return prop;
    const value: unknown = this.node.tryGetContext(key);
    if (value === undefined || value === null) {
      if (fallback !== undefined) return fallback;
      throw new Error(`Missing setting "${key}": set it in cdk.json "context" or pass -c ${key}=...`);
    }
    if (typeof value !== 'string') {
      throw new Error(`Context "${key}" must be a string, got ${JSON.stringify(value)}`);
    }
    return value;
  }

  /** Like stringSetting for positive numbers; `-c key=5` arrives as the string "5". */
  private numberSetting(key: string, prop: number | undefined, fallback: number): number {
    const value: unknown = prop ?? this.node.tryGetContext(key) ?? fallback;
    const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
    if (typeof number !== 'number' || !Number.isFinite(number) || number <= 0) {
      throw new Error(`${key} must be a positive number, got ${JSON.stringify(value)}`);
    }
    return number;
  }
}
