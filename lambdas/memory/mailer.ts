/** An in-memory mailbox behind the Mailer port: what would have been handed to SES, in order. */
import type { OutgoingEmail } from '../core/emails.js';
import { MailError, type Mailer, type MailFailure } from '../core/ports.js';

export interface SentMail extends OutgoingEmail {
  messageId: string;
  /** When it was handed over, by the clock given (the in-process service's). */
  at: Date;
}

export class MemoryMailer implements Mailer {
  readonly sent: SentMail[] = [];
  private readonly failures: MailFailure[] = [];
  private count = 0;

  constructor(private readonly now: () => Date = () => new Date()) {}

  /** The next sends fail this way, one each, before any goes through again. */
  failNext(...failures: MailFailure[]): void {
    this.failures.push(...failures);
  }

  async send(email: OutgoingEmail): Promise<string> {
    const failure = this.failures.shift();
    if (failure) throw new MailError(`memory mailer: ${failure}`, failure);
    this.count += 1;
    const messageId = `memory-${this.count.toString().padStart(6, '0')}`;
    this.sent.push({ ...structuredClone(email), messageId, at: this.now() });
    return messageId;
  }

  clear(): void {
    this.sent.splice(0);
  }
}
