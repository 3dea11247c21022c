/**
 * The table's key schema, shared by the CDK stack, the store adapter and the local runtime
 * (which creates the same table on dynalite), so the three can never disagree.
 */
export const TABLE = {
  partitionKey: 'id',
  tokenIndex: 'byTokenHash',
  tokenKey: 'tokenHash',
  ttlAttribute: 'expiresAt',
} as const;
