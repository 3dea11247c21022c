/**
 * The store ports' contracts (delivery.ts has the others), one suite each, run against every
 * adapter of the port: the in-memory ones (memory.test.ts) and the AWS ones on the real local
 * servers (aws.test.ts). An adapter that passes them can stand in for the other in the use-case
 * and HTTP tests.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { LimitWindow } from '../../lambdas/core/access.js';
import type { EmailState, InterviewRecord } from '../../lambdas/core/interview.js';
import { newInterview } from '../../lambdas/core/new-interview.js';
import type {
  IdempotencyRecord,
  IdempotencyStore,
  InterviewStore,
  KeyStore,
  LimitStore,
} from '../../lambdas/core/ports.js';
import { parseSubmission, type ValidSubmission } from '../../lambdas/core/schema.js';
import { NOW, validBody } from '../fixtures.js';

type Lazy<T> = () => T;

/** A fresh record of the example interview, with a unique id, token hash and owner. */
export function sampleRecord(overrides: Partial<InterviewRecord> = {}): InterviewRecord {
  const submission = parseSubmission(validBody(), NOW) as ValidSubmission;
  const id = randomUUID();
  return {
    ...newInterview({
      id,
      ownerKeyId: `key_${id.slice(0, 12)}`,
      tokenHash: randomUUID().replaceAll('-', '').repeat(2),
      submission: submission.value,
      endsAt: submission.endsAt,
      timing: submission.timing,
      now: NOW,
    }),
    ...overrides,
  };
}

const at = (minutes: number) => new Date(NOW.getTime() + minutes * 60_000).toISOString();

export function interviewStoreContract(
  store: Lazy<InterviewStore & { nextCheckAt(): Promise<string | undefined> }>,
) {
  describe('InterviewStore', () => {
    it('creates once: a second create of the id is false and changes nothing', async () => {
      const record = sampleRecord();
      expect(await store().create(record)).toBe(true);
      expect(await store().create({ ...record, position: 'Other' })).toBe(false);
      expect(await store().get(record.id)).toEqual(record);
      expect(await store().get(randomUUID())).toBeUndefined();
    });

    it('finds by token hash', async () => {
      const record = sampleRecord();
      await store().create(record);
      expect((await store().findByTokenHash(record.tokenHash))?.id).toBe(record.id);
      expect(await store().findByTokenHash('0'.repeat(64))).toBeUndefined();
    });

    it('hands out copies: changing what it returned changes nothing stored', async () => {
      const record = sampleRecord();
      await store().create(record);
      const read = (await store().get(record.id)) as InterviewRecord;
      (read.emails['thank-you'] as EmailState).status = 'sent';
      read.candidate.name = 'Changed';
      expect(await store().get(record.id)).toEqual(record);
    });

    it('moves an email only from the statuses given, merging the fields', async () => {
      const record = sampleRecord();
      await store().create(record);
      const moved = await store().transition(record.id, 'thank-you', ['scheduled'], 'sending', {
        updatedAt: at(1),
        claimId: 'claim-1',
      });
      expect(moved?.emails['thank-you']).toMatchObject({
        status: 'sending',
        claimId: 'claim-1',
        updatedAt: at(1),
      });
      expect(moved?.emails['thank-you']?.sendAt).toBe(record.emails['thank-you']?.sendAt);
      expect(
        await store().transition(record.id, 'thank-you', ['scheduled'], 'sending', { updatedAt: at(2) }),
      ).toBe(undefined);
      expect((await store().get(record.id))?.emails['thank-you']?.updatedAt).toBe(at(1));
      expect(
        await store().transition(randomUUID(), 'thank-you', ['scheduled'], 'cancelled', { updatedAt: at(1) }),
      ).toBe(undefined);
    });

    it('refuses a transition the state machine does not have, whatever the status', async () => {
      const record = sampleRecord();
      await store().create(record);
      await expect(
        store().transition(record.id, 'thank-you', ['skipped'], 'scheduled', { updatedAt: at(1) }),
      ).rejects.toThrow(/illegal email transition/);
      await expect(
        store().transition(record.id, 'thank-you', ['scheduled', 'sent'], 'sending', { updatedAt: at(1) }),
      ).rejects.toThrow(/illegal email transition: sent → sending/);
      expect(await store().get(record.id)).toEqual(record);
    });

    it('checks the claim, a requested cancel and the due time when asked', async () => {
      const record = sampleRecord();
      await store().create(record);
      const sendAt = record.emails['thank-you']?.sendAt as string;
      const early = new Date(Date.parse(sendAt) - 60_000).toISOString();
      expect(
        await store().transition(
          record.id,
          'thank-you',
          ['scheduled'],
          'sending',
          { updatedAt: at(1) },
          { dueBy: early },
        ),
      ).toBeUndefined();
      const claim = { updatedAt: at(1), claimId: 'mine' };
      expect(
        await store().transition(record.id, 'thank-you', ['scheduled'], 'sending', claim, { dueBy: sendAt }),
      ).toBeDefined();
      const other = { claimId: 'theirs' };
      expect(
        await store().transition(record.id, 'thank-you', ['sending'], 'sent', { updatedAt: at(2) }, other),
      ).toBeUndefined();
      expect(
        await store().requestCancel(record.id, 'thank-you', at(2), 'Cancelled by the candidate.'),
      ).toMatchObject({
        emails: {
          'thank-you': {
            status: 'sending',
            cancelRequested: true,
            cancelReason: 'Cancelled by the candidate.',
          },
        },
      });
      expect(
        await store().transition(
          record.id,
          'thank-you',
          ['sending'],
          'sent',
          { updatedAt: at(3) },
          { claimId: 'mine', unlessCancelRequested: true },
        ),
      ).toBeUndefined();
      const cancelled = await store().transition(
        record.id,
        'thank-you',
        ['sending'],
        'cancelled',
        { updatedAt: at(3) },
        { claimId: 'mine' },
      );
      expect(cancelled?.emails['thank-you']?.status).toBe('cancelled');
    });

    it('requests a cancel only of an email that is sending', async () => {
      const record = sampleRecord();
      await store().create(record);
      expect(await store().requestCancel(record.id, 'follow-up', at(1), 'why')).toBeUndefined();
      expect(await store().requestCancel(randomUUID(), 'follow-up', at(1), 'why')).toBeUndefined();
      expect(await store().get(record.id)).toEqual(record);
    });

    it('erases the personal data and keeps the statuses; the token and the due index forget it', async () => {
      const record = sampleRecord({ checkAt: at(-10), idempotencyScope: 'env#scope' });
      await store().create(record);
      await store().erase(record, at(5));
      const gone = (await store().get(record.id)) as InterviewRecord & Record<string, unknown>;
      expect(gone.erasedAt).toBe(at(5));
      for (const field of [
        'candidate',
        'interviewers',
        'position',
        'company',
        'highlights',
        'tokenHash',
        'interview',
      ]) {
        expect(gone[field], field).toBeUndefined();
      }
      expect(gone.ownerKeyId).toBeUndefined();
      expect(gone.idempotencyScope).toBeUndefined();
      expect(gone.emails['thank-you']).toEqual({ status: 'scheduled', updatedAt: at(5) });
      expect(gone.expiresAt).toBeLessThan(record.expiresAt + 1);
      expect(await store().findByTokenHash(record.tokenHash)).toBeUndefined();
      const due: string[] = [];
      for await (const r of store().listDue(at(0))) due.push(r.id);
      expect(due).not.toContain(record.id);
      await expect(store().erase(sampleRecord(), at(5))).rejects.toThrow();
    });

    it('discards, harmlessly twice', async () => {
      const record = sampleRecord();
      await store().create(record);
      await store().discard(record.id);
      await store().discard(record.id);
      expect(await store().get(record.id)).toBeUndefined();
    });

    it('lists what is due at or before an instant, and forgets a cleared checkAt', async () => {
      const due = sampleRecord();
      const later = sampleRecord();
      for (const r of [due, later]) await store().create(r);
      await store().setCheckAt(due.id, '2020-01-01T00:00:00.000Z');
      await store().setCheckAt(later.id, '2020-01-01T00:10:00.000Z');
      await store().setCheckAt(randomUUID(), '2020-01-01T00:00:00.000Z'); // gone: nothing to check
      const listed = async (instant: string) => {
        const ids: string[] = [];
        for await (const r of store().listDue(instant)) ids.push(r.id);
        return ids.filter((id) => id === due.id || id === later.id);
      };
      expect(await listed('2020-01-01T00:00:00.000Z')).toEqual([due.id]);
      expect((await listed('2020-01-01T00:10:00.000Z')).sort()).toEqual([due.id, later.id].sort());
      expect(await store().nextCheckAt()).toBe('2020-01-01T00:00:00.000Z');
      await store().setCheckAt(due.id, undefined);
      expect(await listed('2020-01-01T00:10:00.000Z')).toEqual([later.id]);
      expect((await store().get(due.id))?.checkAt).toBeUndefined();
      await store().setCheckAt(later.id, undefined);
    });

    it('lists the interviews of one owner', async () => {
      const owner = `key_${randomUUID().slice(0, 12)}`;
      const mine = [sampleRecord({ ownerKeyId: owner }), sampleRecord({ ownerKeyId: owner })];
      for (const r of [...mine, sampleRecord()]) await store().create(r);
      const ids: string[] = [];
      for await (const r of store().listOwnedBy(owner)) ids.push(r.id);
      expect(ids.sort()).toEqual(mine.map((r) => r.id).sort());
    });
  });
}

const window = (counter: string, limit: number, previous?: LimitWindow['previous']): LimitWindow => ({
  name: counter,
  counter,
  limit,
  endsAt: NOW.getTime() + 60_000,
  ...(previous && { previous }),
});

export function accessStoreContract(access: Lazy<KeyStore & LimitStore & IdempotencyStore>) {
  describe('KeyStore', () => {
    it('creates, finds, lists in creation order and revokes once', async () => {
      const hash = randomUUID();
      const keyId = `key_${randomUUID().slice(0, 12)}`;
      await access().createKey(hash, {
        keyId,
        name: 'Example Recruiting',
        createdAt: '2026-01-02T00:00:00.000Z',
      });
      await expect(
        access().createKey(hash, { keyId: 'key_other', name: 'x', createdAt: '2026-01-03T00:00:00.000Z' }),
      ).rejects.toThrow();
      expect(await access().findKey(hash)).toEqual({
        keyId,
        name: 'Example Recruiting',
        createdAt: '2026-01-02T00:00:00.000Z',
      });
      expect(await access().findKey(randomUUID())).toBeUndefined();
      const listed = (await access().listKeys()).map((k) => k.createdAt);
      expect(listed).toEqual([...listed].sort());
      expect(await access().revokeKey(keyId, at(1))).toBe(true);
      expect(await access().revokeKey(keyId, at(2))).toBe(true);
      expect((await access().findKey(hash))?.revokedAt).toBe(at(1));
      expect(await access().revokeKey('key_nobody', at(1))).toBe(false);
    });
  });

  describe('LimitStore', () => {
    it('counts to the limit, then refuses, and counts in every window or in none', async () => {
      const a = `test#${randomUUID()}`;
      const b = `test#${randomUUID()}`;
      expect(await access().take([window(a, 3), window(b, 1)])).toBeUndefined();
      const refused = await access().take([window(a, 3), window(b, 1)]);
      expect(refused?.window.counter).toBe(b);
      expect(refused?.retryAt).toBe(NOW.getTime() + 60_000);
      // a took one, then gave back the second: two more fit.
      expect(await access().take([window(a, 3)])).toBeUndefined();
      expect(await access().take([window(a, 3)])).toBeUndefined();
      expect((await access().take([window(a, 3)]))?.window.counter).toBe(a);
    });

    it('gives a count back', async () => {
      const a = `test#${randomUUID()}`;
      expect(await access().take([window(a, 1)])).toBeUndefined();
      expect(await access().take([window(a, 1)])).toBeDefined();
      await access().giveBack([window(a, 1)]);
      expect(await access().take([window(a, 1)])).toBeUndefined();
    });

    it('a refused take leaves every count as it was, a limit of zero included', async () => {
      const before = `test#${randomUUID()}`;
      const now = `test#${randomUUID()}`;
      for (let i = 0; i < 2; i++) await access().take([window(before, 10)]);
      // 2 of the previous minute, all still inside: of a limit of 3, one place is left.
      const sliding = window(now, 3, { counter: before, weight: 1 });
      expect(await access().take([sliding])).toBeUndefined();
      expect(await access().take([sliding])).toBeDefined();
      // The refused one was not counted: without the previous minute, two more fit in 3.
      expect(await access().take([window(now, 3)])).toBeUndefined();
      expect(await access().take([window(now, 3)])).toBeUndefined();
      expect(await access().take([window(now, 3)])).toBeDefined();
      const none = `test#${randomUUID()}`;
      expect(await access().take([window(none, 0)])).toBeDefined();
      expect(await access().take([window(none, 1)])).toBeUndefined();
    });

    it('a sliding window lowers its limit by the previous window still inside it', async () => {
      const before = `test#${randomUUID()}`;
      const now = `test#${randomUUID()}`;
      for (let i = 0; i < 4; i++) await access().take([window(before, 10)]);
      // Half of the previous four still count: two of the limit of three are used.
      const sliding = window(now, 3, { counter: before, weight: 0.5 });
      expect(await access().take([sliding])).toBeUndefined();
      const refused = await access().take([sliding]);
      expect(refused?.window.counter).toBe(now);
      expect(refused?.retryAt).toBeGreaterThan(NOW.getTime());
    });
  });

  describe('IdempotencyStore', () => {
    const record = (overrides: Partial<IdempotencyRecord> = {}): IdempotencyRecord => ({
      bodyHash: 'b'.repeat(64),
      claimedAt: 1_000,
      interviewId: randomUUID(),
      salt: 'salt',
      state: 'pending',
      expiresAt: 1_000 + 24 * 3600,
      ...overrides,
    });

    it('claims once; completes; a stale claim is taken over once; forgets to a bare marker', async () => {
      const scope = `env#${randomUUID()}`;
      const first = record();
      expect(await access().claim(scope, first)).toBeUndefined();
      expect(await access().claim(scope, record({ bodyHash: 'c'.repeat(64) }))).toEqual(first);
      expect(await access().get(scope)).toEqual(first);
      expect(await access().takeOver(scope, 999, 2_000)).toBe(false);
      expect(await access().takeOver(scope, 1_000, 2_000)).toBe(true);
      expect(await access().takeOver(scope, 1_000, 3_000)).toBe(false);
      await access().complete(scope, '{"id":"x"}');
      expect(await access().get(scope)).toMatchObject({
        state: 'done',
        response: '{"id":"x"}',
        claimedAt: 2_000,
      });
      expect(await access().takeOver(scope, 2_000, 3_000)).toBe(false);
      await access().forget(scope);
      expect(await access().get(scope)).toEqual({
        bodyHash: '',
        interviewId: '',
        salt: '',
        claimedAt: 0,
        state: 'gone',
        expiresAt: first.expiresAt,
      });
      await access().forget(`env#${randomUUID()}`); // nothing to forget
    });

    it('an expired record may be claimed again; a released one is gone', async () => {
      const scope = `env#${randomUUID()}`;
      await access().claim(scope, record());
      const later = record({ claimedAt: 1_000 + 25 * 3600, expiresAt: 1_000 + 49 * 3600 });
      expect(await access().claim(scope, later)).toBeUndefined();
      expect((await access().get(scope))?.claimedAt).toBe(later.claimedAt);
      await access().release(scope);
      expect(await access().get(scope)).toBeUndefined();
    });
  });
}
