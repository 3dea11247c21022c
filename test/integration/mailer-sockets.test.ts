/**
 * What the SES adapter makes of failures below SES itself, with real sockets on this machine:
 * whether anything can have left the process decides between "try again at once" and "unknown".
 */
import { type AddressInfo, createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { sesClient } from '../../lambdas/aws/clients.js';
import { SesMailer } from '../../lambdas/aws/mailer.js';
import { MailError } from '../../lambdas/core/ports.js';
import { OUTGOING_EMAIL as email } from '../fixtures.js';

const servers: Server[] = [];
const sockets: Socket[] = [];
afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy();
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

/** A TCP server doing `onConnection` with each socket; resolves with its URL. */
async function tcpServer(onConnection: (socket: Socket) => void): Promise<string> {
  const server = createServer((socket) => {
    sockets.push(socket);
    onConnection(socket);
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function failureAt(url: string, deadlineMs?: number, message = email): Promise<MailError> {
  const client = sesClient(
    { region: 'us-east-1', endpoints: { ses: url } },
    { credentials: { accessKeyId: 'local', secretAccessKey: 'local' } },
  );
  try {
    const result = await new SesMailer(client, undefined, deadlineMs).send(message).catch((e: unknown) => e);
    expect(result).toBeInstanceOf(MailError);
    return result as MailError;
  } finally {
    client.destroy();
  }
}

describe('SES adapter, below SES', () => {
  it('nothing listening (connection refused): nothing was sent → "unsent", safe to try again at once', async () => {
    const url = await tcpServer(() => {});
    const port = new URL(url).port;
    await new Promise((resolve) => servers.pop()?.close(resolve)); // the port is free again
    const err = await failureAt(`http://127.0.0.1:${port}`);
    expect(err.failure).toBe('unsent');
    expect(err.message).toContain('could not be reached');
  });

  it('the connection drops after the request was written: SES may have it → "unknown"', async () => {
    const url = await tcpServer((socket) => socket.once('data', () => socket.destroy()));
    expect((await failureAt(url)).failure).toBe('unknown');
  });

  it('no answer within the deadline: "unknown" (every call has one)', async () => {
    const url = await tcpServer(() => {}); // accepts, reads, never answers
    const err = await failureAt(url, 300);
    expect(err.failure).toBe('unknown');
    expect(err.message).toContain('did not answer');
  });

  it('a message the SDK cannot even serialize fails before any request: refused for good, never "unknown"', async () => {
    let connections = 0;
    const url = await tcpServer((socket) => {
      connections += 1;
      socket.destroy();
    });
    const err = await failureAt(url, undefined, {
      ...email,
      text: `Thank you ${String.fromCharCode(0xd800)}.`,
    });
    expect(err.failure).toBe('reject');
    expect(err.message).toContain('could not be handed to SES');
    expect(connections).toBe(0);
  });

  it('an HTTP 500 from the service: it answered and refused for now → "retry"', async () => {
    const url = await tcpServer((socket) =>
      socket.once('data', () =>
        socket.end('HTTP/1.1 500 Internal Server Error\r\nContent-Length: 0\r\nConnection: close\r\n\r\n'),
      ),
    );
    expect((await failureAt(url)).failure).toBe('retry');
  });
});
