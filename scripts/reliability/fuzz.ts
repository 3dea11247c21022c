/**
 * Phase fuzz: the security review's attacks, each named, then fast-check samples of hostile
 * bodies and tokens, against intake, preview and the cancel page. Nothing may answer 5xx, take a
 * second, or create a schedule or an email.
 */
import fc from 'fast-check';
import { NO_LIMITS, startLocalRuntime } from '../../local/runtime.js';
import { ATTACKS, contentType, hostileBody, hostileToken } from '../../test/support/hostile.js';
import { api, quiet, removeDir, tempDir } from './common.js';
import type { Report } from './report.js';

export async function fuzz(report: Report, size: { cases: number }): Promise<void> {
  const dataDir = await tempDir();
  const runtime = await startLocalRuntime({ dataDir, log: quiet, limits: NO_LIMITS });
  try {
    const client = api(runtime.apiUrl, runtime.apiKey);
    await client.setClock('2026-11-27T19:30:00.000Z');
    const before = { pending: runtime.emulator.pending().length, mail: (await client.mail()).length };
    const statuses = new Map<number, number>();
    let cases = 0;
    let longest = { ms: 0, what: '' };
    const count = (status: number) => statuses.set(status, (statuses.get(status) ?? 0) + 1);
    /** One request, timed from sending to the last byte of the answer. */
    const timed = async (what: string, url: string, init: RequestInit) => {
      const started = performance.now();
      const res = await fetch(url, init);
      await res.arrayBuffer();
      const ms = performance.now() - started;
      if (ms > longest.ms) longest = { ms, what };
      count(res.status);
      cases += 1;
      return { status: res.status, ms };
    };
    const post = (body: string, type = 'application/json') => ({
      method: 'POST',
      headers: { Authorization: `Bearer ${runtime.apiKey}`, ...(type && { 'Content-Type': type }) },
      body,
    });
    // The review's attacks first, each named, then the random corpus (which also holds them).
    for (const [name, attack] of Object.entries(ATTACKS)) {
      for (const path of ['/interviews', '/interviews/preview']) {
        const { status, ms } = await timed(name, `${runtime.apiUrl}${path}`, post(JSON.stringify(attack)));
        if (status !== 400) throw new Error(`${name} on ${path}: ${status}, not 400`);
        if (name === 'worst-case placeholder input' && path === '/interviews/preview') {
          report.row('fuzz', 'worst-case placeholder input, preview (ms)', ms.toFixed(1), 'target < 1000');
        }
      }
    }
    const bodies = fc.sample(fc.tuple(hostileBody, contentType), { numRuns: size.cases, seed: 11 });
    for (const path of ['/interviews', '/interviews/preview']) {
      for (const [body, type] of bodies)
        await timed(`a hostile body on ${path}`, `${runtime.apiUrl}${path}`, post(body, type));
    }
    const tokens = fc.sample(fc.tuple(hostileToken, hostileBody, contentType), {
      numRuns: size.cases,
      seed: 12,
    });
    for (const [token, body, type] of tokens) {
      const url = `${runtime.apiUrl}/cancel/${encodeURIComponent(token)}`;
      const form: RequestInit = { method: 'POST', body, ...(type && { headers: { 'Content-Type': type } }) };
      for (const init of [{}, form]) await timed('a hostile cancel request', url, init);
    }
    await runtime.emulator.settle();
    const after = { pending: runtime.emulator.pending().length, mail: (await client.mail()).length };
    const fivexx = [...statuses].filter(([s]) => s >= 500).reduce((a, [, c]) => a + c, 0);
    report.row('fuzz', 'hostile requests (intake, preview, cancel)', cases);
    report.row(
      'fuzz',
      'status codes',
      [...statuses]
        .sort()
        .map(([s, c]) => `${s}:${c}`)
        .join(' '),
    );
    report.row('fuzz', '5xx answers', fivexx, 'target 0');
    report.row('fuzz', `longest request (ms): ${longest.what}`, longest.ms.toFixed(1), 'target < 1000');
    report.row(
      'fuzz',
      'schedules or emails created',
      after.pending - before.pending + after.mail - before.mail,
      'target 0',
    );
  } finally {
    await runtime.stop();
    await removeDir(dataDir);
  }
}
