/**
 * EventBridge Scheduler: the schedule group every email's one-time schedule goes in, and the role
 * Scheduler assumes to fire them (it may invoke the target, the sender, and write to the schedule
 * dead-letter queue, nothing else). Functions create or delete schedules through `bindSchedules`
 * (bind.ts), which passes them the group, the target, the role and the dead-letter queue.
 */
import { ArnFormat, type RemovalPolicy, type Stack } from 'aws-cdk-lib';
import { Effect, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { CfnScheduleGroup } from 'aws-cdk-lib/aws-scheduler';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { Sender } from './functions.js';

export interface SchedulingProps {
  /** What every schedule invokes: the sender. */
  readonly target: Sender;
  /** Where Scheduler puts the schedules it could not deliver to the target. */
  readonly deadLetterQueue: IQueue;
  /** The group's: kept with the data (`retainData`). */
  readonly removalPolicy: RemovalPolicy;
}

/** A flat construct: the group and the role are direct children of the stack. */
export class Scheduling {
  readonly group: CfnScheduleGroup;
  /** Ref of the group: its generated name. */
  readonly groupName: string;
  /** Every schedule in the group, `…:schedule/<group>/*`. */
  readonly schedulesArn: string;
  readonly role: Role;
  readonly target: Sender;
  readonly deadLetterQueue: IQueue;

  constructor(scope: Stack, props: SchedulingProps) {
    this.target = props.target;
    this.deadLetterQueue = props.deadLetterQueue;

    // Schedule group: no name given, CloudFormation generates one. Ref = name, Arn = ARN.
    this.group = new CfnScheduleGroup(scope, 'ScheduleGroup', {});
    // Kept with the data: deleting the group deletes every pending schedule in it, so a retained
    // table would otherwise hold `scheduled` emails nothing will ever fire.
    this.group.applyRemovalPolicy(props.removalPolicy);
    this.groupName = this.group.ref;
    this.schedulesArn = scope.formatArn({
      service: 'scheduler',
      resource: 'schedule',
      resourceName: `${this.groupName}/*`,
      arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
    });

    // The role Scheduler assumes to fire our schedules.
    this.role = new Role(scope, 'SchedulerRole', {
      description: 'Assumed by EventBridge Scheduler to invoke the sender for this stack',
      assumedBy: new ServicePrincipal('scheduler.amazonaws.com', {
        conditions: {
          StringEquals: { 'aws:SourceAccount': scope.account },
          // Scheduler documents aws:SourceArn as the schedule *group* ARN; older docs said the
          // schedule ARN. Both forms stay within this stack's group.
          ArnLike: { 'aws:SourceArn': [this.group.attrArn, this.schedulesArn] },
        },
      }),
    });
    this.role.addToPolicy(
      new PolicyStatement({
        effect: Effect.ALLOW,
        actions: ['lambda:InvokeFunction'],
        resources: [props.target.fn.functionArn],
      }),
    );
    this.role.addToPolicy(
      new PolicyStatement({
        effect: Effect.ALLOW,
        actions: ['sqs:SendMessage'],
        resources: [props.deadLetterQueue.queueArn],
      }),
    );
  }
}
