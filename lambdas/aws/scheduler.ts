/** EventBridge Scheduler adapter: one-time at() schedules in UTC, deleted after completion. */
import {
  ConflictException,
  CreateScheduleCommand,
  DeleteScheduleCommand,
  ResourceNotFoundException,
  type SchedulerClient,
} from '@aws-sdk/client-scheduler';
import type { EmailScheduler, OneTimeSchedule } from '../core/ports.js';

/** What a created schedule invokes. Only functions that create schedules need one. */
export interface SchedulerTarget {
  functionArn: string;
  roleArn: string;
  deadLetterArn: string;
}

/** Retries for a failed delivery to the sender; after them the event goes to the dead-letter queue. */
export const SCHEDULE_RETRY = { MaximumRetryAttempts: 10, MaximumEventAgeInSeconds: 6 * 3600 };

/**
 * `at(...)` of the instant the service computed, written in UTC (`ScheduleExpressionTimezone`
 * `UTC`). The send-time rules already did the wall-clock work with the project's own tz data
 * (lambdas/core/time.ts); an at() on the interview's wall clock would have Scheduler convert it
 * again with AWS's own tz data, a third clock that can disagree (British Columbia's permanent
 * UTC−7 from November 2026, for one) and that cannot tell apart the two occurrences of a time in
 * the hour an autumn change repeats. In UTC every instant has exactly one name.
 */
export function atExpression(instant: Date): { expression: string; timeZone: 'UTC' } {
  return { expression: `at(${instant.toISOString().slice(0, 19)})`, timeZone: 'UTC' };
}

export class EventBridgeEmailScheduler implements EmailScheduler {
  constructor(
    private readonly client: SchedulerClient,
    private readonly groupName: string,
    private readonly target?: SchedulerTarget,
  ) {}

  async create(schedule: OneTimeSchedule): Promise<void> {
    if (!this.target) throw new Error('this scheduler has no target: it can only delete schedules');
    const at = atExpression(schedule.at);
    try {
      await this.client.send(
        new CreateScheduleCommand({
          Name: schedule.name,
          GroupName: this.groupName,
          ScheduleExpression: at.expression,
          ScheduleExpressionTimezone: at.timeZone,
          FlexibleTimeWindow: { Mode: 'OFF' },
          ActionAfterCompletion: 'DELETE',
          // No ClientToken of ours: the SDK makes one per call, kept across its own retries. A
          // token fixed to the name would make a later create under the same name (a restore, after
          // the cancel deleted it) look like a repeat of the first, and answer it without a schedule.
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
