/**
 * DNS-rebinding protection (local/loopback.ts): every local server answers only Host values for
 * loopback with its own port, and refuses the rest before its handler runs. Each server gets a
 * write whose effect is checked through an accepted request, so "refused" means nothing happened.
 * Also: the start-up banner shows the API key only when it is the default development key.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { request } from 'node:http';
import { connect } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { TABLE } from '../../lambdas/aws/table.js';
import { TABLE_NAME } from '../../local/runtime.js';
import { removeDir, tempDir, useLocalRuntime } from './helpers.js';

const { ctx } = useLocalRuntime();

interface Answer {
  status: number;
  contentType: string;
  body: string;
}

const portOf = (url: string) => Number(new URL(url).port);

/** Sends to 127.0.0.1 at `url`'s port, with `host` as the Host header whatever the URL says. */
function send(
  url: string,
  host: string,
  init: { method?: string; path?: string; headers?: Record<string, string>; body?: unknown } = {},
): Promise<Answer> {
  const body = init.body === undefined ? undefined : JSON.stringify(init.body);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        hostname: '127.0.0.1',
        port: portOf(url),
        method: init.method ?? 'GET',
        path: init.path ?? '/',
        headers: {
          ...init.headers,
          host,
          ...(body !== undefined && { 'content-length': String(Buffer.byteLength(body)) }),
        },
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            contentType: String(res.headers['content-type'] ?? ''),
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

// The stand-ins want some AWS Authorization; none of them checks the signature.
const SIGNED =
  'AWS4-HMAC-SHA256 Credential=local/20260101/us-east-1/svc/aws4_request, SignedHeaders=host, Signature=0';

interface Probe {
  name: string;
  url: () => string;
  /** A port the runtime listens on, but not this server's. */
  otherPort: () => number;
  /** What a rebinding page would want to read. */
  readPath: string;
  /** A request with a visible effect, tagged by `marker`. */
  write: (host: string, marker: number, headers?: Record<string, string>) => Promise<Answer>;
  /** Whether the write tagged `marker` took effect (asked through an accepted Host). */
  written: (marker: number) => Promise<boolean>;
}

const good = (url: string) => `127.0.0.1:${portOf(url)}`;

const dynamo = (url: string, host: string, operation: string, body: unknown, headers = {}) =>
  send(url, host, {
    method: 'POST',
    headers: {
      ...headers,
      'content-type': 'application/x-amz-json-1.0',
      'x-amz-target': `DynamoDB_20120810.${operation}`,
      authorization: SIGNED,
      'x-amz-date': '20260101T000000Z',
    },
    body,
  });

const itemKey = (marker: number) => ({ [TABLE.partitionKey]: { S: `local-hosts-${marker}` } });

const probes: Probe[] = [
  {
    name: 'the API server (with /_local/*)',
    url: () => ctx.runtime.apiUrl,
    otherPort: () => portOf(ctx.runtime.dynamoUrl),
    readPath: '/_local/mail',
    // Each marker is a year the clock is moved to; nothing is scheduled that early or that late.
    write: (host, marker, headers = {}) =>
      send(ctx.runtime.apiUrl, host, {
        method: 'POST',
        path: '/_local/clock',
        headers: { 'content-type': 'application/json', ...headers },
        body: { now: `${2030 + marker}-06-01T12:00:00Z` },
      }),
    written: async (marker) => ctx.runtime.clock.now().getUTCFullYear() === 2030 + marker,
  },
  {
    name: 'dynalite',
    url: () => ctx.runtime.dynamoUrl,
    otherPort: () => portOf(ctx.runtime.apiUrl),
    readPath: '/',
    write: (host, marker, headers = {}) =>
      dynamo(
        ctx.runtime.dynamoUrl,
        host,
        'PutItem',
        { TableName: TABLE_NAME, Item: itemKey(marker) },
        headers,
      ),
    written: async (marker) => {
      const url = ctx.runtime.dynamoUrl;
      const got = await dynamo(url, good(url), 'GetItem', { TableName: TABLE_NAME, Key: itemKey(marker) });
      expect(got.status).toBe(200);
      return (JSON.parse(got.body) as { Item?: unknown }).Item !== undefined;
    },
  },
  {
    name: 'the local SES (API and mailbox page)',
    url: () => ctx.runtime.mailUrl,
    otherPort: () => portOf(ctx.runtime.apiUrl),
    readPath: '/store',
    write: (host, marker, headers = {}) =>
      send(ctx.runtime.mailUrl, host, {
        method: 'POST',
        path: '/v2/email/outbound-emails',
        headers: { ...headers, 'content-type': 'application/json', authorization: SIGNED },
        body: {
          FromEmailAddress: 'followup@example.com',
          Destination: { ToAddresses: ['reagan.applicant@example.org'] },
          Content: {
            Simple: {
              Subject: { Data: `local-hosts ${marker}` },
              Body: { Text: { Data: 'Hello, Reagan.' } },
            },
          },
        },
      }),
    written: async (marker) => {
      const url = ctx.runtime.mailUrl;
      const store = await send(url, good(url), { path: '/store' });
      expect(store.status).toBe(200);
      const { emails } = JSON.parse(store.body) as { emails: { subject: string }[] };
      return emails.some((e) => e.subject === `local-hosts ${marker}`);
    },
  },
  {
    name: 'the Scheduler/Lambda emulator',
    url: () => ctx.runtime.emulatorUrl,
    otherPort: () => portOf(ctx.runtime.apiUrl),
    readPath: '/schedules',
    write: (host, marker, headers = {}) =>
      send(ctx.runtime.emulatorUrl, host, {
        method: 'POST',
        path: `/schedules/local-hosts-${marker}`,
        headers: { ...headers, 'content-type': 'application/json', authorization: SIGNED },
        body: {
          GroupName: 'local-hosts',
          // Far beyond any instant the API probe sets the clock to: it never fires.
          ScheduleExpression: 'at(2099-01-01T00:00:00)',
          FlexibleTimeWindow: { Mode: 'OFF' },
          Target: {
            Arn: 'arn:aws:lambda:us-east-1:000000000000:function:nothing-to-run',
            RoleArn: 'arn:aws:iam::000000000000:role/scheduler',
            Input: '{}',
          },
        },
      }),
    written: async (marker) => ctx.runtime.emulator.pending().some((s) => s.name === `local-hosts-${marker}`),
  },
];

let nextMarker = 1;

describe.each(probes)('$name', (probe) => {
  const refusedHosts = () => {
    const port = portOf(probe.url());
    const other = probe.otherPort();
    return [
      'evil.example.com',
      `evil.example.com:${port}`,
      `127.0.0.1.evil.example.com:${port}`,
      `127.0.0.1:${other}`,
      `localhost:${other}`,
      `127.0.0.1`,
    ];
  };
  const acceptedHosts = () => {
    const port = portOf(probe.url());
    return [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`, `LocalHost:${port}`];
  };

  it('refuses any other Host with 421 before the handler runs', async () => {
    for (const host of refusedHosts()) {
      const marker = nextMarker++;
      const answer = await probe.write(host, marker);
      expect({ host, status: answer.status }).toEqual({ host, status: 421 });
      expect(answer.contentType).toMatch(/^text\/plain/);
      expect(answer.body).toContain('Misdirected request');
      expect(await probe.written(marker), host).toBe(false);

      const read = await send(probe.url(), host, { path: probe.readPath });
      expect({ host, status: read.status }).toEqual({ host, status: 421 });
    }
  });

  it('serves 127.0.0.1, localhost and [::1] with its own port', async () => {
    for (const host of acceptedHosts()) {
      const marker = nextMarker++;
      const answer = await probe.write(host, marker);
      expect({ host, status: answer.status }).toEqual({ host, status: 200 });
      expect(await probe.written(marker), host).toBe(true);
    }
  });
});

describe.each(probes.slice(1))('$name, called by a page of another site', (probe) => {
  // No rebinding needed: a page can fetch http://127.0.0.1:<port> directly, and dynalite would
  // answer it with Access-Control-Allow-Origin: *. Its Origin gives it away.
  it('refuses a request whose Origin is not its own (403); its own pages and tools pass', async () => {
    const own = `http://127.0.0.1:${portOf(probe.url())}`;
    for (const origin of ['https://evil.example.com', 'null', `http://127.0.0.1:${probe.otherPort()}`]) {
      const marker = nextMarker++;
      const answer = await probe.write(good(probe.url()), marker, { origin });
      expect({ origin, status: answer.status }).toEqual({ origin, status: 403 });
      expect(await probe.written(marker), origin).toBe(false);
    }
    const marker = nextMarker++;
    expect((await probe.write(good(probe.url()), marker, { origin: own })).status).toBe(200);
    expect(await probe.written(marker)).toBe(true);
  });
});

describe('/_local/clock', () => {
  it('takes JSON only, so a form or text/plain POST from another site moves nothing', async () => {
    const before = ctx.runtime.clock.now().getUTCFullYear();
    for (const type of ['text/plain', 'application/x-www-form-urlencoded']) {
      const answer = await send(ctx.runtime.apiUrl, good(ctx.runtime.apiUrl), {
        method: 'POST',
        path: '/_local/clock',
        headers: { 'content-type': type, origin: 'https://evil.example.com' },
        body: { now: '2099-06-01T12:00:00Z' },
      });
      expect(answer.status).toBe(415);
    }
    expect(ctx.runtime.clock.now().getUTCFullYear()).toBe(before);
  });
});

describe('/_local/mail', () => {
  it('shows captured emails to loopback only', async () => {
    const { mailUrl, apiUrl } = ctx.runtime;
    // Something worth stealing: an email in the mailbox.
    const mailProbe = probes[2] as Probe;
    expect((await mailProbe.write(good(mailUrl), 999)).status).toBe(200);

    for (const host of ['evil.example.com', `evil.example.com:${portOf(apiUrl)}`]) {
      const read = await send(apiUrl, host, { path: '/_local/mail' });
      expect(read.status).toBe(421);
      expect(read.body).not.toContain('local-hosts 999');
    }
    const read = await send(apiUrl, `localhost:${portOf(apiUrl)}`, { path: '/_local/mail' });
    expect(read.status).toBe(200);
    expect(read.body).toContain('local-hosts 999');
  });

  it('refuses a request without any Host (HTTP/1.0)', async () => {
    // Node's own parser turns away an HTTP/1.1 request without Host; HTTP/1.0 ones reach the check.
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = connect(portOf(ctx.runtime.apiUrl), '127.0.0.1', () => {
        socket.end('GET /_local/mail HTTP/1.0\r\n\r\n');
      });
      const chunks: Buffer[] = [];
      socket.on('data', (chunk: Buffer) => chunks.push(chunk));
      socket.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
      socket.on('error', reject);
    });
    expect(answer).toMatch(/^HTTP\/1\.[01] 421 /);
    expect(answer).not.toContain('local-hosts');
  });
});

describe('the start-up banner', () => {
  const ROOT = fileURLToPath(new URL('../..', import.meta.url));
  let child: ChildProcess | undefined;
  let dataDir: string | undefined;

  afterEach(async () => {
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child?.once('exit', resolve));
      child.kill('SIGTERM');
      // Not an assertion: only makes sure a stuck child cannot outlive the test run.
      const force = setTimeout(() => child?.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(force);
    }
    child = undefined;
    if (dataDir) await removeDir(dataDir);
    dataDir = undefined;
  });

  /** Runs `npm start` (on free ports) until its banner is out; resolves with everything printed so far. */
  async function startMain(apiKey: string | undefined) {
    dataDir = await tempDir();
    const env: NodeJS.ProcessEnv = { ...process.env, PORT: '0', MAIL_PORT: '0', DYNAMODB_PORT: '0' };
    env.DATA_DIR = dataDir;
    for (const name of ['API_KEY', 'MAIL_URL', 'PUBLIC_URL', 'LOCAL_FAULTS', 'LOCAL_FAULTS_SEED'])
      delete env[name];
    if (apiKey !== undefined) env.API_KEY = apiKey;
    const spawned = spawn(process.execPath, ['--import', 'tsx', 'local/main.ts'], {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = spawned;
    let output = '';
    spawned.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
    });
    spawned.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
    });
    await new Promise<void>((resolve, reject) => {
      const check = () => {
        if (output.includes('Press Ctrl-C to stop.')) resolve();
      };
      spawned.stdout?.on('data', check);
      spawned.once('error', reject);
      spawned.once('exit', (code) => reject(new Error(`local/main.ts exited (${code}) early:\n${output}`)));
    });
    const apiUrl = /API\s+(http:\/\/127\.0\.0\.1:\d+)/.exec(output)?.[1];
    expect(apiUrl).toBeDefined();
    return { apiUrl: apiUrl as string, output: () => output };
  }

  /** The status GET /interviews/… answers with this key: 401 when the runtime does not take it. */
  const statusWithKey = async (apiUrl: string, key: string) =>
    (await fetch(`${apiUrl}/interviews/no-such-interview`, { headers: { Authorization: `Bearer ${key}` } }))
      .status;

  it('does not print an API_KEY you set', { timeout: 60_000 }, async () => {
    const key = 'mrs-hiring-manager-secret-key-7f3a';
    const { apiUrl, output } = await startMain(key);
    // The key is the one in effect (so not printing it is not just ignoring it).
    expect(await statusWithKey(apiUrl, key)).not.toBe(401);
    expect(await statusWithKey(apiUrl, 'local-dev-key')).toBe(401);
    expect(output()).toContain('API key    (the API_KEY you set; not shown)');
    expect(output()).not.toContain(key);
  });

  it('prints the default development key', { timeout: 60_000 }, async () => {
    const { apiUrl, output } = await startMain(undefined);
    expect(await statusWithKey(apiUrl, 'local-dev-key')).not.toBe(401);
    expect(output()).toMatch(/API key {4}local-dev-key /);
  });
});
