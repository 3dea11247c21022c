/** EventBridge Scheduler adapter: one-time at() schedules in the interview's zone, deleted after completion. */
import {
  ConflictException,
  CreateScheduleCommand,
  DeleteScheduleCommand,
  ResourceNotFoundException,
  type SchedulerClient,
} from '@aws-sdk/client-scheduler';
import type { EmailScheduler, OneTimeSchedule } from '../core/ports.js';
import { toLocalSecond } from '../core/time.js';

export interface SchedulerTarget {
  groupName: string;
  functionArn: string;
  roleArn: string;
  deadLetterArn: string;
}

/** Retries for a failed delivery to the sender; after them the event goes to the dead-letter queue. */
export const SCHEDULE_RETRY = { MaximumRetryAttempts: 10, MaximumEventAgeInSeconds: 6 * 3600 };

export class EventBridgeEmailScheduler implements EmailScheduler {
  constructor(
    private readonly client: SchedulerClient,
    private readonly target: SchedulerTarget,
  ) {}

  async create(schedule: OneTimeSchedule): Promise<void> {
    try {
      await this.client.send(
        new CreateScheduleCommand({
          Name: schedule.name,
          GroupName: this.target.groupName,
          ScheduleExpression: `at(${toLocalSecond(schedule.at, schedule.timeZone)})`,
          ScheduleExpressionTimezone: schedule.timeZone,
          FlexibleTimeWindow: { Mode: 'OFF' },
          ActionAfterCompletion: 'DELETE',
          ClientToken: schedule.name,
          Target: {
            Arn: this.target.functionArn,
            RoleArn: this.target.roleArn,
            Input: JSON.stringify(schedule.event),
            RetryPolicy: SCHEDULE_RETRY,
            DeadLetterConfig: { Arn: this.target.deadLetterArn },
          },
        }),
      );
    } catch (err) {
      if (err instanceof ConflictException) return; // made by an earlier attempt of the same intake
      throw err;
    }
  }

  async delete(name: string): Promise<void> {
    try {
      await this.client.send(new DeleteScheduleCommand({ Name: name, GroupName: this.target.groupName }));
    } catch (err) {
      if (err instanceof ResourceNotFoundException) return;
      throw err;
    }
  }
}
