/**
 * A self-serve submission (issue 18; docs/self-serve.md): an interview record from the start,
 * its interviewer emails `held` until the candidate confirms from the link in the one email it
 * sends first (`verify`, to the candidate alone). Pure; usecases/self-serve.ts writes it.
 *
 * Held emails have their planned times (the page and the email show them) but no schedule, and
 * the sender's claim takes only `scheduled` ones, so nothing reaches an interviewer before the
 * confirmation. Unconfirmed, the item expires `HELD_HOURS` after the submission (its TTL), and
 * reads as gone from then on even before DynamoDB's TTL removes it.
 */
import { entry } from './history.js';
import { type EmailState, type InterviewRecord, RETENTION_DAYS, scheduledKeys } from './interview.js';
import { newInterview, personEmails } from './new-interview.js';
import { parseEmailKey } from './panel.js';
import type { TextRules, ValidSubmission } from './schema.js';

/**
 * What a self-serve text may hold: no link at all, not even to the interviewer's own domain (a
 * deployment's LINK_ALLOWLIST and that exemption are for the integrators, who answer for what
 * they send; a stranger on the form does not), and no markup.
 */
export const SELF_SERVE_RULES: TextRules = { linkAllowlist: [], noLinks: true, plainText: true };

/** How long an unconfirmed submission waits for its candidate. */
export const HELD_HOURS = 24;
/** At most this much of a file is read: an invite is a few kilobytes. */
export const MAX_INVITE_BYTES = 256 * 1024;
/** The largest form body a page takes: an invite posted with the form, and the form's fields. */
export const MAX_FORM_BYTES = MAX_INVITE_BYTES + 32 * 1024;
/** The owner of every self-serve interview: no API key can have it (keys are `env` or `key_…`). */
export const SELF_SERVE_OWNER = 'web';

/** The record of a self-serve submission: every email held, the `verify` email to go at once. */
export function heldInterview(args: {
  id: string;
  tokenHash: string;
  submission: ValidSubmission;
  now: Date;
}): InterviewRecord {
  const { id, tokenHash, submission, now } = args;
  const stamp = now.toISOString();
  const planned = newInterview({
    id,
    ownerKeyId: SELF_SERVE_OWNER,
    tokenHash,
    submission: submission.value,
    endsAt: submission.endsAt,
    timing: submission.timing,
    now,
  });
  const hold = (e: EmailState | undefined): EmailState | undefined =>
    e && e.status === 'scheduled' ? { ...e, status: 'held' } : e;
  const emails = Object.fromEntries(
    Object.entries(planned.emails).map(([key, e]) => [key, hold(e)]),
  ) as InterviewRecord['emails'];
  return {
    ...planned,
    emails: { ...emails, verify: { status: 'scheduled', sendAt: stamp, updatedAt: stamp } },
    expiresAt: Math.floor(now.getTime() / 1000) + HELD_HOURS * 3600,
    history: [entry({ by: 'web' }, 'created', stamp)],
  };
}

/**
 * Whether the candidate's address refused mail (the verify email bounced or was reported as
 * spam): such a request is never confirmed.
 */
export function candidateUnreachable(record: InterviewRecord): boolean {
  return [record.emails.verify, record.emails.confirmation].some((e) => e?.status === 'failed');
}

/**
 * Whether a self-serve request was never confirmed (whatever happened to it since: cancelled,
 * stopped, erased). Its interviewer emails may only ever be scheduled by the confirm, which
 * counts each interviewer's day and checks the suppression list: never by a restore.
 */
export function neverConfirmed(record: InterviewRecord): boolean {
  return isSelfServe(record) && !(record.history ?? []).some((h) => h.action === 'confirmed');
}

/** Whether the web app's form made the interview (its owner is the form, not an API key). */
export function isSelfServe(record: Pick<InterviewRecord, 'ownerKeyId'>): boolean {
  return record.ownerKeyId === SELF_SERVE_OWNER;
}

/**
 * Whether a waiting request has anything left to confirm: some interviewer email still held (the
 * candidate may cancel them all from the link before confirming; then it is stopped).
 */
export function heldEmailsLeft(record: InterviewRecord): boolean {
  return scheduledKeys(record).some((key) => record.emails[key]?.status === 'held');
}

/** The panel's people with an email still held for the confirm (the candidate may cancel some first). */
export function heldPeople(record: InterviewRecord): InterviewRecord['interviewers'] {
  return record.interviewers.filter((p) =>
    scheduledKeys(record).some(
      (key) => parseEmailKey(key)?.person === p.id && record.emails[key]?.status === 'held',
    ),
  );
}

/**
 * Whether a request never confirmed is stopped for good: its candidate's address refused mail, a
 * DELETE or the link cancelled it, or every held email was cancelled from the link. The confirm
 * answers so, and the page says so.
 */
export function stopped(record: InterviewRecord): boolean {
  return (
    neverConfirmed(record) && (candidateUnreachable(record) || !isHeld(record) || !heldEmailsLeft(record))
  );
}

/** Whether a record is a self-serve submission still waiting for its candidate. */
export function isHeld(record: InterviewRecord): boolean {
  return record.emails.confirmation.status === 'held';
}

/** Whether an unconfirmed submission's time is up (it reads as gone). */
export function heldExpired(record: InterviewRecord, now: Date): boolean {
  return isHeld(record) && Date.parse(record.createdAt) + HELD_HOURS * 3_600_000 <= now.getTime();
}

/**
 * The record once its candidate confirmed at `now`: every held email planned again from now by
 * the intake's rules (a thank-you whose time passed while it waited goes at the next allowed
 * minute, rule 5: it waited at most HELD_HOURS, so it is never a day late), `scheduled`; the
 * confirmation to go at once; the item's expiry 90 days after its last email, as any interview's.
 */
export function confirmedInterview(record: InterviewRecord, now: Date): InterviewRecord {
  const stamp = now.toISOString();
  const endsAt = new Date(record.interview.endsAt);
  const emails: Record<string, EmailState | undefined> = { ...record.emails };
  let last = now.getTime();
  for (const person of record.interviewers) {
    const planned = personEmails(person, {
      endsAt,
      zone: record.interview.timeZone,
      timing: record.timing,
      followUp: true,
      now,
    });
    for (const [key, fresh] of Object.entries(planned.emails)) {
      if (record.emails[key]?.status !== 'held' || !fresh.sendAt) continue;
      emails[key] = { status: 'scheduled', sendAt: fresh.sendAt, updatedAt: stamp };
      last = Math.max(last, Date.parse(fresh.sendAt));
    }
  }
  emails.confirmation = { status: 'scheduled', sendAt: stamp, updatedAt: stamp };
  return {
    ...record,
    emails: emails as InterviewRecord['emails'],
    expiresAt: Math.floor(last / 1000) + RETENTION_DAYS * 86_400,
  };
}
