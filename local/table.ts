/**
 * The local runtime's DynamoDB table on dynalite: its definition (the stack's, from the same
 * TABLE constants), its creation or upgrade at start, and the compaction that leaves only
 * current values in dynalite's files.
 */
import { access, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  CreateTableCommand,
  type CreateTableCommandInput,
  DeleteTableCommand,
  DescribeTableCommand,
  ResourceNotFoundException,
} from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { ClassicLevel } from 'classic-level';
import { dynamoClient } from '../lambdas/aws/clients.js';
import { DynamoInterviewStore } from '../lambdas/aws/store.js';
import { TABLE } from '../lambdas/aws/table.js';
import type { AwsConfig } from '../lambdas/config.js';
import type { InterviewRecord } from '../lambdas/core/interview.js';
import type { Logger } from '../lambdas/core/ports.js';
import { firstCheckAt } from '../lambdas/core/reconcile.js';

/** The runtime's DynamoDB table. */
export const TABLE_NAME = 'interviews';
/** Dummy keys for the stand-ins, which accept any. */
export const CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };

/**
 * Rewrites dynalite's LevelDB files so they hold only current values. LevelDB keeps an item's
 * earlier versions in its log and tables until a compaction, so without this an erased interview's
 * addresses and texts would stay readable in the data folder. Runs while dynalite is closed (at
 * start, for a run that died, and at stop); a folder without a table yet is left alone.
 */
export async function compactTable(path: string): Promise<void> {
  try {
    await access(join(path, 'CURRENT'));
  } catch {
    return;
  }
  const db = new ClassicLevel(path);
  await db.open();
  try {
    await db.compactRange('\u0000', '\uffff');
  } finally {
    await db.close();
  }
}

export const TABLE_DEFINITION: CreateTableCommandInput = {
  TableName: TABLE_NAME,
  BillingMode: 'PAY_PER_REQUEST',
  AttributeDefinitions: [
    { AttributeName: TABLE.partitionKey, AttributeType: 'S' },
    { AttributeName: TABLE.tokenKey, AttributeType: 'S' },
    { AttributeName: TABLE.dueShardKey, AttributeType: 'S' },
    { AttributeName: TABLE.dueSortKey, AttributeType: 'S' },
  ],
  KeySchema: [{ AttributeName: TABLE.partitionKey, KeyType: 'HASH' }],
  GlobalSecondaryIndexes: [
    {
      IndexName: TABLE.tokenIndex,
      KeySchema: [{ AttributeName: TABLE.tokenKey, KeyType: 'HASH' }],
      Projection: { ProjectionType: 'KEYS_ONLY' },
    },
    {
      IndexName: TABLE.dueIndex,
      KeySchema: [
        { AttributeName: TABLE.dueShardKey, KeyType: 'HASH' },
        { AttributeName: TABLE.dueSortKey, KeyType: 'RANGE' },
      ],
      Projection: { ProjectionType: 'KEYS_ONLY' },
    },
  ],
};

/** Waits (briefly) until the table's status satisfies `done`; undefined means it does not exist. */
async function tableState(db: DynamoDBDocumentClient, done: (status: string | undefined) => boolean) {
  for (let tries = 0; tries < 500; tries++) {
    let status: string | undefined;
    try {
      status = (await db.send(new DescribeTableCommand({ TableName: TABLE_NAME }))).Table?.TableStatus;
    } catch (err) {
      if (!(err instanceof ResourceNotFoundException)) throw err;
    }
    if (done(status)) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`the local table did not settle (${TABLE_NAME})`);
}

/**
 * Creates the table, or brings one made by an older version up to date. dynalite cannot add an
 * index to a table, so a table without the sweep's index is rebuilt once: read whole, made
 * again, written back, each pending interview with its first `checkAt` (see reconcile.ts). The
 * items are saved to `table-rebuild.json` (written whole, then renamed) before the table is
 * deleted, and that file is removed last: a rebuild cut short by a kill is finished at the next
 * start, so nothing the runtime once answered for is lost on the way.
 */
export async function ensureTable(config: AwsConfig, dataDir: string, log: Logger): Promise<void> {
  const db = dynamoClient(config, { credentials: CREDENTIALS });
  const saved = join(dataDir, 'table-rebuild.json');
  try {
    let items = await readFile(saved, 'utf8').then(
      (text) => JSON.parse(text) as Record<string, unknown>[],
      (err: unknown) => {
        if ((err as { code?: unknown }).code === 'ENOENT') return undefined;
        throw err;
      },
    );
    if (items === undefined) {
      let indexes: string[];
      try {
        const out = await db.send(new DescribeTableCommand({ TableName: TABLE_NAME }));
        indexes = (out.Table?.GlobalSecondaryIndexes ?? []).map((index) => index.IndexName ?? '');
      } catch (err) {
        if (!(err instanceof ResourceNotFoundException)) throw err;
        await db.send(new CreateTableCommand(TABLE_DEFINITION));
        return;
      }
      if (indexes.includes(TABLE.dueIndex)) return;
      items = [];
      let start: Record<string, unknown> | undefined;
      do {
        const page = await db.send(new ScanCommand({ TableName: TABLE_NAME, ExclusiveStartKey: start }));
        items.push(...(page.Items ?? []));
        start = page.LastEvaluatedKey;
      } while (start);
      await writeFile(`${saved}.tmp`, JSON.stringify(items));
      await rename(`${saved}.tmp`, saved);
    }
    await db.send(new DeleteTableCommand({ TableName: TABLE_NAME })).catch((err: unknown) => {
      if (!(err instanceof ResourceNotFoundException)) throw err; // a finished delete, resumed
    });
    await tableState(db, (status) => status === undefined); // dynalite deletes in the background
    await db.send(new CreateTableCommand(TABLE_DEFINITION));
    await tableState(db, (status) => status === 'ACTIVE');
    const store = new DynamoInterviewStore(db, TABLE_NAME);
    for (const item of items) {
      const isInterview = typeof item.emails === 'object' && !item.erasedAt;
      const checkAt = isInterview ? firstCheckAt(item as unknown as InterviewRecord) : undefined;
      if (checkAt) await store.create({ ...(item as unknown as InterviewRecord), checkAt });
      else await db.send(new PutCommand({ TableName: TABLE_NAME, Item: item }));
    }
    await rm(saved);
    log('info', 'local table rebuilt with the sweep index', { items: items.length });
  } finally {
    db.destroy();
  }
}
