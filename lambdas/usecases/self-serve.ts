/**
 * Self-serve (issue 18; docs/self-serve.md): a submission without an API key, from the web form.
 *
 * `submitSelfServe` counts the submission (per client IP, the candidate's confirmations, each
 * interviewer address across every key), writes the interview with every email held
 * (core/self-serve.ts) and hands the sender one email, to the candidate alone, with the link whose
 * page confirms it. No schedule exists, and the sweep does not watch it: nothing can reach an
 * interviewer. `confirmSelfServe` (a POST from that page, never a GET) plans the emails again from
 * now, makes their schedules, then moves them all to `scheduled` in one conditional write on the
 * record it read (a double click confirms once), and sends the usual confirmation.
 */
import { confirmationWindow, ipWindow, type Limits, limitWindows } from '../core/access.js';
import { BY_LINK, entry } from '../core/history.js';
import { type InterviewRecord, scheduledKeys } from '../core/interview.js';
import { eventFor } from '../core/panel.js';
import type { LimitStore, OneTimeSchedule } from '../core/ports.js';
import { sweepPlan } from '../core/reconcile.js';
import type { ValidSubmission } from '../core/schema.js';
import {
  confirmedInterview,
  heldExpired,
  heldInterview,
  isHeld,
  SELF_SERVE_OWNER,
} from '../core/self-serve.js';
import { scheduleTime } from '../core/sendTimes.js';
import { hashSecret, newInterviewId, newToken, uniqueName } from '../core/tokens.js';
import { limited } from './intake.js';
import { type ApiDeps, ServiceUnavailable, sendConfirmation } from './interviews.js';

export interface SelfServeDeps extends ApiDeps {
  access: LimitStore;
  limits: Limits;
  counterKey: string;
}

export type SelfServeResult =
  | { kind: 'held'; record: InterviewRecord; token: string }
  | { kind: 'limited'; limit: string; retryAfterSeconds: number };

/** The page of a self-serve interview: where its candidate confirms, and later manages it. */
export const manageUrl = (baseUrl: string, token: string) => `${baseUrl}/manage/${token}`;

export async function submitSelfServe(
  deps: SelfServeDeps,
  submission: ValidSubmission,
  client: { ip: string },
  baseUrl: string,
): Promise<SelfServeResult> {
  const now = deps.clock.now();
  const { limits, counterKey } = deps;
  const interviewers = submission.value.interviewers.map((p) => p.email);
  const windows = [
    ipWindow(now, client.ip, limits, counterKey),
    // The verify email is a confirmation: a stranger cannot fill someone's inbox with them.
    confirmationWindow(now, submission.value.candidate.email, limits, counterKey),
    // Each interviewer address across every key and the form: nobody writes to one hiring
    // manager from many "candidates".
    ...limitWindows(now, { keyId: SELF_SERVE_OWNER, interviewers }, limits, counterKey).filter(
      (w) => w.name === 'per-interviewer-per-day, all keys',
    ),
  ];
  const refusal = await deps.access.take(windows);
  if (refusal) return limited(refusal, now);
  const token = newToken();
  const record = heldInterview({ id: newInterviewId(), tokenHash: hashSecret(token), submission, now });
  try {
    await deps.store.create(record);
  } catch (err) {
    await deps.access.giveBack(windows).catch(() => undefined);
    throw err;
  }
  try {
    await deps.invoker.invokeAsync({
      interviewId: record.id,
      kind: 'verify',
      cancelUrl: manageUrl(baseUrl, token),
    });
  } catch (err) {
    deps.log('error', 'self-serve: the verify email could not be queued', {
      interviewId: record.id,
      error: String(err),
    });
    const updatedAt = deps.clock.now().toISOString();
    await deps.store
      .transition(record.id, 'verify', ['scheduled'], 'failed', {
        updatedAt,
        reason: 'The email asking to confirm could not be queued.',
      })
      .catch(() => undefined);
    throw new ServiceUnavailable('The email asking you to confirm could not be sent; please try again.', {
      cause: err,
    });
  }
  return { kind: 'held', record, token };
}

export type ConfirmResult =
  | { kind: 'confirmed'; record: InterviewRecord }
  /** Confirmed already (a second press, another tab): nothing done again. */
  | { kind: 'already'; record: InterviewRecord }
  /** Unconfirmed for longer than HELD_HOURS: nothing will be sent; submit again. */
  | { kind: 'expired' };

/** Confirms a held submission from its page (`token` is the link's, for the confirmation's link). */
export async function confirmSelfServe(
  deps: ApiDeps,
  record: InterviewRecord,
  token: string,
  baseUrl: string,
): Promise<ConfirmResult> {
  const { store, scheduler, clock, log } = deps;
  let read = record;
  for (let round = 0; round < 3; round++) {
    const now = clock.now();
    if (!isHeld(read)) return { kind: 'already', record: read };
    if (heldExpired(read, now)) return { kind: 'expired' };
    const stamp = now.toISOString();
    const next = confirmedInterview(read, now);
    next.history = [...(read.history ?? []), entry(BY_LINK, 'confirmed', stamp)];
    const checkAt = sweepPlan(next, now).next;
    if (checkAt !== undefined) next.checkAt = checkAt;
    // Schedules first, under names of this try's own (kept in each email's state): until the
    // write lands they find their emails held and send nothing, and a try that loses deletes
    // only its own.
    const schedules: OneTimeSchedule[] = [];
    for (const key of scheduledKeys(next)) {
      const email = next.emails[key];
      if (email?.status !== 'scheduled' || !email.sendAt) continue;
      const name = uniqueName(`${read.id}-${key}-c`, 8);
      next.emails[key] = { ...email, schedule: name };
      schedules.push({ name, at: scheduleTime(new Date(email.sendAt), now), event: eventFor(read.id, key) });
    }
    const made = await Promise.allSettled(schedules.map((s) => scheduler.create(s)));
    const failure = made.find((m) => m.status === 'rejected');
    if (failure || !(await store.replace(next, read))) {
      await Promise.allSettled(schedules.map((s) => scheduler.delete(s.name)));
      const now2 = await store.get(read.id);
      if (now2 && !isHeld(now2)) return { kind: 'already', record: now2 };
      if (failure) {
        log('error', 'self-serve: schedules not made; still held', { interviewId: read.id });
        throw new ServiceUnavailable(
          'Your emails could not be scheduled yet; please press the button again.',
          {
            cause: (failure as PromiseRejectedResult).reason,
          },
        );
      }
      if (!now2) return { kind: 'expired' };
      read = now2;
      continue;
    }
    await sendConfirmation(deps, next, `${baseUrl}/cancel/${token}`, Promise.resolve(true));
    log('info', 'self-serve interview confirmed', { interviewId: read.id });
    return { kind: 'confirmed', record: next };
  }
  throw new ServiceUnavailable('The interview kept changing while it was being confirmed; please try again.');
}
