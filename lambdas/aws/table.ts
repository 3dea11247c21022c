/**
 * The table's key schema, shared by the CDK stack, the store adapter and the local runtime
 * (which creates the same table on dynalite), so the three can never disagree.
 */
export const TABLE = {
  partitionKey: 'id',
  tokenIndex: 'byTokenHash',
  tokenKey: 'tokenHash',
  ttlAttribute: 'expiresAt',
  /**
   * The sweep's index (see reconcile.ts): interviews by `checkAt`, split over a few partitions
   * (`checkShard`) so no single index partition takes every write. Sparse: only items with both
   * attributes are in it, and an interview leaves it when nothing of it is pending.
   */
  dueIndex: 'byCheckAt',
  dueShardKey: 'checkShard',
  dueSortKey: 'checkAt',
  dueShards: 4,
} as const;

/** The index partition of an interview: a stable function of its id. */
export function dueShard(id: string): string {
  let sum = 0;
  for (let i = 0; i < id.length; i++) sum = (sum + id.charCodeAt(i)) % TABLE.dueShards;
  return `due${sum}`;
}

export const DUE_SHARDS = Array.from({ length: TABLE.dueShards }, (_, i) => `due${i}`);
