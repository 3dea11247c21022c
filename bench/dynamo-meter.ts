/**
 * DynamoDB metering for the cost phase, as SDK middleware on the clients it is attached to (the
 * service's own, through the local runtime's `instrument.dynamoClient`, and the bench's). While
 * counting, each data-plane request gets ReturnConsumedCapacity TOTAL (unless it asked for some
 * itself) and the ConsumedCapacity of each answer is summed, per operation and kind of item.
 * What dynalite does not report is added by DynamoDB's billing rules:
 * - a read costs at least one unit, half of one when eventually consistent, even if it finds
 *   nothing (dynalite reports 0 for an empty Query);
 * - a write whose condition fails still costs the existing item's size (at least 1 WRU); dynalite
 *   4 ignores ReturnValuesOnConditionCheckFailure, so the item is read with a consistent GetItem
 *   through a client the meter is not attached to, and sized by DynamoDB's documented rules;
 * - a write that puts or removes a token hash also writes the KEYS_ONLY token index (an entry far
 *   under 1 KB: 1 WRU).
 * Transactions (double units) are not used by the code.
 */
import { type AttributeValue, GetItemCommand } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ACCESS_PREFIX } from '../lambdas/aws/access.js';
import { TABLE } from '../lambdas/aws/table.js';
import { sum } from './report.js';

export interface Units {
  requests: number;
  rru: number;
  wru: number;
}

type Json = Record<string, unknown>;
const isJson = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const READS = new Set(['GetItem', 'BatchGetItem', 'Query', 'Scan', 'TransactGetItems']);
const WRITES = new Set(['PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem', 'TransactWriteItems']);

/** Marks, in a request's handler context, a request the meter asked capacity for. */
const METERED = 'benchDynamoMeter';

const utf8 = (s: string) => Buffer.byteLength(s, 'utf8');

/** A number's size: 1 byte per two significant digits (leading and trailing zeros trimmed), plus 1. */
function numberSize(n: string): number {
  const digits = (n.toLowerCase().split('e')[0] ?? '').replace(/\D/g, '').replace(/^0+|0+$/g, '');
  return digits.length === 0 ? 1 : Math.ceil(digits.length / 2) + 1;
}

/** One value's size, without its name, by DynamoDB's documented rules (CapacityUnitCalculations). */
function valueSize(value: AttributeValue): number {
  if (value.S !== undefined) return utf8(value.S);
  if (value.N !== undefined) return numberSize(value.N);
  if (value.B !== undefined) return value.B.byteLength;
  if (value.BOOL !== undefined || value.NULL !== undefined) return 1;
  // Sets: the sum of their elements (the rules name no overhead for them).
  if (value.SS !== undefined) return sum(value.SS.map(utf8));
  if (value.NS !== undefined) return sum(value.NS.map(numberSize));
  if (value.BS !== undefined) return sum(value.BS.map((b) => b.byteLength));
  // A list or a map: 3 bytes, and 1 more per element.
  if (value.L !== undefined) return 3 + sum(value.L.map((v) => 1 + valueSize(v)));
  if (value.M !== undefined) return 3 + sum(Object.values(value.M).map(() => 1)) + itemSize(value.M);
  return 0;
}

/** An item's size in bytes: its attribute names' UTF-8 bytes plus their values' sizes. */
export function itemSize(item: Record<string, AttributeValue>): number {
  return sum(Object.entries(item).map(([name, value]) => utf8(name) + valueSize(value)));
}

/** Which kind of item a key is (lambdas/aws/access.ts keys its own items by prefix). */
function itemKind(id: string | undefined): string {
  if (id?.startsWith(ACCESS_PREFIX.key)) return 'API key';
  if (id?.startsWith(ACCESS_PREFIX.limit)) return 'limit counter';
  if (id?.startsWith(ACCESS_PREFIX.idempotency)) return 'idempotency record';
  if (id?.startsWith(ACCESS_PREFIX.suppressed)) return 'suppression';
  return 'interview';
}

/** What came back for one attempt: its output, or what it threw. */
type Outcome = { output: Json } | { error: unknown };

export class DynamoMeter {
  /** Requests are counted (and the whole phase's other counters run) only while this holds. */
  counting = false;
  readonly units = new Map<string, Units>();
  /** Successful data-plane answers without ConsumedCapacity: should stay 0. */
  unreported = 0;
  /** What went wrong in the meter itself (never thrown at the service): should stay empty. */
  readonly errors: string[] = [];
  private readonly attached = new WeakSet<DynamoDBDocumentClient>();
  private unmetered: DynamoDBDocumentClient | undefined;

  /** The client that reads the item a failed condition was checked on: one never attached. */
  readsThrough(client: DynamoDBDocumentClient): void {
    if (this.attached.has(client)) throw new Error('the meter cannot read through a client it meters');
    this.unmetered = client;
  }

  /** Meters every request `client` sends from now on. */
  attach(client: DynamoDBDocumentClient): void {
    if (client === this.unmetered) throw new Error('the meter reads through this client: it cannot meter it');
    if (this.attached.has(client)) return;
    this.attached.add(client);
    // Before the document client marshalls (it copies top-level parameters as they are).
    client.middlewareStack.add(
      (next, context) => async (args) => {
        const op = String(context.commandName ?? '').replace(/Command$/, '');
        if (!this.counting || !(READS.has(op) || WRITES.has(op))) return next(args);
        context[METERED] = op;
        const input = args.input as Json;
        if (input.ReturnConsumedCapacity !== undefined) return next(args);
        return next({ ...args, input: { ...input, ReturnConsumedCapacity: 'TOTAL' } as typeof args.input });
      },
      { step: 'initialize', name: 'benchDynamoMeterAsk' },
    );
    // Around the deserializer, inside the SDK's retries: each attempt that reached dynalite, with
    // the marshalled input. Counted before the caller has its answer, so a settled run has
    // settled counts.
    client.middlewareStack.add(
      (next, context) => async (args) => {
        const op: unknown = context[METERED];
        if (typeof op !== 'string') return next(args);
        const input = args.input as Json;
        try {
          const out = await next(args);
          await this.account(op, input, { output: isJson(out.output) ? out.output : {} });
          return out;
        } catch (error) {
          await this.account(op, input, { error });
          throw error;
        }
      },
      { step: 'deserialize', priority: 'high', name: 'benchDynamoMeterCount' },
    );
  }

  total(): Units {
    const all = [...this.units.values()];
    return {
      requests: sum(all.map((u) => u.requests)),
      rru: sum(all.map((u) => u.rru)),
      wru: sum(all.map((u) => u.wru)),
    };
  }

  private add(what: string, units: Partial<Units>) {
    const u = this.units.get(what) ?? { requests: 0, rru: 0, wru: 0 };
    u.requests += 1;
    u.rru += units.rru ?? 0;
    u.wru += units.wru ?? 0;
    this.units.set(what, u);
  }

  private async account(op: string, input: Json, outcome: Outcome): Promise<void> {
    try {
      await this.count(op, input, outcome);
    } catch (err) {
      this.errors.push(`${op}: ${String(err)}`);
    }
  }

  private async count(op: string, input: Json, outcome: Outcome): Promise<void> {
    const key = isJson(input.Key)
      ? input.Key
      : isJson(input.Item)
        ? { [TABLE.partitionKey]: input.Item[TABLE.partitionKey] }
        : undefined;
    const idAttr = key?.[TABLE.partitionKey];
    const id = isJson(idAttr) && typeof idAttr.S === 'string' ? idAttr.S : undefined;
    const what =
      op === 'Query' || op === 'Scan'
        ? `${op} ${typeof input.IndexName === 'string' ? `index ${input.IndexName}` : 'table'}`
        : `${op} ${itemKind(id)}`;
    const write = WRITES.has(op);
    if ('output' in outcome) {
      const consumed = outcome.output.ConsumedCapacity;
      if (consumed === undefined) this.unreported += 1;
      const reported = sum(
        (Array.isArray(consumed) ? consumed : [consumed]).map((c: unknown) =>
          isJson(c) && typeof c.CapacityUnits === 'number' ? c.CapacityUnits : 0,
        ),
      );
      const units = write ? reported : Math.max(reported, input.ConsistentRead === true ? 1 : 0.5);
      const names = isJson(input.ExpressionAttributeNames)
        ? Object.values(input.ExpressionAttributeNames)
        : [];
      const index =
        (op === 'PutItem' && isJson(input.Item) && input.Item[TABLE.tokenKey] !== undefined) ||
        (op === 'UpdateItem' &&
          (names.includes(TABLE.tokenKey) ||
            String(input.UpdateExpression ?? '').includes(TABLE.tokenKey))) ||
        (op === 'DeleteItem' && itemKind(id) === 'interview')
          ? 1
          : 0;
      this.add(what, write ? { wru: units + index } : { rru: units });
      return;
    }
    const error = isJson(outcome.error) ? outcome.error : {};
    if (error.name === 'ConditionalCheckFailedException') {
      const existing = key ? await this.peek(String(input.TableName), key) : undefined;
      const wru = existing ? Math.max(1, Math.ceil(itemSize(existing) / 1024)) : 1;
      this.add(`${what}, condition failed`, { wru });
      return;
    }
    const status = isJson(error.$metadata) ? error.$metadata.httpStatusCode : undefined;
    this.add(`${what}, error ${status ?? String(error.name ?? 'unknown')}`, {});
  }

  /** The item as it is now, read consistently and not counted. */
  private async peek(table: string, key: Json): Promise<Record<string, AttributeValue> | undefined> {
    if (!this.unmetered) throw new Error('a condition failed before the meter had a client to read through');
    const out = await this.unmetered.send(
      new GetItemCommand({
        TableName: table,
        Key: key as Record<string, AttributeValue>,
        ConsistentRead: true,
      }),
    );
    return out.Item;
  }
}
