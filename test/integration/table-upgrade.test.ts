/**
 * A data folder from before the sweep's index: the local runtime rebuilds its table once, keeping
 * every item, and gives each pending interview its first `checkAt`, so the sweep sees it.
 */

import { access, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CreateTableCommand, DeleteTableCommand, DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, describe, expect, it } from 'vitest';
import { dynamoClient } from '../../lambdas/aws/clients.js';
import { TABLE } from '../../lambdas/aws/table.js';
import type { LocalRuntime } from '../../local/runtime.js';
import { validBody } from '../fixtures.js';
import { client, localAws, removeDir, start, tempDir } from './helpers.js';

let dataDir = '';
let runtime: LocalRuntime | undefined;
afterAll(async () => {
  await runtime?.stop();
  if (dataDir) await removeDir(dataDir);
});

async function gone(db: ReturnType<typeof dynamoClient>): Promise<void> {
  for (;;) {
    try {
      await db.send(new DescribeTableCommand({ TableName: 'interviews' }));
    } catch {
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Waits until the table dynalite is creating takes writes (it is CREATING for a moment first). */
async function active(db: ReturnType<typeof dynamoClient>): Promise<void> {
  for (;;) {
    const out = await db.send(new DescribeTableCommand({ TableName: 'interviews' }));
    if (out.Table?.TableStatus === 'ACTIVE') return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('local table from an earlier version', () => {
  it('is rebuilt once with the due index; items are kept and pending interviews get a checkAt', async () => {
    dataDir = await tempDir();
    runtime = await start(dataDir);
    let api = client(runtime);
    await api.setClock('2026-11-27T19:30:00.000Z');
    const res = await api.submit(validBody());
    const { id } = (await res.json()) as { id: string };
    await runtime.emulator.settle(); // the confirmation is out
    const aws = localAws(runtime);
    let db = dynamoClient(aws.config, aws.options);
    // Make it look like an earlier version's table: no due index, no checkAt.
    const item = (await db.send(new GetCommand({ TableName: 'interviews', Key: { id } }))).Item ?? {};
    const { checkAt: _c, checkShard: _s, ...old } = item;
    await db.send(new DeleteTableCommand({ TableName: 'interviews' }));
    await gone(db);
    await db.send(
      new CreateTableCommand({
        TableName: 'interviews',
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [
          { AttributeName: TABLE.partitionKey, AttributeType: 'S' },
          { AttributeName: TABLE.tokenKey, AttributeType: 'S' },
        ],
        KeySchema: [{ AttributeName: TABLE.partitionKey, KeyType: 'HASH' }],
        GlobalSecondaryIndexes: [
          {
            IndexName: TABLE.tokenIndex,
            KeySchema: [{ AttributeName: TABLE.tokenKey, KeyType: 'HASH' }],
            Projection: { ProjectionType: 'KEYS_ONLY' },
          },
        ],
      }),
    );
    await active(db);
    await db.send(new PutCommand({ TableName: 'interviews', Item: old }));
    await db.send(new PutCommand({ TableName: 'interviews', Item: { id: 'key#example', name: 'kept' } }));
    db.destroy();
    await runtime.stop();

    runtime = await start(dataDir);
    api = client(runtime);
    const again = localAws(runtime);
    db = dynamoClient(again.config, again.options);
    try {
      const table = await db.send(new DescribeTableCommand({ TableName: 'interviews' }));
      expect((table.Table?.GlobalSecondaryIndexes ?? []).map((i) => i.IndexName).sort()).toEqual(
        [TABLE.dueIndex, TABLE.tokenIndex].sort(),
      );
      const upgraded = (await db.send(new GetCommand({ TableName: 'interviews', Key: { id } }))).Item;
      expect(upgraded?.checkAt).toBe('2026-11-27T22:05:00.000Z');
      expect(upgraded?.candidate).toEqual(old.candidate);
      const other = (await db.send(new GetCommand({ TableName: 'interviews', Key: { id: 'key#example' } })))
        .Item;
      expect(other).toEqual({ id: 'key#example', name: 'kept' });
      // The sweep now finds it when it is due, and the cancel link still works (token index).
      expect((await (await api.get(id)).json()) as object).toMatchObject({ id });
    } finally {
      db.destroy();
    }
  });

  it('a rebuild cut short (its saved items still on disk) is finished at the next start', async () => {
    const dir = await tempDir();
    try {
      await writeFile(
        join(dir, 'table-rebuild.json'),
        JSON.stringify([{ id: 'key#saved', name: 'saved before the kill' }]),
      );
      const resumed = await start(dir);
      try {
        const aws = localAws(resumed);
        const db = dynamoClient(aws.config, aws.options);
        const item = (await db.send(new GetCommand({ TableName: 'interviews', Key: { id: 'key#saved' } })))
          .Item;
        db.destroy();
        expect(item).toEqual({ id: 'key#saved', name: 'saved before the kill' });
        await expect(access(join(dir, 'table-rebuild.json'))).rejects.toThrow();
      } finally {
        await resumed.stop();
      }
    } finally {
      await removeDir(dir);
    }
  });
});
