/**
 * Phase redos: the worst-case input of the security review (a body of "{{" and 4,990 spaces)
 * through the first version's placeholder pattern and through today's, in this process: the
 * before-and-after of the ReDoS fix. The old pattern is kept here only to be measured.
 */
import type { Report } from './report.js';

export function redos(report: Report, size: { spaces: number }): void {
  const input = `{{${' '.repeat(size.spaces)}`;
  const measure = (pattern: RegExp) => {
    const started = performance.now();
    [...input.matchAll(pattern)];
    return performance.now() - started;
  };
  const before = measure(/\{\{\s*([^{}]*?)\s*\}\}/g);
  const after = measure(/\{\{([^{}]*)\}\}/g);
  report.row('redos', `"{{" + ${input.length - 2} spaces, first version's pattern (ms)`, before.toFixed(1));
  report.row('redos', `the same input, today's pattern (ms)`, after.toFixed(3));
}
