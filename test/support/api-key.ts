/** `npm run api-key` in process: the script's own commands (scripts/api-key-commands.ts) on a service's stores. */
import type { Clock } from '../../lambdas/core/clock.js';
import type { InterviewStore, KeyStore } from '../../lambdas/core/ports.js';
import { parseApiKeyArgs, runApiKeyCommand } from '../../scripts/api-key-commands.js';

/** Runs one command as the script would locally (schedules stay); resolves with its output. */
export async function apiKeyCommand(
  service: { access: KeyStore; store: InterviewStore; clock: Clock },
  ...argv: string[]
): Promise<string> {
  const lines: string[] = [];
  const status = await runApiKeyCommand(
    parseApiKeyArgs(argv),
    {
      keys: service.access,
      store: service.store,
      scheduler: { delete: async () => {} },
      clock: service.clock,
      log: () => {},
      where: 'the local runtime',
      local: true,
    },
    { out: (line) => lines.push(line), err: (line) => lines.push(line) },
  );
  if (status !== 0) throw new Error(`api-key ${argv.join(' ')} exited ${status}:\n${lines.join('\n')}`);
  return `${lines.join('\n')}\n`;
}
