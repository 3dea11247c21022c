/**
 * The API's use cases, written against the ports: submit an interview, read it, cancel what is
 * pending. The HTTP layer (`app.tsx`) only parses, calls these and maps the results.
 */
import type { Clock } from '../core/clock.js';
import { renderForInterviewer } from '../core/emails.js';
import { type Acting, entry } from '../core/history.js';
import {
  CANCELLED_BY_DELETE,
  CONFIRMATIONS_LIMITED,
  emailKeys,
  type InterviewRecord,
  scheduledKeys,
  scheduleName,
} from '../core/interview.js';
import { newInterview } from '../core/new-interview.js';
import { type EmailKey, eventFor } from '../core/panel.js';
import type {
  EmailScheduler,
  IdempotencyStore,
  InterviewStore,
  Logger,
  SenderInvoker,
} from '../core/ports.js';
import { firstCheckAt } from '../core/reconcile.js';
import type { ValidSubmission } from '../core/schema.js';
import { heldExpired } from '../core/self-serve.js';
import { scheduleTime } from '../core/sendTimes.js';
import { hashSecret, newInterviewId, newToken, sameHash } from '../core/tokens.js';
import { type EmailView, emailView, type InterviewView, toView } from '../core/view.js';
import { cancelPending } from './cancel.js';

export interface ApiDeps {
  store: InterviewStore;
  scheduler: EmailScheduler;
  invoker: SenderInvoker;
  clock: Clock;
  log: Logger;
}

export class ServiceUnavailable extends Error {}

const NOT_SCHEDULED = 'Could not be scheduled; nothing will be sent. Please submit the interview again.';

function pendingKeys(record: InterviewRecord): EmailKey[] {
  return scheduledKeys(record).filter((key) => record.emails[key]?.status === 'scheduled');
}

function plan(
  submission: ValidSubmission,
  id: string,
  ownerKeyId: string,
  tokenHash: string,
  now: Date,
): InterviewRecord {
  return newInterview({
    id,
    ownerKeyId,
    tokenHash,
    submission: submission.value,
    endsAt: submission.endsAt,
    timing: submission.timing,
    now,
  });
}

export type PreviewEmail = EmailView & { subject?: string; text?: string };

/**
 * What `submitInterview` would schedule, with each email rendered for its send time as it will
 * go: each person's earlier emails taken as sent, so a follow-up shows the `Re:` of its thread.
 * Built by the same `newInterview` as intake, so the two cannot disagree; creates, schedules and
 * sends nothing.
 */
export function previewInterview(submission: ValidSubmission, now: Date): { emails: PreviewEmail[] } {
  const record = plan(submission, 'preview', 'preview', 'preview', now);
  const working: InterviewRecord = { ...record, emails: { ...record.emails } };
  const emails: PreviewEmail[] = [];
  for (const key of scheduledKeys(record)) {
    const email = record.emails[key];
    const view = emailView(record, key);
    if (!email || !view) continue;
    if (email.status !== 'scheduled' || !email.sendAt) {
      emails.push(view);
      continue;
    }
    const { subject, text } = renderForInterviewer(working, key, new Date(email.sendAt), PREVIEW_SENDER);
    emails.push({ ...view, subject, text });
    working.emails[key] = { ...email, status: 'sent', subject, messageId: `preview-${key}` };
  }
  return { emails };
}

/** Only the From line would show it, and a preview shows no From line. */
const PREVIEW_SENDER = 'preview@example.com';

export interface NewInterview {
  /** The caller's key id: the interview's owner. */
  ownerKeyId: string;
  /** Base of the cancel link. */
  baseUrl: string;
  /** Given for an idempotent submission (derived, so a replay can rebuild the link); else random. */
  id?: string;
  token?: string;
  /** The idempotency record's scope, kept so a DELETE can turn that record into a `gone` marker. */
  idempotencyScope?: string;
  /**
   * Settles false when the submission must not go ahead after all (a per-key limit is full). It
   * runs alongside the item's write and the schedules' creation and is awaited before anything
   * can send: a refused submission's item and schedules are deleted and nothing goes out.
   */
  admitted?: Promise<boolean>;
  /**
   * The confirmation's daily limit per address: `allowed` counts it (alongside the admission
   * check) and is false when the address had its confirmations for the day (the interview goes
   * ahead without one); `unused` gives the count back when the submission does not go ahead.
   */
  confirmation?: { allowed: () => Promise<boolean>; unused: () => Promise<void> };
  /**
   * This request takes over the idempotency claim of one that died: the interview may exist
   * under `id` already, with its schedules and its confirmation's count. Nothing is started
   * before the item's write says whether it does.
   */
  resuming?: boolean;
}

export type Submitted = InterviewView & { cancelUrl: string };

export async function submitInterview(
  deps: ApiDeps,
  submission: ValidSubmission,
  options: NewInterview,
): Promise<Submitted | undefined> {
  const { store, clock, log } = deps;
  const id = options.id ?? newInterviewId();
  const token = options.token ?? newToken();
  const baseUrl = options.baseUrl;
  let record = plan(submission, id, options.ownerKeyId, hashSecret(token), clock.now());
  if (options.idempotencyScope) record = { ...record, idempotencyScope: options.idempotencyScope };
  const now = clock.now();

  // One round trip for what decides whether the interview goes ahead: the item is written, the
  // admission check (the per-key limits) runs, the confirmation is counted against its address's
  // daily limit, and the schedules are made, all at once. A schedule fires at the earliest a
  // minute from now (scheduleTime), long after the item is there; if the submission does not go
  // ahead after all, its schedules are deleted before its item (whose emails end `failed` if the
  // item cannot be deleted), so nothing of it is sent. What stays open: a process that dies in the
  // milliseconds between this round trip and that clean-up leaves a refused submission scheduled,
  // as one that dies after scheduling leaves an admitted one scheduled without its 201.
  // A request resuming the interview of one that died (`resuming`) waits instead: its id is that
  // interview's, whose schedules and confirmation count must not be touched before it is read.
  let attempt = options.resuming ? undefined : start(deps, record, options, now);
  const [stored, admitted] = await Promise.allSettled([store.create(record), options.admitted ?? true]);
  const created = stored.status === 'fulfilled' && stored.value; // this request wrote the item
  const taken = stored.status === 'fulfilled' && !stored.value; // the id exists already
  const goesAhead = admitted.status === 'fulfilled' && admitted.value;
  if (goesAhead && taken && options.resuming) {
    // Taking over from a request that died: resume that interview (schedules are idempotent by
    // name, the confirmation by its state), from what it stored.
    const existing = await store.get(id);
    if (!existing || existing.ownerKeyId !== options.ownerKeyId)
      throw new Error('interview id already taken');
    record = existing;
  } else if (!goesAhead || !created) {
    // Only this request's item (created here) and its own schedules are undone: an id that was
    // taken is someone else's, and so are its schedules.
    await attempt?.undo({
      schedules: created || stored.status === 'rejected',
      item: created ? record : undefined,
    });
    if (stored.status === 'rejected') throw stored.reason;
    if (admitted.status === 'rejected') throw admitted.reason;
    if (!goesAhead) return undefined;
    throw new Error('interview id already taken');
  }
  attempt ??= start(deps, record, options, now);

  const failure = (await attempt.created).find((r) => r.status === 'rejected');
  if (failure) {
    // All or nothing: stop every email of this interview, then clean up whatever schedule exists.
    log('error', 'scheduling failed; interview withdrawn', {
      interviewId: id,
      error: String(failure.reason),
    });
    await attempt.undo({ schedules: true, withdraw: record });
    throw new ServiceUnavailable('The interview could not be scheduled; nothing will be sent.', {
      cause: failure.reason,
    });
  }

  // Only now, with every schedule made, does the sweep learn of the interview: an intake that
  // failed before this point (a 503, a refused submission, a timeout) must never be sent by it.
  // The confirmation is handed over at the same time.
  const cancelUrl = `${baseUrl}/cancel/${token}`;
  const watching = store.setCheckAt(id, firstCheckAt(record)).catch((err: unknown) =>
    // The schedules stand; only the sweep's safety net is missing for this interview.
    log('error', 'the sweep will not watch this interview (checkAt not written)', {
      interviewId: id,
      error: String(err),
    }),
  );
  await Promise.all([watching, sendConfirmation(deps, record, cancelUrl, attempt.confirming)]);
  return { ...toView(record), cancelUrl };
}

/**
 * Starts what an admitted submission needs besides its item: its schedules, and its
 * confirmation's count (only for a confirmation still to be sent). `undo` takes them back.
 */
function start(deps: ApiDeps, record: InterviewRecord, options: NewInterview, now: Date) {
  const { store, scheduler, clock, log } = deps;
  const id = record.id;
  const schedules = pendingKeys(record).map((key) => ({
    name: scheduleName(id, key),
    at: scheduleTime(new Date(record.emails[key]?.sendAt as string), now),
    event: eventFor(id, key),
  }));
  const created = Promise.allSettled(schedules.map((schedule) => scheduler.create(schedule)));
  const counted = record.emails.confirmation.status === 'scheduled' ? options.confirmation : undefined;
  // Awaited later; a failure must not go unhandled first.
  const confirming = counted ? counted.allowed() : Promise.resolve(true);
  confirming.catch(() => undefined);

  /** Ends every email still `scheduled` as failed: a schedule that fires then sends nothing. */
  const fail = async (target: InterviewRecord) => {
    const updatedAt = clock.now().toISOString();
    for (const key of [...pendingKeys(target), 'confirmation' as const]) {
      await store.transition(id, key, ['scheduled'], 'failed', { updatedAt, reason: NOT_SCHEDULED });
    }
  };
  /**
   * Takes back what this submission made: its schedules (first), its item (deleted, or its
   * emails failed when it cannot be), or its emails failed (a withdrawn interview), and the
   * confirmation's count.
   */
  const undo = async (what: { schedules: boolean; item?: InterviewRecord; withdraw?: InterviewRecord }) => {
    try {
      if (what.withdraw) await fail(what.withdraw);
    } finally {
      try {
        if (what.schedules) {
          await created;
          await Promise.allSettled(schedules.map((schedule) => scheduler.delete(schedule.name)));
        }
        const item = what.item;
        if (item) await store.discard(id).catch(() => fail(item));
      } finally {
        if (counted && (await confirming.catch(() => false))) {
          await counted
            .unused()
            .catch((err: unknown) =>
              log('warn', 'a confirmation count was not given back', { interviewId: id, error: String(err) }),
            );
        }
      }
    }
  };
  return { created, confirming, undo };
}

/** Hands the confirmation to the sender, or records why it is not sent. */
export async function sendConfirmation(
  deps: ApiDeps,
  record: InterviewRecord,
  cancelUrl: string,
  allowed: Promise<boolean>,
): Promise<void> {
  const { store, invoker, clock, log } = deps;
  const id = record.id;
  if (record.emails.confirmation.status !== 'scheduled') return; // a resumed interview's went already
  try {
    if (await allowed) {
      await invoker.invokeAsync({ interviewId: id, kind: 'confirmation', cancelUrl });
    } else {
      log('warn', 'confirmation not sent: its address reached its daily limit', { interviewId: id });
      const updatedAt = clock.now().toISOString();
      await store.transition(
        id,
        'confirmation',
        ['scheduled'],
        'skipped',
        { updatedAt, reason: CONFIRMATIONS_LIMITED },
        { log: entry({ by: 'api', keyId: record.ownerKeyId }, 'skipped', updatedAt, 'confirmation') },
      );
    }
  } catch (err) {
    // The interviewer's emails are scheduled and the response carries the cancel link, so the
    // submission stands; the missing confirmation is recorded, not hidden.
    // If even that write fails, the submission still stands (its schedules exist): failing the
    // request now would have a retry submit it twice. The sweep counts the confirmation as stuck.
    log('error', 'confirmation could not be queued', { interviewId: id, error: String(err) });
    await store
      .transition(id, 'confirmation', ['scheduled'], 'failed', {
        updatedAt: clock.now().toISOString(),
        reason: 'The confirmation could not be queued.',
      })
      .catch((writeErr: unknown) =>
        log('error', 'the unqueued confirmation was not recorded', {
          interviewId: id,
          error: String(writeErr),
        }),
      );
  }
}

export async function findByToken(deps: ApiDeps, token: string): Promise<InterviewRecord | undefined> {
  const hash = hashSecret(token);
  const record = await deps.store.findByTokenHash(hash);
  // The lookup already matched the hash; comparing again in constant time costs nothing.
  // A self-serve request left unconfirmed past its time reads as gone (its TTL will remove it).
  if (record && heldExpired(record, deps.clock.now())) return undefined;
  return record && !record.erasedAt && sameHash(record.tokenHash, hash) ? record : undefined;
}

/** The interview if it exists, is not erased, and belongs to this key; else undefined (a 404). */
export async function findOwned(
  deps: ApiDeps,
  id: string,
  keyId: string,
): Promise<InterviewRecord | undefined> {
  const record = await deps.store.get(id);
  return record && !record.erasedAt && record.ownerKeyId === keyId ? record : undefined;
}

/**
 * DELETE /interviews/{id}: stop what is pending, delete the schedules, erase the personal data,
 * and forget what an idempotent submission stored (its answer names the send times and zone).
 */
export async function deleteInterview(
  deps: ApiDeps & { access: Pick<IdempotencyStore, 'forget'> },
  record: InterviewRecord,
  /** Its owner through the API, or the candidate from the manage page (`by: link`). */
  who: Acting = { by: 'api', keyId: record.ownerKeyId },
): Promise<void> {
  // Erased from the record as it is after the cancels (an edit in between may have added or
  // removed emails): every email it holds loses its times.
  const current = await cancelPending(deps, record, emailKeys(record), CANCELLED_BY_DELETE, who);
  // Forgotten before the erasure, which removes the scope: a DELETE that fails in between is
  // retried (the interview is not erased yet) and forgets again, harmlessly.
  if (record.idempotencyScope) await deps.access.forget(record.idempotencyScope);
  const at = deps.clock.now().toISOString();
  // No key id in it: the erasure removes the owner (see erasedHistory).
  await deps.store.erase(current, at, entry({ by: who.by }, 'erased', at));
  deps.log('info', 'interview erased', { interviewId: record.id });
}
