/**
 * PATCH /interviews/{id}: an edit, applied to exactly the record it read (one conditional write,
 * `InterviewStore.replace`), or not at all.
 *
 * 1. Read; `If-Match` is checked against that record's ETag (412 when it differs).
 * 2. Plan (core/edit.ts, core/replan.ts): the next record, or a 400 / 409 with nothing written.
 * 3. Count what the edit writes to that it did not before against the per-interviewer limits.
 * 4. Make a schedule for each email that moved or was added, each under a name of its own, BEFORE
 *    the write: until the write lands they are strays, harmless (the sender claims an email only
 *    once its `sendAt` is due, so a stray for a later time finds it sent and one for an earlier
 *    time finds it not due). There is never a moment without a schedule at the email's time.
 * 5. The write, conditional on the record being unchanged since the read (a send claimed, a
 *    cancel, a restore, another edit): if it was, everything above is undone and the edit starts
 *    again from a fresh read (a few times, then 503). So an edit racing the sender yields one
 *    send, with the old content (the claim came first: the edit then finds the email `sending`,
 *    409) or the new (the edit came first: the claim reads the new record).
 * 6. Only then the old schedules go (of the emails moved, removed or turned off). One that cannot
 *    be deleted fires and finds its email not due, sent, skipped or gone: it sends nothing.
 *
 * The candidate hears of an edit that moves or redirects an email: the "updated" notice, armed
 * in the same write five minutes ahead, or left as it is when one is armed already, so several
 * edits within a few minutes make one email (it is written when it goes, with the plan then).
 */
import { randomUUID } from 'node:crypto';
import {
  ALL_KEYS_INTERVIEWER_WINDOW,
  confirmationWindow,
  type Limits,
  limitWindows,
} from '../core/access.js';
import { type ParsedEdit, parseEdit } from '../core/edit.js';
import { type Acting, entry, type HistoryEntry } from '../core/history.js';
import { type EmailState, type InterviewRecord, RETENTION_DAYS, scheduleOf } from '../core/interview.js';
import { type EmailKey, eventFor } from '../core/panel.js';
import type {
  InterviewStore,
  LimitRefusal,
  LimitStore,
  OneTimeSchedule,
  SuppressionStore,
} from '../core/ports.js';
import { stuck, sweepPlan } from '../core/reconcile.js';
import { type EditPlan, planEdit } from '../core/replan.js';
import type { FieldProblem, TextRules } from '../core/schema.js';
import { isSelfServe } from '../core/self-serve.js';
import { scheduleTime } from '../core/sendTimes.js';
import { uniqueName } from '../core/tokens.js';
import { type ApiDeps, ServiceUnavailable } from './interviews.js';
import { suppressedOf } from './suppression.js';

export interface EditDeps extends ApiDeps {
  access: LimitStore & SuppressionStore;
  limits: Limits;
  counterKey: string;
  rules: TextRules;
}

/** How long the "updated" notice waits for more edits to join it. */
export const NOTICE_DELAY_MS = 5 * 60_000;
/** At most this many edits per interview: an edit loop cannot grow the item (and its history) forever. */
export const MAX_EDITS = 50;
/** Fresh reads an edit makes when the record changed under it, before it gives up (503). */
const ROUNDS = 5;

export type EditResult =
  | { kind: 'edited'; record: InterviewRecord }
  | { kind: 'not-found' }
  /** `record`: the interview as the refusing read found it. */
  | { kind: 'precondition-failed'; record: InterviewRecord }
  | { kind: 'invalid'; fields: FieldProblem[] }
  | {
      kind: 'conflict';
      code: 'already_sending' | 'already_sent' | 'nothing_pending' | 'too_many_edits';
      keys: EmailKey[];
    }
  | { kind: 'limited'; refusal: LimitRefusal };

/** Whether an `If-Match` header (absent: no condition) names this ETag (strong comparison). */
export function ifMatches(header: string | undefined, etag: string): boolean {
  if (header === undefined) return true;
  const tags = header.split(',').map((t) => t.trim());
  return tags.includes('*') || tags.includes(etag);
}

/**
 * A schedule name of its own for an email's new time: `<id>-<key>-e` and random hex digits, 8 or
 * as many as Scheduler's 64 characters leave (7 for a second follow-up to panelist 10 and up).
 */
export function editScheduleName(id: string, key: EmailKey): string {
  return uniqueName(`${id}-${key}-e`, 8);
}

/**
 * An edit of the interview `find` reads (afresh each round: its owner's through the API, the
 * candidate's through the manage page's link), by `who`, under one set of rules and races.
 */
export async function editInterview(
  deps: EditDeps,
  find: () => Promise<InterviewRecord | undefined>,
  who: Acting,
  body: unknown,
  /**
   * The edit's condition on each fresh read: the API's `If-Match` on the ETag (`ifMatches`), the
   * manage form's on the revision it was read at (a send since changes the ETag, not the details).
   */
  matches: (record: InterviewRecord) => boolean,
): Promise<EditResult> {
  for (let round = 0; round < ROUNDS; round++) {
    const record = await find();
    if (!record) return { kind: 'not-found' };
    if (!matches(record)) return { kind: 'precondition-failed', record };
    if ((record.revision ?? 0) >= MAX_EDITS) return { kind: 'conflict', code: 'too_many_edits', keys: [] };
    const parsed = parseEdit(record, body, deps.rules);
    if (!parsed.ok) return { kind: 'invalid', fields: parsed.fields };
    const now = deps.clock.now();
    const planned = planEdit(record, parsed, now);
    if (!planned.ok) {
      return planned.status === 400
        ? { kind: 'invalid', fields: planned.fields }
        : { kind: 'conflict', code: planned.code, keys: planned.keys };
    }
    const refused = await suppressedAddresses(deps, parsed, planned.plan);
    if (refused.length > 0) return { kind: 'invalid', fields: refused };
    const result = await attempt(deps, record, planned.plan, who, now);
    if (result) return result;
    await new Promise((resolve) => setTimeout(resolve, 50 * (round + 1)));
  }
  throw new ServiceUnavailable('The interview kept changing while it was being edited; please try again.');
}

/**
 * Never to an address on the service's suppression list (a permanent bounce or a complaint, in
 * this interview or any other; usecases/feedback.ts): an edit that would write to one anew is a
 * 400 on that field.
 */
async function suppressedAddresses(
  deps: EditDeps,
  parsed: ParsedEdit,
  plan: EditPlan,
): Promise<FieldProblem[]> {
  const fresh = parsed.submission.value.interviewers.flatMap((p, i) =>
    plan.newAddresses.includes(p.email) ? [{ i, address: p.email }] : [],
  );
  return (await suppressedOf(deps, fresh)).map((f) => ({
    path: `interviewers.${f.i}.email`,
    message: 'bounced or was reported as spam before: it is not written to again',
  }));
}

/** One try of the write; undefined when the record changed since it was read (try again). */
async function attempt(
  deps: EditDeps,
  record: InterviewRecord,
  plan: EditPlan,
  who: Acting,
  now: Date,
): Promise<EditResult | undefined> {
  const changed =
    plan.fields.length + plan.moved.length + plan.added.length + plan.removed.length + plan.stopped.length;
  // Nothing to change (the same values, a time it already has): answered as it is, nothing written.
  if (changed === 0) return { kind: 'edited', record };
  const stamp = now.toISOString();
  const next: InterviewRecord = { ...plan.next, emails: { ...plan.next.emails } };
  // A self-serve interview's key is everyone's (the form's): only the all-keys window counts its
  // new addresses, as at the confirm; a per-key window would be one for every candidate.
  const windows = limitWindows(
    now,
    { keyId: record.ownerKeyId, interviewers: plan.newAddresses },
    deps.limits,
    deps.counterKey,
  ).filter((w) =>
    isSelfServe(record) ? w.name === ALL_KEYS_INTERVIEWER_WINDOW : w.name.startsWith('per-interviewer'),
  );
  // The candidate hears of a move or a redirect: arm the notice unless one is armed already.
  // (A cancelled email moved is not news: it goes nowhere unless restored.)
  const goes = (key: EmailKey) => next.emails[key]?.status === 'scheduled';
  const redirects =
    plan.moved.filter(goes).length + plan.added.length + plan.removed.length + plan.stopped.length;
  // A new address (not a change of case) is a redirect.
  const readdressed = plan.newAddresses.length > 0;
  const notice = record.emails.update;
  // One being sent holds the later edits' news (it may show the plan before them) unless it is
  // stuck (the sweep's STUCK_MS: its send never finished, and never will); then a new one goes.
  // Never to an address that bounced or complained (its confirmation or an earlier notice failed).
  const unreachable = [record.emails.confirmation, notice].some((e) => e?.status === 'failed');
  const arm =
    (redirects > 0 || readdressed) &&
    !unreachable &&
    notice?.status !== 'scheduled' &&
    !(notice?.status === 'sending' && !stuck(notice, now));
  const counted = arm ? [confirmationWindow(now, record.candidate.email, deps.limits, deps.counterKey)] : [];
  const refusal = windows.length > 0 ? await deps.access.take(windows) : undefined;
  if (refusal) return { kind: 'limited', refusal };
  // The notice's own daily limit (the confirmations'): when full, the edit goes ahead without it.
  let noticeAllowed: boolean;
  try {
    noticeAllowed = counted.length > 0 && (await deps.access.take(counted)) === undefined;
  } catch (err) {
    await deps.access.giveBack(windows).catch(() => undefined);
    throw err;
  }
  const giveBack = async () => {
    await deps.access.giveBack([...windows, ...(noticeAllowed ? counted : [])]).catch(() => undefined);
  };

  const schedules: OneTimeSchedule[] = [];
  for (const key of [...plan.moved, ...plan.added]) {
    const email = next.emails[key];
    if (email?.status !== 'scheduled' || !email.sendAt) continue;
    const name = editScheduleName(record.id, key);
    next.emails[key] = { ...email, schedule: name };
    schedules.push({ name, at: scheduleTime(new Date(email.sendAt), now), event: eventFor(record.id, key) });
  }
  if (noticeAllowed) {
    const name = editScheduleName(record.id, 'update');
    const sendAt = new Date(now.getTime() + NOTICE_DELAY_MS);
    const armed: EmailState = {
      status: 'scheduled',
      sendAt: sendAt.toISOString(),
      updatedAt: stamp,
      schedule: name,
    };
    next.emails.update = armed;
    schedules.push({ name, at: sendAt, event: eventFor(record.id, 'update') });
  }
  const log: HistoryEntry[] = [
    { ...entry(who, 'edited', stamp), ...(plan.fields.length > 0 && { fields: plan.fields }) },
    ...plan.moved.map((key) => entry(who, 'rescheduled', stamp, key)),
    ...plan.stopped.map((key) => entry(who, 'skipped', stamp, key)),
  ];
  next.history = [...(record.history ?? []), ...log];
  next.revision = (record.revision ?? 0) + 1;
  next.editId = randomUUID();
  const checkAt = sweepPlan(next, now).next;
  if (checkAt === undefined) delete next.checkAt;
  else next.checkAt = checkAt;
  // Only the emails still to go keep an end in sight: the item expires 90 days after the last.
  next.expiresAt = Math.max(record.expiresAt, ...Object.values(next.emails).map((e) => expiry(e)));

  const made = await Promise.allSettled(schedules.map((s) => deps.scheduler.create(s)));
  const undo = () => Promise.allSettled(schedules.map((s) => deps.scheduler.delete(s.name)));
  const failure = made.find((m) => m.status === 'rejected');
  if (failure) {
    await undo();
    await giveBack();
    throw new ServiceUnavailable('The new times could not be scheduled; nothing was changed.', {
      cause: failure.reason,
    });
  }
  let written: boolean;
  try {
    written = await deps.store.replace(next, record);
  } catch (err) {
    // The write may have landed with only its answer lost: then its schedules must stay.
    if (await landed(deps.store, next)) written = true;
    else {
      await undo();
      await giveBack();
      throw err;
    }
  }
  // An SDK retry of a write that landed is refused by its own condition: the same question.
  if (!written && (await landed(deps.store, next))) written = true;
  if (!written) {
    await undo();
    await giveBack();
    return undefined;
  }
  // The old schedules of what moved, went or was turned off: cleanup (a stray sends nothing).
  const old = [...plan.moved, ...plan.removed, ...plan.stopped].filter(
    (key) => record.emails[key]?.status === 'scheduled',
  );
  await Promise.all(
    old.map((key) =>
      deps.scheduler.delete(scheduleOf(record, key)).catch((err: unknown) =>
        deps.log('warn', 'edit: an old schedule was not deleted; it will fire and send nothing', {
          interviewId: record.id,
          kind: key,
          error: String(err),
        }),
      ),
    ),
  );
  deps.log('info', 'interview edited', {
    interviewId: record.id,
    fields: plan.fields,
    moved: plan.moved,
    added: plan.added,
    removed: plan.removed,
    stopped: plan.stopped,
    notice: noticeAllowed,
  });
  return { kind: 'edited', record: next };
}

/** Whether this edit's write is in the table (its `editId` is), whatever the write answered. */
export async function landed(store: Pick<InterviewStore, 'get'>, next: InterviewRecord): Promise<boolean> {
  const current = await store.get(next.id).catch(() => undefined);
  return current?.editId !== undefined && current.editId === next.editId;
}

/** Epoch seconds 90 days after an email still to go; 0 for any other (the TTL stays as it was). */
function expiry(email: EmailState | undefined): number {
  if (email?.status !== 'scheduled' || !email.sendAt) return 0;
  return Math.floor(Date.parse(email.sendAt) / 1000) + RETENTION_DAYS * 86_400;
}
