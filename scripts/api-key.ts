/**
 * `npm run api-key -- <command>`: create, list and revoke API keys.
 *
 *   create --name "<owner>"   prints the new key once; only its SHA-256 is stored
 *   list                      key ids, names, dates (never a secret)
 *   revoke <keyId>            the key stops working at once; emails its interviews already
 *                             scheduled still go out
 *     --cancel-pending        also cancels every email its interviews still have pending
 *                             (lambdas/usecases/revoke.ts: a scan of the whole table)
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
import { DynamoAccessStore } from '../lambdas/aws/access.js';
import { dynamoClient, schedulerClient } from '../lambdas/aws/clients.js';
import { EventBridgeEmailScheduler } from '../lambdas/aws/scheduler.js';
import { DynamoInterviewStore } from '../lambdas/aws/store.js';
import { systemClock } from '../lambdas/core/clock.js';
import { jsonLogger, type Logger } from '../lambdas/core/ports.js';
import { type ApiKeyArgs, parseApiKeyArgs, runApiKeyCommand, USAGE, UsageError } from './api-key-commands.js';

function fail(message: string): never {
  console.error(`${message}\n${USAGE}`);
  process.exit(2);
}

let args: ApiKeyArgs;
try {
  args = parseApiKeyArgs(process.argv.slice(2));
} catch (err) {
  fail(err instanceof Error ? err.message : String(err));
}
const { values } = args;
const local = values.table === undefined;
const region = values.region ?? process.env.AWS_REGION ?? (local ? 'us-east-1' : undefined);
if (!region) fail('--region (or AWS_REGION) is needed with --table');
const endpoint = local ? `http://127.0.0.1:${process.env.DYNAMODB_PORT || 8006}` : undefined;
const db = dynamoClient(
  { region, endpoints: { dynamodb: endpoint } },
  local ? { credentials: { accessKeyId: 'local', secretAccessKey: 'local' } } : {},
);
const table = values.table ?? 'interviews';
const where = local ? `the local runtime (${endpoint})` : `table ${values.table}`;
const group = values['schedule-group'];
const scheduler = group && region ? schedulerClient({ region, endpoints: {} }) : undefined;
/** The use case's warnings and errors (redacted JSON lines on stderr); this output says the rest. */
const log: Logger = (level, message, fields) => {
  if (level !== 'info') jsonLogger(level, message, fields);
};

try {
  process.exitCode = await runApiKeyCommand(
    args,
    {
      keys: new DynamoAccessStore(db, table),
      store: new DynamoInterviewStore(db, table),
      // Locally, and on AWS without --schedule-group, schedules stay and fire into a cancelled email.
      scheduler:
        scheduler && group ? new EventBridgeEmailScheduler(scheduler, group) : { delete: async () => {} },
      clock: systemClock,
      log,
      where,
      local,
      ...(values.table !== undefined && { table: values.table }),
      region,
      ...(group !== undefined && { group }),
    },
    { out: (line) => console.log(line), err: (line) => console.error(line) },
  );
} catch (err) {
  if (err instanceof UsageError) fail(err.message);
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
