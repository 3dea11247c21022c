/**
 * The late-send policy, decided by the sender when a schedule fires (an outage, a redrive, the
 * sweep finding an email whose schedule was lost). Pure: the record, the email and "now".
 *
 * An email that fires late must still be what a careful person would send:
 * - a thank-you more than 24 hours behind its planned time is not sent at all: it ends `skipped`
 *   and the candidate is told (a thank-you a week after the interview reads as an afterthought);
 * - a thank-you less late than that goes at once, unless it is now quiet hours (20:00–08:00 on
 *   the interview's clock): then at 08:00, if that is still within the 24 hours, else skipped;
 * - a follow-up more than an hour behind its plan moves to the next 10:00 on a business day;
 * - a follow-up never goes within 24 hours of the thank-you (rule 4), even when the thank-you
 *   itself went out late: then it moves to the first business day's 10:00 that is far enough;
 *   a second follow-up likewise keeps 24 hours from both earlier emails to the same person.
 *
 * Each panelist's emails are judged on their own: the spacing is from that person's emails.
 *
 * An email on time (or early by the sender's small allowance) is sent as planned. A late
 * *submission* is not late here: rule 5 plans it from the submission, and its plan is on time.
 */
import type { InterviewRecord } from './interview.js';
import { type EmailKey, emailKey, parseEmailKey } from './panel.js';
import { FOLLOW_UP_HOUR, isBusinessDay, MIN_SPACING_MS, outOfQuietHours } from './sendTimes.js';
import { addCalendarDays, ceilToMinute, localDate, zonedTime } from './time.js';

/** A thank-you later than this behind its plan is not sent. */
export const THANK_YOU_STALE_MS = 24 * 3_600_000;
/** A follow-up up to this late still goes at once (it is still the morning of its day). */
export const FOLLOW_UP_LATE_MS = 3_600_000;

/** The skipped thank-you's reason; the sender adds whether the candidate was told. */
export const THANK_YOU_TOO_LATE =
  'Not sent: it could not go out within a day of its planned time, and a late thank-you reads as an afterthought.';

export type LateDecision =
  | { action: 'send' }
  | { action: 'skip'; reason: string }
  | { action: 'move'; to: Date; why: string };

const SEND: LateDecision = { action: 'send' };

/** 10:00 on the first business day whose 10:00 is at or after `earliest`. */
export function nextFollowUpSlot(earliest: Date, zone: string, holidays: string | undefined): Date {
  let day = localDate(earliest, zone);
  for (;;) {
    const at10 = zonedTime(day, FOLLOW_UP_HOUR, 0, zone);
    if (isBusinessDay(day, holidays) && at10.getTime() >= earliest.getTime()) return at10;
    day = addCalendarDays(day, 1);
  }
}

/**
 * The latest moment an earlier email to the same person went or will go (0 if none): sent, when
 * it was; being sent, since its claim; still scheduled (late too, after an outage), its time. A
 * follow-up keeps 24 hours from each, so two emails to one person never go together.
 */
function earlierToThem(record: InterviewRecord, kind: string, person: number): number {
  const before =
    kind === 'second-follow-up' ? (['thank-you', 'follow-up'] as const) : (['thank-you'] as const);
  const times = before.map((k) => {
    const e = record.emails[emailKey(k, person)];
    if (e?.status === 'sent') return e.sentAt;
    if (e?.status === 'sending') return e.updatedAt;
    // A retry's time, when SES refused it for now, is its next try.
    if (e?.status === 'scheduled')
      return e.retryAt && e.sendAt && e.retryAt > e.sendAt ? e.retryAt : e.sendAt;
    return undefined;
  });
  return Math.max(0, ...times.filter((t): t is string => t !== undefined).map((t) => Date.parse(t)));
}

/** When an email was first planned for: its `plannedAt` once it has moved, else its `sendAt`. */
export function firstPlanned(record: InterviewRecord, key: EmailKey): string | undefined {
  const email = record.emails[key];
  return email?.plannedAt ?? email?.sendAt;
}

export function lateDecision(record: InterviewRecord, key: EmailKey, now: Date): LateDecision {
  const current = record.emails[key]?.sendAt;
  const parsed = parseEmailKey(key);
  if (current === undefined || parsed?.person === undefined) return SEND;
  const { kind, person } = parsed;
  const late = now.getTime() - Date.parse(current);
  const zone = record.interview.timeZone;

  if (kind === 'thank-you') {
    if (late <= 0) return SEND;
    // Stale counts from the first plan, however often the email moved since.
    const plannedMs = Date.parse(firstPlanned(record, key) ?? current);
    const stale = (at: number) => at - plannedMs > THANK_YOU_STALE_MS;
    if (stale(now.getTime())) return { action: 'skip', reason: THANK_YOU_TOO_LATE };
    const allowed = outOfQuietHours(now, zone);
    if (allowed.getTime() === now.getTime()) return SEND;
    if (stale(allowed.getTime())) return { action: 'skip', reason: THANK_YOU_TOO_LATE };
    return { action: 'move', to: allowed, why: 'fired late, in quiet hours' };
  }

  const holidays = record.timing.holidays;
  const spacedFrom = earlierToThem(record, kind, person) + MIN_SPACING_MS;
  if (late > FOLLOW_UP_LATE_MS) {
    const earliest = new Date(Math.max(ceilToMinute(now).getTime(), spacedFrom));
    return { action: 'move', to: nextFollowUpSlot(earliest, zone, holidays), why: 'fired late' };
  }
  if (now.getTime() < spacedFrom) {
    return {
      action: 'move',
      to: nextFollowUpSlot(new Date(spacedFrom), zone, holidays),
      why: 'an earlier email to them goes or went less than 24 hours before',
    };
  }
  return SEND;
}
