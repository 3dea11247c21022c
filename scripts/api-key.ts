/**
 * `npm run api-key -- <command>`: create, list and revoke API keys.
 *
 *   create --name "<owner>"   prints the new key once; only its SHA-256 is stored
 *   list                      key ids, names, dates (never a secret)
 *   revoke <keyId>            the key stops working at once
 *
 * Where: the local runtime by default (its DynamoDB on 127.0.0.1:$DYNAMODB_PORT, 8006 unless
 * set; `npm start` must be running). For a deployed stack: `--table <TableName>` (the stack's
 * `TableName` output) with your AWS credentials and `--region` (or AWS_REGION).
 */
import { parseArgs } from 'node:util';
import { DynamoAccessStore } from '../lambdas/aws/access.js';
import { dynamoClient } from '../lambdas/aws/clients.js';
import { newApiKeySecret, newKeyId } from '../lambdas/core/access.js';
import { hashSecret } from '../lambdas/core/tokens.js';

const USAGE = `usage: npm run api-key -- create --name "<owner>" | list | revoke <keyId>
  [--table <TableName> [--region <region>]]   a deployed stack (default: the local runtime)`;

function fail(message: string): never {
  console.error(`${message}\n${USAGE}`);
  process.exit(2);
}

const { values, positionals } = (() => {
  try {
    return parseArgs({
      allowPositionals: true,
      options: { name: { type: 'string' }, table: { type: 'string' }, region: { type: 'string' } },
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
      if (!keyId) fail('revoke needs a key id (see list)');
      if (!(await store.revokeKey(keyId, new Date().toISOString()))) fail(`no key ${keyId} in ${where}`);
      console.log(`Revoked ${keyId}: it is refused from now on.`);
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
}
