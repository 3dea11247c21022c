/**
 * The sender's use case: one email of one interview, at most once.
 *
 * 1. Claim: scheduled → sending, a conditional write. Whoever loses (a duplicate invocation, a
 *    cancel that came first) stops here, so an email is never sent twice nor after a cancel.
 * 2. Send through SES.
 * 3. Record: sending → sent. A transient SES failure releases the claim (sending → scheduled) and
 *    rethrows, so the platform's retry sends it later; a permanent one ends in `failed`.
 *
 * The one window nobody can close: the process dies after SES accepted the message and before
 * step 3. The email then stays `sending` and is never retried (a retry finds no `scheduled` claim
 * to take): the candidate may see "sending" for an email that did go out, but never a duplicate.
 */
import type { Clock } from '../core/clock.js';
import { type OutgoingEmail, renderConfirmation, renderFollowUp, renderThankYou } from '../core/emails.js';
import type { SendEvent } from '../core/events.js';
import type { InterviewRecord } from '../core/interview.js';
import { type InterviewStore, type Logger, MailError, type Mailer } from '../core/ports.js';

export interface SenderDeps {
  store: InterviewStore;
  mailer: Mailer;
  clock: Clock;
  senderAddress: string;
  log: Logger;
}

export type SendOutcome = 'sent' | 'not-found' | 'not-pending' | 'failed';

function render(record: InterviewRecord, event: SendEvent, now: Date, senderAddress: string): OutgoingEmail {
  switch (event.kind) {
    case 'thank-you':
      return renderThankYou(record, now, senderAddress);
    case 'follow-up':
      return renderFollowUp(record, now, senderAddress);
    case 'confirmation':
      if (!event.cancelUrl) throw new Error('a confirmation event must carry its cancel link');
      return renderConfirmation(record, event.cancelUrl, senderAddress);
  }
}

export function parseSendEvent(input: unknown): SendEvent {
  if (typeof input !== 'object' || input === null) throw new Error('send event must be an object');
  const { interviewId, kind, cancelUrl } = input as Record<string, unknown>;
  if (typeof interviewId !== 'string' || interviewId === '')
    throw new Error('send event needs an interviewId');
  if (kind !== 'thank-you' && kind !== 'follow-up' && kind !== 'confirmation') {
    throw new Error(`send event has an unknown kind: ${String(kind)}`);
  }
  if (cancelUrl !== undefined && typeof cancelUrl !== 'string') throw new Error('cancelUrl must be a string');
  return { interviewId, kind, ...(cancelUrl !== undefined && { cancelUrl }) };
}

export async function sendEmail(deps: SenderDeps, event: SendEvent): Promise<SendOutcome> {
  const { store, mailer, clock, log } = deps;
  const context = { interviewId: event.interviewId, kind: event.kind };
  const now = clock.now();
  const claimed = await store.transition(event.interviewId, event.kind, ['scheduled'], 'sending', {
    updatedAt: now.toISOString(),
  });
  if (!claimed) {
    const current = await store.get(event.interviewId);
    const status = current?.emails[event.kind]?.status;
    log('info', 'nothing to send', { ...context, status: status ?? 'no such interview' });
    return current ? 'not-pending' : 'not-found';
  }

  const email = render(claimed, event, now, deps.senderAddress);
  let messageId: string;
  try {
    messageId = await mailer.send(email);
  } catch (err) {
    const transient = !(err instanceof MailError) || err.transient;
    const message = err instanceof Error ? err.message : String(err);
    if (transient) {
      await store.transition(event.interviewId, event.kind, ['sending'], 'scheduled', {
        updatedAt: clock.now().toISOString(),
      });
      log('warn', 'send failed, released for a retry', { ...context, error: message });
      throw err;
    }
    await store.transition(event.interviewId, event.kind, ['sending'], 'failed', {
      updatedAt: clock.now().toISOString(),
      reason: message,
    });
    log('error', 'send failed permanently', { ...context, error: message });
    return 'failed';
  }

  const sentAt = clock.now().toISOString();
  await store.transition(event.interviewId, event.kind, ['sending'], 'sent', {
    updatedAt: sentAt,
    sentAt,
    messageId,
  });
  log('info', 'sent', { ...context, messageId });
  return 'sent';
}
