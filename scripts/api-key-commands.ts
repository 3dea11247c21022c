/**
 * The commands of `npm run api-key` (scripts/api-key.ts), written against the ports: the script
 * wires them to DynamoDB (the local runtime's or a deployed table); the in-process tests call
 * them on the in-memory stores.
 */
import { parseArgs } from 'node:util';
import { newApiKeySecret, newKeyId } from '../lambdas/core/access.js';
import type { Clock } from '../lambdas/core/clock.js';
import type { EmailScheduler, InterviewStore, KeyStore, Logger } from '../lambdas/core/ports.js';
import { hashSecret } from '../lambdas/core/tokens.js';
import { revokeKey } from '../lambdas/usecases/revoke.js';

export const USAGE = `usage: npm run api-key -- create --name "<owner>" | list
       | revoke <keyId> [--cancel-pending [--schedule-group <name>]]
  [--table <TableName> [--region <region>]]   a deployed stack (default: the local runtime)`;

/** A command line that cannot be run as given: the message, then the usage (exit status 2). */
export class UsageError extends Error {}

function usage(message: string): never {
  throw new UsageError(message);
}

export interface ApiKeyArgs {
  command: string | undefined;
  rest: string[];
  values: {
    name?: string;
    table?: string;
    region?: string;
    'cancel-pending'?: boolean;
    'schedule-group'?: string;
  };
}

export function parseApiKeyArgs(argv: string[]): ApiKeyArgs {
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        name: { type: 'string' },
        table: { type: 'string' },
        region: { type: 'string' },
        'cancel-pending': { type: 'boolean' },
        'schedule-group': { type: 'string' },
      },
    });
    const [command, ...rest] = positionals;
    return { command, rest, values };
  } catch (err) {
    return usage(err instanceof Error ? err.message : String(err));
  }
}

/** Where the commands act, and what they say about it. */
export interface ApiKeyTarget {
  keys: KeyStore;
  store: InterviewStore;
  /** Deletes the schedules of cancelled emails; a no-op where they stay (locally, or no group). */
  scheduler: Pick<EmailScheduler, 'delete'>;
  clock: Clock;
  log: Logger;
  /** "the local runtime (…)" or "table …", in messages. */
  where: string;
  local: boolean;
  table?: string;
  region?: string;
  /** --schedule-group: the group whose schedules a cancel deletes. */
  group?: string;
}

export interface Output {
  out(line: string): void;
  err(line: string): void;
}

/** Runs one command; resolves with the exit status. Throws UsageError for a bad command line. */
export async function runApiKeyCommand(args: ApiKeyArgs, target: ApiKeyTarget, io: Output): Promise<number> {
  switch (args.command) {
    case 'create': {
      const name = args.values.name?.trim();
      const printable = [...(name ?? '')].every((ch) => ch.charCodeAt(0) >= 32 && ch.charCodeAt(0) !== 127);
      if (!name || name.length > 100 || !printable) usage('create needs --name "<owner>" (1-100 characters)');
      const secret = newApiKeySecret();
      const key = { keyId: newKeyId(), name, createdAt: target.clock.now().toISOString() };
      await target.keys.createKey(hashSecret(secret), key);
      io.out(`Created ${key.keyId} for "${name}" in ${target.where}.`);
      io.out(`API key (shown only now; store it safely):\n\n  ${secret}\n`);
      break;
    }
    case 'list': {
      const keys = await target.keys.listKeys();
      if (keys.length === 0) io.out(`No keys in ${target.where}.`);
      for (const k of keys) {
        io.out(
          `${k.keyId}  ${k.revokedAt ? `revoked ${k.revokedAt}` : 'active'}  created ${k.createdAt}  ${k.name}`,
        );
      }
      if (target.local) io.out('(The API_KEY variable of npm start is also accepted; it is not stored.)');
      break;
    }
    case 'revoke': {
      const keyId = args.rest[0];
      const cancel = args.values['cancel-pending'] === true;
      if (!keyId) usage('revoke needs a key id (see list)');
      if (target.group !== undefined && !cancel) usage('--schedule-group goes with --cancel-pending');
      if (target.group !== undefined && target.local) {
        usage("--schedule-group is for a deployed stack (with --table); the local runtime's schedules stay");
      }
      const result = await revokeKey(target, keyId, { cancelPending: cancel });
      if (!result.revoked) usage(`no key ${keyId} in ${target.where}`);
      io.out(`Revoked ${keyId}: it is refused from now on.`);
      if (!result.pending) {
        const where = target.local
          ? ''
          : ` --table ${target.table} --region ${target.region} [--schedule-group <name>]`;
        io.out('Emails already scheduled for its interviews still go out. To cancel them as well, run');
        io.out(`\n  npm run api-key -- revoke ${keyId} --cancel-pending${where}\n`);
        io.out('(revoking again is harmless).');
        break;
      }
      const { interviews, cancelled, marked, failed } = result.pending;
      io.out(
        `Looked at ${plural(interviews, 'interview')} of ${keyId}: ${plural(cancelled, 'pending email')} cancelled.`,
      );
      if (marked > 0) {
        io.out(
          `${plural(marked, 'email')} being sent at that moment: cancelled if that send fails, else it went out.`,
        );
      }
      if (cancelled > 0) {
        if (target.group)
          io.out(
            `Their schedules in group ${target.group} were deleted (any that could not be are logged above).`,
          );
        else {
          const left = target.local ? "in the local runtime's scheduler" : 'in place (no --schedule-group)';
          io.out(
            `Their schedules are left ${left}: each finds its email cancelled when it fires and sends nothing.`,
          );
        }
      }
      if (failed.length > 0) {
        io.err(`${plural(failed.length, 'interview')} not finished (see above): run the same command again.`);
        return 1;
      }
      break;
    }
    default:
      usage(args.command ? `unknown command "${args.command}"` : 'a command is needed');
  }
  return 0;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
