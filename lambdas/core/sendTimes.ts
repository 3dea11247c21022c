/**
 * When each email goes out: the rules a careful person would follow. Pure: takes the interview's
 * end, its zone, the settings, "now" and what is known of the person written to (`PersonTiming`).
 * All wall-clock rules use the interview's zone. Rules 6 and 7 (the interview's date window and
 * `"followUp": false`) are the submission's, not this module's; the numbers follow README.md.
 *
 * 1. Thank-you: end + `thankYouDelayHours` (elapsed hours). Quiet hours: at or after 20:00 → 08:00
 *    the next day; before 08:00 → 08:00 the same day. Weekends are fine.
 * 2. Follow-up: 10:00 on the `followUpBusinessDays`-th business day after the interview's local
 *    date. Business days: Monday–Friday that are not public holidays of `holidays`.
 * 3. Away: no earlier than 10:00 on the first business day after the person's `awayUntil`.
 * 4. Spacing: at least 24 h after the thank-you, else 10:00 on the first business day that is.
 * 5. Late submission: a thank-you time already past becomes now rounded up to the next whole
 *    minute, then quiet hours apply (and rule 4 spaces the follow-up).
 * 8. Whole minutes.
 * 9. Decision date: the follow-up is no earlier than 10:00 on the second business day after
 *    `decisionBy`. Rules 2, 3, 4 and 9 apply together, the latest winning; the follow-up is always
 *    10:00 local on a business day.
 * 10. Second follow-up (only when `secondFollowUp` is true): 10:00 on the fifth business day
 *     after the first follow-up's local date, no earlier than rule 3 allows and at least 24 h after
 *     the first. On the wall clock, so a DST change in between keeps it at 10:00.
 */
import { isPublicHoliday } from './holidays.js';
import {
  addCalendarDays,
  type CalendarDate,
  calendarDaysBetween,
  localDate,
  wallClock,
  weekday,
  zonedTime,
} from './time.js';

export const DEFAULT_THANK_YOU_DELAY_HOURS = 3;
export const DEFAULT_FOLLOW_UP_BUSINESS_DAYS = 3;
export const FOLLOW_UP_HOUR = 10;
export const QUIET_FROM_HOUR = 20;
export const QUIET_UNTIL_HOUR = 8;
export const MIN_SPACING_MS = 24 * 3_600_000;
/** Rule 9: the follow-up is no earlier than the this-many-th business day after the decision date. */
export const DECISION_BUSINESS_DAYS = 2;
/** Rule 10: the second follow-up is on the this-many-th business day after the first. */
export const SECOND_FOLLOW_UP_BUSINESS_DAYS = 5;

export interface TimingSettings {
  thankYouDelayHours: number;
  followUpBusinessDays: number;
  /** A region known to `normalizeRegion`, or undefined for weekends only. */
  holidays?: string;
  /** The day the employer said they would decide (rule 9). */
  decisionBy?: CalendarDate;
  /** Whether to plan a second follow-up (rule 10). Default false. */
  secondFollowUp?: boolean;
}

/** What the rules need to know of the person the emails go to. */
export interface PersonTiming {
  /** Their last day away (rule 3). */
  awayUntil?: CalendarDate;
}

export interface SendTimes {
  thankYou: Date;
  followUp: Date;
  /** Present only when `settings.secondFollowUp` is true. */
  secondFollowUp?: Date;
}

const MINUTE = 60_000;

/**
 * A schedule is never created less than this ahead of its creation: Scheduler must get it in time
 * to fire it (an at() a second away, late submission's next whole minute, may reach it after the
 * fact). Only such an email's schedule is later than its `sendAt`, by less than this.
 */
export const MIN_SCHEDULE_LEAD_MS = 60_000;

/** When the schedule of an email due at `sendAt` fires, if it is created at `now`. */
export function scheduleTime(sendAt: Date, now: Date): Date {
  const earliest = Math.ceil((now.getTime() + MIN_SCHEDULE_LEAD_MS) / 1000) * 1000;
  return new Date(Math.max(sendAt.getTime(), earliest));
}

/** The next whole minute strictly after `now`. */
export function nextWholeMinute(now: Date): Date {
  return new Date(Math.floor(now.getTime() / MINUTE) * MINUTE + MINUTE);
}

/** Rule 1's quiet hours: a time from 20:00 to 07:59 moves to the next 08:00. */
export function outOfQuietHours(instant: Date, zone: string): Date {
  const { hour } = wallClock(instant, zone);
  if (hour >= QUIET_UNTIL_HOUR && hour < QUIET_FROM_HOUR) return instant;
  const today = localDate(instant, zone);
  const day = hour >= QUIET_FROM_HOUR ? addCalendarDays(today, 1) : today;
  return zonedTime(day, QUIET_UNTIL_HOUR, 0, zone);
}

export function isBusinessDay(date: CalendarDate, holidays: string | undefined): boolean {
  const dow = weekday(date);
  return dow !== 0 && dow !== 6 && !isPublicHoliday(date, holidays);
}

function nextBusinessDay(after: CalendarDate, holidays: string | undefined): CalendarDate {
  let day = addCalendarDays(after, 1);
  while (!isBusinessDay(day, holidays)) day = addCalendarDays(day, 1);
  return day;
}

export function thankYouTime(endsAt: Date, zone: string, settings: TimingSettings, now: Date): Date {
  const due = Math.ceil((endsAt.getTime() + settings.thankYouDelayHours * 3_600_000) / MINUTE) * MINUTE;
  const notPast = due > now.getTime() ? new Date(due) : nextWholeMinute(now);
  return outOfQuietHours(notPast, zone);
}

/** 10:00 local on `day`: the hour of every follow-up. */
function at10(day: CalendarDate, zone: string): Date {
  return zonedTime(day, FOLLOW_UP_HOUR, 0, zone);
}

/** The `n`-th business day after `date` (`date` itself never counts). */
function businessDaysAfter(date: CalendarDate, n: number, holidays: string | undefined): CalendarDate {
  let day = date;
  for (let i = 0; i < n; i++) day = nextBusinessDay(day, holidays);
  return day;
}

/** The later of two calendar dates. */
function later(a: CalendarDate, b: CalendarDate | undefined): CalendarDate {
  return b !== undefined && calendarDaysBetween(a, b) > 0 ? b : a;
}

/** Rule 3: the first business day after the person's last day away, if they are away. */
function backFromAway(person: PersonTiming, holidays: string | undefined): CalendarDate | undefined {
  return person.awayUntil && nextBusinessDay(person.awayUntil, holidays);
}

/** Rule 4 (and its twin in rule 10): `day`, or the first business day after it whose 10:00 is ≥ `earliest`. */
function spacedFrom(day: CalendarDate, earliest: number, zone: string, holidays: string | undefined): Date {
  let d = day;
  while (at10(d, zone).getTime() < earliest) d = nextBusinessDay(d, holidays);
  return at10(d, zone);
}

/** Rules 2, 3, 4 and 9: the first follow-up, 10:00 local on a business day, the latest rule winning. */
export function followUpTime(
  endsAt: Date,
  zone: string,
  settings: TimingSettings,
  thankYou: Date,
  person: PersonTiming = {},
): Date {
  const { holidays } = settings;
  let day = businessDaysAfter(localDate(endsAt, zone), settings.followUpBusinessDays, holidays);
  day = later(day, backFromAway(person, holidays));
  if (settings.decisionBy) {
    day = later(day, businessDaysAfter(settings.decisionBy, DECISION_BUSINESS_DAYS, holidays));
  }
  return spacedFrom(day, thankYou.getTime() + MIN_SPACING_MS, zone, holidays);
}

/**
 * Rule 10: the second follow-up, 10:00 local on the `SECOND_FOLLOW_UP_BUSINESS_DAYS`-th business day
 * after the first follow-up's local date, no earlier than rule 3 allows and at least
 * `MIN_SPACING_MS` after the first (always so by construction; kept like rule 4 for safety). A
 * wall-clock time, so a DST change in between does not move it off 10:00.
 */
export function secondFollowUpTime(
  followUp: Date,
  zone: string,
  settings: TimingSettings,
  person: PersonTiming = {},
): Date {
  const { holidays } = settings;
  let day = businessDaysAfter(localDate(followUp, zone), SECOND_FOLLOW_UP_BUSINESS_DAYS, holidays);
  day = later(day, backFromAway(person, holidays));
  return spacedFrom(day, followUp.getTime() + MIN_SPACING_MS, zone, holidays);
}

export function computeSendTimes(
  endsAt: Date,
  zone: string,
  settings: TimingSettings,
  now: Date,
  person: PersonTiming = {},
): SendTimes {
  const thankYou = thankYouTime(endsAt, zone, settings, now);
  const followUp = followUpTime(endsAt, zone, settings, thankYou, person);
  if (!settings.secondFollowUp) return { thankYou, followUp };
  return { thankYou, followUp, secondFollowUp: secondFollowUpTime(followUp, zone, settings, person) };
}
