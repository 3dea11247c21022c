/**
 * Revoking a key with `npm run api-key -- revoke <keyId> --cancel-pending`: the key is refused and
 * every email its interviews still have pending is cancelled, while other keys' interviews go on.
 * The command's own code runs on the service's stores, as `npm run api-key` runs it locally
 * (test/integration/api-key-cli.test.ts runs the script itself); the use case is also run
 * directly with the service's scheduler, to see its schedules deleted (the command cannot reach
 * the local scheduler).
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { newApiKeySecret, newKeyId } from '../../lambdas/core/access.js';
import { CANCELLED_BY_REVOKE, type InterviewRecord } from '../../lambdas/core/interview.js';
import { hashSecret } from '../../lambdas/core/tokens.js';
import { cancelPendingOfKey } from '../../lambdas/usecases/revoke.js';
import { NOW, validBody } from '../fixtures.js';
import { quiet, useService } from '../integration/helpers.js';
import { apiKeyCommand } from '../support/api-key.js';

const { ctx } = useService();
const apiKey = (...args: string[]) => apiKeyCommand(ctx.runtime, ...args);

async function createKey(name: string): Promise<{ key: string; keyId: string }> {
  const out = await apiKey('create', '--name', name);
  const key = /ifk_[A-Za-z0-9_-]{43}/.exec(out)?.[0] ?? '';
  const keyId = /key_[0-9a-f]{12}/.exec(out)?.[0] ?? '';
  expect(key).not.toBe('');
  expect(keyId).not.toBe('');
  return { key, keyId };
}

async function submit(key: string, interviewerEmail: string): Promise<string> {
  const res = await ctx.api.call('/interviews', {
    method: 'POST',
    headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({
      ...validBody(),
      interviewer: { name: 'Mrs. Hiring Manager', email: interviewerEmail },
    }),
  });
  expect(res.status).toBe(201);
  return ((await res.json()) as { id: string }).id;
}

const get = (key: string, id: string) =>
  ctx.api.call(`/interviews/${id}`, { headers: { Authorization: `Bearer ${key}` } });

/** The stored item, read from the store (the API shows an interview only to its own key). */
async function item(id: string): Promise<InterviewRecord> {
  const record = await ctx.runtime.store.get(id);
  if (!record) throw new Error(`no interview ${id}`);
  return record;
}

const statusOf = (record: InterviewRecord) => ({
  'thank-you': record.emails['thank-you']?.status,
  'follow-up': record.emails['follow-up']?.status,
});
const mailsTo = async (address: string) => (await ctx.api.mail()).filter((m) => m.to.includes(address));

describe('npm run api-key -- revoke', () => {
  it('without --cancel-pending: refused at once, its emails stay scheduled, and the output says how to stop them', async () => {
    await ctx.api.setClock(NOW.toISOString());
    const kept = await createKey('Example Staffing');
    const id = await submit(kept.key, 'kept.manager@example.org');
    await ctx.runtime.emulator.settle();

    const out = await apiKey('revoke', kept.keyId);
    expect(out).toContain(`Revoked ${kept.keyId}`);
    expect(out).toContain('still go out');
    expect(out).toContain(`revoke ${kept.keyId} --cancel-pending`);
    expect((await get(kept.key, id)).status).toBe(401);
    expect(statusOf(await item(id))).toEqual({ 'thank-you': 'scheduled', 'follow-up': 'scheduled' });
    expect(ctx.runtime.emulator.pending().map((p) => p.name)).toEqual(
      expect.arrayContaining([`${id}-thank-you`, `${id}-follow-up`]),
    );
  });

  it('with --cancel-pending: every pending email of its interviews is cancelled, other keys go on', async () => {
    await ctx.api.setClock(NOW.toISOString());
    const revoked = await createKey('Example Recruiting');
    const mine = [
      await submit(revoked.key, 'first.manager@example.org'),
      await submit(revoked.key, 'second.manager@example.org'),
    ];
    const other = await submit(ctx.runtime.apiKey, 'other.manager@example.org');
    await ctx.runtime.emulator.settle(); // the confirmations are out: 2 pending emails each remain

    const out = await apiKey('revoke', revoked.keyId, '--cancel-pending');
    expect(out).toContain(`Revoked ${revoked.keyId}`);
    expect(out).toContain(`Looked at 2 interviews of ${revoked.keyId}: 4 pending emails cancelled.`);
    expect(out).toContain('sends nothing');

    for (const id of mine) {
      expect((await get(revoked.key, id)).status).toBe(401);
      const record = await item(id);
      expect(statusOf(record)).toEqual({ 'thank-you': 'cancelled', 'follow-up': 'cancelled' });
      expect(record.emails['thank-you']?.reason).toBe(CANCELLED_BY_REVOKE);
      expect(record.emails['follow-up']?.reason).toBe(CANCELLED_BY_REVOKE);
      expect(record.emails.confirmation.status).toBe('sent');
    }
    const untouched = (await (await get(ctx.runtime.apiKey, other)).json()) as {
      emails: { status: string }[];
    };
    expect(untouched.emails.map((e) => e.status)).toEqual(['scheduled', 'scheduled']);

    // Repeating it is harmless: nothing is left to cancel.
    expect(await apiKey('revoke', revoked.keyId, '--cancel-pending')).toContain(
      `Looked at 2 interviews of ${revoked.keyId}: 0 pending emails cancelled.`,
    );

    // Locally the schedules stay: they fire, find the emails cancelled and send nothing.
    const { fired } = await ctx.api.setClock('2026-12-03T00:00:00.000Z');
    expect(fired.map((f) => f.name)).toEqual(expect.arrayContaining(mine.map((id) => `${id}-thank-you`)));
    expect(await mailsTo('first.manager@example.org')).toEqual([]);
    expect(await mailsTo('second.manager@example.org')).toEqual([]);
    expect(await mailsTo('other.manager@example.org')).toHaveLength(2);
    expect(await mailsTo('kept.manager@example.org')).toHaveLength(2); // revoked without the flag
  });
});

describe('cancelPendingOfKey (the use case, with a scheduler)', () => {
  it('cancels the confirmation too, marks an email being sent, skips erased interviews, deletes the schedules', async () => {
    await ctx.api.setClock(NOW.toISOString());
    {
      const store = ctx.runtime.store;
      const keyId = newKeyId();
      const key = newApiKeySecret();
      await ctx.runtime.access.createKey(hashSecret(key), {
        keyId,
        name: 'Example Agency',
        createdAt: NOW.toISOString(),
      });
      const submitted = [
        await submit(key, 'third.manager@example.org'),
        await submit(key, 'fourth.manager@example.org'),
      ];
      await ctx.runtime.emulator.settle();
      const template = await item(submitted[0] as string);
      const stamp = NOW.toISOString();
      const clone = (patch: Partial<InterviewRecord>): InterviewRecord => ({
        ...template,
        id: randomUUID(),
        tokenHash: hashSecret(randomUUID()),
        ...patch,
      });
      // One caught mid-send with its confirmation still to go; one erased; one of another key.
      const inFlight = clone({
        emails: {
          'thank-you': { status: 'sending', claimId: 'claim-1', sendAt: stamp, updatedAt: stamp },
          'follow-up': { status: 'scheduled', sendAt: stamp, updatedAt: stamp },
          confirmation: { status: 'scheduled', sendAt: stamp, updatedAt: stamp },
        },
      });
      const erased = clone({ erasedAt: stamp });
      const foreign = clone({ ownerKeyId: 'key_000000000000' });
      for (const record of [inFlight, erased, foreign]) expect(await store.create(record)).toBe(true);

      const listed: string[] = [];
      for await (const record of store.listOwnedBy(keyId)) listed.push(record.id);
      expect(listed.sort()).toEqual([...submitted, inFlight.id, erased.id].sort());

      const deps = {
        store,
        scheduler: ctx.runtime.scheduler,
        clock: ctx.runtime.clock,
        log: quiet,
      };
      const result = await cancelPendingOfKey(deps, keyId);
      expect(result).toEqual({ interviews: 3, cancelled: 6, marked: 1, failed: [] });

      for (const id of submitted) {
        expect(statusOf(await item(id))).toEqual({ 'thank-you': 'cancelled', 'follow-up': 'cancelled' });
      }
      const names = ctx.runtime.emulator.pending().map((p) => p.name);
      expect(names.filter((n) => submitted.some((id) => n.startsWith(id)))).toEqual([]);
      const after = await item(inFlight.id);
      expect(after.emails.confirmation).toMatchObject({ status: 'cancelled', reason: CANCELLED_BY_REVOKE });
      expect(after.emails['follow-up']).toMatchObject({ status: 'cancelled', reason: CANCELLED_BY_REVOKE });
      expect(after.emails['thank-you']).toMatchObject({ status: 'sending', cancelRequested: true });
      expect(statusOf(await item(erased.id))).toEqual(statusOf(template));
      expect(statusOf(await item(foreign.id))).toEqual(statusOf(template));
      expect(statusOf(template)).toEqual({ 'thank-you': 'scheduled', 'follow-up': 'scheduled' });

      // Again: nothing left to cancel, the mark is not counted twice.
      expect(await cancelPendingOfKey(deps, keyId)).toEqual({
        interviews: 3,
        cancelled: 0,
        marked: 0,
        failed: [],
      });
    }
  });
});
