/**
 * API keys, ownership, limits, idempotency and erasure, through the HTTP API (in process, or the
 * local runtime with TEST_SERVICE=local).
 * Keys are made by the `npm run api-key` commands, run in process on the service's stores; the
 * script itself runs in test/integration/api-key-cli.test.ts.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../lambdas/core/canonical.js';
import { validBody } from '../fixtures.js';
import { NO_LIMITS, useService } from '../integration/helpers.js';
import { apiKeyCommand } from '../support/api-key.js';

const { ctx } = useService({
  // The limits across keys are tested in limits.test.ts.
  limits: {
    ...NO_LIMITS,
    perMinute: 3,
    perDay: 6,
    perInterviewerPerDay: 2,
  },
});

interface Created {
  id: string;
  cancelUrl: string;
  emails: { status: string }[];
}

const apiKey = (...args: string[]) => apiKeyCommand(ctx.runtime, ...args);

const post = (key: string, body: unknown, headers: Record<string, string> = {}) =>
  ctx.api.call('/interviews', {
    method: 'POST',
    headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
const get = (key: string, id: string) =>
  ctx.api.call(`/interviews/${id}`, { headers: { Authorization: `Bearer ${key}` } });
const interviewer = (n: number) => ({
  interviewer: { name: `Interviewer ${n}`, email: `interviewer${n}@example.org` },
});

let keyA = '';
let keyAId = '';

describe('API keys', () => {
  it('npm run api-key creates a key shown once, lists it without the secret, and revokes it', async () => {
    await ctx.api.setClock('2026-11-23T14:00:00.000Z');
    const created = await apiKey('create', '--name', 'Example Recruiting');
    keyA = /ifk_[A-Za-z0-9_-]{43}/.exec(created)?.[0] ?? '';
    keyAId = /key_[0-9a-f]{12}/.exec(created)?.[0] ?? '';
    expect(keyA).not.toBe('');
    const listed = await apiKey('list');
    expect(listed).toContain(`${keyAId}  active`);
    expect(listed).toContain('Example Recruiting');
    expect(listed).not.toContain(keyA);
    expect((await post(keyA, { ...validBody(), ...interviewer(1) })).status).toBe(201);

    const other = /ifk_[A-Za-z0-9_-]{43}/.exec(await apiKey('create', '--name', 'Short-lived'))?.[0] ?? '';
    const otherId =
      /key_[0-9a-f]{12}/.exec(await apiKey('list'))?.[0] === keyAId
        ? (/key_[0-9a-f]{12}(?=\s+active\s+created [^\n]+Short-lived)/.exec(await apiKey('list'))?.[0] ?? '')
        : '';
    expect((await get(other, '00000000-0000-4000-8000-000000000000')).status).toBe(404);
    expect(await apiKey('revoke', otherId)).toContain('Revoked');
    expect((await get(other, '00000000-0000-4000-8000-000000000000')).status).toBe(401);
    expect(await apiKey('list')).toContain(`${otherId}  revoked`);
  });

  it('missing, unknown or revoked keys are 401; the API_KEY variable stays valid', async () => {
    expect((await post('ifk_unknown', validBody())).status).toBe(401);
    expect((await ctx.api.call('/interviews/00000000-0000-4000-8000-000000000000')).status).toBe(401);
    expect((await get(ctx.runtime.apiKey, '00000000-0000-4000-8000-000000000000')).status).toBe(404);
  });

  it('an interview is visible and deletable only with the key that created it', async () => {
    const res = await post(ctx.runtime.apiKey, { ...validBody(), ...interviewer(2) });
    const { id } = (await res.json()) as Created;
    expect((await get(ctx.runtime.apiKey, id)).status).toBe(200);
    expect((await get(keyA, id)).status).toBe(404);
    const del = await ctx.api.call(`/interviews/${id}`, {
      method: 'DELETE',
      headers: { Authorization: `Bearer ${keyA}` },
    });
    expect(del.status).toBe(404);
    expect((await get(ctx.runtime.apiKey, id)).status).toBe(200);
  });
});

describe('limits per key', () => {
  it('per interviewer per day: the third to the same address is a 429 until midnight UTC', async () => {
    await ctx.api.setClock('2026-11-24T14:00:00.000Z');
    for (let i = 0; i < 2; i++)
      expect((await post(keyA, { ...validBody(), ...interviewer(9) })).status).toBe(201);
    const res = await post(keyA, { ...validBody(), ...interviewer(9) });
    expect(res.status).toBe(429);
    expect(Number(res.headers.get('retry-after'))).toBe(10 * 3600);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('rate_limited');
  });

  it('per minute: the fourth in a minute is a 429 with Retry-After until the sliding window has room', async () => {
    await ctx.api.setClock('2026-11-25T14:00:15.000Z');
    for (let i = 10; i < 13; i++)
      expect((await post(keyA, { ...validBody(), ...interviewer(i) })).status).toBe(201);
    const schedules = ctx.runtime.emulator.pending().length;
    const res = await post(keyA, { ...validBody(), ...interviewer(13) });
    expect(res.status).toBe(429);
    // The window slides: at 14:01:20 the three of 14:00 weigh 3 × 40/60 = 2, leaving room for one.
    expect(Number(res.headers.get('retry-after'))).toBe(65);
    // The item was written while the limits were counted; the refusal deleted it, scheduled nothing.
    const kept: string[] = [];
    for await (const record of ctx.runtime.store.listOwnedBy(keyAId))
      kept.push(record.interviewers[0]?.email ?? '');
    expect(kept.filter((email) => email === 'interviewer13@example.org')).toEqual([]);
    expect(ctx.runtime.emulator.pending().length).toBe(schedules);
    // Another key has its own budget.
    expect((await post(ctx.runtime.apiKey, { ...validBody(), ...interviewer(13) })).status).toBe(201);
    await ctx.api.setClock('2026-11-25T14:01:19.000Z');
    expect((await post(keyA, { ...validBody(), ...interviewer(13) })).status).toBe(429);
    await ctx.api.setClock('2026-11-25T14:01:20.000Z');
    expect((await post(keyA, { ...validBody(), ...interviewer(13) })).status).toBe(201);
  });

  it('per day: the seventh of the day is a 429; a refused request does not use up the budget', async () => {
    // 4 so far today (three, then one more after the minute); two more fit.
    await ctx.api.setClock('2026-11-25T15:00:00.000Z');
    for (let i = 20; i < 22; i++)
      expect((await post(keyA, { ...validBody(), ...interviewer(i) })).status).toBe(201);
    for (let attempt = 0; attempt < 3; attempt++) {
      expect((await post(keyA, { ...validBody(), ...interviewer(30) })).status).toBe(429);
    }
    await ctx.api.setClock('2026-11-26T00:00:01.000Z');
    expect((await post(keyA, { ...validBody(), ...interviewer(30) })).status).toBe(201);
  });
});

describe('Idempotency-Key', () => {
  it('the same key and body return the original response and create, schedule and send nothing new', async () => {
    await ctx.api.setClock('2026-11-27T15:00:00.000Z');
    const body = { ...validBody(), ...interviewer(40) };
    const first = await post(ctx.runtime.apiKey, body, { 'Idempotency-Key': 'order-40' });
    expect(first.status).toBe(201);
    const original = (await first.json()) as Created;
    await ctx.runtime.emulator.settle();
    const pending = ctx.runtime.emulator.pending().length;
    const mails = (await ctx.api.mail()).length;

    // Same data, other key order: still the same body.
    const reordered = Object.fromEntries(Object.entries(body).reverse());
    const again = await post(ctx.runtime.apiKey, reordered, { 'Idempotency-Key': 'order-40' });
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(await again.json()).toEqual(original);
    await ctx.runtime.emulator.settle();
    expect(ctx.runtime.emulator.pending().length).toBe(pending);
    expect((await ctx.api.mail()).length).toBe(mails);
    // The replayed cancel link is the real one.
    expect((await ctx.api.fetch(original.cancelUrl)).status).toBe(200);
  });

  it('the same key with a different body is a 409; another API key has its own keys', async () => {
    const res = await post(
      ctx.runtime.apiKey,
      { ...validBody(), ...interviewer(41) },
      { 'Idempotency-Key': 'order-40' },
    );
    expect(res.status).toBe(409);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('idempotency_conflict');
    const otherKey = await post(
      keyA,
      { ...validBody(), ...interviewer(41) },
      { 'Idempotency-Key': 'order-40' },
    );
    expect(otherKey.status).toBe(201);
  });

  it('concurrent duplicates create one interview', async () => {
    const body = { ...validBody(), ...interviewer(42) };
    const answers = await Promise.all(
      Array.from({ length: 8 }, () => post(ctx.runtime.apiKey, body, { 'Idempotency-Key': 'burst-42' })),
    );
    expect(answers.map((r) => r.status)).toEqual(Array(8).fill(201));
    const ids = new Set(await Promise.all(answers.map(async (r) => ((await r.json()) as Created).id)));
    expect(ids.size).toBe(1);
    await ctx.runtime.emulator.settle();
    const confirmations = (await ctx.api.mail()).filter((m) => m.text.includes('Interviewer 42'));
    expect(confirmations).toHaveLength(1);
  });

  it('a claim left by a request that died is taken over after its lease, resuming that interview', async () => {
    await ctx.api.setClock('2026-11-27T15:00:00.000Z');
    const body = { ...validBody(), ...interviewer(43) };
    const access = ctx.runtime.access;
    const interviewId = '43434343-4343-4343-8343-434343434343';
    const now = Math.floor(Date.parse('2026-11-27T15:00:00Z') / 1000);
    const stale = {
      bodyHash: createHash('sha256').update(canonicalJson(body)).digest('hex'),
      claimedAt: now - 120,
      interviewId,
      salt: 'salt-of-the-dead-request',
      state: 'pending' as const,
      expiresAt: now + 86_400,
    };
    const scope = `env#${createHash('sha256').update('died-43').digest('hex')}`;
    expect(await access.claim(scope, stale)).toBeUndefined();
    const res = await post(ctx.runtime.apiKey, body, { 'Idempotency-Key': 'died-43' });
    expect(res.status).toBe(201);
    const created = (await res.json()) as Created;
    expect(created.id).toBe(interviewId);
    const replay = await post(ctx.runtime.apiKey, body, { 'Idempotency-Key': 'died-43' });
    expect(((await replay.json()) as Created).cancelUrl).toBe(created.cancelUrl);
    expect((await ctx.api.fetch(created.cancelUrl)).status).toBe(200);
  });

  it('a malformed Idempotency-Key is a 400', async () => {
    for (const key of ['', 'x'.repeat(256), 'tab\there']) {
      const res = await post(ctx.runtime.apiKey, validBody(), { 'Idempotency-Key': key });
      expect(res.status).toBe(400);
    }
  });
});

describe('DELETE /interviews/{id}', () => {
  it('cancels, deletes the schedules, erases the personal data; later reads and the link are 404', async () => {
    await ctx.api.setClock('2026-11-28T15:00:00.000Z'); // a new day: the budgets above are spent
    const res = await post(ctx.runtime.apiKey, { ...validBody(), ...interviewer(50) });
    expect(res.status).toBe(201);
    const created = (await res.json()) as Created;
    const del = await ctx.api.call(`/interviews/${created.id}`, {
      method: 'DELETE',
      headers: { Authorization: `Bearer ${ctx.runtime.apiKey}` },
    });
    expect(del.status).toBe(204);
    expect((await get(ctx.runtime.apiKey, created.id)).status).toBe(404);
    expect((await ctx.api.fetch(created.cancelUrl)).status).toBe(404);
    const names = ctx.runtime.emulator.pending().map((p) => p.name);
    expect(names.filter((n) => n.startsWith(created.id))).toEqual([]);
    const again = await ctx.api.call(`/interviews/${created.id}`, {
      method: 'DELETE',
      headers: { Authorization: `Bearer ${ctx.runtime.apiKey}` },
    });
    expect(again.status).toBe(404);
    await ctx.api.setClock('2026-12-03T00:00:00.000Z');
    expect((await ctx.api.mail()).filter((m) => m.to.includes('interviewer50@example.org'))).toEqual([]);
  });

  it('a send that arrives after the DELETE finds nothing to write to, and sends nothing', async () => {
    await ctx.api.setClock('2026-11-29T15:00:00.000Z');
    // No confirmation yet: it is queued to the sender right after the 201, like the DELETE here.
    const res = await post(ctx.runtime.apiKey, { ...validBody(), ...interviewer(51) });
    expect(res.status).toBe(201);
    const created = (await res.json()) as Created;
    await ctx.api.call(`/interviews/${created.id}`, {
      method: 'DELETE',
      headers: { Authorization: `Bearer ${ctx.runtime.apiKey}` },
    });
    await ctx.runtime.emulator.settle();
    const mails = (await ctx.api.mail()).filter((m) => m.text.includes('Interviewer 51'));
    expect(mails.length).toBeLessThanOrEqual(1); // the confirmation may have gone before the DELETE
    expect(ctx.runtime.emulator.deadLetters()).toEqual([]);
  });
});
