/**
 * CDK app entry (`cdk.json` runs it with tsx). Builds the tree only; the CLI synthesizes it.
 * Stack id from context `stage` (default `interview-followup-dev`), so several copies can coexist.
 */
import { App } from 'aws-cdk-lib';
import { InterviewFollowupStack } from './stack.js';

const app = new App();
const stage: unknown = app.node.tryGetContext('stage');
const stackId = typeof stage === 'string' && stage !== '' ? stage : 'interview-followup-dev';

new InterviewFollowupStack(app, stackId, {
  description: 'interview-followup: thank-you and follow-up emails via EventBridge Scheduler, Lambda and SES',
});
