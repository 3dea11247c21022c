/**
 * Self-serve (issue 18; docs/self-serve.md): a submission without an API key, from the web form.
 *
 * `submitSelfServe` counts the submission (per client IP, the candidate's confirmations, each
 * interviewer address across every key), writes the interview with every email held
 * (core/self-serve.ts) and hands the sender one email, to the candidate alone, with the link whose
 * page confirms it. No schedule exists, and the sweep does not watch it: nothing can reach an
 * interviewer. `confirmSelfServe` (a POST from that page, never a GET) plans the emails again from
 * now, makes their schedules, then moves them all to `scheduled` in one conditional write on the
 * record it read (a double click confirms once), and sends the usual confirmation. Both refuse an
 * address on the suppression list (it bounced for good, or its owner complained, anywhere in the
 * service; see usecases/feedback.ts), field by field.
 */

import { randomUUID } from 'node:crypto';
import {
  ALL_KEYS_INTERVIEWER_WINDOW,
  confirmationWindow,
  ipWindow,
  type Limits,
  limitWindows,
} from '../core/access.js';
import { BY_LINK, entry } from '../core/history.js';
import { type InterviewRecord, scheduledKeys } from '../core/interview.js';
import { eventFor } from '../core/panel.js';
import type { LimitStore, OneTimeSchedule, SuppressionStore } from '../core/ports.js';
import { sweepPlan } from '../core/reconcile.js';
import type { FieldProblem, ValidSubmission } from '../core/schema.js';
import {
  confirmedInterview,
  heldExpired,
  heldInterview,
  heldPeople,
  isHeld,
  SELF_SERVE_OWNER,
  stopped,
} from '../core/self-serve.js';
import { scheduleTime } from '../core/sendTimes.js';
import { hashSecret, newInterviewId, newToken, uniqueName } from '../core/tokens.js';
import { landed } from './edit.js';
import { limited } from './intake.js';
import { type ApiDeps, ServiceUnavailable, sendConfirmation } from './interviews.js';
import { suppressedOf } from './suppression.js';

export interface SelfServeDeps extends ApiDeps {
  access: LimitStore & SuppressionStore;
  limits: Limits;
  counterKey: string;
}

export type SelfServeResult =
  | { kind: 'held'; record: InterviewRecord }
  /** An address on the suppression list: each such field, as the form shows a problem. */
  | { kind: 'suppressed'; fields: FieldProblem[] }
  | { kind: 'limited'; limit: string; retryAfterSeconds: number };

const REFUSED = 'our email to this address bounced or was reported as spam, so none can be sent to it';

/**
 * The fields whose address is on the suppression list (looked up by its keyed HMAC, so in any
 * spelling that normalises alike): the candidate's, then each interviewer's in order. `named`
 * words each as a sentence saying whose address, for a page that shows no form.
 */
async function suppressedFields(
  deps: SelfServeDeps,
  candidate: string,
  interviewers: readonly { name: string; email: string }[],
  named = false,
): Promise<FieldProblem[]> {
  const fields = [
    { path: 'candidate.email', address: candidate, who: 'your address' },
    ...interviewers.map((p, i) => ({
      path: `interviewers.${i}.email`,
      address: p.email,
      who: `${p.name}'s address`,
    })),
  ];
  return (await suppressedOf(deps, fields)).map((f) => ({
    path: f.path,
    message: named
      ? `Our email to ${f.who} bounced or was reported as spam, so none can be sent to it.`
      : REFUSED,
  }));
}

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
  // The interviewers' windows are counted at the confirmation, not here: an unconfirmed request
  // (which anyone can make up) must not use up an interviewer's day for the people who do confirm.
  const perIp = ipWindow(now, client.ip, limits, counterKey);
  // The verify email is a confirmation: a stranger cannot fill someone's inbox with them.
  const perCandidate = confirmationWindow(now, submission.value.candidate.email, limits, counterKey);
  const windows = [perIp, perCandidate];
  const refusal = await deps.access.take(windows);
  if (refusal) return limited(refusal, now);
  const giveBack = () => deps.access.giveBack(windows).catch(() => undefined);
  const { candidate, interviewers } = submission.value;
  let fields: FieldProblem[];
  try {
    fields = await suppressedFields(deps, candidate.email, interviewers);
  } catch (err) {
    await giveBack();
    throw err;
  }
  if (fields.length > 0) {
    // No email goes to the candidate, so their day's count comes back; the IP's stays counted, so
    // the list cannot be probed faster than the form can be used.
    await deps.access.giveBack([perCandidate]).catch(() => undefined);
    return { kind: 'suppressed', fields };
  }
  const token = newToken();
  const record = heldInterview({ id: newInterviewId(), tokenHash: hashSecret(token), submission, now });
  try {
    await deps.store.create(record);
  } catch (err) {
    await giveBack();
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
    // Nothing went out: the retry the answer asks for must not find its limits used up.
    await giveBack();
    throw new ServiceUnavailable('The email asking you to confirm could not be sent; please try again.', {
      cause: err,
    });
  }
  // The token is not answered: only the candidate's mailbox has it (that is the verification).
  return { kind: 'held', record };
}

export type ConfirmResult =
  | { kind: 'confirmed'; record: InterviewRecord }
  /** Confirmed already (a second press, another tab): nothing done again. */
  | { kind: 'already'; record: InterviewRecord }
  /** Unconfirmed for longer than HELD_HOURS: nothing will be sent; submit again. */
  | { kind: 'expired' }
  /** Stopped before it was confirmed: the candidate's address bounced or complained, or a DELETE. */
  | { kind: 'stopped' }
  /**
   * An address in it went on the suppression list since it was submitted (it bounced or complained
   * about another email): nothing is scheduled, and the request stays unconfirmed until it expires.
   */
  | { kind: 'suppressed'; fields: FieldProblem[] }
  | { kind: 'limited'; limit: string; retryAfterSeconds: number };

/** Confirms a held submission from its page (`token` is the link's, for the confirmation's link). */
export async function confirmSelfServe(
  deps: SelfServeDeps,
  record: InterviewRecord,
  token: string,
  baseUrl: string,
): Promise<ConfirmResult> {
  const { store, scheduler, clock, log } = deps;
  let read = record;
  for (let round = 0; round < 3; round++) {
    const now = clock.now();
    if (stopped(read)) return { kind: 'stopped' };
    if (!isHeld(read)) return { kind: 'already', record: read };
    if (heldExpired(read, now)) return { kind: 'expired' };
    // Only the people still to be written to: one the candidate cancelled from the link counts for nothing.
    const people = heldPeople(read);
    const fields = await suppressedFields(deps, read.candidate.email, people, true);
    if (fields.length > 0) return { kind: 'suppressed', fields };
    const stamp = now.toISOString();
    const next = confirmedInterview(read, now);
    // This write's own id: a write that landed with its answer lost, or retried after it landed
    // (and so failing its own condition), is known by it (as an edit's is).
    next.editId = randomUUID();
    next.history = [...(read.history ?? []), entry(BY_LINK, 'confirmed', stamp)];
    const checkAt = sweepPlan(next, now).next;
    if (checkAt !== undefined) next.checkAt = checkAt;
    // Each interviewer address across every key and the form, counted now that someone who
    // holds the candidate's mailbox asks: nobody writes to one hiring manager from many "candidates".
    const windows = limitWindows(
      now,
      { keyId: SELF_SERVE_OWNER, interviewers: people.map((p) => p.email) },
      deps.limits,
      deps.counterKey,
    ).filter((w) => w.name === ALL_KEYS_INTERVIEWER_WINDOW);
    const refusal = await deps.access.take(windows);
    if (refusal) return limited(refusal, now);
    const giveBack = () => deps.access.giveBack(windows).catch(() => undefined);
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
    const failure = made.find((m): m is PromiseRejectedResult => m.status === 'rejected');
    let written = false;
    if (!failure) {
      try {
        // A `false` may be the SDK's retry of a write that had landed: then it stands too.
        written = (await store.replace(next, read)) || (await landed(store, next));
      } catch (err) {
        // The write may have landed with only its answer lost: then it stands, schedules and all.
        if (!(await landed(store, next))) {
          await Promise.allSettled(schedules.map((s) => scheduler.delete(s.name)));
          await giveBack();
          throw err;
        }
        written = true;
      }
    }
    if (!written) {
      await Promise.allSettled(schedules.map((s) => scheduler.delete(s.name)));
      await giveBack();
      if (failure) {
        log('error', 'self-serve: schedules not made; still held', { interviewId: read.id });
        throw new ServiceUnavailable(
          'Your emails could not be scheduled yet; please press the button again.',
          {
            cause: failure.reason,
          },
        );
      }
      const current = await store.get(read.id);
      if (!current) return { kind: 'expired' };
      read = current;
      continue;
    }
    await sendConfirmation(deps, next, manageUrl(baseUrl, token), Promise.resolve(true));
    log('info', 'self-serve interview confirmed', { interviewId: read.id });
    return { kind: 'confirmed', record: next };
  }
  throw new ServiceUnavailable('The interview kept changing while it was being confirmed; please try again.');
}
