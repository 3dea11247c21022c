/**
 * An in-memory mailbox behind the Mailer port: what would have been handed to SES, in order,
 * composed as the SES adapter composes it (a message that cannot be is refused, as there).
 */
import type { OutgoingEmail } from '../core/emails.js';
import { rawMessage, receivedHeaders } from '../core/mime.js';
import { MailError, type Mailer, type MailFailure } from '../core/ports.js';

export interface SentMail extends OutgoingEmail {
  messageId: string;
  /** When it was handed over, by the clock given (the in-process service's). */
  at: Date;
  /** Its header fields as the recipient would get them, by lower-case name (Message-ID as SES sets it). */
  headers: Record<string, string>;
}

export class MemoryMailer implements Mailer {
  readonly sent: SentMail[] = [];
  private readonly failures: MailFailure[] = [];
  private count = 0;

  constructor(
    private readonly now: () => Date = () => new Date(),
    private readonly region = 'us-east-1',
  ) {}

  /** The next sends fail this way, one each, before any goes through again. */
  failNext(...failures: MailFailure[]): void {
    this.failures.push(...failures);
  }

  async send(email: OutgoingEmail): Promise<string> {
    const failure = this.failures.shift();
    if (failure) throw new MailError(`memory mailer: ${failure}`, failure);
    const at = this.now();
    let raw: string;
    try {
      raw = rawMessage(email, this.region, at);
    } catch (err) {
      throw new MailError(`memory mailer: the message could not be composed`, 'reject', { cause: err });
    }
    this.count += 1;
    const messageId = `memory-${this.count.toString().padStart(6, '0')}`;
    const headers = receivedHeaders(raw, messageId, this.region);
    this.sent.push({ ...structuredClone(email), messageId, at, headers });
    return messageId;
  }

  clear(): void {
    this.sent.splice(0);
  }
}
