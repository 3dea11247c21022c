/**
 * An edit's explicit new times (`reschedule`, see edit.ts): each checked against the rules a
 * planned time obeys, then applied to the plan replan.ts made. Pure.
 */
import type { RescheduleRequest } from './edit.js';
import { SCHEDULED_KINDS } from './events.js';
import type { EmailState } from './interview.js';
import { type EmailKey, emailKey, parseEmailKey, sameAddress } from './panel.js';
import { stuck } from './reconcile.js';
import type { EditPlan } from './replan.js';
import type { FieldProblem } from './schema.js';
import {
  isBusinessDay,
  MIN_SCHEDULE_LEAD_MS,
  MIN_SPACING_MS,
  QUIET_FROM_HOUR,
  QUIET_UNTIL_HOUR,
} from './sendTimes.js';
import { DAY_MS, MAX_FUTURE_DAYS } from './submission-schema.js';
import { localDate, parseLocalMinute, toLocalMinute, wallClock } from './time.js';

/** When an email went (sent) or goes (to go, being sent), in epoch ms; undefined otherwise. */
export function goesAt(e: EmailState | undefined): number | undefined {
  const t =
    e?.status === 'sent'
      ? e.sentAt
      : e?.status === 'scheduled' || e?.status === 'sending'
        ? e.sendAt
        : undefined;
  return t === undefined ? undefined : Date.parse(t);
}

/** An email state without what belonged to its previous plan (a retry's time, a late move's plan). */
export function bare(email: EmailState): EmailState {
  const { retryAt: _r, plannedAt: _p, schedule: _s, ...rest } = email;
  return rest;
}

/**
 * Applies the explicit times, each checked against the rules a planned time obeys: a real local
 * time in the interview's zone, not past, out of quiet hours (08:00–20:00), a follow-up on a
 * business day, within a year of the interview, and in order with the person's other emails,
 * 24 hours apart. Problems name the request's field.
 */
export function applyReschedule(
  plan: EditPlan,
  requests: readonly RescheduleRequest[],
  endsAt: Date,
  now: Date,
  sendingHit: EmailKey[],
): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const record = plan.next;
  const zone = record.interview.timeZone;
  const touched = new Map<EmailKey, string>();
  for (const request of requests) {
    const people =
      request.to === undefined
        ? record.interviewers
        : record.interviewers.filter((p) => sameAddress(p.email, request.to as string));
    if (people.length === 0) {
      problems.push({ path: `${request.path}.to`, message: 'is none of this interview’s interviewers' });
      continue;
    }
    const at = parseLocalMinute(request.at, zone);
    const why = timeProblem(at, request, endsAt, now, zone, record.timing.holidays);
    if (why || !at) {
      problems.push({ path: `${request.path}.at`, message: why ?? 'is not a real local time' });
      continue;
    }
    for (const person of people) {
      const key = emailKey(request.kind, person.id);
      const email = record.emails[key];
      if (email?.status === 'sending' && !stuck(email, now)) {
        sendingHit.push(key);
        continue;
      }
      if (email?.status !== 'scheduled') {
        const state = email ? email.status : 'not planned';
        problems.push({
          path: request.path,
          message: `the ${request.kind} to ${person.email} is not pending (${state})`,
        });
        continue;
      }
      if (email.sendAt === at.toISOString()) continue; // already then: nothing to move
      record.emails[key] = { ...bare(email), sendAt: at.toISOString(), updatedAt: now.toISOString() };
      touched.set(key, `${request.path}.at`);
      if (!plan.moved.includes(key) && !plan.added.includes(key)) plan.moved.push(key);
    }
  }
  // In order and apart, for every person an explicit time touched.
  for (const [key, path] of touched) {
    const person = parseEmailKey(key)?.person as number;
    const times = SCHEDULED_KINDS.map((k) => goesAt(record.emails[emailKey(k, person)]));
    const present = times.filter((t): t is number => t !== undefined);
    const ordered = present.every((t, i) => i === 0 || t - (present[i - 1] as number) >= MIN_SPACING_MS);
    if (!ordered) {
      problems.push({
        path,
        message:
          'must keep this interviewer’s emails in order (thank-you, follow-up, second follow-up), at least 24 hours apart',
      });
    }
  }
  return problems;
}

function timeProblem(
  at: Date | undefined,
  request: RescheduleRequest,
  endsAt: Date,
  now: Date,
  zone: string,
  holidays: string | undefined,
): string | undefined {
  if (!at) return 'is not a real date and time';
  if (toLocalMinute(at, zone) !== request.at)
    return 'does not exist on that day in the interview’s time zone (the clocks change)';
  if (at.getTime() < now.getTime() + MIN_SCHEDULE_LEAD_MS)
    return 'is in the past (or less than a minute away)';
  if (at.getTime() < endsAt.getTime()) return 'is before the interview ends';
  if (at.getTime() > endsAt.getTime() + MAX_FUTURE_DAYS * DAY_MS)
    return `is more than ${MAX_FUTURE_DAYS} days after the interview`;
  const { hour } = wallClock(at, zone);
  if (hour < QUIET_UNTIL_HOUR || hour >= QUIET_FROM_HOUR) {
    return `is in quiet hours: emails go between ${QUIET_UNTIL_HOUR}:00 and ${QUIET_FROM_HOUR}:00 local time`;
  }
  if (request.kind !== 'thank-you' && !isBusinessDay(localDate(at, zone), holidays)) {
    return 'is not a business day: follow-ups go Monday to Friday, not on public holidays';
  }
  return undefined;
}
