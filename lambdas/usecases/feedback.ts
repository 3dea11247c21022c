/**
 * SES feedback: SES publishes bounce, complaint and delivery events of our configuration set to
 * EventBridge, which routes them here. A permanent bounce or a complaint from the email's own
 * addressee (not from the candidate's Bcc copy) marks that email `failed` with the reason and
 * cancels whatever is still pending to that person (the rest of a panel still gets theirs; a
 * bounced or complained-about email to the candidate, the confirmation or the notice of an edit,
 * stops everything), so we never write again to an address that bounced or to someone who
 * complained. (SES's suppression list, set on the configuration set, also refuses such addresses
 * account-wide.) The address also goes on the service's own suppression list, by its keyed HMAC
 * (SuppressionStore), which the self-serve form refuses (docs/self-serve.md): a bounce or complaint
 * about a Bcc copy, or a soft bounce, does not. A delivery is only logged.
 *
 * Events we cannot match to one of our emails are logged and dropped: retrying cannot help them.
 */
import { addressCounterId } from '../core/access.js';
import type { Clock } from '../core/clock.js';
import { isCandidateKind } from '../core/events.js';
import { BY_FEEDBACK, entry } from '../core/history.js';
import { emailKeys, scheduledKeys } from '../core/interview.js';
import { type EmailKey, keyOfTag, panelistOf, parseEmailKey, sameAddress } from '../core/panel.js';
import type { EmailScheduler, InterviewStore, Logger, SuppressionStore } from '../core/ports.js';
import { cancelPending } from './cancel.js';

export interface FeedbackDeps {
  store: InterviewStore;
  scheduler: Pick<EmailScheduler, 'delete'>;
  clock: Clock;
  log: Logger;
  /** The service-wide list the self-serve form checks. */
  suppressions: SuppressionStore;
  /** The key of the addresses' HMAC (`addressCounterId`): the api's limit counter key. */
  counterKey: string;
}

interface Common {
  interviewId: string;
  /** Which email (its `email` tag; before panels only `kind` was tagged, which is the same key). */
  key: EmailKey;
  /** The addresses the event is about (bounced or complaining recipients). */
  recipients: string[];
}

export type Feedback =
  | (Common & { type: 'bounce'; bounceType: string; bounceSubType?: string })
  | (Common & { type: 'complaint'; feedbackType?: string })
  | (Common & { type: 'delivery' });

export type FeedbackOutcome = 'recorded' | 'ignored';

function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

function firstTag(tags: Record<string, unknown> | undefined, name: string): string | undefined {
  const values = tags?.[name];
  return Array.isArray(values) && typeof values[0] === 'string' ? values[0] : undefined;
}

const str = (value: unknown) => (typeof value === 'string' ? value : undefined);

/** An EventBridge event from SES (`detail` is SES's event record), or undefined if it is not ours. */
export function parseFeedback(event: unknown): Feedback | undefined {
  const detail = record(record(event)?.detail);
  const tags = record(record(detail?.mail)?.tags);
  const interviewId = firstTag(tags, 'interview-id');
  // The `email` tag names the email (keyTag); before panels only `kind` was tagged, the same key.
  const key = keyOfTag(firstTag(tags, 'email') ?? firstTag(tags, 'kind') ?? '');
  if (!interviewId || !key) return undefined;
  const addresses = (list: unknown) =>
    (Array.isArray(list) ? list : [])
      .map((r) => str(record(r)?.emailAddress)?.toLowerCase())
      .filter((a): a is string => a !== undefined);
  const base = { interviewId, key, recipients: [] as string[] };
  switch (detail?.eventType) {
    case 'Bounce': {
      const bounce = record(detail.bounce);
      base.recipients = addresses(bounce?.bouncedRecipients);
      const bounceSubType = str(bounce?.bounceSubType);
      return {
        type: 'bounce',
        ...base,
        bounceType: str(bounce?.bounceType) ?? 'Undetermined',
        ...(bounceSubType && { bounceSubType }),
      };
    }
    case 'Complaint': {
      base.recipients = addresses(record(detail.complaint)?.complainedRecipients);
      const feedbackType = str(record(detail.complaint)?.complaintFeedbackType);
      return { type: 'complaint', ...base, ...(feedbackType && { feedbackType }) };
    }
    case 'Delivery':
      return { type: 'delivery', ...base };
    default:
      return undefined;
  }
}

function reasonFor(feedback: Feedback): string {
  if (feedback.type === 'bounce') {
    const kind = [feedback.bounceType, feedback.bounceSubType].filter(Boolean).join(', ');
    return `The email bounced (${kind}): the address did not accept it.`;
  }
  return 'The recipient marked the email as spam.';
}

export async function handleFeedback(deps: FeedbackDeps, event: unknown): Promise<FeedbackOutcome> {
  const { store, clock, log } = deps;
  const feedback = parseFeedback(event);
  if (!feedback) {
    log('warn', 'SES event without our tags or of another type: ignored');
    return 'ignored';
  }
  const context = { interviewId: feedback.interviewId, kind: feedback.key, feedback: feedback.type };
  if (feedback.type === 'delivery') {
    log('info', 'delivered', context);
    return 'recorded';
  }
  if (feedback.type === 'bounce' && feedback.bounceType !== 'Permanent') {
    // A soft bounce (mailbox full, say): SES already retried; the address itself is fine.
    log('info', 'transient bounce: nothing changed', context);
    return 'ignored';
  }
  const record = await store.get(feedback.interviewId);
  if (!record || record.erasedAt) {
    log('warn', 'feedback for an interview that no longer exists', context);
    return 'ignored';
  }
  const person = panelistOf(record.interviewers, feedback.key);
  // The candidate's own emails (the confirmation, the notice of an edit) are addressed to them.
  const addressee = isCandidateKind(feedback.key) ? record.candidate.email : person?.email;
  if (!addressee || !feedback.recipients.some((r) => sameAddress(r, addressee))) {
    // About another recipient of the same message: the candidate's Bcc copy, for one.
    log('info', 'feedback about a copy, not the addressee: nothing changed', context);
    return 'ignored';
  }
  const reason = reasonFor(feedback);
  const updatedAt = clock.now().toISOString();
  // First: a retry after anything below failed writes it again, which changes nothing.
  await deps.suppressions.suppress(addressCounterId(addressee, deps.counterKey), updatedAt, feedback.type);
  const action = feedback.type === 'bounce' ? 'bounced' : 'failed';
  const failed = await store.transition(
    feedback.interviewId,
    feedback.key,
    ['sent', 'sending'],
    'failed',
    { updatedAt, reason },
    { log: entry(BY_FEEDBACK, action, updatedAt, feedback.key) },
  );
  const current = failed ?? record;
  const what = feedback.type === 'bounce' ? 'bounced' : 'was marked as spam';
  const kind = parseEmailKey(feedback.key)?.kind ?? 'confirmation';
  const named = kind === 'update' ? 'update notice' : kind;
  // That person's emails; the candidate's own address failing stops every one (a pending notice too).
  const stopped = person
    ? scheduledKeys(current).filter((key) => parseEmailKey(key)?.person === person.id)
    : emailKeys(current);
  await cancelPending(deps, current, stopped, `Cancelled because the ${named} ${what}.`, BY_FEEDBACK);
  log('warn', `${feedback.type}: email marked failed, pending emails cancelled`, context);
  return 'recorded';
}
