/**
 * A TypeScript script of test/support in a Node process of its own, for the kill -9 tests: it
 * prints JSON lines on stdout, which `line()` waits for; `kill()` sends a signal and waits for the
 * exit. Nothing here waits on a timer: a test that never sees its line ends at its timeout.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export type Line = Record<string, unknown>;

export interface ChildScript {
  process: ChildProcess;
  /** The first line printed so far, or to come, that `match` accepts; rejects if the child ends first. */
  line(match: (line: Line) => boolean): Promise<Line>;
  /** Sends the signal (SIGKILL unless told) and resolves once the process is gone. */
  kill(signal?: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export function startScript(name: string, args: string[], env: Record<string, string> = {}): ChildScript {
  const script = fileURLToPath(new URL(name, import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: Line[] = [];
  let waiters: Array<{ match: (line: Line) => boolean; resolve: (line: Line) => void }> = [];
  let stderr = '';
  let ended: Error | undefined;
  const failures = new Set<(err: Error) => void>();

  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-20_000);
  });
  createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (text) => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      return; // not one of ours
    }
    if (typeof parsed !== 'object' || parsed === null) return;
    const line = parsed as Line;
    lines.push(line);
    const matched = waiters.filter((waiter) => waiter.match(line));
    waiters = waiters.filter((waiter) => !matched.includes(waiter));
    for (const waiter of matched) waiter.resolve(line);
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    // 'close': the process is gone and its stdout has been read to the end.
    child.once('close', (code, signal) => {
      ended = new Error(`${name} ended (${signal ?? code}) before the expected line; its stderr:\n${stderr}`);
      for (const fail of failures) fail(ended);
      resolve({ code, signal });
    });
  });

  return {
    process: child,
    line(match) {
      const seen = lines.find(match);
      if (seen) return Promise.resolve(seen);
      if (ended) return Promise.reject(ended);
      return new Promise<Line>((resolve, reject) => {
        failures.add(reject);
        waiters.push({
          match,
          resolve: (line) => {
            failures.delete(reject);
            resolve(line);
          },
        });
      });
    },
    async kill(signal = 'SIGKILL') {
      if (!ended) child.kill(signal);
      return exited;
    },
  };
}
