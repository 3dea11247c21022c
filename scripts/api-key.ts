/**
 * `npm run api-key -- <command>`: create, list and revoke API keys.
 *
 *   create --name "<owner>"   prints the new key once; only its SHA-256 is stored
 *   list                      key ids, names, dates (never a secret)
 *   revoke <keyId>            the key stops working at once; emails its interviews already
 *                             scheduled still go out
 *     --cancel-pending        also cancels every email its interviews still have pending
 *                             (lambdas/shared/revoke.ts: a scan of the whole table)
 *     --schedule-group <name> on AWS, also deletes their schedules in that group
 *
 * Where: the local runtime by default (its DynamoDB on 127.0.0.1:$DYNAMODB_PORT, 8006 unless
 * set; `npm start` must be running). For a deployed stack: `--table <TableName>` (the stack's
 * `TableName` output) with your AWS credentials and `--region` (or AWS_REGION).
 *
 * Schedules: the database cancel is what counts; a schedule that fires afterwards finds its email
 * cancelled and sends nothing, so deleting it is cleanup. Locally the runtime's scheduler is on a
 * port of its own choosing, out of this script's reach, so there only the database is changed.
 */
import { parseArgs } from 'node:util';
import { DynamoAccessStore } from '../lambdas/aws/access.js';
import { dynamoClient, schedulerClient } from '../lambdas/aws/clients.js';
import { EventBridgeEmailScheduler } from '../lambdas/aws/scheduler.js';
import { DynamoInterviewStore } from '../lambdas/aws/store.js';
import { newApiKeySecret, newKeyId } from '../lambdas/core/access.js';
import { systemClock } from '../lambdas/core/clock.js';
import { type EmailScheduler, jsonLogger, type Logger } from '../lambdas/core/ports.js';
import { hashSecret } from '../lambdas/core/tokens.js';
import { revokeKey } from '../lambdas/shared/revoke.js';

const USAGE = `usage: npm run api-key -- create --name "<owner>" | list
       | revoke <keyId> [--cancel-pending [--schedule-group <name>]]
  [--table <TableName> [--region <region>]]   a deployed stack (default: the local runtime)`;

function fail(message: string): never {
  console.error(`${message}\n${USAGE}`);
  process.exit(2);
}

const { values, positionals } = (() => {
  try {
    return parseArgs({
      allowPositionals: true,
      options: {
        name: { type: 'string' },
        table: { type: 'string' },
        region: { type: 'string' },
        'cancel-pending': { type: 'boolean' },
        'schedule-group': { type: 'string' },
      },
    });
  } catch (err) {
    return fail(err instanceof Error ? err.message : String(err));
  }
})();

const [command, ...rest] = positionals;
const local = values.table === undefined;
const region = values.region ?? process.env.AWS_REGION ?? (local ? 'us-east-1' : undefined);
if (!region) fail('--region (or AWS_REGION) is needed with --table');
const endpoint = local ? `http://127.0.0.1:${process.env.DYNAMODB_PORT || 8006}` : undefined;
const db = dynamoClient(
  { region, endpoints: { dynamodb: endpoint } },
  local ? { credentials: { accessKeyId: 'local', secretAccessKey: 'local' } } : {},
);
const store = new DynamoAccessStore(db, values.table ?? 'interviews');
const where = local ? `the local runtime (${endpoint})` : `table ${values.table}`;
const group = values['schedule-group'];
const scheduler = group && region ? schedulerClient({ region, endpoints: {} }) : undefined;
/** The use case's warnings and errors (redacted JSON lines on stderr); this output says the rest. */
const log: Logger = (level, message, fields) => {
  if (level !== 'info') jsonLogger(level, message, fields);
};
/** Locally, and on AWS without --schedule-group: schedules stay and fire into a cancelled email. */
const keepSchedules: Pick<EmailScheduler, 'delete'> = { delete: async () => {} };

try {
  switch (command) {
    case 'create': {
      const name = values.name?.trim();
      const printable = [...(name ?? '')].every((ch) => ch.charCodeAt(0) >= 32 && ch.charCodeAt(0) !== 127);
      if (!name || name.length > 100 || !printable) fail('create needs --name "<owner>" (1-100 characters)');
      const secret = newApiKeySecret();
      const key = { keyId: newKeyId(), name, createdAt: new Date().toISOString() };
      await store.createKey(hashSecret(secret), key);
      console.log(`Created ${key.keyId} for "${name}" in ${where}.`);
      console.log(`API key (shown only now; store it safely):\n\n  ${secret}\n`);
      break;
    }
    case 'list': {
      const keys = await store.listKeys();
      if (keys.length === 0) console.log(`No keys in ${where}.`);
      for (const k of keys) {
        console.log(
          `${k.keyId}  ${k.revokedAt ? `revoked ${k.revokedAt}` : 'active'}  created ${k.createdAt}  ${k.name}`,
        );
      }
      if (local) console.log('(The API_KEY variable of npm start is also accepted; it is not stored.)');
      break;
    }
    case 'revoke': {
      const keyId = rest[0];
      const cancel = values['cancel-pending'] === true;
      if (!keyId) fail('revoke needs a key id (see list)');
      if (group !== undefined && !cancel) fail('--schedule-group goes with --cancel-pending');
      if (group !== undefined && local) {
        fail("--schedule-group is for a deployed stack (with --table); the local runtime's schedules stay");
      }
      const deps = {
        keys: store,
        store: new DynamoInterviewStore(db, values.table ?? 'interviews'),
        scheduler: scheduler && group ? new EventBridgeEmailScheduler(scheduler, group) : keepSchedules,
        clock: systemClock,
        log,
      };
      const result = await revokeKey(deps, keyId, { cancelPending: cancel });
      if (!result.revoked) fail(`no key ${keyId} in ${where}`);
      console.log(`Revoked ${keyId}: it is refused from now on.`);
      if (!result.pending) {
        const target = local ? '' : ` --table ${values.table} --region ${region} [--schedule-group <name>]`;
        console.log('Emails already scheduled for its interviews still go out. To cancel them as well, run');
        console.log(`\n  npm run api-key -- revoke ${keyId} --cancel-pending${target}\n`);
        console.log('(revoking again is harmless).');
        break;
      }
      const { interviews, cancelled, marked, failed } = result.pending;
      console.log(
        `Looked at ${plural(interviews, 'interview')} of ${keyId}: ${plural(cancelled, 'pending email')} cancelled.`,
      );
      if (marked > 0) {
        console.log(
          `${plural(marked, 'email')} being sent at that moment: cancelled if that send fails, else it went out.`,
        );
      }
      if (cancelled > 0) {
        if (group)
          console.log(
            `Their schedules in group ${group} were deleted (any that could not be are logged above).`,
          );
        else {
          const left = local ? "in the local runtime's scheduler" : 'in place (no --schedule-group)';
          console.log(
            `Their schedules are left ${left}: each finds its email cancelled when it fires and sends nothing.`,
          );
        }
      }
      if (failed.length > 0) {
        console.error(
          `${plural(failed.length, 'interview')} not finished (see above): run the same command again.`,
        );
        process.exitCode = 1;
      }
      break;
    }
    default:
      fail(command ? `unknown command "${command}"` : 'a command is needed');
  }
} catch (err) {
  const name = err instanceof Error ? err.name : '';
  if (local && /ECONNREFUSED|fetch failed|TimeoutError/.test(`${name} ${String(err)}`)) {
    fail(`cannot reach ${where}: is npm start running?`);
  }
  console.error(`api-key: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
} finally {
  db.destroy();
  scheduler?.destroy();
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
