/**
 * The local AWS emulator alone in a process, for the kill -9 tests (test/integration/durability.test.ts):
 *
 *   node --import tsx test/support/emulator-child.ts <dataDir> <ok|hang|fail> <clock ISO instant>
 *
 * Prints `{"url": …}` once it listens, then `{"log": message, …fields}` for each of its log lines.
 * Its one target: `ok` succeeds, `hang` never finishes (an attempt in flight when the kill comes),
 * `fail` always throws. It never fires schedules by itself (the tick is an hour).
 */
import { LocalClock } from '../../local/clock.js';
import { startAwsEmulator } from '../../local/emulator/index.js';

const [dataDir, behaviour, now] = process.argv.slice(2);
if (!dataDir || !['ok', 'hang', 'fail'].includes(behaviour ?? '') || !now) {
  process.stderr.write('usage: emulator-child.ts <dataDir> <ok|hang|fail> <clock ISO instant>\n');
  process.exit(2);
}
const clock = new LocalClock();
clock.set(new Date(now));
const print = (line: Record<string, unknown>) => process.stdout.write(`${JSON.stringify(line)}\n`);

const emulator = await startAwsEmulator({
  dataDir,
  clock,
  invoke: async () => {
    if (behaviour === 'hang') await new Promise<never>(() => {});
    if (behaviour === 'fail') throw new Error('the target is down');
  },
  tickMs: 3_600_000,
  retryBaseMs: 5,
  log: (message, fields) => print({ log: message, ...fields }),
});
print({ url: emulator.url });
