/**
 * DynamoDB adapter for API keys, limits, idempotency records and the suppression list. They live
 * in the interviews table as items of their own, keyed by a prefix no interview id can have
 * (interview ids are UUIDs): `key#<sha256 of the secret>`, `limit#<keyId or *>#<window>`,
 * `idem#<keyId>#<sha256 of the Idempotency-Key>`, `suppressed#<HMAC of the address>`. Every change
 * is a single-item conditional write; counters, idempotency records and suppressions expire
 * through the table's TTL attribute.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  ScanCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import {
  type ApiKey,
  IDEMPOTENCY_HOURS,
  type LimitWindow,
  retryAt,
  suppressionExpiresAt,
} from '../core/access.js';
import type {
  IdempotencyRecord,
  IdempotencyStore,
  KeyStore,
  LimitRefusal,
  LimitStore,
  SuppressionReason,
  SuppressionStore,
} from '../core/ports.js';
import { TABLE } from './table.js';

/** The id prefixes of the access items, beside the interviews in the same table. */
export const ACCESS_PREFIX = {
  key: 'key#',
  limit: 'limit#',
  idempotency: 'idem#',
  suppressed: 'suppressed#',
} as const;
const { key: KEY, limit: LIMIT, idempotency: IDEM, suppressed: SUPPRESSED } = ACCESS_PREFIX;

function conditionFailed(err: unknown): boolean {
  return err instanceof ConditionalCheckFailedException;
}

/** A window that cannot take one more; `previous` is the count its sliding part read. */
class Full extends Error {
  constructor(readonly previous: number) {
    super('limit window full');
  }
}

export class DynamoAccessStore implements KeyStore, LimitStore, IdempotencyStore, SuppressionStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  private key(id: string) {
    return { [TABLE.partitionKey]: id };
  }

  // ---- API keys ------------------------------------------------------------------------------

  async findKey(secretHash: string): Promise<ApiKey | undefined> {
    // Strongly consistent: a revoked key stops working at once.
    const out = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: this.key(KEY + secretHash), ConsistentRead: true }),
    );
    return out.Item ? toApiKey(out.Item) : undefined;
  }

  async createKey(secretHash: string, key: ApiKey): Promise<void> {
    await this.db.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { [TABLE.partitionKey]: KEY + secretHash, ...key },
        ConditionExpression: 'attribute_not_exists(#pk)',
        ExpressionAttributeNames: { '#pk': TABLE.partitionKey },
      }),
    );
  }

  /**
   * Key items matching `filter` (beside the key prefix), every page of a scan: an administrator's
   * occasional call, never a request path. Stops at the first match when `first` is set.
   */
  private async scanKeys(filter: string, values: Record<string, unknown>, first = false) {
    const items: Record<string, unknown>[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const out = await this.db.send(
        new ScanCommand({
          TableName: this.tableName,
          FilterExpression: `begins_with(#pk, :prefix)${filter}`,
          ExpressionAttributeNames: { '#pk': TABLE.partitionKey },
          ExpressionAttributeValues: { ':prefix': KEY, ...values },
          ...(start && { ExclusiveStartKey: start }),
        }),
      );
      items.push(...(out.Items ?? []));
      start = out.LastEvaluatedKey;
    } while (start && !(first && items.length > 0));
    return items;
  }

  async listKeys(): Promise<ApiKey[]> {
    const keys = (await this.scanKeys('', {})).map(toApiKey);
    return keys.sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  }

  async revokeKey(keyId: string, at: string): Promise<boolean> {
    const [item] = await this.scanKeys(' AND keyId = :id', { ':id': keyId }, true);
    if (!item) return false;
    await this.db.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: this.key(String(item[TABLE.partitionKey])),
        UpdateExpression: 'SET revokedAt = if_not_exists(revokedAt, :at)',
        ExpressionAttributeValues: { ':at': at },
      }),
    );
    return true;
  }

  // ---- Limits --------------------------------------------------------------------------------

  async take(windows: readonly LimitWindow[]): Promise<LimitRefusal | undefined> {
    // All windows at once; if any is full (or fails), the counts that were taken are given back.
    const results = await Promise.allSettled(windows.map((w) => this.takeOne(w)));
    const failed = results.findIndex((r) => r.status === 'rejected');
    if (failed === -1) return undefined;
    await this.giveBack(windows.filter((_, i) => results[i]?.status === 'fulfilled'));
    const reason = (results[failed] as PromiseRejectedResult).reason;
    if (!(reason instanceof Full)) throw reason;
    const window = windows[failed] as LimitWindow;
    // Only a sliding window's retry time depends on the count it reached.
    const current = window.previous ? await this.count(window.counter, true) : 0;
    return { window, retryAt: retryAt(window, { current, previous: reason.previous }) };
  }

  private async count(counter: string, consistent: boolean): Promise<number> {
    const out = await this.db.send(
      new GetCommand({
        TableName: this.tableName,
        Key: this.key(LIMIT + counter),
        ConsistentRead: consistent,
      }),
    );
    return Number(out.Item?.count ?? 0);
  }

  /**
   * Counts one in a window: the conditional add against the full limit, in one round trip. A
   * sliding window's limit is lowered by the previous minute's weighted share, but that minute
   * held at most the limit, so a count at or below `limit − ⌈limit × weight⌉` fits whatever it
   * held: only a count above that reads it (eventually consistent is enough: it no longer
   * changes), and gives itself back if the window is full. Most takes so read nothing. Two
   * requests racing for the last place may both be refused (each saw the other's count), never
   * both admitted. (Were a deployment to lower a limit, the minute after the change is judged
   * against the new one as if the old minute had kept to it.)
   */
  private async takeOne(w: LimitWindow): Promise<void> {
    const counted = await this.add(w).catch((err: unknown) => {
      if (conditionFailed(err)) return undefined;
      throw err;
    });
    const weight = w.previous?.weight ?? 0;
    if (counted !== undefined && counted <= w.limit - Math.ceil(w.limit * weight)) return;
    let previous: number;
    try {
      previous = w.previous ? await this.count(w.previous.counter, false) : 0;
    } catch (err) {
      // The count was taken but cannot be judged: give it back, and fail as the read did.
      if (counted !== undefined) await this.giveBack([w]);
      throw err;
    }
    if (counted === undefined) throw new Full(previous);
    if (counted > w.limit - Math.ceil(previous * weight)) {
      await this.giveBack([w]);
      throw new Full(previous);
    }
  }

  /** Adds one unless the window's full limit is reached; the count after it. */
  private async add(w: LimitWindow): Promise<number> {
    const out = await this.db.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: this.key(LIMIT + w.counter),
        UpdateExpression: 'ADD #n :one SET #exp = if_not_exists(#exp, :exp)',
        ConditionExpression: 'attribute_not_exists(#n) OR #n < :limit',
        ExpressionAttributeNames: { '#n': 'count', '#exp': TABLE.ttlAttribute },
        ExpressionAttributeValues: {
          ':one': 1,
          ':limit': w.limit,
          ':exp': Math.ceil(w.endsAt / 1000) + 86_400,
        },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    return Number(out.Attributes?.count ?? 0);
  }

  async giveBack(windows: readonly LimitWindow[]): Promise<void> {
    for (const w of windows) {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: this.key(LIMIT + w.counter),
          UpdateExpression: 'ADD #n :minus',
          ExpressionAttributeNames: { '#n': 'count' },
          ExpressionAttributeValues: { ':minus': -1 },
        }),
      );
    }
  }

  // ---- Idempotency ---------------------------------------------------------------------------

  async claim(scope: string, record: IdempotencyRecord): Promise<IdempotencyRecord | undefined> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { [TABLE.partitionKey]: IDEM + scope, ...record, [TABLE.ttlAttribute]: record.expiresAt },
          // An expired record still in the table (TTL deletes lazily) may be taken over.
          ConditionExpression: 'attribute_not_exists(#pk) OR #exp < :now',
          ExpressionAttributeNames: { '#pk': TABLE.partitionKey, '#exp': TABLE.ttlAttribute },
          ExpressionAttributeValues: { ':now': record.expiresAt - IDEMPOTENCY_HOURS * 3600 },
        }),
      );
      return undefined;
    } catch (err) {
      if (!conditionFailed(err)) throw err;
      return (await this.get(scope)) ?? record;
    }
  }

  async get(scope: string): Promise<IdempotencyRecord | undefined> {
    const out = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: this.key(IDEM + scope), ConsistentRead: true }),
    );
    const item = out.Item;
    if (!item) return undefined;
    return {
      bodyHash: String(item.bodyHash ?? ''),
      interviewId: String(item.interviewId ?? ''),
      salt: String(item.salt ?? ''),
      state: item.state === 'done' || item.state === 'gone' ? item.state : 'pending',
      claimedAt: Number(item.claimedAt ?? 0),
      ...(typeof item.response === 'string' && { response: item.response }),
      expiresAt: Number(item[TABLE.ttlAttribute]),
    };
  }

  async complete(scope: string, response: string): Promise<void> {
    await this.db.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: this.key(IDEM + scope),
        UpdateExpression: 'SET #state = :done, #response = :response',
        ExpressionAttributeNames: { '#state': 'state', '#response': 'response' },
        ExpressionAttributeValues: { ':done': 'done', ':response': response },
      }),
    );
  }

  async takeOver(scope: string, claimedAt: number, now: number): Promise<boolean> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: this.key(IDEM + scope),
          UpdateExpression: 'SET claimedAt = :now',
          ConditionExpression: '#state = :pending AND claimedAt = :then',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: { ':now': now, ':then': claimedAt, ':pending': 'pending' },
        }),
      );
      return true;
    } catch (err) {
      if (conditionFailed(err)) return false;
      throw err;
    }
  }

  async forget(scope: string): Promise<void> {
    const existing = await this.get(scope);
    if (!existing) return; // already expired: nothing to forget
    await this.db.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { [TABLE.partitionKey]: IDEM + scope, state: 'gone', [TABLE.ttlAttribute]: existing.expiresAt },
      }),
    );
  }

  async release(scope: string): Promise<void> {
    await this.db.send(new DeleteCommand({ TableName: this.tableName, Key: this.key(IDEM + scope) }));
  }

  // ---- Suppression list ----------------------------------------------------------------------

  /**
   * One UpdateItem (the feedback function's grant already): the item holds when, why and its
   * expiry, never the address. Only a later event moves them (a retried old one changes nothing).
   */
  async suppress(addressId: string, at: string, reason: SuppressionReason): Promise<void> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: this.key(SUPPRESSED + addressId),
          UpdateExpression: 'SET #at = :at, #reason = :reason, #exp = :exp',
          ConditionExpression: 'attribute_not_exists(#at) OR #at <= :at',
          ExpressionAttributeNames: {
            '#at': 'suppressedAt',
            '#reason': 'reason',
            '#exp': TABLE.ttlAttribute,
          },
          ExpressionAttributeValues: { ':at': at, ':reason': reason, ':exp': suppressionExpiresAt(at) },
        }),
      );
    } catch (err) {
      if (!conditionFailed(err)) throw err; // a later event is recorded already
    }
  }

  /**
   * One strongly consistent GetItem per address (a submission names at most nine), in parallel:
   * a bounce recorded a moment ago refuses at once. An item past its TTL that DynamoDB has not
   * deleted yet (it may take a day or two) still counts: a suppression lasts at least its year.
   */
  async isSuppressed(addressIds: readonly string[]): Promise<string[]> {
    const ids = [...new Set(addressIds)];
    const found = await Promise.all(
      ids.map(async (id) => {
        const out = await this.db.send(
          new GetCommand({
            TableName: this.tableName,
            Key: this.key(SUPPRESSED + id),
            ConsistentRead: true,
            ProjectionExpression: '#pk',
            ExpressionAttributeNames: { '#pk': TABLE.partitionKey },
          }),
        );
        return out.Item !== undefined;
      }),
    );
    return ids.filter((_, i) => found[i]);
  }
}

function toApiKey(item: Record<string, unknown>): ApiKey {
  return {
    keyId: String(item.keyId),
    name: String(item.name),
    createdAt: String(item.createdAt),
    ...(typeof item.revokedAt === 'string' && { revokedAt: item.revokedAt }),
  };
}
