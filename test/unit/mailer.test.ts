/** SES failures no local server can produce on demand: throttling and rejection (aws-sdk-client-mock). */
import { SESClient, SESServiceException, SendEmailCommand } from '@aws-sdk/client-ses';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { sesClient } from '../../lambdas/aws/clients.js';
import { classify, SesMailer } from '../../lambdas/aws/mailer.js';
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

async function failure(err: Error): Promise<MailError> {
  ses.on(SendEmailCommand).rejects(err);
  const result = await new SesMailer(new SESClient({ region: 'us-east-1' }))
    .send(email)
    .catch((e: unknown) => e);
  expect(result).toBeInstanceOf(MailError);
  return result as MailError;
}

describe('SES adapter', () => {
  it('sends what it is given, with tags and the configuration set, and returns the message id', async () => {
    ses.on(SendEmailCommand).resolves({ MessageId: 'abc-123' });
    const id = await new SesMailer(new SESClient({ region: 'us-east-1' }), 'followup-events').send(email);
    expect(id).toBe('abc-123');
    const input = ses.commandCalls(SendEmailCommand)[0]?.args[0].input;
    expect(input?.Source).toBe(email.from);
    expect(input?.ReplyToAddresses).toEqual(['reagan@example.com']);
    expect(input?.Destination).toEqual({ ToAddresses: ['hiring.manager@example.org'] });
    expect(input?.ConfigurationSetName).toBe('followup-events');
    expect(input?.Tags).toEqual([{ Name: 'kind', Value: 'thank-you' }]);
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
