/**
 * The SuppressionStore contract (the service-wide list of addresses that bounced for good or
 * complained; docs/self-serve.md), run against the in-memory access store (memory.test.ts) and the
 * DynamoDB one on dynalite (aws.test.ts, which also checks the item it writes).
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { addressCounterId } from '../../lambdas/core/access.js';
import type { SuppressionStore } from '../../lambdas/core/ports.js';
import { NOW } from '../fixtures.js';

const KEY = 'contract-counter-key-of-32-characters';
/** A fresh address's id, as the feedback use case names it. */
const fresh = () => addressCounterId(`${randomUUID()}@example.org`, KEY);
const at = (minutes: number) => new Date(NOW.getTime() + minutes * 60_000).toISOString();

export function suppressionStoreContract(store: () => SuppressionStore) {
  describe('SuppressionStore', () => {
    it('answers the listed ones of the ids asked, each once, in the order asked', async () => {
      const [a, b, c] = [fresh(), fresh(), fresh()];
      await store().suppress(b, at(0), 'bounce');
      await store().suppress(a, at(1), 'complaint');
      expect(await store().isSuppressed([c])).toEqual([]);
      expect(await store().isSuppressed([b, c, a, b])).toEqual([b, a]);
      expect(await store().isSuppressed([])).toEqual([]);
    });

    it('suppressing again (a later complaint, a retried or an older event) keeps it listed', async () => {
      const id = fresh();
      await store().suppress(id, at(5), 'bounce');
      await store().suppress(id, at(5), 'bounce');
      await store().suppress(id, at(9), 'complaint');
      await store().suppress(id, at(2), 'bounce');
      expect(await store().isSuppressed([id])).toEqual([id]);
    });
  });
}
