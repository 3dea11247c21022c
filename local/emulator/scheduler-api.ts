/**
 * The EventBridge Scheduler API surface, restJson1 as `@aws-sdk/client-scheduler` sends it:
 * `POST|GET|DELETE /schedules/{Name}` (the group in the body for create, in the `groupName` query
 * parameter otherwise) and `GET /schedules` (`ScheduleGroup`, `NamePrefix`, `MaxResults`,
 * `NextToken`). Timestamps are epoch seconds (restJson1's body default). CreateSchedule is checked
 * as AWS would, and refused where the emulator would behave differently (rate/cron expressions, a
 * flexible window). Firing is scheduler-firing.ts.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Clock } from '../../lambdas/core/clock.js';
import { zonedTime } from '../../lambdas/core/time.js';
import {
  ApiError,
  isObject,
  type JsonObject,
  parseJsonObject,
  readBody,
  sendJson,
  unknownOperation,
  validation,
} from './common.js';
import type { ScheduleTarget, StoredSchedule } from './records.js';
import { compareKeys, type Schedules } from './scheduler-firing.js';

const ACCOUNT_ID = '000000000000';
const REGION = 'us-east-1';
const NAME_PATTERN = /^[0-9a-zA-Z_.-]{1,64}$/;
const AT_PATTERN = /^at\((\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})\)$/;

// ----- request validation (CreateSchedule) ---------------------------------------------------------

function optionalString(obj: JsonObject, key: string, where: string): string | undefined {
  const value = obj[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw validation(`${where}${key} must be a string`);
  return value;
}

function requiredString(obj: JsonObject, key: string, where: string): string {
  const value = optionalString(obj, key, where);
  if (value === undefined || value.length === 0) throw validation(`${where}${key} is required`);
  return value;
}

function optionalInteger(obj: JsonObject, key: string, where: string, min: number, max: number) {
  const value = obj[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw validation(`${where}${key} must be an integer between ${min} and ${max}`);
  }
  return value;
}

function optionalObject(obj: JsonObject, key: string, where: string): JsonObject | undefined {
  const value = obj[key];
  if (value === undefined || value === null) return undefined;
  if (!isObject(value)) throw validation(`${where}${key} must be an object`);
  return value;
}

function optionalEnum<T extends string>(obj: JsonObject, key: string, where: string, allowed: readonly T[]) {
  const value = obj[key];
  if (value === undefined || value === null) return undefined;
  const match = allowed.find((candidate) => candidate === value);
  if (match === undefined) throw validation(`${where}${key} must be one of ${allowed.join(', ')}`);
  return match;
}

function validateName(value: string, field: string): void {
  if (!NAME_PATTERN.test(value)) {
    throw validation(`${field} '${value}' must be 1 to 64 characters of [0-9a-zA-Z-_.]`);
  }
}

function isValidTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/**
 * The instant of `at(yyyy-mm-ddThh:mm:ss)` read as a wall-clock time in `timezone` (never the process
 * zone), with the same rules as the service's own wall-clock arithmetic (`zonedTime`): a time a DST
 * change skips moves forward by the gap; a repeated time means its first occurrence.
 */
function atExpressionToInstant(expression: string, timezone: string): Date {
  if (/^(rate|cron)\(/.test(expression)) {
    throw validation(`Only one-time at(...) schedules are emulated locally, not '${expression}'`);
  }
  const match = AT_PATTERN.exec(expression);
  if (!match)
    throw validation(`Invalid ScheduleExpression '${expression}': expected at(yyyy-mm-ddThh:mm:ss)`);
  const [year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0] = match.slice(1).map(Number);
  // Reject impossible calendar values (2026-02-30, 25:00:00) instead of letting Date roll them over.
  const probe = new Date(0);
  probe.setUTCFullYear(year, month - 1, day);
  probe.setUTCHours(hour, minute, second, 0);
  const exact =
    probe.getUTCFullYear() === year &&
    probe.getUTCMonth() === month - 1 &&
    probe.getUTCDate() === day &&
    probe.getUTCHours() === hour &&
    probe.getUTCMinutes() === minute &&
    probe.getUTCSeconds() === second;
  if (!exact || year < 1970) throw validation(`Invalid date or time in ScheduleExpression '${expression}'`);
  if (!isValidTimeZone(timezone)) throw validation(`Invalid ScheduleExpressionTimezone '${timezone}'`);
  return new Date(zonedTime({ year, month, day }, hour, minute, timezone).getTime() + second * 1000);
}

function parseTarget(body: JsonObject): ScheduleTarget {
  const target = optionalObject(body, 'Target', '');
  if (!target) throw validation('Target is required');
  const input = optionalString(target, 'Input', 'Target.');
  if (input !== undefined) {
    try {
      JSON.parse(input);
    } catch {
      throw validation('Target.Input must be a JSON string (it becomes the Lambda event)');
    }
  }
  const retry = optionalObject(target, 'RetryPolicy', 'Target.') ?? {};
  const deadLetter = optionalObject(target, 'DeadLetterConfig', 'Target.');
  const where = 'Target.RetryPolicy.';
  return {
    Arn: requiredString(target, 'Arn', 'Target.'),
    RoleArn: requiredString(target, 'RoleArn', 'Target.'),
    Input: input,
    RetryPolicy: {
      MaximumEventAgeInSeconds:
        optionalInteger(retry, 'MaximumEventAgeInSeconds', where, 60, 86_400) ?? 86_400,
      MaximumRetryAttempts: optionalInteger(retry, 'MaximumRetryAttempts', where, 0, 185) ?? 185,
    },
    DeadLetterConfig: deadLetter
      ? { Arn: optionalString(deadLetter, 'Arn', 'Target.DeadLetterConfig.') }
      : undefined,
  };
}

function parseCreateSchedule(name: string, body: JsonObject, nowMs: number): StoredSchedule {
  validateName(name, 'Name');
  const groupName = optionalString(body, 'GroupName', '') ?? 'default';
  validateName(groupName, 'GroupName');
  const expression = requiredString(body, 'ScheduleExpression', '');
  const timezone = optionalString(body, 'ScheduleExpressionTimezone', '') ?? 'UTC';
  const dueAt = atExpressionToInstant(expression, timezone);
  const window = optionalObject(body, 'FlexibleTimeWindow', '');
  if (!window) throw validation('FlexibleTimeWindow is required');
  const mode = optionalEnum(window, 'Mode', 'FlexibleTimeWindow.', ['OFF', 'FLEXIBLE'] as const);
  if (!mode) throw validation('FlexibleTimeWindow.Mode is required');
  if (mode === 'FLEXIBLE') throw validation('Only FlexibleTimeWindow Mode OFF is emulated locally');
  return {
    name,
    groupName,
    expression,
    timezone,
    dueAtMs: dueAt.getTime(),
    state: optionalEnum(body, 'State', '', ['ENABLED', 'DISABLED'] as const) ?? 'ENABLED',
    flexibleTimeWindow: { Mode: mode },
    target: parseTarget(body),
    actionAfterCompletion:
      optionalEnum(body, 'ActionAfterCompletion', '', ['NONE', 'DELETE'] as const) ?? 'NONE',
    createdMs: nowMs,
    modifiedMs: nowMs,
    completed: false,
    attempts: 0,
  };
}

// ----- the operations ------------------------------------------------------------------------------

const toEpochSeconds = (ms: number) => ms / 1000;
const scheduleArn = (schedule: StoredSchedule) =>
  `arn:aws:scheduler:${REGION}:${ACCOUNT_ID}:schedule/${schedule.groupName}/${schedule.name}`;

function find(schedules: Schedules, group: string, name: string): StoredSchedule {
  const schedule = schedules.find(group, name);
  if (!schedule) throw new ApiError(404, 'ResourceNotFoundException', `Schedule ${name} does not exist.`);
  return schedule;
}

async function createSchedule(schedules: Schedules, schedule: StoredSchedule) {
  if (schedules.find(schedule.groupName, schedule.name)) {
    throw new ApiError(409, 'ConflictException', `Schedule ${schedule.name} already exists.`);
  }
  await schedules.add(schedule);
  return { ScheduleArn: scheduleArn(schedule) };
}

function getSchedule(schedule: StoredSchedule): JsonObject {
  return {
    Arn: scheduleArn(schedule),
    GroupName: schedule.groupName,
    Name: schedule.name,
    ScheduleExpression: schedule.expression,
    ScheduleExpressionTimezone: schedule.timezone,
    State: schedule.state,
    CreationDate: toEpochSeconds(schedule.createdMs),
    LastModificationDate: toEpochSeconds(schedule.modifiedMs),
    Target: schedule.target,
    FlexibleTimeWindow: schedule.flexibleTimeWindow,
    ActionAfterCompletion: schedule.actionAfterCompletion,
  };
}

function decodeNextToken(token: string | null): [string, string] | undefined {
  if (token === null || token === '') return undefined;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    if (Array.isArray(parsed) && parsed.length === 2) {
      const [name, group] = parsed;
      if (typeof name === 'string' && typeof group === 'string') return [name, group];
    }
  } catch {
    // falls through to the error below
  }
  throw validation('Invalid NextToken');
}

function listSchedules(schedules: Schedules, query: URLSearchParams): JsonObject {
  const group = query.get('ScheduleGroup') ?? undefined;
  const prefix = query.get('NamePrefix') ?? '';
  const maxParam = query.get('MaxResults');
  const maxResults = maxParam === null ? 100 : Number(maxParam);
  if (!Number.isInteger(maxResults) || maxResults < 1 || maxResults > 100) {
    throw validation('MaxResults must be an integer between 1 and 100');
  }
  const after = decodeNextToken(query.get('NextToken'));
  // Deterministic order: by name, then group.
  const matching = schedules
    .all()
    .filter(
      (schedule) =>
        (group === undefined || schedule.groupName === group) &&
        schedule.name.startsWith(prefix) &&
        (after === undefined || compareKeys([schedule.name, schedule.groupName], after) > 0),
    )
    .sort((a, b) => compareKeys([a.name, a.groupName], [b.name, b.groupName]));
  const page = matching.slice(0, maxResults);
  const last = page.at(-1);
  return {
    Schedules: page.map((schedule) => ({
      Arn: scheduleArn(schedule),
      Name: schedule.name,
      GroupName: schedule.groupName,
      State: schedule.state,
      CreationDate: toEpochSeconds(schedule.createdMs),
      LastModificationDate: toEpochSeconds(schedule.modifiedMs),
      Target: { Arn: schedule.target.Arn },
    })),
    NextToken:
      matching.length > maxResults && last
        ? Buffer.from(JSON.stringify([last.name, last.groupName])).toString('base64url')
        : undefined,
  };
}

/** Answers a request under `/schedules`; `segments` are the decoded path segments. Throws ApiError. */
export async function handleScheduler(
  schedules: Schedules,
  clock: Clock,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  segments: string[],
): Promise<void> {
  const method = req.method ?? 'GET';
  const name = segments[1];
  if (segments.length === 1 && method === 'GET') {
    sendJson(res, 200, listSchedules(schedules, url.searchParams));
    return;
  }
  if (name === undefined || segments.length !== 2) throw unknownOperation(method, url.pathname);
  const group = url.searchParams.get('groupName') ?? 'default';
  if (method === 'POST') {
    const body = parseJsonObject(await readBody(req));
    sendJson(
      res,
      200,
      await createSchedule(schedules, parseCreateSchedule(name, body, clock.now().getTime())),
    );
  } else if (method === 'GET') {
    sendJson(res, 200, getSchedule(find(schedules, group, name)));
  } else if (method === 'DELETE') {
    find(schedules, group, name);
    await schedules.remove(group, name);
    sendJson(res, 200, {});
  } else {
    throw unknownOperation(method, url.pathname);
  }
}
