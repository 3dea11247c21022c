/**
 * In-memory API keys, limit counters, idempotency records and suppressions: the contracts of
 * lambdas/aws/access.ts (see test/contract), each change all or nothing as a conditional write is.
 */
import { type ApiKey, IDEMPOTENCY_HOURS, type LimitWindow, retryAt } from '../core/access.js';
import type {
  IdempotencyRecord,
  IdempotencyStore,
  KeyStore,
  LimitRefusal,
  LimitStore,
  SuppressionReason,
  SuppressionStore,
} from '../core/ports.js';

export class MemoryAccessStore implements KeyStore, LimitStore, IdempotencyStore, SuppressionStore {
  private readonly keys = new Map<string, ApiKey>();
  private readonly counts = new Map<string, number>();
  private readonly idempotency = new Map<string, IdempotencyRecord>();
  private readonly suppressed = new Map<string, { at: string; reason: SuppressionReason }>();

  async findKey(secretHash: string): Promise<ApiKey | undefined> {
    const key = this.keys.get(secretHash);
    return key && { ...key };
  }

  async createKey(secretHash: string, key: ApiKey): Promise<void> {
    if (this.keys.has(secretHash)) throw new Error('a key with this secret exists');
    this.keys.set(secretHash, { ...key });
  }

  async listKeys(): Promise<ApiKey[]> {
    return [...this.keys.values()]
      .map((k) => ({ ...k }))
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  }

  async revokeKey(keyId: string, at: string): Promise<boolean> {
    const key = [...this.keys.values()].find((k) => k.keyId === keyId);
    if (!key) return false;
    key.revokedAt ??= at;
    return true;
  }

  async take(windows: readonly LimitWindow[]): Promise<LimitRefusal | undefined> {
    // Every window is checked before any is counted: all or none, as the DynamoDB store ends.
    for (const window of windows) {
      const previous = window.previous ? (this.counts.get(window.previous.counter) ?? 0) : 0;
      const limit = window.limit - Math.ceil(previous * (window.previous?.weight ?? 0));
      const current = this.counts.get(window.counter) ?? 0;
      if (limit <= 0 || current >= limit) {
        return { window, retryAt: retryAt(window, { current: window.previous ? current : 0, previous }) };
      }
    }
    for (const window of windows) this.counts.set(window.counter, (this.counts.get(window.counter) ?? 0) + 1);
    return undefined;
  }

  async giveBack(windows: readonly LimitWindow[]): Promise<void> {
    for (const window of windows) this.counts.set(window.counter, (this.counts.get(window.counter) ?? 0) - 1);
  }

  async claim(scope: string, record: IdempotencyRecord): Promise<IdempotencyRecord | undefined> {
    const existing = this.idempotency.get(scope);
    // An expired record may be taken over (the DynamoDB store's TTL deletes lazily).
    if (existing && existing.expiresAt >= record.expiresAt - IDEMPOTENCY_HOURS * 3600) return { ...existing };
    this.idempotency.set(scope, { ...record });
    return undefined;
  }

  async get(scope: string): Promise<IdempotencyRecord | undefined> {
    const record = this.idempotency.get(scope);
    return record && { ...record };
  }

  async complete(scope: string, response: string): Promise<void> {
    const record = this.idempotency.get(scope);
    if (record) this.idempotency.set(scope, { ...record, state: 'done', response });
  }

  async takeOver(scope: string, claimedAt: number, now: number): Promise<boolean> {
    const record = this.idempotency.get(scope);
    if (record?.state !== 'pending' || record.claimedAt !== claimedAt) return false;
    record.claimedAt = now;
    return true;
  }

  async release(scope: string): Promise<void> {
    this.idempotency.delete(scope);
  }

  async forget(scope: string): Promise<void> {
    const record = this.idempotency.get(scope);
    if (!record) return;
    const gone = { bodyHash: '', interviewId: '', salt: '', claimedAt: 0, state: 'gone' as const };
    this.idempotency.set(scope, { ...gone, expiresAt: record.expiresAt });
  }

  async suppress(addressId: string, at: string, reason: SuppressionReason): Promise<void> {
    // Only a later event moves it, as the DynamoDB store's condition does (no TTL here).
    const existing = this.suppressed.get(addressId);
    if (!existing || existing.at <= at) this.suppressed.set(addressId, { at, reason });
  }

  async isSuppressed(addressIds: readonly string[]): Promise<string[]> {
    return [...new Set(addressIds)].filter((id) => this.suppressed.has(id));
  }
}
