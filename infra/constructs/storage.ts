/**
 * The one DynamoDB table: interview items and, beside them, the access items (API keys, limit
 * counters, idempotency records); its two keys-only indexes. Functions get at it through
 * `bindTable` (bind.ts), which names the index ARNs built here.
 */
import type { RemovalPolicy, Stack } from 'aws-cdk-lib';
import { AttributeType, BillingMode, ProjectionType, Table } from 'aws-cdk-lib/aws-dynamodb';
import { TABLE } from '../../lambdas/aws/table.js';

export interface StorageProps {
  /** RETAIN unless `retainData` is false. */
  readonly removalPolicy: RemovalPolicy;
}

/**
 * A flat construct, like every one in this folder: its resources are direct children of the stack
 * (see infra/stack.ts), so their logical IDs do not depend on this class.
 */
export class Storage {
  readonly table: Table;
  /** The token index: an interview by the secret token of its cancel link. */
  readonly tokenIndexArn: string;
  /** The due index: interviews by the time the sweep should look at them next (see reconcile.ts). */
  readonly dueIndexArn: string;

  constructor(scope: Stack, props: StorageProps) {
    // The app sets `expiresAt` (TTL) to 90 days after an interview's last email.
    this.table = new Table(scope, 'Interviews', {
      partitionKey: { name: TABLE.partitionKey, type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      timeToLiveAttribute: TABLE.ttlAttribute,
      removalPolicy: props.removalPolicy,
    });
    this.table.addGlobalSecondaryIndex({
      indexName: TABLE.tokenIndex,
      partitionKey: { name: TABLE.tokenKey, type: AttributeType.STRING },
      projectionType: ProjectionType.KEYS_ONLY,
    });
    this.tokenIndexArn = `${this.table.tableArn}/index/${TABLE.tokenIndex}`;
    // The sweep's: interviews by the time it should look at them next (see reconcile.ts).
    this.table.addGlobalSecondaryIndex({
      indexName: TABLE.dueIndex,
      partitionKey: { name: TABLE.dueShardKey, type: AttributeType.STRING },
      sortKey: { name: TABLE.dueSortKey, type: AttributeType.STRING },
      projectionType: ProjectionType.KEYS_ONLY,
    });
    this.dueIndexArn = `${this.table.tableArn}/index/${TABLE.dueIndex}`;
  }
}
