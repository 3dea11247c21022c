/**
 * The sweep: every SWEEP_PERIOD_MINUTES, overdue emails to the sender, stuck ones counted
 * (lambdas/core/reconcile.ts). Its function and the rule that runs it; what the function may
 * touch (the due index, the sender) the stack binds (bind.ts).
 */
import { Duration, type Stack } from 'aws-cdk-lib';
import { Schedule as EventSchedule, Rule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { SWEEP_PERIOD_MINUTES } from '../../lambdas/core/reconcile.js';
import { type FunctionProps, serviceFunction } from './functions.js';

/** A flat construct: `Sweep` (with `SweepLogs`, `SweepRole`) and `SweepRule` are children of the stack. */
export class Sweep {
  readonly fn: NodejsFunction;
  readonly rule: Rule;

  constructor(scope: Stack, props: FunctionProps) {
    this.fn = serviceFunction(scope, 'Sweep', props, {
      description: 'Every few minutes: hands overdue emails to the sender, counts emails stuck in sending',
      timeout: Duration.minutes(2),
      // A failed run is the next run's work; retrying it would only overlap the next one.
      retryAttempts: 0,
    });
    this.rule = new Rule(scope, 'SweepRule', {
      description: 'Runs the sweep every few minutes',
      schedule: EventSchedule.rate(Duration.minutes(SWEEP_PERIOD_MINUTES)),
      targets: [new LambdaFunction(this.fn, { retryAttempts: 0 })],
    });
  }
}
