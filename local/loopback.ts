/**
 * DNS-rebinding protection for the local servers. They listen on 127.0.0.1 only, yet a page open in
 * the developer's browser can point a name it controls at 127.0.0.1 and then talk to them as its
 * own origin: read `/_local/mail` (every cancel link), the mailbox, dynalite, the schedules, or
 * write an API key. The browser still sends that name in `Host`, so accepting only loopback
 * literals with the server's own port shuts the door while the SDK clients and tools (which use
 * http://127.0.0.1:<port>) and a browser on http://localhost:<port> keep working.
 */
import type { IncomingMessage, RequestListener, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Host names accepted (compared lowercased); each needs the server's port after it. */
const LOOPBACK_NAMES = ['127.0.0.1', 'localhost', '[::1]'];

/** Whether a Host header value names loopback with one of `ports` (an exact `name:port`). */
export function isLoopbackHost(host: string | undefined, ports: Iterable<number>): boolean {
  if (host === undefined) return false;
  const value = host.toLowerCase();
  for (const port of ports) {
    if (LOOPBACK_NAMES.some((name) => value === `${name}:${port}`)) return true;
  }
  return false;
}

/**
 * Whether an Origin header is one of this server's own pages (a loopback name with one of
 * `ports`). A browser sends Origin on cross-origin requests and on POSTs; tools send none.
 */
export function isLoopbackOrigin(origin: string, ports: Iterable<number>): boolean {
  const value = origin.toLowerCase();
  for (const port of ports) {
    if (LOOPBACK_NAMES.some((name) => value === `http://${name}:${port}`)) return true;
  }
  return false;
}

const MISDIRECTED =
  'Misdirected request: this local server answers only Host 127.0.0.1, localhost or [::1].\n';
const CROSS_ORIGIN = 'Forbidden: this local server does not answer requests from other sites.\n';

function refuse(res: ServerResponse, status: 421 | 403, body: string): void {
  // 421 rather than 403 for a Host: the request named an authority this server does not answer
  // for, which is exactly what 421 says. 403 for a page of another site calling it (dynalite, for
  // one, would answer it with Access-Control-Allow-Origin: *). Closing the connection keeps a
  // client from reusing it.
  res.writeHead(status, {
    'Content-Type': 'text/plain; charset=utf-8',
    'Content-Length': Buffer.byteLength(body),
    Connection: 'close',
  });
  res.end(body);
}

/**
 * Makes `server` refuse (421) every request whose Host is not loopback with its own listening port,
 * before its handlers see it. Its 'request' listeners are moved behind the check, so call this once
 * they are attached (servers attach them at creation), before or after listening; the port is read
 * per request, from where the server actually listens.
 */
export function acceptLoopbackHostsOnly(
  server: Server,
  /**
   * Also refuse (403) a request whose Origin is not one of this server's own pages. The API
   * server passes false: it sends no CORS headers, and its cancel form's cross-site rules (which
   * answer with their own page) are the app's, the same as on AWS.
   */
  options: { refuseOtherOrigins?: boolean } = {},
): void {
  const refuseOtherOrigins = options.refuseOtherOrigins ?? true;
  const handlers = server.listeners('request') as RequestListener[];
  // A server that attaches its handler later would bypass the check: fail loudly instead.
  if (handlers.length === 0) throw new Error('acceptLoopbackHostsOnly: no request handler to guard yet');
  server.removeAllListeners('request');
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const address = server.address() as AddressInfo | string | null;
    const ports = typeof address === 'object' && address !== null ? [address.port] : [];
    if (!isLoopbackHost(req.headers.host, ports)) {
      refuse(res, 421, MISDIRECTED);
      return;
    }
    const origin = req.headers.origin;
    if (refuseOtherOrigins && origin !== undefined && !isLoopbackOrigin(origin, ports)) {
      refuse(res, 403, CROSS_ORIGIN);
      return;
    }
    for (const handler of handlers) handler.call(server, req, res);
  });
}
