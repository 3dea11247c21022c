/**
 * The whole service in one stack: DynamoDB table, the `api`, `sender`, `feedback` and `sweep`
 * functions, the HTTP API, an EventBridge Scheduler group with its execution role and dead-letter
 * queue, the functions' failure queues, an SES configuration set whose bounce, complaint and
 * delivery events reach the feedback function through EventBridge, CloudWatch alarms (optionally
 * mailed through SNS), the Secrets Manager key of the limit counters' HMAC and, with
 * `wafRateLimit`, CloudFront with a per-IP WAF rate rule in front of the API (infra/edge.ts).
 * Environment-agnostic (account, region and partition stay CloudFormation tokens), so `cdk synth`
 * works offline and without credentials. No fixed physical names: the only name the stack sets,
 * the sender's, derives from the stack name, so stages can share an account.
 *
 * This file reads the settings (settings.ts) and composes the parts in infra/constructs/. Those
 * are *flat* constructs: plain classes that create their resources directly in the stack's scope
 * rather than under a node of their own. A logical ID is derived from the construct path, so
 * nesting the resources would rename them, and CloudFormation would replace them (the table, the
 * secret, the queues, the log groups); flat, every path is what it was when this stack was one
 * constructor. A function gets a resource only through a bind helper (constructs/bind.ts), which
 * sets its environment variable and grants the actions together.
 */
import { CfnOutput, RemovalPolicy, Stack } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { ENV, LIMIT_VARIABLES } from '../lambdas/config.js';
import { Alarms } from './constructs/alarms.js';
import { PublicApi } from './constructs/api.js';
import {
  bindCounterSecret,
  bindMail,
  bindSchedules,
  bindSender,
  bindTable,
  configure,
  type SettingVariable,
} from './constructs/bind.js';
import {
  apiFunction,
  docsFunction,
  feedbackFunction,
  inviteFunction,
  senderFunction,
} from './constructs/functions.js';
import { Mail } from './constructs/mail.js';
import { FailureQueues } from './constructs/queues.js';
import { Scheduling } from './constructs/scheduling.js';
import { CounterSecret } from './constructs/secret.js';
import { Storage } from './constructs/storage.js';
import { Sweep } from './constructs/sweep.js';
import { RateLimitedEdge } from './edge.js';
import { type InterviewFollowupStackProps, readSettings } from './settings.js';

// What other code imports from here (tests, scripts), wherever it now lives.
export { ALARM_THRESHOLDS } from './constructs/alarms.js';
export { DEFAULT_ENTRIES, PROJECT_ROOT } from './constructs/functions.js';
export { SES_FEEDBACK_EVENTS } from './constructs/mail.js';
export {
  DEFAULT_CANCEL_THROTTLE,
  DEFAULT_THROTTLE,
  type InterviewFollowupStackProps,
  NO_API_KEY_SHA256,
} from './settings.js';

export class InterviewFollowupStack extends Stack {
  constructor(scope: Construct, id: string, props: InterviewFollowupStackProps = {}) {
    super(scope, id, props);

    const settings = readSettings(this, props);
    // The table, the secret, the schedule group and the log groups stay or go together.
    const dataRemovalPolicy = settings.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;
    const { entries } = settings;

    // ---- Resources (in the order the template lists them) --------------------------------
    const storage = new Storage(this, { removalPolicy: dataRemovalPolicy });
    const counterSecret = new CounterSecret(this, { removalPolicy: dataRemovalPolicy });
    const queues = new FailureQueues(this);
    const mail = new Mail(this, {
      senderAddress: settings.senderAddress,
      identities: settings.sesIdentities,
      sandbox: settings.sesSandbox,
    });
    const sender = senderFunction(this, {
      entry: entries.sender,
      logRemovalPolicy: dataRemovalPolicy,
      failureQueue: queues.senderFailureQueue,
    });
    const scheduling = new Scheduling(this, {
      target: sender,
      deadLetterQueue: queues.scheduleDlq,
      removalPolicy: dataRemovalPolicy,
    });
    const api = apiFunction(this, { entry: entries.api, logRemovalPolicy: dataRemovalPolicy });
    const feedback = feedbackFunction(this, {
      entry: entries.feedback,
      logRemovalPolicy: dataRemovalPolicy,
      failureQueue: queues.feedbackFailureQueue,
    });
    const sweep = new Sweep(this, { entry: entries.sweep, logRemovalPolicy: dataRemovalPolicy });
    const docs = docsFunction(this, { entry: entries.docs, logRemovalPolicy: dataRemovalPolicy });
    // With the self-serve pages only: "Fill in from the invite" (lambdas/invite/).
    const invite = settings.selfServe
      ? inviteFunction(this, { entry: entries.invite, logRemovalPolicy: dataRemovalPolicy })
      : undefined;

    // ---- What each function may touch: its variables and its grants, bound together -------
    // The sender: one email; SES may refuse it for now, then it schedules its own retry.
    bindTable(sender.fn, storage, { items: ['GetItem', 'UpdateItem'] });
    bindMail(sender.fn, mail);
    bindSchedules(sender.fn, scheduling, ['CreateSchedule']);

    // The api: interview items and the access items (API keys, limits, idempotency records)
    // beside them; the cancel link's token index; an interview's schedules; confirmations sent
    // through the sender directly.
    bindTable(api, storage, { items: ['GetItem', 'PutItem', 'UpdateItem', 'DeleteItem'], query: 'token' });
    bindSchedules(api, scheduling, ['CreateSchedule', 'DeleteSchedule']);
    bindSender(api, sender);
    const limits: Partial<Record<SettingVariable, string>> = {};
    for (const [field, variable] of LIMIT_VARIABLES) limits[ENV[variable]] = String(settings.limits[field]);
    configure(api, { [ENV.apiKeySha256]: settings.apiKeySha256, ...limits });
    bindCounterSecret(api, counterSecret);
    if (settings.linkAllowlist.length > 0) {
      configure(api, { [ENV.linkAllowlist]: settings.linkAllowlist.join(',') });
    }
    // The self-serve pages (docs/self-serve.md): served only with their routes (PublicApi).
    if (settings.selfServe) configure(api, { [ENV.selfServe]: 'on' });

    // The feedback function: marks the email failed, deletes what is still scheduled, and puts the
    // address on the suppression list (an UpdateItem, named by the counter secret's HMAC).
    bindTable(feedback, storage, { items: ['GetItem', 'UpdateItem'] });
    bindSchedules(feedback, scheduling, ['DeleteSchedule']);
    bindCounterSecret(feedback, counterSecret);

    // The sweep: reads the due index, hands overdue emails to the sender.
    bindTable(sweep.fn, storage, { items: ['GetItem', 'UpdateItem'], query: 'due' });
    bindSender(sweep.fn, sender);

    // ---- Ways in: SES events, the HTTP API (and optionally the edge in front of it) --------
    mail.deliverFeedbackTo(feedback, queues.feedbackRuleDlq);
    const publicApi = new PublicApi(this, {
      handler: api,
      docs,
      throttle: settings.throttle,
      ...(invite && { selfServe: { invite } }),
      logRemovalPolicy: dataRemovalPolicy,
    });
    // Optional: CloudFront with a per-IP WAF rate rule in front of the API (infra/edge.ts).
    const edge =
      settings.wafRateLimit === undefined
        ? undefined
        : new RateLimitedEdge(this, 'Edge', {
            httpApi: publicApi.httpApi,
            requestsPerFiveMinutes: settings.wafRateLimit,
          });
    // Emailed links: the configured public URL, else CloudFront's (so they pass the rate rule),
    // else none (the api uses the URL it was called at).
    const publicUrl = settings.publicUrl !== '' ? settings.publicUrl : edge?.url;
    if (publicUrl !== undefined) {
      configure(api, { [ENV.publicUrl]: publicUrl });
      if (invite) configure(invite, { [ENV.publicUrl]: publicUrl });
    }

    // ---- Alarms ------------------------------------------------------------------------------
    new Alarms(this, {
      queues,
      sender: sender.fn,
      feedback,
      httpApi: publicApi.httpApi,
      alarmEmail: settings.alarmEmail,
    });

    new CfnOutput(this, 'TableName', {
      value: storage.table.tableName,
      description: 'The table npm run api-key -- --table <TableName> manages keys in',
    });
    new CfnOutput(this, 'ApiUrl', { value: publicApi.stage.url, description: 'Base URL of the HTTP API' });
    if (edge !== undefined) {
      new CfnOutput(this, 'CloudFrontUrl', {
        value: edge.url,
        description: 'Base URL behind the WAF rate rule: give integrators this one, not ApiUrl',
      });
    }
    new CfnOutput(this, 'SesConfigurationSet', {
      value: mail.configurationSetName,
      description: 'SES configuration set every email is sent through',
    });
  }
}
