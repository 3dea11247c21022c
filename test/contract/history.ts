/**
 * The history's part of the InterviewStore contract (core/history.ts): an entry is appended in the
 * same write as the change it records, only when the change is made; a panel's keys, a legacy
 * item without a history, and an erasure, which keeps the history and adds its own entry.
 */
import { describe, expect, it } from 'vitest';
import { entry } from '../../lambdas/core/history.js';
import type { InterviewRecord } from '../../lambdas/core/interview.js';
import type { InterviewStore } from '../../lambdas/core/ports.js';
import { NOW } from '../fixtures.js';
import { sampleRecord } from './contracts.js';

type Lazy<T> = () => T;
const at = (minutes: number) => new Date(NOW.getTime() + minutes * 60_000).toISOString();

export function historyContract(store: Lazy<InterviewStore>) {
  describe('InterviewStore: history', () => {
    it('appends an entry with the change, once, and nothing when the change is not made', async () => {
      const record = sampleRecord();
      await store().create(record);
      expect((await store().get(record.id))?.history).toEqual([
        { at: record.createdAt, by: 'api', keyId: record.ownerKeyId, action: 'created' },
      ]);
      const log = entry({ by: 'link' }, 'cancelled', at(1), 'follow-up');
      const moved = await store().transition(
        record.id,
        'follow-up',
        ['scheduled'],
        'cancelled',
        { updatedAt: at(1) },
        { log },
      );
      expect(moved?.history?.at(-1)).toEqual(log);
      // The same again: the condition fails, and the history is as it was.
      const refused = entry({ by: 'link' }, 'cancelled', at(2), 'follow-up');
      expect(
        await store().transition(
          record.id,
          'follow-up',
          ['scheduled'],
          'cancelled',
          { updatedAt: at(2) },
          { log: refused },
        ),
      ).toBeUndefined();
      expect((await store().get(record.id))?.history).toHaveLength(2);
    });

    it('restores only under its conditions: still ahead, cancelled for the reason given; fields given as undefined are removed', async () => {
      const record = sampleRecord();
      await store().create(record);
      const cancelled = { updatedAt: at(1), reason: 'Cancelled by the candidate.', cancelReason: 'x' };
      await store().transition(record.id, 'follow-up', ['scheduled'], 'cancelled', cancelled);
      const sendAt = record.emails['follow-up']?.sendAt as string;
      const back = { updatedAt: at(2), reason: undefined, cancelReason: undefined };
      // Past its time, or cancelled for another reason: not moved.
      expect(
        await store().transition(record.id, 'follow-up', ['cancelled'], 'scheduled', back, {
          dueAfter: sendAt,
        }),
      ).toBeUndefined();
      expect(
        await store().transition(record.id, 'follow-up', ['cancelled'], 'scheduled', back, {
          reasonIs: 'Cancelled because the thank-you bounced.',
        }),
      ).toBeUndefined();
      const log = entry({ by: 'link' }, 'restored', at(2), 'follow-up');
      const restored = await store().transition(record.id, 'follow-up', ['cancelled'], 'scheduled', back, {
        dueAfter: at(2),
        reasonIs: 'Cancelled by the candidate.',
        log,
      });
      expect(restored?.emails['follow-up']).toEqual({ status: 'scheduled', sendAt, updatedAt: at(2) });
      expect(restored?.history?.at(-1)).toEqual(log);
      expect(await store().get(record.id)).toEqual(restored);
    });

    it('starts a history on an item stored without one, and keeps it through an erasure', async () => {
      const { history: _none, ...legacy } = sampleRecord();
      await store().create(legacy as InterviewRecord);
      const sent = entry({ by: 'sender' }, 'sent', at(3), 'thank-you');
      await store().transition(legacy.id, 'thank-you', ['scheduled'], 'sending', { updatedAt: at(3) });
      await store().transition(
        legacy.id,
        'thank-you',
        ['sending'],
        'sent',
        { updatedAt: at(3) },
        { log: sent },
      );
      const current = (await store().get(legacy.id)) as InterviewRecord;
      expect(current.history).toEqual([sent]);
      const erased = entry({ by: 'api' }, 'erased', at(4));
      await store().erase(current, at(4), erased);
      // Who did what is kept; when, and which key, go with the rest of the erasure.
      expect((await store().get(legacy.id))?.history).toEqual([{ ...sent, at: at(4) }, erased]);
    });

    it('appends the sweep’s entries with a checkAt, set or cleared, and none without', async () => {
      const record = sampleRecord();
      await store().create(record);
      const handed = [
        entry({ by: 'sweep' }, 'rescheduled', at(5), 'thank-you'),
        entry({ by: 'sweep' }, 'rescheduled', at(5), 'follow-up'),
      ];
      await store().setCheckAt(record.id, at(10), handed);
      await store().setCheckAt(record.id, at(15));
      await store().setCheckAt(record.id, undefined, [handed[0] as (typeof handed)[number]]);
      const current = (await store().get(record.id)) as InterviewRecord;
      expect(current.history?.slice(1)).toEqual([...handed, handed[0]]);
      expect(current.checkAt).toBeUndefined();
    });
  });
}
