/**
 * Phase load: clients in this process submit interviews as fast as the runtime answers, for a
 * while; then every interview answered 201 must be stored, with both its schedules.
 */

import { percentile } from '../../bench/report.js';
import { NO_LIMITS, startLocalRuntime } from '../../local/runtime.js';
import { api, interviewBody, quiet, removeDir, tempDir } from './common.js';
import type { Report } from './report.js';

export async function load(report: Report, size: { clients: number; seconds: number }): Promise<void> {
  const dataDir = await tempDir();
  const runtime = await startLocalRuntime({ dataDir, log: quiet, limits: NO_LIMITS });
  try {
    const client = api(runtime.apiUrl, runtime.apiKey);
    await client.setClock('2026-11-23T13:00:00.000Z');
    const latencies: number[] = [];
    const ids: string[] = [];
    let errors = 0;
    let next = 0;
    const deadline = performance.now() + size.seconds * 1000;
    await Promise.all(
      Array.from({ length: size.clients }, async () => {
        while (performance.now() < deadline) {
          const i = next++;
          const started = performance.now();
          const res = await client.submit(interviewBody(i, 'load'));
          latencies.push(performance.now() - started);
          if (res.status === 201) ids.push(((await res.json()) as { id: string }).id);
          else {
            errors += 1;
            await res.arrayBuffer();
          }
        }
      }),
    );
    await runtime.emulator.settle();
    const pending = new Set(runtime.emulator.pending().map((p) => p.name));
    let lost = 0;
    for (const id of ids) {
      const found = await client.get(id);
      await found.arrayBuffer();
      if (found.status !== 200 || !pending.has(`${id}-thank-you`) || !pending.has(`${id}-follow-up`))
        lost += 1;
    }
    report.row('load', `${size.clients} clients for ${size.seconds} s: requests`, latencies.length);
    report.row('load', 'requests per second', (latencies.length / size.seconds).toFixed(1));
    report.row('load', 'errors', errors, 'target 0');
    report.row('load', 'p50 latency (ms)', percentile(latencies, 50).toFixed(1));
    report.row('load', 'p99 latency (ms)', percentile(latencies, 99).toFixed(1));
    report.row('load', 'interviews lost (201 but not stored and scheduled)', lost, 'target 0');
  } finally {
    await runtime.stop();
    await removeDir(dataDir);
  }
}
