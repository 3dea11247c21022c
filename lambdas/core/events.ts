/**
 * The one list of email kinds, which the types derive from: each interviewer's emails (each has a
 * schedule), in the order they go out, then the candidate's confirmation. Every other list of kinds (the sender's event
 * check, SES feedback tags, the views, the erasure) reads these.
 */
export const SCHEDULED_KINDS = ['thank-you', 'follow-up', 'second-follow-up'] as const;
/**
 * The candidate's own emails: the confirmation (at intake, carrying the cancel link) and the
 * "updated" notice an edit that moves or redirects an email sends (usecases/edit.ts), and the
 * self-serve submission's first email, asking the candidate to confirm (usecases/self-serve.ts).
 */
export const CANDIDATE_KINDS = ['confirmation', 'update', 'verify'] as const;
export const EMAIL_KINDS = [...SCHEDULED_KINDS, ...CANDIDATE_KINDS] as const;
export type ScheduledKind = (typeof SCHEDULED_KINDS)[number];
export type CandidateKind = (typeof CANDIDATE_KINDS)[number];
export type EmailKind = (typeof EMAIL_KINDS)[number];

export function isEmailKind(value: unknown): value is EmailKind {
  return (EMAIL_KINDS as readonly unknown[]).includes(value);
}

export function isCandidateKind(value: unknown): value is CandidateKind {
  return (CANDIDATE_KINDS as readonly unknown[]).includes(value);
}

/** What a schedule (or the intake, for the confirmation) hands to the sender function. */

export interface SendEvent {
  interviewId: string;
  kind: EmailKind;
  /** Which panelist's email (their id, see panel.ts); absent for the first, and for the confirmation. */
  person?: number;
  /** Only for the confirmation: the cancel link, which exists nowhere else (only its hash is stored). */
  cancelUrl?: string;
  /** Set on a retry the sender scheduled itself after SES refused the email for now (1, 2, …). */
  attempt?: number;
  /**
   * A claim this retry must release first: the invocation that knew nothing was sent could not
   * release it itself (the table did not answer), so it handed the claim's id to its retry.
   */
  releaseClaim?: string;
}
