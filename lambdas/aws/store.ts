/** DynamoDB adapter: one item per interview; every email status change is a conditional update. */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { EmailKind } from '../core/events.js';
import { canTransition, type EmailState, type EmailStatus, type InterviewRecord } from '../core/interview.js';
import type { InterviewStore, TransitionOptions } from '../core/ports.js';
import { TABLE } from './table.js';

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
          Item: record,
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
    options: TransitionOptions = {},
  ): Promise<InterviewRecord | undefined> {
    const illegal = from.filter((status) => !canTransition(status, to));
    if (illegal.length > 0) throw new Error(`illegal email transition: ${illegal.join('|')} → ${to}`);
    const names: Record<string, string> = {
      '#pk': TABLE.partitionKey,
      '#e': 'emails',
      '#k': kind,
      '#s': 'status',
    };
    if (options.unlessCancelRequested) names['#c'] = 'cancelRequested';
    const values: Record<string, unknown> = { ':to': to };
    if (options.claimId !== undefined) {
      names['#claim'] = 'claimId';
      values[':claim'] = options.claimId;
    }
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
          ConditionExpression: [
            'attribute_exists(#pk)',
            `#e.#k.#s IN (${allowed.join(', ')})`,
            ...(options.unlessCancelRequested ? ['attribute_not_exists(#e.#k.#c)'] : []),
            ...(options.claimId !== undefined ? ['#e.#k.#claim = :claim'] : []),
          ].join(' AND '),
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

  async requestCancel(id: string, kind: EmailKind, updatedAt: string): Promise<InterviewRecord | undefined> {
    try {
      const out = await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { [TABLE.partitionKey]: id },
          UpdateExpression: 'SET #e.#k.#c = :yes, #e.#k.#u = :u',
          ConditionExpression: 'attribute_exists(#pk) AND #e.#k.#s = :sending',
          ExpressionAttributeNames: {
            '#pk': TABLE.partitionKey,
            '#e': 'emails',
            '#k': kind,
            '#s': 'status',
            '#c': 'cancelRequested',
            '#u': 'updatedAt',
          },
          ExpressionAttributeValues: { ':yes': true, ':u': updatedAt, ':sending': 'sending' },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return out.Attributes as InterviewRecord | undefined;
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException) return undefined;
      throw err;
    }
  }

  async discard(id: string): Promise<void> {
    await this.db.send(new DeleteCommand({ TableName: this.tableName, Key: { [TABLE.partitionKey]: id } }));
  }

  async erase(id: string, at: string): Promise<void> {
    await this.db.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { [TABLE.partitionKey]: id },
        // The token hash goes too, so the cancel link (and the token index) forget the interview.
        UpdateExpression:
          'SET erasedAt = :at REMOVE candidate, interviewer, #position, company, highlights, messages, #token',
        ConditionExpression: 'attribute_exists(#pk)',
        ExpressionAttributeNames: {
          '#pk': TABLE.partitionKey,
          '#position': 'position',
          '#token': TABLE.tokenKey,
        },
        ExpressionAttributeValues: { ':at': at },
      }),
    );
  }
}
