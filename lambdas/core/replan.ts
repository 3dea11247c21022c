/**
 * What an edit does to the emails (PATCH /interviews/{id}, see edit.ts for the document): the next
 * record, planned by the same rules as intake. Pure; usecases/edit.ts writes it.
 *
 * - A change to what a send time depends on (the timing settings, holidays, the decision date,
 *   a person's away date) re-plans that person's emails still to go, or cancelled by the
 *   candidate (a restore then finds them at their new time). An email whose rule gives the same
 *   time as before keeps the time it has (one the late-send policy moved stays moved).
 * - A new time already past goes at the next time the rules allow from now: a thank-you at the
 *   next whole minute out of quiet hours, a follow-up at the next business day's 10:00, at least
 *   24 hours after the earlier emails to the same person.
 * - An explicit time (`reschedule`) must itself obey the rules (rescheduleProblems).
 * - An email being sent (`sending`) cannot change at all: if the edit would change its time, its
 *   address or a word of it, the edit is refused (409 already_sending) and nothing is written.
 * - A panelist added gets emails planned as at intake (from now); one removed takes their emails
 *   along, only while none of them went out.
 */

import { canonicalJson } from './canonical.js';
import type { ParsedEdit } from './edit.js';
import { followUpWanted } from './edit.js';
import { renderForInterviewer } from './emails.js';
import { SCHEDULED_KINDS, type ScheduledKind } from './events.js';
import {
  CANCELLED_BY_CANDIDATE,
  type EmailState,
  FOLLOW_UP_NOT_WANTED,
  type InterviewRecord,
  scheduledKeys,
} from './interview.js';
import { nextFollowUpSlot, THANK_YOU_STALE_MS } from './lateness.js';
import { personEmails, personTiming } from './new-interview.js';
import { type EmailKey, emailKey, MAX_PANEL_ID, type Panelist, parseEmailKey, sameAddress } from './panel.js';
import { stuck } from './reconcile.js';
import { applyReschedule, bare, goesAt } from './reschedule.js';
import type { FieldProblem } from './schema.js';
import {
  computeSendTimes,
  MIN_SCHEDULE_LEAD_MS,
  MIN_SPACING_MS,
  nextWholeMinute,
  outOfQuietHours,
} from './sendTimes.js';

export const REPLANNED_TOO_LATE =
  'Not sent: after the edit its time was more than a day past, and a late thank-you reads as an afterthought.';
export const SECOND_FOLLOW_UP_OFF = 'Turned off by an edit: no second follow-up.';
export const ADDED_TOO_LATE =
  'Not sent: they joined the panel more than a day after the thank-you’s time, and a late thank-you reads as an afterthought.';

export interface EditPlan {
  next: InterviewRecord;
  /** The fields the edit changed, by name (`interviewers[2].name` is the interviewer with id 2). */
  fields: string[];
  /** Emails whose time changed: still to go (they need a new schedule) or cancelled (no schedule). */
  moved: EmailKey[];
  /** Emails of panelists added, scheduled (new schedules) or skipped. */
  added: EmailKey[];
  /** Emails of panelists removed: gone from `next` (as read, so their schedules can go). */
  removed: EmailKey[];
  /** Emails turned off (`followUp` or `secondFollowUp` now false): now `skipped`. */
  stopped: EmailKey[];
  /** Addresses the edit writes to that it did not before (they count against the limits). */
  newAddresses: string[];
}

export type PlanResult =
  | { ok: true; plan: EditPlan }
  | { ok: false; status: 400; fields: FieldProblem[] }
  | {
      ok: false;
      status: 409;
      code: 'already_sending' | 'already_sent' | 'nothing_pending';
      keys: EmailKey[];
    };

/** Still to go, being sent, or cancelled by the candidate while its time is ahead (restorable). */
function pending(email: EmailState | undefined, now: Date): boolean {
  if (email?.status === 'scheduled' || email?.status === 'sending') return true;
  return (
    email?.status === 'cancelled' &&
    email.reason === CANCELLED_BY_CANDIDATE &&
    email.sendAt !== undefined &&
    Date.parse(email.sendAt) > now.getTime()
  );
}

/** Whose time an edit may move: to go, or cancelled by the candidate (a restore brings it back). */
const movable = (e: EmailState | undefined) =>
  e?.status === 'scheduled' || (e?.status === 'cancelled' && e.reason === CANCELLED_BY_CANDIDATE);

const TIMES: Record<ScheduledKind, 'thankYou' | 'followUp' | 'secondFollowUp'> = {
  'thank-you': 'thankYou',
  'follow-up': 'followUp',
  'second-follow-up': 'secondFollowUp',
};

export function planEdit(record: InterviewRecord, edit: ParsedEdit, now: Date): PlanResult {
  const keys = scheduledKeys(record);
  if (!keys.some((key) => pending(record.emails[key], now))) {
    return { ok: false, status: 409, code: 'nothing_pending', keys: [] };
  }
  const { value, timing, endsAt } = edit.submission;
  const zone = record.interview.timeZone;
  const stamp = now.toISOString();
  // New ids follow every id the interview ever had (an email key in its history included).
  let lastId = Math.max(
    record.lastPanelistId ?? 0,
    ...record.interviewers.map((p) => p.id),
    ...[...Object.keys(record.emails), ...(record.history ?? []).map((h) => h.email ?? '')].map(
      (k) => parseEmailKey(k)?.person ?? 0,
    ),
  );
  if (lastId + edit.ids.filter((id) => id === undefined).length > MAX_PANEL_ID) {
    return tooMany();
  }
  const panel: Panelist[] = value.interviewers.map((p, i) => ({
    id: edit.ids[i] ?? ++lastId,
    name: p.name,
    email: p.email,
    ...(p.note !== undefined && { note: p.note }),
    ...(p.awayUntil !== undefined && { awayUntil: p.awayUntil }),
  }));
  const base: InterviewRecord = {
    ...record,
    candidate: {
      name: value.candidate.name,
      email: record.candidate.email,
      ...(value.candidate.phone !== undefined && { phone: value.candidate.phone }),
    },
    interviewers: panel,
    position: value.position,
    copyCandidate: value.copyCandidate,
    timing,
    lastPanelistId: Math.max(lastId, ...panel.map((p) => p.id)),
  };
  if (!value.followUp) base.followUp = false;
  for (const field of ['company', 'highlights', 'messages'] as const) {
    if (value[field] === undefined) delete base[field];
    else (base as unknown as Record<string, unknown>)[field] = value[field];
  }
  const emails: Record<string, EmailState> = { ...(record.emails as Record<string, EmailState>) };
  const plan: EditPlan = {
    next: base,
    fields: changedFields(record, base),
    moved: [],
    added: [],
    removed: [],
    stopped: [],
    newAddresses: [],
  };
  const sendingHit: EmailKey[] = [];
  const sentHit: EmailKey[] = [];
  /**
   * An email the sender holds right now, or one that went: sent, or `sending` for longer than a
   * send can take (stuck: SES took it, almost surely, and it is never sent again).
   */
  const live = (e: EmailState | undefined) => e?.status === 'sending' && !stuck(e, now);
  const went = (e: EmailState | undefined) =>
    e?.status === 'sent' || (e?.status === 'sending' && stuck(e, now));

  // Removed: only while nothing of theirs went out. (One whose email bounced may go: that is how a
  // wrong address is fixed, by adding the right one as someone new, with emails of their own.)
  for (const person of record.interviewers.filter((p) => !panel.some((q) => q.id === p.id))) {
    for (const key of keys.filter((k) => parseEmailKey(k)?.person === person.id)) {
      const email = record.emails[key];
      if (live(email)) sendingHit.push(key);
      else if (went(email)) sentHit.push(key);
      delete emails[key];
      plan.removed.push(key);
    }
  }
  for (const person of panel) {
    const before = record.interviewers.find((p) => p.id === person.id);
    if (!before) {
      plan.newAddresses.push(person.email);
      const planned = personEmails(person, { endsAt, zone, timing, followUp: value.followUp, now });
      for (const [key, email] of Object.entries(planned.emails)) {
        emails[key] = tooLateToThank(key, email, endsAt, timing.thankYouDelayHours, now);
        plan.added.push(key as EmailKey);
      }
      continue;
    }
    const readdressed = !sameAddress(before.email, person.email);
    if (readdressed) plan.newAddresses.push(person.email);
    const oldTimes = computeSendTimes(
      endsAt,
      zone,
      record.timing,
      new Date(record.createdAt),
      personTiming(before),
    );
    const newTimes = computeSendTimes(endsAt, zone, timing, new Date(record.createdAt), personTiming(person));
    for (const kind of SCHEDULED_KINDS) {
      const key = emailKey(kind, person.id);
      const email = emails[key];
      if (!email) continue;
      // Readdressed in place only while nothing went to the old address, nor bounced from it: their
      // emails' history and threads belong to it.
      if (readdressed && (went(email) || email.status === 'failed')) sentHit.push(key);
      if (went(email)) continue; // nothing about it can change any more
      const off =
        (kind !== 'thank-you' && !value.followUp) || (kind === 'second-follow-up' && !timing.secondFollowUp);
      if (off && (movable(email) || live(email))) {
        if (live(email)) sendingHit.push(key);
        const reason = value.followUp ? SECOND_FOLLOW_UP_OFF : FOLLOW_UP_NOT_WANTED;
        emails[key] = { ...bare(email), status: 'skipped', reason, updatedAt: stamp };
        if (email.status === 'scheduled') plan.stopped.push(key);
        continue;
      }
      const was = oldTimes[TIMES[kind]]?.getTime();
      const planned = newTimes[TIMES[kind]];
      if (!planned || was === planned.getTime() || !(movable(email) || live(email))) continue;
      if (live(email)) {
        sendingHit.push(key);
        continue;
      }
      if (kind === 'thank-you' && now.getTime() - planned.getTime() > THANK_YOU_STALE_MS) {
        // Its new time is more than a day past: too late to thank, as the late-send policy says.
        if (email.status === 'scheduled') {
          emails[key] = { ...bare(email), status: 'skipped', reason: REPLANNED_TOO_LATE, updatedAt: stamp };
          plan.stopped.push(key);
        } else {
          // Cancelled: it stays so, at its (past) time, so no restore brings it back days late.
          emails[key] = { ...bare(email), sendAt: planned.toISOString(), updatedAt: stamp };
          plan.moved.push(key);
        }
        continue;
      }
      const at = notPast(
        kind,
        planned,
        { ...base, emails: emails as InterviewRecord['emails'] },
        person.id,
        now,
      );
      if (email.sendAt === at.toISOString()) continue;
      emails[key] = { ...bare(email), sendAt: at.toISOString(), updatedAt: stamp };
      plan.moved.push(key);
    }
  }
  plan.next = { ...base, emails: emails as InterviewRecord['emails'] };
  const problems = applyReschedule(plan, edit.reschedule, endsAt, now, sendingHit);
  if (problems.length > 0) return { ok: false, status: 400, fields: problems };
  // A word of an email being sent would change (a name, an address, a text): refused whole.
  for (const key of keys) {
    const email = record.emails[key];
    if (!live(email) || !email || !plan.next.emails[key] || sendingHit.includes(key)) continue;
    if (rendered(record, key, email) !== rendered(plan.next, key, email)) sendingHit.push(key);
  }
  if (sendingHit.length > 0) return { ok: false, status: 409, code: 'already_sending', keys: sendingHit };
  if (sentHit.length > 0) return { ok: false, status: 409, code: 'already_sent', keys: sentHit };
  return { ok: true, plan };
}

function tooMany(): PlanResult {
  const message = `this interview has had ${MAX_PANEL_ID} interviewers: no more can be added`;
  return { ok: false, status: 400, fields: [{ path: 'interviewers', message }] };
}

/** A new panelist's thank-you a day past its time is not sent (lateness.ts's rule, at planning). */
function tooLateToThank(
  key: string,
  email: EmailState,
  endsAt: Date,
  delayHours: number,
  now: Date,
): EmailState {
  if (parseEmailKey(key)?.kind !== 'thank-you') return email;
  const due = endsAt.getTime() + delayHours * 3_600_000;
  if (now.getTime() - due <= THANK_YOU_STALE_MS) return email;
  return { status: 'skipped', reason: ADDED_TOO_LATE, updatedAt: email.updatedAt };
}

/**
 * `planned`, or if it is already past (or too close to make a schedule for), the next time the
 * rules allow from now, keeping 24 hours after the earlier emails to the same person.
 */
function notPast(
  kind: ScheduledKind,
  planned: Date,
  record: InterviewRecord,
  person: number,
  now: Date,
): Date {
  const zone = record.interview.timeZone;
  const earliest = now.getTime() + MIN_SCHEDULE_LEAD_MS;
  if (kind === 'thank-you') {
    return planned.getTime() >= earliest
      ? planned
      : outOfQuietHours(nextWholeMinute(new Date(earliest)), zone);
  }
  const spaced = earlierTimes(record, kind, person).map((t) => t + MIN_SPACING_MS);
  const from = Math.max(earliest, ...spaced);
  return planned.getTime() >= from ? planned : nextFollowUpSlot(new Date(from), zone, record.timing.holidays);
}

/** When each earlier email to this person went or goes. */
function earlierTimes(record: InterviewRecord, kind: ScheduledKind, person: number): number[] {
  const before = SCHEDULED_KINDS.slice(0, SCHEDULED_KINDS.indexOf(kind));
  return before.flatMap((k) => {
    const t = goesAt(record.emails[emailKey(k, person)]);
    return t === undefined ? [] : [t];
  });
}

function rendered(record: InterviewRecord, key: EmailKey, email: EmailState): string {
  const at = new Date(email.sendAt ?? record.createdAt);
  return JSON.stringify(renderForInterviewer(record, key, at, 'edit@example.com'));
}

/** The names of the fields that differ, each interviewer's by id; values never. */
function changedFields(record: InterviewRecord, next: InterviewRecord): string[] {
  const fields: string[] = [];
  const differ = (a: unknown, b: unknown) => canonicalJson(a) !== canonicalJson(b);
  for (const f of ['name', 'phone'] as const) {
    if (differ(record.candidate[f], next.candidate[f])) fields.push(`candidate.${f}`);
  }
  for (const f of ['position', 'company', 'highlights', 'messages', 'copyCandidate'] as const) {
    if (differ(record[f], next[f])) fields.push(f);
  }
  if (followUpWanted(next) !== followUpWanted(record)) fields.push('followUp');
  const timingNames = {
    thankYouDelayHours: 'thankYouDelayHours',
    followUpBusinessDays: 'followUpBusinessDays',
    holidays: 'holidays',
    decisionBy: 'interview.decisionBy',
    secondFollowUp: 'secondFollowUp',
  } as const;
  for (const [f, name] of Object.entries(timingNames)) {
    const k = f as keyof typeof timingNames;
    if (
      differ(
        record.timing[k] ?? (k === 'secondFollowUp' ? false : undefined),
        next.timing[k] ?? (k === 'secondFollowUp' ? false : undefined),
      )
    )
      fields.push(name);
  }
  const ids = (panel: Panelist[]) => panel.map((p) => p.id).join(',');
  if (ids(record.interviewers) !== ids(next.interviewers)) fields.push('interviewers');
  for (const p of next.interviewers) {
    const q = record.interviewers.find((r) => r.id === p.id);
    if (!q) continue;
    for (const f of ['name', 'email', 'note', 'awayUntil'] as const) {
      if (differ(q[f], p[f])) fields.push(`interviewers[${p.id}].${f}`);
    }
  }
  return fields;
}
