/**
 * The "updated" notice: after an edit moved or redirected an email (usecases/edit.ts), the
 * candidate gets one short email with the plan as it is when the notice goes out (several edits
 * within a few minutes make one notice, rendered at sending from the record then). It carries no
 * link: the cancel link exists only in the confirmation (the table keeps only its hash), and the
 * notice says that link still works.
 */
import { role } from './email-texts.js';
import { compose, type OutgoingEmail, planLines, toCandidate } from './emails.js';
import type { InterviewRecord } from './interview.js';
import { HELD_HOURS } from './self-serve.js';

/**
 * To the candidate alone (no Bcc): every panelist's emails, person by person, each with its time
 * for people or why it does not go, as the confirmation lists them. Throws for a record without a
 * panel (an erased one): there is no plan to tell.
 */
export function renderUpdateNotice(record: InterviewRecord, senderAddress: string): OutgoingEmail {
  const panel = record.interviewers ?? [];
  if (panel.length === 0) throw new Error(`interview ${record.id} has no panel to tell about`);
  const only = panel.length === 1 ? panel[0] : undefined;
  const linkSent = record.emails.confirmation.status === 'sent';
  const content = compose(`Updated: your emails to ${only ? only.name : `${panel.length} interviewers`}`, [
    `Hello ${record.candidate.name},`,
    `Your emails about ${role(record)} were changed. This is the plan now:`,
    ...panel.map((p) => `To ${p.name} (${p.email}):\n${planLines(record, p)}`),
    // Without a confirmation (its address had its day's confirmations), there is no link to name.
    ...(linkSent
      ? ['The link in the confirmation email we sent you earlier still cancels or restores any of them.']
      : []),
  ]);
  return toCandidate(record, 'update', content, senderAddress, 'update');
}

/**
 * The first email of a self-serve submission (usecases/self-serve.ts), to the address the form
 * named as the candidate's, and to no one else: the plan, and the link whose page asks them to
 * confirm. Nothing goes to any interviewer before they do; unconfirmed, it all expires.
 */
export function renderVerification(
  record: InterviewRecord,
  manageUrl: string,
  senderAddress: string,
): OutgoingEmail {
  const panel = record.interviewers ?? [];
  const only = panel.length === 1 ? panel[0] : undefined;
  const content = compose(
    `Please confirm: your emails to ${only ? only.name : `${panel.length} interviewers`}`,
    [
      `Hello ${record.candidate.name},`,
      `You asked us to send your thank-you and follow-up emails about ${role(record)}. Nothing goes out until you confirm. This is the plan:`,
      ...panel.map((p) => `To ${p.name} (${p.email}):\n${planLines(record, p)}`),
      'To schedule them, open this link and press "Confirm and schedule" on the page:',
      { link: manageUrl },
      `If you did not ask for this, ignore this email: nothing will be sent, and the request expires in ${HELD_HOURS} hours.`,
    ],
  );
  return toCandidate(record, 'verify', content, senderAddress, 'verify');
}
