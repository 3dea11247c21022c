/** EventBridge Scheduler adapter: one-time at() schedules in the interview's zone, deleted after completion. */
import {
  ConflictException,
  CreateScheduleCommand,
  DeleteScheduleCommand,
  ResourceNotFoundException,
  type SchedulerClient,
} from '@aws-sdk/client-scheduler';
import type { EmailScheduler, OneTimeSchedule } from '../core/ports.js';
import { hasUniqueWallTime, toLocalSecond } from '../core/time.js';

/** What a created schedule invokes. Only functions that create schedules need one. */
export interface SchedulerTarget {
  functionArn: string;
  roleArn: string;
  deadLetterArn: string;
}

/** Retries for a failed delivery to the sender; after them the event goes to the dead-letter queue. */
export const SCHEDULE_RETRY = { MaximumRetryAttempts: 10, MaximumEventAgeInSeconds: 6 * 3600 };

/**
 * `at(...)` on the interview's wall clock, so DST is also the Scheduler's job. A time in the hour an
 * autumn change repeats would be ambiguous there; it is written in UTC instead. (The send-time
 * rules keep emails out of 20:00–08:00, where every such hour falls, so this is a safety net.)
 */
export function atExpression(instant: Date, zone: string): { expression: string; timeZone: string } {
  return hasUniqueWallTime(instant, zone)
    ? { expression: `at(${toLocalSecond(instant, zone)})`, timeZone: zone }
    : { expression: `at(${toLocalSecond(instant, 'UTC')})`, timeZone: 'UTC' };
}

export class EventBridgeEmailScheduler implements EmailScheduler {
  constructor(
    private readonly client: SchedulerClient,
    private readonly groupName: string,
    private readonly target?: SchedulerTarget,
  ) {}

  async create(schedule: OneTimeSchedule): Promise<void> {
    if (!this.target) throw new Error('this scheduler has no target: it can only delete schedules');
    const at = atExpression(schedule.at, schedule.timeZone);
    try {
      await this.client.send(
        new CreateScheduleCommand({
          Name: schedule.name,
          GroupName: this.groupName,
          ScheduleExpression: at.expression,
          ScheduleExpressionTimezone: at.timeZone,
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
      await this.client.send(new DeleteScheduleCommand({ Name: name, GroupName: this.groupName }));
    } catch (err) {
      if (err instanceof ResourceNotFoundException) return;
      throw err;
    }
  }
}
