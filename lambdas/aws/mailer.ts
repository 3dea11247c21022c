/**
 * SES adapter (v1 SendRawEmail: the raw message carries In-Reply-To and References, which put a
 * follow-up in its thank-you's thread; SendEmail cannot set them, and SES v2 would change the
 * client for nothing else). Sorts failures by what is known of the outcome (see `MailFailure`).
 * The client must not retry by itself (`maxAttempts: 1`, see clients.ts): an SDK retry after a
 * timeout could send a message SES had already accepted.
 */
import { type SESClient, SendRawEmailCommand } from '@aws-sdk/client-ses';
import type { OutgoingEmail } from '../core/emails.js';
import { rawMessage } from '../core/mime.js';
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

/** How long one SendRawEmail may take in all, credentials and connection included (ms). */
export const SES_DEADLINE_MS = 15_000;

/**
 * Errors of the connection itself: the request never reached SES, so nothing can have been sent.
 * A failed `connect` or name lookup says so by its `syscall`. Of the bare codes only those that
 * cannot happen on a connection already made count: ENETUNREACH or EHOSTUNREACH can also come
 * from an established socket after the request was written (an ICMP error during retransmits).
 */
const NEVER_CONNECTED_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN']);
function connectionNotMade(err: unknown): boolean {
  const e = err as { code?: unknown; syscall?: unknown; message?: unknown; name?: unknown };
  if (e.syscall === 'connect' || e.syscall === 'getaddrinfo') return true;
  if (typeof e.code === 'string' && NEVER_CONNECTED_CODES.has(e.code)) return true;
  // The HTTP handler's own connect deadline (connectionTimeout, see clients.ts).
  return (
    e.name === 'TimeoutError' && typeof e.message === 'string' && /establish a connection/.test(e.message)
  );
}

/** Failures before a request exists that a moment later may not repeat: credentials, a deadline. */
const TRANSIENT_BEFORE_REQUEST = new Set([
  'CredentialsProviderError',
  'ProviderError',
  'TimeoutError',
  'AbortError',
]);

export class SesMailer implements Mailer {
  constructor(
    private readonly client: SESClient,
    private readonly configurationSet?: string,
    private readonly deadlineMs = SES_DEADLINE_MS,
  ) {}

  async send(email: OutgoingEmail): Promise<string> {
    // Set by the innermost middleware, just before the HTTP handler gets the request: until then
    // (composing, serializing, signing, fetching credentials) nothing has left this process.
    let handedToHttp = false;
    try {
      const command = await this.command(email);
      command.middlewareStack.add(
        (next) => async (args) => {
          handedToHttp = true;
          return next(args);
        },
        { step: 'deserialize', priority: 'low', name: 'markHandedToHttp' },
      );
      const out = await this.client.send(command, { abortSignal: AbortSignal.timeout(this.deadlineMs) });
      if (!out.MessageId) throw new MailError('SES accepted the message without a message id', 'unknown');
      return out.MessageId;
    } catch (err) {
      if (err instanceof MailError) throw err;
      const name = err instanceof Error ? err.name : 'Unknown';
      const failure = classify(err, name, handedToHttp);
      const what =
        failure === 'unsent'
          ? `SES could not be reached: ${name}`
          : failure === 'unknown'
            ? `SES did not answer: ${name}`
            : handedToHttp
              ? `SES refused the message: ${name}`
              : `The message could not be handed to SES: ${name}`;
      throw new MailError(what, failure, { cause: err });
    }
  }

  /** The raw message and its envelope. A message that cannot be composed throws: refused for good. */
  private async command(email: OutgoingEmail): Promise<SendRawEmailCommand> {
    // The thread's ids as the recipient's copies carry them: SES gives every message it accepts
    // a Message-ID of its own (any we set is replaced), named after its id and region.
    const region = email.thread?.length ? await this.client.config.region() : '';
    const raw = rawMessage(email, region, new Date());
    // The Bcc copy is a destination only, never a header of the message everyone receives.
    return new SendRawEmailCommand({
      Source: email.from,
      Destinations: [...email.to, ...email.bcc],
      RawMessage: { Data: new TextEncoder().encode(raw) },
      Tags: email.tags.map((t) => ({ Name: t.name, Value: t.value })),
      ...(this.configurationSet && { ConfigurationSetName: this.configurationSet }),
    });
  }
}

/** Exported for the tests. */
export function classify(err: unknown, name: string, handedToHttp: boolean): MailFailure {
  const status = (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  if (status !== undefined && (status < 200 || status >= 300))
    return PERMANENT.has(name) ? 'reject' : 'retry';
  // Nothing left the process. A credentials hiccup or a deadline may pass; anything else (a
  // URIError while serializing, say) would fail the same way every time.
  if (!handedToHttp) return TRANSIENT_BEFORE_REQUEST.has(name) ? 'unsent' : 'reject';
  if (connectionNotMade(err)) return 'unsent';
  // Node refuses a malformed request before writing it (ERR_INVALID_CHAR, ERR_HTTP_INVALID_HEADER_VALUE…).
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' && code.startsWith('ERR_INVALID') && status === undefined) return 'reject';
  // No answer, or an answer we could not read: SES may have taken the message.
  return 'unknown';
}
