/** Starts the local runtime in-process on free ports and drives it over HTTP, as a client would. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { type LocalOptions, type LocalRuntime, NO_LIMITS, startLocalRuntime } from '../../local/runtime.js';
import type { CapturedMail } from '../../local/service.js';
import { type InProcess, type InProcessOptions, startInProcess } from '../support/in-process.js';

export { localAws, NO_LIMITS } from '../../local/runtime.js';
export type { CapturedMail } from '../../local/service.js';

export const quiet = () => {};

export async function tempDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'interview-followup-'));
}

export async function removeDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}

/** What a client needs of a service: the local runtime over HTTP, or the in-process one. */
export interface Service {
  apiUrl: string;
  apiKey: string;
  /** Answers in process (test/support/in-process.ts); the global fetch otherwise. */
  fetch?: (input: string, init?: RequestInit) => Promise<Response>;
}

export function client(runtime: Service) {
  const send = runtime.fetch ?? fetch;
  const call = (path: string, init: RequestInit = {}) => send(`${runtime.apiUrl}${path}`, init);
  const auth = { Authorization: `Bearer ${runtime.apiKey}` };
  return {
    call,
    submit: (body: unknown, headers: Record<string, string> = {}) =>
      call('/interviews', {
        method: 'POST',
        headers: { ...auth, 'Content-Type': 'application/json', ...headers },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      }),
    get: (id: string) => call(`/interviews/${id}`, { headers: auth }),
    /** fetch of a full URL (a cancel link), through the same service. */
    fetch: (url: string, init?: RequestInit) => send(url, init),
    mail: async (): Promise<CapturedMail[]> => (await call('/_local/mail')).json() as Promise<CapturedMail[]>,
    /** `down`: as if the runtime had been stopped until `now` (what fell due fires late). */
    setClock: async (now: string, down = false) => {
      const res = await call('/_local/clock', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ now, ...(down && { down }) }),
      });
      if (res.status !== 200) throw new Error(`clock: ${res.status} ${await res.text()}`);
      return (await res.json()) as { now: string; fired: { name: string; at: string }[] };
    },
  };
}

export async function start(dataDir: string, options: Partial<LocalOptions> = {}): Promise<LocalRuntime> {
  return startLocalRuntime({ dataDir, log: quiet, limits: NO_LIMITS, ...options });
}

export interface RuntimeContext {
  dataDir: string;
  runtime: LocalRuntime;
  api: ReturnType<typeof client>;
}

/** One local runtime for the test file, on a fresh data folder; `restart()` keeps the folder. */
export function useLocalRuntime(options: Partial<LocalOptions> = {}) {
  const ctx = {} as RuntimeContext;
  beforeAll(async () => {
    ctx.dataDir = await tempDir();
    ctx.runtime = await start(ctx.dataDir, options);
    ctx.api = client(ctx.runtime);
  });
  afterAll(async () => {
    await ctx.runtime?.stop();
    if (ctx.dataDir) await removeDir(ctx.dataDir);
  });
  return {
    ctx,
    async restart() {
      await ctx.runtime.stop();
      ctx.runtime = await start(ctx.dataDir, options);
      ctx.api = client(ctx.runtime);
    },
  };
}

export interface InProcessContext {
  runtime: InProcess;
  api: ReturnType<typeof client>;
}

/**
 * One service for the test file: in process on the in-memory adapters (test/support/in-process.ts),
 * or, with TEST_SERVICE=local in the environment, the whole local runtime on its real stand-in
 * servers, so the same tests show both compositions behave alike (see the README's Development section).
 * Only what both offer is used: the HTTP API, the mailbox, the clock, `emulator.pending()`
 * and `emulator.settle()`.
 */
export function useService(options: InProcessOptions = {}) {
  const ctx = {} as InProcessContext;
  let dataDir: string | undefined;
  beforeAll(async () => {
    if (process.env.TEST_SERVICE === 'local') {
      dataDir = await tempDir();
      const { linkAllowlist, selfServe, ...rest } = options;
      const local = await start(dataDir, {
        ...rest,
        limits: { ...NO_LIMITS, ...options.limits },
        ...(linkAllowlist && { linkAllowlist: linkAllowlist.join(',') }),
        ...(selfServe && { selfServe: 'on' }),
      });
      ctx.runtime = local as unknown as InProcess;
    } else {
      ctx.runtime = startInProcess(options);
    }
    ctx.api = client(ctx.runtime);
  });
  afterAll(async () => {
    await ctx.runtime?.stop();
    if (dataDir) await removeDir(dataDir);
  });
  return { ctx };
}
