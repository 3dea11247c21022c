/**
 * When each email goes out: the rules a careful person would follow. Pure: takes the interview's
 * end, its zone, the settings and "now". All wall-clock rules use the interview's zone.
 *
 * 1. Thank-you: end + `thankYouDelayHours` (elapsed hours). Quiet hours: at or after 20:00 → 08:00
 *    the next day; before 08:00 → 08:00 the same day. Weekends are fine.
 * 2. Follow-up: 10:00 on the `followUpBusinessDays`-th business day after the interview's local
 *    date. Business days: Monday–Friday that are not public holidays of `holidays`.
 * 3. Away: no earlier than 10:00 on the first business day after `awayUntil`.
 * 4. Spacing: at least 24 h after the thank-you, else 10:00 on the first business day that is.
 * 5. Late submission: a thank-you time already past becomes now rounded up to the next whole
 *    minute, then quiet hours apply (and rule 4 spaces the follow-up).
 * 8. Whole minutes.
 */
import { isPublicHoliday } from './holidays.js';
import { addCalendarDays, type CalendarDate, localDate, wallClock, weekday, zonedTime } from './time.js';

export const DEFAULT_THANK_YOU_DELAY_HOURS = 3;
export const DEFAULT_FOLLOW_UP_BUSINESS_DAYS = 3;
export const FOLLOW_UP_HOUR = 10;
export const QUIET_FROM_HOUR = 20;
export const QUIET_UNTIL_HOUR = 8;
export const MIN_SPACING_MS = 24 * 3_600_000;

export interface TimingSettings {
  thankYouDelayHours: number;
  followUpBusinessDays: number;
  /** A region known to `normalizeRegion`, or undefined for weekends only. */
  holidays?: string;
  /** The interviewer's last day away. */
  awayUntil?: CalendarDate;
}

export interface SendTimes {
  thankYou: Date;
  followUp: Date;
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

export function followUpTime(endsAt: Date, zone: string, settings: TimingSettings, thankYou: Date): Date {
  const at10 = (day: CalendarDate) => zonedTime(day, FOLLOW_UP_HOUR, 0, zone);
  let day = localDate(endsAt, zone);
  for (let n = 0; n < settings.followUpBusinessDays; n++) day = nextBusinessDay(day, settings.holidays);

  if (settings.awayUntil) {
    const back = nextBusinessDay(settings.awayUntil, settings.holidays);
    if (at10(back).getTime() > at10(day).getTime()) day = back;
  }

  const earliest = thankYou.getTime() + MIN_SPACING_MS;
  while (at10(day).getTime() < earliest) day = nextBusinessDay(day, settings.holidays);
  return at10(day);
}

export function computeSendTimes(endsAt: Date, zone: string, settings: TimingSettings, now: Date): SendTimes {
  const thankYou = thankYouTime(endsAt, zone, settings, now);
  return { thankYou, followUp: followUpTime(endsAt, zone, settings, thankYou) };
}
