/**
 * When each email goes out. Pure: takes the interview's end, its zone and "now".
 *
 * - Thank-you: end of interview + 3 hours (elapsed time, so a DST change in between does not
 *   stretch or shrink the wait).
 * - Follow-up: 10:00 local time on the third weekday (Mon–Fri) after the interview's local date.
 * - Nothing is scheduled in the past: a time already gone moves to the next whole minute after now.
 * Holidays, quiet hours, vacations and spacing rules are a later issue.
 */
import { addCalendarDays, ceilToMinute, localDate, weekday, zonedTime } from './time.js';

export const THANK_YOU_DELAY_HOURS = 3;
export const FOLLOW_UP_WEEKDAYS = 3;
export const FOLLOW_UP_HOUR = 10;

export interface SendTimes {
  thankYou: Date;
  followUp: Date;
}

function notBefore(candidate: Date, now: Date): Date {
  const whole = ceilToMinute(candidate);
  if (whole.getTime() > now.getTime()) return whole;
  return new Date(Math.floor(now.getTime() / 60_000) * 60_000 + 60_000);
}

export function followUpTime(endsAt: Date, zone: string): Date {
  let day = localDate(endsAt, zone);
  let weekdays = 0;
  while (weekdays < FOLLOW_UP_WEEKDAYS) {
    day = addCalendarDays(day, 1);
    const dow = weekday(day);
    if (dow !== 0 && dow !== 6) weekdays += 1;
  }
  return zonedTime(day, FOLLOW_UP_HOUR, 0, zone);
}

export function computeSendTimes(endsAt: Date, zone: string, now: Date): SendTimes {
  return {
    thankYou: notBefore(new Date(endsAt.getTime() + THANK_YOU_DELAY_HOURS * 3_600_000), now),
    followUp: notBefore(followUpTime(endsAt, zone), now),
  };
}
