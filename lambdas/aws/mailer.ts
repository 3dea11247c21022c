/**
 * SES adapter (v1 SendEmail). Sorts failures by what is known of the outcome (see `MailFailure`).
 * The client must not retry by itself (`maxAttempts: 1`, see clients.ts): an SDK retry after a
 * timeout could send a message SES had already accepted.
 */
import { type SESClient, SendEmailCommand } from '@aws-sdk/client-ses';
import type { OutgoingEmail } from '../core/emails.js';
import { MailError, type Mailer, type MailFailure } from '../core/ports.js';

/**
 * Errors that no automatic retry can fix: the message or an address is refused as it stands, or
 * the account, identity, role or configuration set is not allowed to send until an operator acts.
 * Retrying those for 16 hours would only delay telling the candidate; they end `failed` with the
 * reason at once (and the sender's failure alarm tells the operator).
 */
export const PERMANENT = new Set([
  'MessageRejected',
  'InvalidParameterValue',
  'AccessDenied',
  'AccessDeniedException',
  'ConfigurationSetDoesNotExist',
  'ConfigurationSetDoesNotExistException',
  'ConfigurationSetSendingPausedException',
  'MailFromDomainNotVerified',
  'MailFromDomainNotVerifiedException',
  'FromEmailAddressNotVerifiedException',
  'AccountSendingPaused',
  'AccountSendingPausedException',
  'ProductionAccessNotGrantedException',
]);

export class SesMailer implements Mailer {
  constructor(
    private readonly client: SESClient,
    private readonly configurationSet?: string,
  ) {}

  async send(email: OutgoingEmail): Promise<string> {
    try {
      const out = await this.client.send(
        new SendEmailCommand({
          Source: email.from,
          Destination: { ToAddresses: email.to, ...(email.bcc.length > 0 && { BccAddresses: email.bcc }) },
          ...(email.replyTo.length > 0 && { ReplyToAddresses: email.replyTo }),
          Message: {
            Subject: { Data: email.subject, Charset: 'UTF-8' },
            Body: {
              Text: { Data: email.text, Charset: 'UTF-8' },
              Html: { Data: email.html, Charset: 'UTF-8' },
            },
          },
          Tags: email.tags.map((t) => ({ Name: t.name, Value: t.value })),
          ...(this.configurationSet && { ConfigurationSetName: this.configurationSet }),
        }),
      );
      if (!out.MessageId) throw new MailError('SES accepted the message without a message id', 'unknown');
      return out.MessageId;
    } catch (err) {
      if (err instanceof MailError) throw err;
      const name = err instanceof Error ? err.name : 'Unknown';
      throw new MailError(`SES refused the message: ${name}`, classify(err, name), { cause: err });
    }
  }
}

function classify(err: unknown, name: string): MailFailure {
  const status = (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  // No answer, or an answer we could not read: SES may have taken the message.
  if (status === undefined || (status >= 200 && status < 300)) return 'unknown';
  return PERMANENT.has(name) ? 'reject' : 'retry';
}
