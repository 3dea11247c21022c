/** What a schedule (or the intake, for the confirmation) hands to the sender function. */
export type ScheduledKind = 'thank-you' | 'follow-up';
export type EmailKind = ScheduledKind | 'confirmation';

export interface SendEvent {
  interviewId: string;
  kind: EmailKind;
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
