/**
 * CDK app entry (`cdk.json` runs it with tsx). Builds the tree only; the CLI synthesizes it.
 * Stack id from context `stage` (default `interview-followup-dev`), so several copies can coexist.
 * cdk-nag's AwsSolutions pack runs as a validation plugin during synthesis: an unacknowledged
 * finding fails `cdk synth` (each construct in `constructs/` acknowledges its own, next to them).
 */
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { InterviewFollowupStack } from './stack.js';

const app = new App();
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));

const stage: unknown = app.node.tryGetContext('stage');
const stackId = typeof stage === 'string' && stage !== '' ? stage : 'interview-followup-dev';

new InterviewFollowupStack(app, stackId, {
  description: 'interview-followup: thank-you and follow-up emails via EventBridge Scheduler, Lambda and SES',
});
