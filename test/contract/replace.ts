/**
 * The edit's part of the InterviewStore contract: `replace` writes the next record only onto the
 * record it was computed from (core/interview.ts `unchangedSince`): not erased, the same revision,
 * every email in the status it had since the same moment. Anything else is false, nothing written.
 */
import { describe, expect, it } from 'vitest';
import type { InterviewRecord } from '../../lambdas/core/interview.js';
import type { InterviewStore } from '../../lambdas/core/ports.js';
import { NOW } from '../fixtures.js';
import { sampleRecord } from './contracts.js';

type Lazy<T> = () => T;
const at = (minutes: number) => new Date(NOW.getTime() + minutes * 60_000).toISOString();

/** `record` with its position changed and its revision one up: what an edit writes. */
const edited = (record: InterviewRecord, position: string): InterviewRecord => ({
  ...record,
  position,
  revision: (record.revision ?? 0) + 1,
});

export function replaceContract(store: Lazy<InterviewStore>) {
  describe('InterviewStore: replace', () => {
    it('writes onto the record it read, once: the same read again is refused', async () => {
      const record = sampleRecord();
      await store().create(record);
      const read = (await store().get(record.id)) as InterviewRecord;
      expect(await store().replace(edited(read, 'Senior Copywriter'), read)).toBe(true);
      const now = (await store().get(record.id)) as InterviewRecord;
      expect([now.position, now.revision]).toEqual(['Senior Copywriter', 1]);
      // A second edit computed from the same read: the revision moved on.
      expect(await store().replace(edited(read, 'Lead Copywriter'), read)).toBe(false);
      expect((await store().get(record.id))?.position).toBe('Senior Copywriter');
      expect(await store().replace(edited(now, 'Lead Copywriter'), now)).toBe(true);
      expect((await store().get(record.id))?.revision).toBe(2);
    });

    it('refuses when an email changed since the read (a claim), or the interview was erased', async () => {
      const record = sampleRecord();
      await store().create(record);
      const read = (await store().get(record.id)) as InterviewRecord;
      await store().transition(record.id, 'thank-you', ['scheduled'], 'sending', {
        updatedAt: at(1),
        claimId: 'c1',
      });
      expect(await store().replace(edited(read, 'Senior Copywriter'), read)).toBe(false);
      const claimed = (await store().get(record.id)) as InterviewRecord;
      expect(claimed.position).toBe(record.position);
      expect(claimed.emails['thank-you']?.status).toBe('sending');
      await store().erase(claimed, at(2));
      expect(await store().replace(edited(claimed, 'Senior Copywriter'), claimed)).toBe(false);
      expect(await store().replace(edited(record, 'x'), record)).toBe(false);
    });

    it('an unknown id is refused and creates nothing', async () => {
      const record = sampleRecord();
      expect(await store().replace(edited(record, 'Senior Copywriter'), record)).toBe(false);
      expect(await store().get(record.id)).toBeUndefined();
    });
  });
}
