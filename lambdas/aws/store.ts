/** DynamoDB adapter: one item per interview; every email status change is a conditional update. */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { EmailKind } from '../core/events.js';
import type { EmailState, EmailStatus, InterviewRecord } from '../core/interview.js';
import type { InterviewStore } from '../core/ports.js';
import { TABLE } from './table.js';

export class DynamoInterviewStore implements InterviewStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async create(record: InterviewRecord): Promise<void> {
    await this.db.send(
      new PutCommand({
        TableName: this.tableName,
        Item: record,
        ConditionExpression: 'attribute_not_exists(#pk)',
        ExpressionAttributeNames: { '#pk': TABLE.partitionKey },
      }),
    );
  }

  async get(id: string): Promise<InterviewRecord | undefined> {
    const out = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: { [TABLE.partitionKey]: id }, ConsistentRead: true }),
    );
    return out.Item as InterviewRecord | undefined;
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
    kind: EmailKind,
    from: readonly EmailStatus[],
    to: EmailStatus,
    fields: Partial<Omit<EmailState, 'status'>> & { updatedAt: string },
  ): Promise<InterviewRecord | undefined> {
    const names: Record<string, string> = {
      '#pk': TABLE.partitionKey,
      '#e': 'emails',
      '#k': kind,
      '#s': 'status',
    };
    const values: Record<string, unknown> = { ':to': to };
    const sets = ['#e.#k.#s = :to'];
    Object.entries(fields).forEach(([field, value], i) => {
      names[`#f${i}`] = field;
      values[`:f${i}`] = value;
      sets.push(`#e.#k.#f${i} = :f${i}`);
    });
    const allowed = from.map((status, i) => {
      values[`:from${i}`] = status;
      return `:from${i}`;
    });
    try {
      const out = await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { [TABLE.partitionKey]: id },
          UpdateExpression: `SET ${sets.join(', ')}`,
          ConditionExpression: `attribute_exists(#pk) AND #e.#k.#s IN (${allowed.join(', ')})`,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
          ReturnValues: 'ALL_NEW',
        }),
      );
      return out.Attributes as InterviewRecord | undefined;
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException) return undefined;
      throw err;
    }
  }
}
