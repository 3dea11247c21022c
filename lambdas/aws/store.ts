/** DynamoDB adapter: one item per interview; every email status change is a conditional update. */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  ScanCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { erasedHistory, type HistoryEntry } from '../core/history.js';
import {
  assertTransitions,
  type EmailChange,
  type EmailStatus,
  ERASED_EMAIL_FIELDS,
  ERASED_RECORD_FIELDS,
  emailKeys,
  erasedExpiresAt,
  fromStored,
  type InterviewRecord,
} from '../core/interview.js';
import type { EmailKey } from '../core/panel.js';
import type { InterviewStore, TransitionOptions } from '../core/ports.js';
import { ACCESS_PREFIX } from './access.js';
import { appendLog, erasedPaths, unchangedSinceCondition } from './store-expressions.js';
import { DUE_SHARDS, dueShard, TABLE } from './table.js';

/** Every item read is brought to today's shape (an interview stored before panels, see fromStored). */
const read = (item: Record<string, unknown> | undefined) => (item ? fromStored(item) : undefined);

export class DynamoInterviewStore implements InterviewStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async create(record: InterviewRecord): Promise<boolean> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: record.checkAt ? { ...record, [TABLE.dueShardKey]: dueShard(record.id) } : record,
          ConditionExpression: 'attribute_not_exists(#pk)',
          ExpressionAttributeNames: { '#pk': TABLE.partitionKey },
        }),
      );
      return true;
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException) return false;
      throw err;
    }
  }

  async get(id: string): Promise<InterviewRecord | undefined> {
    const out = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: { [TABLE.partitionKey]: id }, ConsistentRead: true }),
    );
    return read(out.Item);
  }

  /**
   * The index is eventually consistent on AWS: a link used within a second of its creation may not
   * be found yet. The item itself is then read strongly consistent.
   */
  async findByTokenHash(tokenHash: string): Promise<InterviewRecord | undefined> {
    const out = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: TABLE.tokenIndex,
        KeyConditionExpression: '#t = :t',
        ExpressionAttributeNames: { '#t': TABLE.tokenKey },
        ExpressionAttributeValues: { ':t': tokenHash },
        Limit: 1,
      }),
    );
    const id = out.Items?.[0]?.[TABLE.partitionKey];
    return typeof id === 'string' ? this.get(id) : undefined;
  }

  async transition(
    id: string,
    key: EmailKey,
    from: readonly EmailStatus[],
    to: EmailStatus,
    fields: EmailChange,
    options: TransitionOptions = {},
  ): Promise<InterviewRecord | undefined> {
    // The same conditions as core/interview.ts `transitioned`, as one conditional update.
    assertTransitions(from, to);
    const names: Record<string, string> = {
      '#pk': TABLE.partitionKey,
      '#e': 'emails',
      '#k': key,
      '#s': 'status',
    };
    if (options.unlessCancelRequested) names['#c'] = 'cancelRequested';
    const values: Record<string, unknown> = { ':to': to };
    if (options.dueBy !== undefined) {
      names['#at'] = 'sendAt';
      values[':due'] = options.dueBy;
    }
    if (options.claimId !== undefined) {
      names['#claim'] = 'claimId';
      values[':claim'] = options.claimId;
    }
    if (options.dueAfter !== undefined) {
      names['#at'] = 'sendAt';
      values[':after'] = options.dueAfter;
    }
    if (options.reasonIs !== undefined) {
      names['#why'] = 'reason';
      values[':why'] = options.reasonIs;
    }
    const sets = ['#e.#k.#s = :to'];
    const removes: string[] = [];
    Object.entries(fields).forEach(([field, value], i) => {
      names[`#f${i}`] = field;
      // A field given as undefined is removed (a restored email loses its cancel's reason).
      if (value === undefined) {
        removes.push(`#e.#k.#f${i}`);
      } else {
        values[`:f${i}`] = value;
        sets.push(`#e.#k.#f${i} = :f${i}`);
      }
    });
    if (options.log) sets.push(appendLog(names, values, options.log));
    const allowed = from.map((status, i) => {
      values[`:from${i}`] = status;
      return `:from${i}`;
    });
    try {
      const out = await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { [TABLE.partitionKey]: id },
          UpdateExpression: `SET ${sets.join(', ')}${removes.length > 0 ? ` REMOVE ${removes.join(', ')}` : ''}`,
          ConditionExpression: [
            'attribute_exists(#pk)',
            `#e.#k.#s IN (${allowed.join(', ')})`,
            ...(options.unlessCancelRequested ? ['attribute_not_exists(#e.#k.#c)'] : []),
            ...(options.claimId !== undefined ? ['#e.#k.#claim = :claim'] : []),
            // ISO instants of one format compare as strings do.
            // (An erased item has no sendAt: it may be claimed, to be ended cancelled.)
            ...(options.dueBy !== undefined
              ? ['(attribute_not_exists(#e.#k.#at) OR #e.#k.#at <= :due)']
              : []),
            ...(options.dueAfter !== undefined ? ['#e.#k.#at > :after'] : []),
            ...(options.reasonIs !== undefined ? ['#e.#k.#why = :why'] : []),
          ].join(' AND '),
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
          ReturnValues: 'ALL_NEW',
        }),
      );
      return read(out.Attributes);
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException) return undefined;
      throw err;
    }
  }

  async replace(next: InterviewRecord, read: InterviewRecord): Promise<boolean> {
    const { conditions, names, values } = unchangedSinceCondition(read);
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: next.checkAt ? { ...next, [TABLE.dueShardKey]: dueShard(next.id) } : next,
          ConditionExpression: conditions.join(' AND '),
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        }),
      );
      return true;
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException) return false;
      throw err;
    }
  }

  async requestCancel(
    id: string,
    key: EmailKey,
    updatedAt: string,
    reason: string,
  ): Promise<InterviewRecord | undefined> {
    try {
      const out = await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { [TABLE.partitionKey]: id },
          UpdateExpression: 'SET #e.#k.#c = :yes, #e.#k.#r = :reason, #e.#k.#u = :u',
          ConditionExpression: 'attribute_exists(#pk) AND #e.#k.#s = :sending',
          ExpressionAttributeNames: {
            '#pk': TABLE.partitionKey,
            '#e': 'emails',
            '#k': key,
            '#s': 'status',
            '#c': 'cancelRequested',
            '#r': 'cancelReason',
            '#u': 'updatedAt',
          },
          ExpressionAttributeValues: {
            ':yes': true,
            ':reason': reason,
            ':u': updatedAt,
            ':sending': 'sending',
          },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return read(out.Attributes);
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException) return undefined;
      throw err;
    }
  }

  async discard(id: string): Promise<void> {
    await this.db.send(new DeleteCommand({ TableName: this.tableName, Key: { [TABLE.partitionKey]: id } }));
  }

  async erase(record: InterviewRecord, at: string, log?: HistoryEntry): Promise<void> {
    // What core/interview.ts `erased` does, as one update: see ERASED_RECORD_FIELDS for the why.
    const keys = emailKeys(record);
    // The history as erasedHistory leaves it: written whole (an entry appended meanwhile is lost
    // with the rest of what is erased).
    const names: Record<string, string> = { '#h': 'history' };
    const values: Record<string, unknown> = {
      ':at': at,
      ':exp': erasedExpiresAt(new Date(at)),
      ':history': erasedHistory(record.history, log),
    };
    const logged = ', #h = :history';
    await this.db.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { [TABLE.partitionKey]: record.id },
        UpdateExpression: `SET erasedAt = :at, #exp = :exp, ${keys.map((_, i) => `#e.#k${i}.#u = :at`).join(', ')}${logged} REMOVE ${erasedPaths(keys).join(', ')}`,
        ConditionExpression: 'attribute_exists(#pk)',
        ExpressionAttributeNames: {
          '#pk': TABLE.partitionKey,
          '#exp': TABLE.ttlAttribute,
          '#shard': TABLE.dueShardKey,
          '#u': 'updatedAt',
          '#e': 'emails',
          ...Object.fromEntries(ERASED_RECORD_FIELDS.map((field, i) => [`#r${i}`, field])),
          ...Object.fromEntries(keys.map((key, i) => [`#k${i}`, key])),
          ...Object.fromEntries(ERASED_EMAIL_FIELDS.map((field, j) => [`#f${j}`, field])),
          ...names,
        },
        ExpressionAttributeValues: values,
      }),
    );
  }

  /**
   * One Query per index partition for `checkAt <= at`, page by page; each hit is then read
   * strongly consistent (the index is eventually consistent and holds only keys). Reads what is
   * due, whatever the table's size.
   */
  async *listDue(at: string): AsyncIterable<InterviewRecord> {
    for (const shard of DUE_SHARDS) {
      let start: Record<string, unknown> | undefined;
      do {
        const out = await this.db.send(
          new QueryCommand({
            TableName: this.tableName,
            IndexName: TABLE.dueIndex,
            KeyConditionExpression: '#shard = :shard AND #checkAt <= :at',
            ExpressionAttributeNames: { '#shard': TABLE.dueShardKey, '#checkAt': TABLE.dueSortKey },
            ExpressionAttributeValues: { ':shard': shard, ':at': at },
            ...(start && { ExclusiveStartKey: start }),
          }),
        );
        for (const item of out.Items ?? []) {
          const id = item[TABLE.partitionKey];
          const record = typeof id === 'string' ? await this.get(id) : undefined;
          if (record) yield record;
        }
        start = out.LastEvaluatedKey;
      } while (start);
    }
  }

  /**
   * The earliest `checkAt` in the index (one Query of one item per partition), or undefined: when
   * the next sweep can find anything. The local clock walks to it (local/service.ts).
   */
  async nextCheckAt(): Promise<string | undefined> {
    const firsts = await Promise.all(
      DUE_SHARDS.map(async (shard) => {
        const out = await this.db.send(
          new QueryCommand({
            TableName: this.tableName,
            IndexName: TABLE.dueIndex,
            KeyConditionExpression: '#shard = :shard',
            ExpressionAttributeNames: { '#shard': TABLE.dueShardKey },
            ExpressionAttributeValues: { ':shard': shard },
            Limit: 1,
          }),
        );
        const at = out.Items?.[0]?.[TABLE.dueSortKey];
        return typeof at === 'string' ? at : undefined;
      }),
    );
    return firsts.filter((at): at is string => at !== undefined).sort()[0];
  }

  async setCheckAt(
    id: string,
    checkAt: string | undefined,
    log: readonly HistoryEntry[] = [],
  ): Promise<void> {
    const names: Record<string, string> = {
      '#pk': TABLE.partitionKey,
      '#checkAt': TABLE.dueSortKey,
      '#shard': TABLE.dueShardKey,
    };
    const values: Record<string, unknown> =
      checkAt === undefined ? {} : { ':checkAt': checkAt, ':shard': dueShard(id) };
    const sets = checkAt === undefined ? [] : ['#checkAt = :checkAt', '#shard = :shard'];
    if (log.length > 0) {
      sets.push(appendLog(names, values, log));
    }
    const update = [
      ...(sets.length > 0 ? [`SET ${sets.join(', ')}`] : []),
      ...(checkAt === undefined ? ['REMOVE #checkAt, #shard'] : []),
    ].join(' ');
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { [TABLE.partitionKey]: id },
          UpdateExpression: update,
          ConditionExpression: 'attribute_exists(#pk)',
          ExpressionAttributeNames: names,
          ...(Object.keys(values).length > 0 && { ExpressionAttributeValues: values }),
        }),
      );
    } catch (err) {
      if (!(err instanceof ConditionalCheckFailedException)) throw err; // gone (TTL): nothing to check
    }
  }

  /**
   * A paginated, strongly consistent Scan of the whole table, filtered on `ownerKeyId`: DynamoDB
   * reads (and bills) every item, interviews and access items alike, whatever the filter keeps.
   * An administrator's occasional call (`npm run api-key -- revoke --cancel-pending`), never a
   * request path. Access items (API keys, limit counters, idempotency records) are left out by
   * their id prefix; interview ids are UUIDs.
   */
  async *listOwnedBy(ownerKeyId: string): AsyncIterable<InterviewRecord> {
    const prefixes = Object.values(ACCESS_PREFIX);
    const values: Record<string, unknown> = { ':owner': ownerKeyId };
    const notAccess = prefixes.map((prefix, i) => {
      values[`:p${i}`] = prefix;
      return `NOT begins_with(#pk, :p${i})`;
    });
    let start: Record<string, unknown> | undefined;
    do {
      const out = await this.db.send(
        new ScanCommand({
          TableName: this.tableName,
          FilterExpression: ['#owner = :owner', ...notAccess].join(' AND '),
          ExpressionAttributeNames: { '#pk': TABLE.partitionKey, '#owner': 'ownerKeyId' },
          ExpressionAttributeValues: values,
          ConsistentRead: true,
          ...(start && { ExclusiveStartKey: start }),
        }),
      );
      for (const item of out.Items ?? []) yield fromStored(item);
      start = out.LastEvaluatedKey;
    } while (start);
  }
}
