/**
 * The whole local runtime in a process of its own, for the kill -9 test of
 * test/integration/durability.test.ts:
 *
 *   MAIL_URL=http://127.0.0.1:… node --import tsx test/support/runtime-child.ts <dataDir> [hold-sends]
 *
 * The SES stand-in (MAIL_URL) runs in the test's process, so the mailbox outlives a kill. Prints
 * `{"apiUrl": …, "apiKey": …}` once it serves; SIGTERM stops it cleanly (exit code 0).
 *
 * `hold-sends` keeps every run of the sender waiting, never started, until the process is killed:
 * the kill then never lands inside a send, where the sender's at-most-once rule would leave an
 * email unsent on purpose (claimed, outcome unknown), which would make the test's count a race.
 */
import { NO_LIMITS, startLocalRuntime } from '../../local/runtime.js';

const [dataDir, mode] = process.argv.slice(2);
const mailUrl = process.env.MAIL_URL;
if (!dataDir || !mailUrl || (mode !== undefined && mode !== 'hold-sends')) {
  process.stderr.write('usage: MAIL_URL=… runtime-child.ts <dataDir> [hold-sends]\n');
  process.exit(2);
}

const runtime = await startLocalRuntime({
  dataDir,
  mailUrl,
  log: () => {},
  limits: NO_LIMITS,
  ...(mode === 'hold-sends' && { instrument: { aroundSend: () => new Promise<void>(() => {}) } }),
});
process.stdout.write(`${JSON.stringify({ apiUrl: runtime.apiUrl, apiKey: runtime.apiKey })}\n`);

process.once('SIGTERM', () => {
  runtime.stop().then(
    () => process.exit(0),
    (err: unknown) => {
      process.stderr.write(`stop failed: ${err instanceof Error ? err.stack : String(err)}\n`);
      process.exit(1);
    },
  );
});
