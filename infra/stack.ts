/**
 * The whole service in one stack: DynamoDB table, the `api`, `sender` and `feedback` functions,
 * the HTTP API, an EventBridge Scheduler group with its execution role and dead-letter queue, the
 * functions' failure queues, an SES configuration set whose bounce, complaint and delivery events
 * reach the feedback function through EventBridge, CloudWatch alarms (optionally mailed through
 * SNS), the Secrets Manager key of the limit counters' HMAC and, with `wafRateLimit`, CloudFront
 * with a per-IP WAF rate rule in front of the API (infra/edge.ts). Environment-agnostic (account,
 * region and partition stay CloudFormation tokens), so `cdk synth` works offline and without
 * credentials. No fixed physical names: the only name the stack sets, the sender's, derives from
 * the stack name, so stages can share an account.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  Annotations,
  ArnFormat,
  CfnOutput,
  Duration,
  Names,
  RemovalPolicy,
  Stack,
  type StackProps,
  Validations,
} from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import { type CfnStage, HttpApi, HttpMethod, LogGroupLogDestination } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import {
  Alarm,
  type AlarmProps,
  ComparisonOperator,
  MathExpression,
  Metric,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { AttributeType, BillingMode, ProjectionType, Table } from 'aws-cdk-lib/aws-dynamodb';
import { EventBus, Schedule as EventSchedule, Rule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { Effect, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Architecture, Runtime } from 'aws-cdk-lib/aws-lambda';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { NodejsFunction, type NodejsFunctionProps, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { CfnScheduleGroup } from 'aws-cdk-lib/aws-scheduler';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import {
  ConfigurationSet,
  EmailSendingEvent,
  EventDestination,
  SuppressionReasons,
} from 'aws-cdk-lib/aws-ses';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct, IConstruct } from 'constructs';
import { TABLE } from '../lambdas/aws/table.js';
import { DOMAIN_NAME, EMAIL_ADDRESS, ENV, LIMIT_VARIABLES, PUBLIC_URL } from '../lambdas/config.js';
import { DEFAULT_LIMITS, type Limits, limitsFrom } from '../lambdas/core/access.js';
import { METRICS_NAMESPACE, type MetricName } from '../lambdas/core/ports.js';
import { SWEEP_PERIOD_MINUTES } from '../lambdas/core/reconcile.js';
import {
  ESBUILD_TARGET,
  ESM_REQUIRE_BANNER,
  FUNCTION_MEMORY_MB,
  MAIN_FIELDS,
  MINIFY,
  NODE_MAJOR,
  SOURCE_MAP,
} from './bundling.js';
import { RateLimitedEdge, WAF_RATE_LIMIT_RANGE } from './edge.js';

/** Repository root: `infra/..`. Entry files, the lock file and tsconfig are resolved from here. */
export const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));

export const DEFAULT_ENTRIES = {
  api: path.join(PROJECT_ROOT, 'lambdas', 'api', 'handler.ts'),
  sender: path.join(PROJECT_ROOT, 'lambdas', 'sender', 'handler.ts'),
  feedback: path.join(PROJECT_ROOT, 'lambdas', 'feedback', 'handler.ts'),
  sweep: path.join(PROJECT_ROOT, 'lambdas', 'sweep', 'handler.ts'),
} as const;

/** Stands for "no key configured": no input hashes to it, so the API rejects every key. */
export const NO_API_KEY_SHA256 = '0'.repeat(64);

/** Route throttle of each `/interviews…` route (the integrators' budget): requests per second, burst. */
export const DEFAULT_THROTTLE = { rate: 20, burst: 40 } as const;
/**
 * Route throttle of each unauthenticated route (`/cancel/{token}`, `/health`) and the stage default:
 * its own budget, so anonymous traffic there cannot push integrators into 429s.
 */
export const DEFAULT_CANCEL_THROTTLE = { rate: 10, burst: 20 } as const;

/** The SES events the configuration set publishes to EventBridge, and their EventBridge detail-types. */
export const SES_FEEDBACK_EVENTS = {
  [EmailSendingEvent.BOUNCE]: 'Email Bounced',
  [EmailSendingEvent.COMPLAINT]: 'Email Complaint Received',
  [EmailSendingEvent.DELIVERY]: 'Email Delivered',
} as const;

/** Alarm thresholds, exported so tests and the README agree with the stack. */
export const ALARM_THRESHOLDS = {
  /** Messages visible in a dead-letter or failure queue. */
  queueMessages: 1,
  /** Function errors in 5 minutes. */
  functionErrors: 1,
  /** Percentage of API requests answered 5xx in 5 minutes (alarm above). */
  api5xxPercent: 5,
  /** SES account bounce rate (alarm above; SES reviews an account at 5 %). */
  bounceRate: 0.05,
  /** SES account complaint rate (alarm above; SES reviews an account at 0.1 %). */
  complaintRate: 0.001,
  /** Emails ended `failed`, with an unknown outcome, or found stuck, in 5 minutes (the app's metrics). */
  emailMetric: 1,
} as const;

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
  /** Steady-state requests per second of each `/interviews…` route. Context `throttleRate`, default 20. */
  readonly throttleRate?: number;
  /** Burst limit of each `/interviews…` route. Context `throttleBurst`, default 40. */
  readonly throttleBurst?: number;
  /**
   * Steady-state requests per second of each `/cancel/{token}` route and `/health` (and the stage
   * default). Context `cancelThrottleRate`, default 10.
   */
  readonly cancelThrottleRate?: number;
  /** Burst limit of the cancel routes and `/health`. Context `cancelThrottleBurst`, default 20. */
  readonly cancelThrottleBurst?: number;
  /**
   * Requests per 5 minutes per client IP before AWS WAF answers 429. Set: a CloudFront distribution
   * with a WAF web ACL goes in front of the API, and the stack must be deployed in us-east-1 (see
   * infra/edge.ts). Context `wafRateLimit`; unset or empty (the default): no WAF, no CloudFront.
   */
  readonly wafRateLimit?: number;
  /** Submissions per API key per minute. Context `limitPerMinute`, default 30. */
  readonly limitPerMinute?: number;
  /** Submissions per API key per day. Context `limitPerDay`, default 500. */
  readonly limitPerDay?: number;
  /** Interviews per API key per interviewer address per day. Context `limitPerInterviewerPerDay`, default 3. */
  readonly limitPerInterviewerPerDay?: number;
  /**
   * Interviews per interviewer address per day, whichever keys submit them.
   * Context `limitPerInterviewerAllKeysPerDay`, default 10.
   */
  readonly limitPerInterviewerAllKeysPerDay?: number;
  /** Confirmations per candidate address per day, whichever keys submit them. Context `limitPerCandidatePerDay`, default 5. */
  readonly limitPerCandidatePerDay?: number;
  /** Previews per API key per minute. Context `limitPreviewsPerMinute`, default 60. */
  readonly limitPreviewsPerMinute?: number;
  /**
   * Comma-separated domains that links in submitted texts may point to, e.g. `example.com,example.org`.
   * Context `linkAllowlist`; empty (the default) means no links are allowed.
   */
  readonly linkAllowlist?: string;
  /** Where alarm notifications go (an SNS email subscription); empty means no topic. Context `alarmEmail`. */
  readonly alarmEmail?: string;
  /**
   * Keep the table (and the log groups) when the stack is deleted. Context `retainData`, default
   * true; `false` deletes them with the stack (for throwaway stages).
   */
  readonly retainData?: boolean;
  /**
   * Handler entry files. Defaults to the three handlers in `lambdas/` (DEFAULT_ENTRIES).
   * Only tests that skip bundling (context `aws:cdk:bundling-stacks: []`) should point these
   * elsewhere (NodejsFunction checks that the entry file exists even when it does not bundle).
   */
  readonly entries?: {
    readonly api: string;
    readonly sender: string;
    readonly feedback: string;
    readonly sweep: string;
  };
  /**
   * The SES account is still in the sandbox: there SES also checks the sender's permission
   * against each *recipient's* identity, so the sender may then send as any verified identity of
   * the account (and only to verified recipients, as the sandbox allows). Context `sesSandbox`,
   * default false; leave the sandbox before real use.
   */
  readonly sesSandbox?: boolean;
}

// Lambda's newest Node.js runtime in this aws-cdk-lib; the esbuild target follows it (bundling.ts).
const RUNTIME = Runtime.NODEJS_24_X;
if (RUNTIME.name !== `nodejs${NODE_MAJOR}.x`) throw new Error('infra/bundling.ts NODE_MAJOR is out of step');

/** cdk-nag acknowledgement on the construct's CloudFormation resource (the narrowest place). */
function acknowledge(construct: IConstruct, id: string, reason: string): void {
  Validations.of(construct.node.defaultChild ?? construct).acknowledge({ id, reason });
}

export class InterviewFollowupStack extends Stack {
  constructor(scope: Construct, id: string, props: InterviewFollowupStackProps = {}) {
    super(scope, id, props);

    const settings = this.readSettings(props);
    const dataRemovalPolicy = settings.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;

    // ---- Data -------------------------------------------------------------------------------
    // The app sets `expiresAt` (TTL) to 90 days after an interview's last email.
    const table = new Table(this, 'Interviews', {
      partitionKey: { name: TABLE.partitionKey, type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      timeToLiveAttribute: TABLE.ttlAttribute,
      removalPolicy: dataRemovalPolicy,
    });
    table.addGlobalSecondaryIndex({
      indexName: TABLE.tokenIndex,
      partitionKey: { name: TABLE.tokenKey, type: AttributeType.STRING },
      projectionType: ProjectionType.KEYS_ONLY,
    });
    const tokenIndexArn = `${table.tableArn}/index/${TABLE.tokenIndex}`;
    // The sweep's: interviews by the time it should look at them next (see reconcile.ts).
    table.addGlobalSecondaryIndex({
      indexName: TABLE.dueIndex,
      partitionKey: { name: TABLE.dueShardKey, type: AttributeType.STRING },
      sortKey: { name: TABLE.dueSortKey, type: AttributeType.STRING },
      projectionType: ProjectionType.KEYS_ONLY,
    });
    const dueIndexArn = `${table.tableArn}/index/${TABLE.dueIndex}`;

    // The key of the HMAC that keys the api's rate-limit counters. Generated by Secrets Manager at
    // deploy time, so it is in no template; the api reads it at cold start (COUNTER_SECRET_ARN).
    // Encrypted with the AWS-managed key, so GetSecretValue needs no KMS grant of its own.
    const counterSecret = new Secret(this, 'CounterSecret', {
      description: "Key of the HMAC that keys the interview-followup api's rate-limit counters",
      generateSecretString: { passwordLength: 64, excludePunctuation: true },
      removalPolicy: dataRemovalPolicy,
    });
    acknowledge(
      counterSecret,
      'AwsSolutions-SMG4',
      'Rotating this HMAC key would only reset the current rate-limit counters (they are keyed by it), and the ' +
        'key never leaves the api function: rotation protects nothing here.',
    );

    // ---- Queues (each is itself the end of a failure path) ------------------------------------
    // Scheduler delivers to the sender asynchronously; this catches schedules it could not deliver.
    const scheduleDlq = this.deadLetterQueue(
      'ScheduleDeadLetterQueue',
      "EventBridge Scheduler's dead-letter queue for schedules it could not deliver to the sender",
    );
    // The sender's own failures (after its retries), whoever invoked it: Scheduler or the api.
    const senderFailureQueue = this.deadLetterQueue(
      'SenderFailureQueue',
      "the sender's on-failure destination for invocations that failed after Lambda's retries",
    );
    // SES events EventBridge could not deliver to the feedback function.
    const feedbackRuleDlq = this.deadLetterQueue(
      'FeedbackRuleDeadLetterQueue',
      "the SES feedback rule's dead-letter queue for events EventBridge could not deliver",
    );
    // Feedback invocations that failed after Lambda's retries (EventBridge invokes asynchronously,
    // so function errors never reach the rule's dead-letter queue).
    const feedbackFailureQueue = this.deadLetterQueue(
      'FeedbackFailureQueue',
      "the feedback function's on-failure destination for invocations that failed after Lambda's retries",
    );

    // ---- SES --------------------------------------------------------------------------------
    // No name: CloudFormation generates one, so two stages can live in one account.
    const configurationSet = new ConfigurationSet(this, 'ConfigurationSet', {
      suppressionReasons: SuppressionReasons.BOUNCES_AND_COMPLAINTS,
      reputationMetrics: true,
    });
    configurationSet.addEventDestination('ToEventBridge', {
      destination: EventDestination.eventBus(EventBus.fromEventBusName(this, 'DefaultEventBus', 'default')),
      events: Object.keys(SES_FEEDBACK_EVENTS) as EmailSendingEvent[],
    });
    const configurationSetName = configurationSet.configurationSetName;
    const configurationSetArn = this.formatArn({
      service: 'ses',
      resource: 'configuration-set',
      resourceName: configurationSetName,
    });

    // ---- Functions --------------------------------------------------------------------------
    // The sender schedules its own retries, so its environment needs its own ARN. A function
    // cannot reference its own generated ARN (a circular dependency), so its name is derived from
    // the stack name instead: still unique per stage, never a literal in the code.
    const senderName = `${Names.uniqueResourceName(this, { maxLength: 57, separator: '-', allowedSpecialCharacters: '-_' })}-sender`;
    const senderArn = this.formatArn({
      service: 'lambda',
      resource: 'function',
      resourceName: senderName,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    const sender = this.lambda('Sender', settings.entries.sender, dataRemovalPolicy, {
      functionName: senderName,
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
    // Kept with the data: deleting the group deletes every pending schedule in it, so a retained
    // table would otherwise hold `scheduled` emails nothing will ever fire.
    scheduleGroup.applyRemovalPolicy(dataRemovalPolicy);
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

    sender.addEnvironment(ENV.sesConfigurationSet, configurationSetName);
    // Where the sender's own retry schedules go and what they invoke (itself).
    sender.addEnvironment(ENV.scheduleGroup, scheduleGroupName);
    sender.addEnvironment(ENV.senderFunctionArn, senderArn);
    sender.addEnvironment(ENV.schedulerRoleArn, schedulerRole.roleArn);
    sender.addEnvironment(ENV.scheduleDlqArn, scheduleDlq.queueArn);

    const api = this.lambda('Api', settings.entries.api, dataRemovalPolicy, {
      description: 'HTTP API: interview intake, preview, status, erasure and the cancel page',
      timeout: Duration.seconds(10),
    });
    api.addEnvironment(ENV.tableName, table.tableName);
    api.addEnvironment(ENV.scheduleGroup, scheduleGroupName);
    api.addEnvironment(ENV.senderFunctionArn, sender.functionArn);
    api.addEnvironment(ENV.schedulerRoleArn, schedulerRole.roleArn);
    api.addEnvironment(ENV.scheduleDlqArn, scheduleDlq.queueArn);
    api.addEnvironment(ENV.apiKeySha256, settings.apiKeySha256);
    for (const [field, variable] of LIMIT_VARIABLES) {
      api.addEnvironment(ENV[variable], String(settings.limits[field]));
    }
    api.addEnvironment(ENV.counterSecretArn, counterSecret.secretArn);
    if (settings.linkAllowlist.length > 0) {
      api.addEnvironment(ENV.linkAllowlist, settings.linkAllowlist.join(','));
    }

    const feedback = this.lambda('Feedback', settings.entries.feedback, dataRemovalPolicy, {
      description: 'SES bounce/complaint/delivery events: marks the email failed, cancels what is pending',
      timeout: Duration.seconds(30),
      onFailure: new SqsDestination(feedbackFailureQueue),
      retryAttempts: 2,
      maxEventAge: Duration.hours(6),
    });
    feedback.addEnvironment(ENV.tableName, table.tableName);
    feedback.addEnvironment(ENV.scheduleGroup, scheduleGroupName);

    // The sweep: every few minutes, overdue emails to the sender, stuck ones counted (reconcile.ts).
    const sweeper = this.lambda('Sweep', settings.entries.sweep, dataRemovalPolicy, {
      description: 'Every few minutes: hands overdue emails to the sender, counts emails stuck in sending',
      timeout: Duration.minutes(2),
      // A failed run is the next run's work; retrying it would only overlap the next one.
      retryAttempts: 0,
    });
    sweeper.addEnvironment(ENV.tableName, table.tableName);
    sweeper.addEnvironment(ENV.senderFunctionArn, sender.functionArn);
    new Rule(this, 'SweepRule', {
      description: 'Runs the sweep every few minutes',
      schedule: EventSchedule.rate(Duration.minutes(SWEEP_PERIOD_MINUTES)),
      targets: [new LambdaFunction(sweeper, { retryAttempts: 0 })],
    });

    // ---- IAM: explicit statements, only the actions the code calls ---------------------------
    // Interview items, and the access items (API keys, limits, idempotency records) beside them.
    api.addToRolePolicy(
      new PolicyStatement({
        actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'],
        resources: [table.tableArn],
      }),
    );
    api.addToRolePolicy(new PolicyStatement({ actions: ['dynamodb:Query'], resources: [tokenIndexArn] }));
    api.addToRolePolicy(
      new PolicyStatement({
        actions: ['scheduler:CreateSchedule', 'scheduler:DeleteSchedule'],
        resources: [schedulesInGroupArn],
      }),
    );
    const passSchedulerRole = () =>
      new PolicyStatement({
        actions: ['iam:PassRole'],
        resources: [schedulerRole.roleArn],
        conditions: { StringEquals: { 'iam:PassedToService': 'scheduler.amazonaws.com' } },
      });
    api.addToRolePolicy(passSchedulerRole());
    api.addToRolePolicy(
      new PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [sender.functionArn] }),
    );
    api.addToRolePolicy(
      new PolicyStatement({
        actions: ['secretsmanager:GetSecretValue'],
        resources: [counterSecret.secretArn],
      }),
    );

    sender.addToRolePolicy(
      new PolicyStatement({
        actions: ['dynamodb:GetItem', 'dynamodb:UpdateItem'],
        resources: [table.tableArn],
      }),
    );
    // SES authorizes SendEmail against the identity and, when one is named, the configuration set.
    // In the sandbox SES also checks each recipient's (verified) identity, so the policy then
    // names every identity of the account.
    const sesIdentityArn = (identity: string) =>
      this.formatArn({ service: 'ses', resource: 'identity', resourceName: identity });
    sender.addToRolePolicy(
      new PolicyStatement({
        actions: ['ses:SendEmail', 'ses:SendRawEmail'],
        resources: [
          ...(settings.sesSandbox ? ['*'] : settings.sesIdentities).map(sesIdentityArn),
          configurationSetArn,
        ],
      }),
    );
    if (settings.sesSandbox) {
      Annotations.of(this).addWarning(
        'sesSandbox is on: the sender may send as any verified SES identity of this account, and SES ' +
          'delivers only to verified recipients. Turn it off once the account has production access.',
      );
      acknowledge(
        sender.role?.node.tryFindChild('DefaultPolicy') ?? sender,
        'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ses:<AWS::Region>:<AWS::AccountId>:identity/*]',
        'SES sandbox only (context sesSandbox): SES authorizes SendEmail against each verified recipient identity too.',
      );
    }

    // Retries of an email SES refused for now: a one-time schedule that invokes the sender again.
    sender.addToRolePolicy(
      new PolicyStatement({ actions: ['scheduler:CreateSchedule'], resources: [schedulesInGroupArn] }),
    );
    sender.addToRolePolicy(passSchedulerRole());

    feedback.addToRolePolicy(
      new PolicyStatement({
        actions: ['dynamodb:GetItem', 'dynamodb:UpdateItem'],
        resources: [table.tableArn],
      }),
    );
    sweeper.addToRolePolicy(
      new PolicyStatement({
        actions: ['dynamodb:GetItem', 'dynamodb:UpdateItem'],
        resources: [table.tableArn],
      }),
    );
    sweeper.addToRolePolicy(new PolicyStatement({ actions: ['dynamodb:Query'], resources: [dueIndexArn] }));
    sweeper.addToRolePolicy(
      new PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [sender.functionArn] }),
    );
    feedback.addToRolePolicy(
      new PolicyStatement({ actions: ['scheduler:DeleteSchedule'], resources: [schedulesInGroupArn] }),
    );

    // Schedule names are per interview and kind, created at intake: they cannot be listed in
    // advance, so the policy names the stack's group and any schedule in it.
    for (const fn of [api, sender, feedback]) {
      acknowledge(
        fn.role?.node.tryFindChild('DefaultPolicy') ?? fn,
        `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:scheduler:<AWS::Region>:<AWS::AccountId>:schedule/<${this.getLogicalId(scheduleGroup)}>/*]`,
        "Schedules are created per interview at run time; the resource is limited to this stack's schedule group.",
      );
    }

    // ---- SES feedback: configuration set events -> default bus -> feedback --------------------
    const feedbackRule = new Rule(this, 'SesFeedbackRule', {
      description: "SES bounce, complaint and delivery events of this stack's configuration set",
      eventPattern: {
        source: ['aws.ses'],
        detailType: Object.values(SES_FEEDBACK_EVENTS),
        detail: { mail: { tags: { 'ses:configuration-set': [configurationSetName] } } },
      },
    });
    feedbackRule.addTarget(
      new LambdaFunction(feedback, {
        retryAttempts: 8,
        maxEventAge: Duration.hours(2),
        deadLetterQueue: feedbackRuleDlq,
      }),
    );

    // ---- HTTP API ---------------------------------------------------------------------------
    const httpApi = new HttpApi(this, 'HttpApi', {
      apiName: this.stackName,
      description: 'interview-followup: intake, preview, status, erasure and cancel page',
      createDefaultStage: false,
    });
    const accessLogs = new LogGroup(this, 'ApiAccessLogs', {
      retention: RetentionDays.ONE_MONTH,
      removalPolicy: dataRemovalPolicy,
    });
    const stage = httpApi.addStage('DefaultStage', {
      stageName: '$default',
      autoDeploy: true,
      // The stage default: any route without settings of its own (there is none) gets the
      // anonymous budget. Each route's own throttle is set below.
      throttle: { rateLimit: settings.throttle.cancel.rate, burstLimit: settings.throttle.cancel.burst },
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
    const byKey = 'the function checks the bearer API key';
    const byToken = 'the secret token in the emailed link is the credential';
    // Each route's throttle budget: the integrators' (`throttleRate`/`throttleBurst`) or the
    // anonymous one (`cancelThrottleRate`/`cancelThrottleBurst`).
    const routes: ReadonlyArray<readonly [string, HttpMethod, string, 'interviews' | 'cancel']> = [
      ['/interviews', HttpMethod.POST, byKey, 'interviews'],
      ['/interviews/preview', HttpMethod.POST, byKey, 'interviews'],
      ['/interviews/{id}', HttpMethod.GET, byKey, 'interviews'],
      ['/interviews/{id}', HttpMethod.DELETE, byKey, 'interviews'],
      ['/cancel/{token}', HttpMethod.GET, byToken, 'cancel'],
      ['/cancel/{token}', HttpMethod.HEAD, byToken, 'cancel'],
      ['/cancel/{token}', HttpMethod.POST, byToken, 'cancel'],
      ['/health', HttpMethod.GET, 'a public health check that reveals nothing', 'cancel'],
    ];
    // HttpStage has no route-settings prop, so they go on its CfnStage (RouteSettings, keyed by
    // route key). CloudFormation refuses settings for a route key that does not exist yet: the
    // stage depends on every route.
    const routeSettings: Record<string, { ThrottlingRateLimit: number; ThrottlingBurstLimit: number }> = {};
    for (const [routePath, method, auth, budget] of routes) {
      for (const route of httpApi.addRoutes({ path: routePath, methods: [method], integration })) {
        acknowledge(
          route,
          'AwsSolutions-APIG4',
          `${method} ${routePath} needs no API Gateway authorizer: ${auth}.`,
        );
        stage.node.addDependency(route);
      }
      const throttle = settings.throttle[budget];
      routeSettings[`${method} ${routePath}`] = {
        ThrottlingRateLimit: throttle.rate,
        ThrottlingBurstLimit: throttle.burst,
      };
    }
    (stage.node.defaultChild as CfnStage).routeSettings = routeSettings;

    // Optional: CloudFront with a per-IP WAF rate rule in front of the API (infra/edge.ts).
    const edge =
      settings.wafRateLimit === undefined
        ? undefined
        : new RateLimitedEdge(this, 'Edge', { httpApi, requestsPerFiveMinutes: settings.wafRateLimit });
    // Emailed links: the configured public URL, else CloudFront's (so they pass the rate rule),
    // else none (the api uses the URL it was called at).
    const publicUrl = settings.publicUrl !== '' ? settings.publicUrl : edge?.url;
    if (publicUrl !== undefined) {
      api.addEnvironment(ENV.publicUrl, publicUrl);
    }

    // ---- Alarms -----------------------------------------------------------------------------
    const alarms: Alarm[] = [];
    const alarm = (alarmId: string, alarmProps: Omit<AlarmProps, 'evaluationPeriods'>) => {
      const created = new Alarm(this, alarmId, {
        evaluationPeriods: 1,
        treatMissingData: TreatMissingData.NOT_BREACHING,
        ...alarmProps,
      });
      alarms.push(created);
      return created;
    };
    const fiveMinutes = Duration.minutes(5);

    const queueAlarms = [
      [
        scheduleDlq,
        'ScheduleDeadLetterQueueAlarm',
        'A schedule fired but EventBridge Scheduler could not invoke the sender: that email was not sent.',
      ],
      [
        senderFailureQueue,
        'SenderFailureQueueAlarm',
        "The sender failed on an email after Lambda's retries: that email was not sent.",
      ],
      [
        feedbackRuleDlq,
        'FeedbackRuleDeadLetterQueueAlarm',
        'EventBridge could not deliver an SES bounce/complaint event to the feedback function.',
      ],
      [
        feedbackFailureQueue,
        'FeedbackFailureQueueAlarm',
        "The feedback function failed on an SES event after Lambda's retries: it was not applied.",
      ],
    ] as const;
    for (const [queue, alarmId, meaning] of queueAlarms) {
      alarm(alarmId, {
        alarmDescription: `${meaning} The message waits in ${queue.node.id} (kept 14 days).`,
        metric: queue.metricApproximateNumberOfMessagesVisible({ period: fiveMinutes, statistic: 'Maximum' }),
        threshold: ALARM_THRESHOLDS.queueMessages,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      });
    }
    alarm('SenderErrorsAlarm', {
      alarmDescription:
        'The sender failed (Lambda retries it; failures after retries go to its failure queue).',
      metric: sender.metricErrors({ period: fiveMinutes, statistic: 'Sum' }),
      threshold: ALARM_THRESHOLDS.functionErrors,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    });
    alarm('FeedbackErrorsAlarm', {
      alarmDescription: 'The feedback function failed on an SES event (retried; then its failure queue).',
      metric: feedback.metricErrors({ period: fiveMinutes, statistic: 'Sum' }),
      threshold: ALARM_THRESHOLDS.functionErrors,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    });
    // The app's own metrics (EMF from the sender and the sweep, lambdas/aws/observability.ts).
    const appMetric = (metricName: MetricName) =>
      new Metric({
        namespace: METRICS_NAMESPACE,
        metricName,
        dimensionsMap: { service: this.stackName },
        statistic: 'Sum',
        period: fiveMinutes,
      });
    const emailAlarms: ReadonlyArray<readonly [string, MetricName, string]> = [
      [
        'EmailsFailedAlarm',
        'EmailsFailed',
        'An email ended failed (SES refused it for good, or kept refusing it).',
      ],
      [
        'EmailsUnknownAlarm',
        'EmailsUnknown',
        'SES did not answer a send: the email may or may not have gone out, and is not retried.',
      ],
      [
        'EmailsStuckAlarm',
        'EmailsStuck',
        'The sweep found an email stuck in sending (or a confirmation never sent); it is never re-sent.',
      ],
    ];
    for (const [alarmId, metricName, meaning] of emailAlarms) {
      alarm(alarmId, {
        alarmDescription: meaning,
        metric: appMetric(metricName),
        threshold: ALARM_THRESHOLDS.emailMetric,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      });
    }
    alarm('Api5xxRateAlarm', {
      alarmDescription: `More than ${ALARM_THRESHOLDS.api5xxPercent}% of API requests answered 5xx in 5 minutes.`,
      metric: new MathExpression({
        expression: '100 * errors / requests',
        usingMetrics: {
          errors: httpApi.metricServerError({ period: fiveMinutes, statistic: 'Sum' }),
          requests: httpApi.metricCount({ period: fiveMinutes, statistic: 'Sum' }),
        },
        period: fiveMinutes,
        label: 'API 5xx responses (% of requests)',
      }),
      threshold: ALARM_THRESHOLDS.api5xxPercent,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
    });
    // Account-wide reputation metrics: the rates SES itself uses to review or pause sending.
    const reputation = (metricName: string) =>
      new Metric({ namespace: 'AWS/SES', metricName, statistic: 'Maximum', period: Duration.hours(1) });
    alarm('SesBounceRateAlarm', {
      alarmDescription: `SES account bounce rate above ${ALARM_THRESHOLDS.bounceRate * 100}%.`,
      metric: reputation('Reputation.BounceRate'),
      threshold: ALARM_THRESHOLDS.bounceRate,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
    });
    alarm('SesComplaintRateAlarm', {
      alarmDescription: `SES account complaint rate above ${ALARM_THRESHOLDS.complaintRate * 100}%.`,
      metric: reputation('Reputation.ComplaintRate'),
      threshold: ALARM_THRESHOLDS.complaintRate,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
    });

    if (settings.alarmEmail !== '') {
      const topic = this.alarmTopic();
      topic.addSubscription(new EmailSubscription(settings.alarmEmail));
      const action = new SnsAction(topic);
      for (const each of alarms) {
        each.addAlarmAction(action);
        each.addOkAction(action);
      }
    }

    new CfnOutput(this, 'TableName', {
      value: table.tableName,
      description: 'The table npm run api-key -- --table <TableName> manages keys in',
    });
    new CfnOutput(this, 'ApiUrl', { value: stage.url, description: 'Base URL of the HTTP API' });
    if (edge !== undefined) {
      new CfnOutput(this, 'CloudFrontUrl', {
        value: edge.url,
        description: 'Base URL behind the WAF rate rule: give integrators this one, not ApiUrl',
      });
    }
    new CfnOutput(this, 'SesConfigurationSet', {
      value: configurationSetName,
      description: 'SES configuration set every email is sent through',
    });
  }

  /** An encrypted, TLS-only queue that is itself the last stop of a failure path. */
  private deadLetterQueue(id: string, what: string): Queue {
    const queue = new Queue(this, id, {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    acknowledge(
      queue,
      'AwsSolutions-SQS3',
      `This queue is ${what}; a dead-letter queue for it would only move the same messages again.`,
    );
    return queue;
  }

  /**
   * KMS-encrypted, TLS-only topic for alarm notifications. CloudWatch cannot publish to a topic
   * encrypted with the AWS-managed SNS key, so the topic has its own key that lets CloudWatch
   * alarms of this account use it.
   */
  private alarmTopic(): Topic {
    const key = new Key(this, 'AlarmTopicKey', {
      description: 'Encrypts the interview-followup alarm topic',
      enableKeyRotation: true,
      // Only in-flight notifications depend on it; deleted with the stack (after 7 days).
      removalPolicy: RemovalPolicy.DESTROY,
      pendingWindow: Duration.days(7),
    });
    const fromCloudWatchInThisAccount = {
      principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
      conditions: { StringEquals: { 'aws:SourceAccount': this.account } },
    };
    key.addToResourcePolicy(
      new PolicyStatement({
        ...fromCloudWatchInThisAccount,
        actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
        resources: ['*'], // in a key policy, "*" means this key
      }),
    );
    const topic = new Topic(this, 'AlarmTopic', {
      displayName: `${this.stackName} alarms`,
      masterKey: key,
      enforceSSL: true,
    });
    // enforceSSL creates a topic policy, which replaces the default one: allow the alarms back in.
    topic.addToResourcePolicy(
      new PolicyStatement({
        ...fromCloudWatchInThisAccount,
        actions: ['sns:Publish'],
        resources: [topic.topicArn],
      }),
    );
    return topic;
  }

  /**
   * A NodejsFunction with its own role and log group: the role may write to that log group only
   * (instead of the AWS-managed AWSLambdaBasicExecutionRole, which allows every log group).
   */
  private lambda(
    id: string,
    entry: string,
    logRemovalPolicy: RemovalPolicy,
    extra: Partial<NodejsFunctionProps>,
  ): NodejsFunction {
    const logGroup = new LogGroup(this, `${id}Logs`, {
      retention: RetentionDays.ONE_MONTH,
      removalPolicy: logRemovalPolicy,
    });
    const role = new Role(this, `${id}Role`, {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `Execution role of the ${id.toLowerCase()} function`,
    });
    logGroup.grantWrite(role);
    return new NodejsFunction(this, id, { ...this.functionProps(entry, logGroup), role, ...extra });
  }

  private functionProps(entry: string, logGroup: LogGroup): NodejsFunctionProps {
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
      environment: { NODE_OPTIONS: '--enable-source-maps', POWERTOOLS_SERVICE_NAME: this.stackName },
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

  private readSettings(props: InterviewFollowupStackProps) {
    const senderAddress = this.stringSetting('senderAddress', props.senderAddress).trim();
    const senderDomain = this.stringSetting('senderDomain', props.senderDomain).trim().toLowerCase();
    const apiKeySha256 = this.stringSetting('apiKeySha256', props.apiKeySha256, '').trim().toLowerCase();
    const publicUrl = this.stringSetting('publicUrl', props.publicUrl, '').trim();

    if (!DOMAIN_NAME.test(senderDomain)) {
      throw new Error(`senderDomain must be a domain name such as example.com, got "${senderDomain}"`);
    }
    const at = senderAddress.lastIndexOf('@');
    const addressDomain = senderAddress.slice(at + 1).toLowerCase();
    // The sender function's own check (lambdas/config.ts), so synth refuses what it would refuse.
    if (!EMAIL_ADDRESS.test(senderAddress)) {
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
        'apiKeySha256 is not set, so the deployment has no API key of its own: only keys stored with ' +
          '`npm run api-key` are accepted. To set one, deploy with: npx cdk deploy -c apiKeySha256=$(printf %s "$KEY" | sha256sum | cut -d\' \' -f1)',
      );
    } else if (!/^[0-9a-f]{64}$/.test(apiKey)) {
      throw new Error(
        'apiKeySha256 must be the hex SHA-256 of the API key (64 characters 0-9a-f), e.g. ' +
          `-c apiKeySha256=$(printf %s "$KEY" | sha256sum | cut -d' ' -f1); got ${apiKey.length} characters`,
      );
    }

    // An origin only: the cancel page's form posts to /cancel/{token} on the host it was served
    // from, so a base with a path would send the link to one place and the form to another.
    if (publicUrl !== '' && !PUBLIC_URL.test(publicUrl)) {
      throw new Error(
        `publicUrl must be an http(s) origin without a path, such as https://followup.example.com, got "${publicUrl}"`,
      );
    }

    const alarmEmail = this.stringSetting('alarmEmail', props.alarmEmail, '').trim();
    if (alarmEmail !== '' && !EMAIL_ADDRESS.test(alarmEmail)) {
      throw new Error(`alarmEmail must be an email address such as ops@example.com, got "${alarmEmail}"`);
    }
    const retainData = this.booleanSetting('retainData', props.retainData, true);

    const throttleSetting = (
      [rateKey, burstKey]: readonly [string, string],
      defaults: { readonly rate: number; readonly burst: number },
      rate: number | undefined,
      burst: number | undefined,
    ) => {
      const setting = {
        rate: this.numberSetting(rateKey, rate, defaults.rate),
        burst: this.numberSetting(burstKey, burst, defaults.burst),
      };
      if (!Number.isInteger(setting.burst)) {
        throw new Error(`${burstKey} must be a whole number, got ${setting.burst}`);
      }
      return setting;
    };
    const throttle = {
      interviews: throttleSetting(
        ['throttleRate', 'throttleBurst'],
        DEFAULT_THROTTLE,
        props.throttleRate,
        props.throttleBurst,
      ),
      cancel: throttleSetting(
        ['cancelThrottleRate', 'cancelThrottleBurst'],
        DEFAULT_CANCEL_THROTTLE,
        props.cancelThrottleRate,
        props.cancelThrottleBurst,
      ),
    };

    const waf: unknown = props.wafRateLimit ?? this.node.tryGetContext('wafRateLimit');
    let wafRateLimit: number | undefined;
    if (waf !== undefined && waf !== null && !(typeof waf === 'string' && waf.trim() === '')) {
      wafRateLimit = this.numberSetting('wafRateLimit', props.wafRateLimit, 0);
      const { min, max } = WAF_RATE_LIMIT_RANGE;
      if (!Number.isInteger(wafRateLimit) || wafRateLimit < min || wafRateLimit > max) {
        throw new Error(
          `wafRateLimit must be a whole number of requests per 5 minutes per IP from ${min} to ${max} ` +
            `(AWS WAF's range), got ${wafRateLimit}`,
        );
      }
    }

    // Context names are the ENV keys (limitPerMinute → LIMIT_PER_MINUTE), like the props.
    // The limits set by prop or context; the rest take their defaults as the function's config does.
    const setLimits: Partial<Limits> = {};
    for (const [field, setting] of LIMIT_VARIABLES) {
      if ((props[setting] ?? this.node.tryGetContext(setting)) === undefined) continue;
      const value = this.numberSetting(setting, props[setting], DEFAULT_LIMITS[field]);
      if (!Number.isInteger(value) || value < 1)
        throw new Error(`limit ${field} (${setting}) must be a whole number ≥ 1, got ${value}`);
      setLimits[field] = value;
    }
    const limits = limitsFrom(setLimits);

    const linkAllowlist = [
      ...new Set(
        this.stringSetting('linkAllowlist', props.linkAllowlist, '')
          .split(',')
          .map((domain) => domain.trim().toLowerCase())
          .filter((domain) => domain !== ''),
      ),
    ];
    for (const domain of linkAllowlist) {
      if (!DOMAIN_NAME.test(domain)) {
        throw new Error(
          `linkAllowlist must be comma-separated domain names such as example.com,example.org; "${domain}" is not one`,
        );
      }
    }

    return {
      limits,
      linkAllowlist,
      senderAddress,
      sesIdentities,
      apiKeySha256: apiKey,
      publicUrl,
      throttle,
      wafRateLimit,
      alarmEmail,
      retainData,
      sesSandbox: this.booleanSetting('sesSandbox', props.sesSandbox, false),
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

  /** A boolean prop, else context (`true`/`false`, also as the strings `-c key=false` gives), else `fallback`. */
  private booleanSetting(key: string, prop: boolean | undefined, fallback: boolean): boolean {
    const value: unknown = prop ?? this.node.tryGetContext(key) ?? fallback;
    if (value === true || value === 'true') return true;
    if (value === false || value === 'false') return false;
    throw new Error(`${key} must be true or false, got ${JSON.stringify(value)}`);
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
