/** SES failures no local server can produce on demand: throttling and rejection (aws-sdk-client-mock). */
import { SESClient, SESServiceException, SendRawEmailCommand } from '@aws-sdk/client-ses';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { sesClient } from '../../lambdas/aws/clients.js';
import { classify, SesMailer } from '../../lambdas/aws/mailer.js';
import type { OutgoingEmail } from '../../lambdas/core/emails.js';
import { headerFields } from '../../lambdas/core/mime.js';
import { MailError } from '../../lambdas/core/ports.js';
import { OUTGOING_EMAIL as email } from '../fixtures.js';

const ses = mockClient(SESClient);
afterEach(() => ses.reset());

function sesError(name: string, status: number) {
  return new SESServiceException({
    name,
    $fault: status >= 500 ? 'server' : 'client',
    $metadata: { httpStatusCode: status },
  });
}

async function failure(err: Error, message: OutgoingEmail = email): Promise<MailError> {
  ses.on(SendRawEmailCommand).rejects(err);
  const result = await new SesMailer(new SESClient({ region: 'us-east-1' }))
    .send(message)
    .catch((e: unknown) => e);
  expect(result).toBeInstanceOf(MailError);
  return result as MailError;
}

describe('SES adapter', () => {
  it('sends what it is given, with tags and the configuration set, and returns the message id', async () => {
    ses.on(SendRawEmailCommand).resolves({ MessageId: 'abc-123' });
    const id = await new SesMailer(new SESClient({ region: 'us-east-1' }), 'followup-events').send(email);
    expect(id).toBe('abc-123');
    const input = ses.commandCalls(SendRawEmailCommand)[0]?.args[0].input;
    expect(input?.Source).toBe(email.from);
    expect(input?.Destinations).toEqual(['hiring.manager@example.org']);
    expect(input?.ConfigurationSetName).toBe('followup-events');
    expect(input?.Tags).toEqual([{ Name: 'kind', Value: 'thank-you' }]);
    const headers = headerFields(new TextDecoder().decode(input?.RawMessage?.Data));
    expect(headers['reply-to']).toBe('reagan@example.com');
    expect(headers.to).toBe('hiring.manager@example.org');
    expect(headers.subject).toBe(email.subject);
    expect(headers['in-reply-to']).toBeUndefined();
  });

  it('a reply names its thread as SES names messages in the region; a Bcc copy is a destination, never a header', async () => {
    ses.on(SendRawEmailCommand).resolves({ MessageId: 'def-456' });
    const reply = { ...email, bcc: ['reagan@example.com'], thread: ['0100-thank-you-id'] };
    await new SesMailer(new SESClient({ region: 'eu-west-1' })).send(reply);
    const input = ses.commandCalls(SendRawEmailCommand)[0]?.args[0].input;
    expect(input?.Destinations).toEqual(['hiring.manager@example.org', 'reagan@example.com']);
    const raw = new TextDecoder().decode(input?.RawMessage?.Data);
    const headers = headerFields(raw);
    expect(headers['in-reply-to']).toBe('<0100-thank-you-id@eu-west-1.amazonses.com>');
    expect(headers.references).toBe('<0100-thank-you-id@eu-west-1.amazonses.com>');
    expect(headers.bcc).toBeUndefined();
  });

  it('a message that cannot be composed is refused for good, and nothing was handed to SES', async () => {
    const err = await failure(new Error('unused'), { ...email, to: ['not an address'] });
    expect(err.failure).toBe('reject');
    expect(ses.commandCalls(SendRawEmailCommand)).toHaveLength(0);
  });

  it('throttling and service errors: SES answered and refused for now → retry', async () => {
    expect((await failure(sesError('Throttling', 400))).failure).toBe('retry');
    expect((await failure(sesError('ServiceUnavailable', 503))).failure).toBe('retry');
  });

  // (No answer, a broken connection, nothing sent: test/integration/mailer-sockets.test.ts, with
  // real sockets, since a mocked client never reaches the HTTP layer.)

  it.each([
    ['AccessDenied', 403],
    ['ConfigurationSetDoesNotExistException', 400],
    ['MailFromDomainNotVerifiedException', 400],
    ['AccountSendingPausedException', 400],
    ['ConfigurationSetSendingPausedException', 400],
  ])('%s needs an operator, not 16 hours of retries: refused for good', async (name, status) => {
    expect((await failure(sesError(name, status))).failure).toBe('reject');
  });

  it('a rejected message is refused for good', async () => {
    const err = await failure(sesError('MessageRejected', 400));
    expect(err.failure).toBe('reject');
    expect(err.message).toContain('MessageRejected');
  });

  it('connection errors: "unsent" only where no connection was made; after that, "unknown"', () => {
    const sys = (code: string, syscall: string) =>
      Object.assign(new Error(`${syscall} ${code}`), { code, syscall });
    expect(classify(sys('EHOSTUNREACH', 'connect'), 'Error', true)).toBe('unsent');
    expect(classify(sys('ECONNREFUSED', 'connect'), 'Error', true)).toBe('unsent');
    expect(classify(sys('ENOTFOUND', 'getaddrinfo'), 'Error', true)).toBe('unsent');
    // On a socket already connected (the request may be written): may have been sent.
    expect(classify(sys('EHOSTUNREACH', 'read'), 'Error', true)).toBe('unknown');
    expect(classify(sys('ENETUNREACH', 'write'), 'Error', true)).toBe('unknown');
    expect(classify(sys('ECONNRESET', 'read'), 'Error', true)).toBe('unknown');
    // Before the request existed: a credentials hiccup passes, a serializing error does not.
    expect(
      classify(
        Object.assign(new Error('x'), { name: 'CredentialsProviderError' }),
        'CredentialsProviderError',
        false,
      ),
    ).toBe('unsent');
    expect(classify(new URIError('URI malformed'), 'URIError', false)).toBe('reject');
  });

  it('the SES client never retries by itself (a retry after a timeout could send twice)', async () => {
    const client = sesClient({ region: 'us-east-1', endpoints: {} });
    expect(await client.config.maxAttempts()).toBe(1);
    client.destroy();
  });
});
