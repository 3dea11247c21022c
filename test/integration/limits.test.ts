/**
 * The limits that keep the API from being a relay (issue 13): one interviewer counted by a
 * normalised address and across every key, confirmations per candidate address, a sliding
 * per-minute window, previews with a limit of their own, counters that cannot be matched to an
 * address by hashing it; and what a DELETE leaves behind.
 */
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoAccessStore } from '../../lambdas/aws/access.js';
import { dynamoClient } from '../../lambdas/aws/clients.js';
import { hashSecret } from '../../lambdas/core/tokens.js';
import { validBody } from '../fixtures.js';
import { localAws, NO_LIMITS, useLocalRuntime } from './helpers.js';

const { ctx, restart } = useLocalRuntime({
  limits: {
    ...NO_LIMITS,
    perMinute: 4,
    perInterviewerPerDay: 2,
    perInterviewerAllKeysPerDay: 3,
    perCandidatePerDay: 2,
    previewsPerMinute: 3,
  },
});

const OTHER_KEY = 'ifk_limits-test-second-key-aaaaaaaaaaaaaaaaaaaaaaa';
let db: ReturnType<typeof dynamoClient>;

beforeAll(async () => {
  const aws = localAws(ctx.runtime);
  db = dynamoClient(aws.config, aws.options);
  await new DynamoAccessStore(db, 'interviews').createKey(hashSecret(OTHER_KEY), {
    keyId: 'key_000000000002',
    name: 'Example Staffing',
    createdAt: '2026-11-01T00:00:00.000Z',
  });
});
afterAll(() => db?.destroy());

const post = (key: string, body: unknown, headers: Record<string, string> = {}) =>
  ctx.api.call('/interviews', {
    method: 'POST',
    headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
const preview = (key: string) =>
  ctx.api.call('/interviews/preview', {
    method: 'POST',
    headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(validBody()),
  });

let candidates = 0;
/** A submission to this interviewer from a candidate of its own (so only the interviewer counts). */
const to = (email: string) => ({
  ...validBody(),
  candidate: { name: 'Reagan Applicant', email: `reagan.${++candidates}@example.com` },
  interviewer: { name: 'Mrs. Hiring Manager', email },
});

async function errorOf(res: Response) {
  return ((await res.json()) as { error: { code: string; message: string } }).error;
}

async function items() {
  const { Items = [] } = await db.send(new ScanCommand({ TableName: 'interviews' }));
  return Items;
}

describe('one interviewer, however the address is written and whoever submits', () => {
  it('+tags, case, Gmail dots and googlemail.com count as one address', async () => {
    await ctx.api.setClock('2026-11-23T14:00:00.000Z');
    expect((await post(ctx.runtime.apiKey, to('mrs.hiring.manager@gmail.com'))).status).toBe(201);
    expect((await post(ctx.runtime.apiKey, to('MrsHiringManager+jobs@GoogleMail.com'))).status).toBe(201);
    const third = await post(ctx.runtime.apiKey, to('m.r.s.hiringmanager+again@gmail.com'));
    expect(third.status).toBe(429);
    expect((await errorOf(third)).message).toContain('per-interviewer-per-day');
  });

  it('the interviewer limit also counts across keys', async () => {
    await ctx.api.setClock('2026-11-23T14:05:00.000Z');
    // Two from the first key (its own limit), one from the second: the third across keys.
    expect((await post(ctx.runtime.apiKey, to('hiring.manager@example.org'))).status).toBe(201);
    expect((await post(ctx.runtime.apiKey, to('Hiring.Manager+a@example.org'))).status).toBe(201);
    expect((await post(OTHER_KEY, to('hiring.manager+b@example.org'))).status).toBe(201);
    const fourth = await post(OTHER_KEY, to('HIRING.MANAGER@example.org'));
    expect(fourth.status).toBe(429);
    expect((await errorOf(fourth)).message).toContain('all keys');
    // A dot outside Gmail is part of the address: someone else.
    expect((await post(OTHER_KEY, to('hiringmanager@example.org'))).status).toBe(201);
  });

  it('the counters are named by an HMAC, not by a hash anyone can compute from the address', async () => {
    const names = (await items()).map((item) => String(item.id)).filter((id) => id.startsWith('limit#'));
    expect(names.some((id) => id.includes('#interviewer#'))).toBe(true);
    for (const address of ['hiring.manager@example.org', 'mrshiringmanager@gmail.com']) {
      const sha = createHash('sha256').update(address).digest();
      for (const encoding of ['hex', 'base64url'] as const) {
        expect(names.filter((id) => id.includes(sha.toString(encoding)))).toEqual([]);
      }
      expect(names.filter((id) => id.includes(address))).toEqual([]);
    }
  });
});

describe('confirmations per candidate address', () => {
  it('past two a day to one address, from any key, the interview is scheduled but no confirmation goes', async () => {
    await ctx.api.setClock('2026-11-24T14:00:00.000Z');
    const body = (n: number, email: string) => ({
      ...validBody(),
      candidate: { name: 'Reagan Applicant', email },
      interviewer: { name: 'Mrs. Hiring Manager', email: `panel${n}@example.org` },
    });
    expect((await post(ctx.runtime.apiKey, body(1, 'victim@example.com'))).status).toBe(201);
    expect((await post(OTHER_KEY, body(2, 'Victim+x@example.com'))).status).toBe(201);
    await ctx.runtime.emulator.settle();
    const mails = (await ctx.api.mail()).length;
    const third = await post(OTHER_KEY, body(3, 'victim@example.com'));
    expect(third.status).toBe(201); // the submitter has the cancel link in the answer
    const { id, emails } = (await third.json()) as { id: string; emails: { status: string }[] };
    expect(emails.map((e) => e.status)).toEqual(['scheduled', 'scheduled']);
    await ctx.runtime.emulator.settle();
    expect((await ctx.api.mail()).length).toBe(mails);
    const item = (await items()).find((i) => i.id === id);
    expect(item?.emails.confirmation).toMatchObject({ status: 'skipped' });
    expect(item?.emails.confirmation.reason).toMatch(/^Not sent: this address already had/);
    // Another address is not affected.
    expect((await post(OTHER_KEY, body(4, 'reagan.other@example.com'))).status).toBe(201);
    await ctx.runtime.emulator.settle();
    expect((await ctx.api.mail()).length).toBe(mails + 1);
    // Nor do that interview's emails copy the address: the thank-yous of the first two do.
    await ctx.api.setClock('2026-11-27T23:00:00.000Z');
    const copies = (await ctx.api.mail()).filter((m) =>
      m.bcc.some((a) => a.toLowerCase().startsWith('victim')),
    );
    expect(copies.map((m) => m.to[0]).sort()).toEqual(['panel1@example.org', 'panel2@example.org']);
    expect((await ctx.api.mail()).filter((m) => m.to[0] === 'panel3@example.org')).toHaveLength(1);
  });
});

describe('the per-minute window slides', () => {
  it('a burst at the end of one minute leaves little room at the start of the next', async () => {
    await ctx.api.setClock('2026-11-25T14:00:50.000Z');
    for (let i = 0; i < 4; i++) expect((await post(OTHER_KEY, to(`slide${i}@example.org`))).status).toBe(201);
    // A fixed window would take four more at 14:01:01; the last minute still counts 4 × 59/60,
    // rounded up.
    await ctx.api.setClock('2026-11-25T14:01:01.000Z');
    const refused = await post(OTHER_KEY, to('slide9@example.org'));
    expect(refused.status).toBe(429);
    const retryAfter = Number(refused.headers.get('retry-after'));
    // From 14:01:15 the previous minute weighs 4 × 45/60 = 3: one more fits.
    expect(retryAfter).toBe(14);
    await ctx.api.setClock('2026-11-25T14:01:16.000Z');
    expect((await post(OTHER_KEY, to('slide10@example.org'))).status).toBe(201);
    expect((await post(OTHER_KEY, to('slide11@example.org'))).status).toBe(429);
  });
});

describe('previews', () => {
  it('count in a window of their own, and never against submissions', async () => {
    await ctx.api.setClock('2026-11-26T14:00:10.000Z');
    for (let i = 0; i < 3; i++) expect((await preview(ctx.runtime.apiKey)).status).toBe(200);
    const refused = await preview(ctx.runtime.apiKey);
    expect(refused.status).toBe(429);
    expect((await errorOf(refused)).message).toContain('previews');
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await preview(OTHER_KEY)).status).toBe(200);
    expect((await post(ctx.runtime.apiKey, to('preview-then-submit@example.org'))).status).toBe(201);
  });

  it('the worst-case placeholder input is refused at once, and counted', async () => {
    await ctx.api.setClock('2026-11-26T15:00:10.000Z');
    const res = await ctx.api.call('/interviews/preview', {
      method: 'POST',
      headers: { Authorization: `Bearer ${OTHER_KEY}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ ...validBody(), messages: { thankYou: { body: `{{${' '.repeat(4990)}` } } }),
    });
    expect(res.status).toBe(400);
    expect((await errorOf(res)).message).toContain('messages.thankYou.body');
  });
});

describe('after a DELETE', () => {
  it('a replay of its Idempotency-Key is a 404 gone, and only a bare marker is left of the record', async () => {
    await ctx.api.setClock('2026-11-27T15:00:00.000Z');
    const body = to('erase-me@example.org');
    const first = await post(ctx.runtime.apiKey, body, { 'Idempotency-Key': 'erase-1' });
    expect(first.status).toBe(201);
    const { id } = (await first.json()) as { id: string };
    const del = await ctx.api.call(`/interviews/${id}`, {
      method: 'DELETE',
      headers: { Authorization: `Bearer ${ctx.runtime.apiKey}` },
    });
    expect(del.status).toBe(204);
    const replay = await post(ctx.runtime.apiKey, body, { 'Idempotency-Key': 'erase-1' });
    expect(replay.status).toBe(404);
    expect((await errorOf(replay)).code).toBe('gone');
    const scope = `idem#env#${createHash('sha256').update('erase-1').digest('hex')}`;
    const record = (await items()).find((item) => item.id === scope);
    expect(Object.keys(record ?? {}).sort()).toEqual(['expiresAt', 'id', 'state']);
    expect(record?.state).toBe('gone');
    // The same key with another body is gone too, not a conflict.
    const other = await post(ctx.runtime.apiKey, to('someone-else@example.org'), {
      'Idempotency-Key': 'erase-1',
    });
    expect((await errorOf(other)).code).toBe('gone');
  });

  it('the item keeps no interview time, zone, away date, owner or send times', async () => {
    await ctx.api.setClock('2026-11-27T15:10:00.000Z');
    const res = await post(ctx.runtime.apiKey, {
      ...to('erase-me-too@example.org'),
      interviewer: {
        name: 'Mrs. Hiring Manager',
        email: 'erase-me-too@example.org',
        awayUntil: '2026-12-04',
      },
    });
    const { id } = (await res.json()) as { id: string };
    await ctx.runtime.emulator.settle(); // the confirmation went out: it has a sentAt and messageId
    await ctx.api.call(`/interviews/${id}`, {
      method: 'DELETE',
      headers: { Authorization: `Bearer ${ctx.runtime.apiKey}` },
    });
    const item = (await items()).find((i) => i.id === id);
    expect(item?.erasedAt).toBeDefined();
    // It expires 90 days after the erasure's day, not after its last email's minute.
    expect(item?.expiresAt).toBe(Date.parse('2026-11-27T00:00:00Z') / 1000 + 90 * 86_400);
    for (const email of Object.values(item?.emails ?? {})) {
      expect((email as { updatedAt: string }).updatedAt).toBe(item?.erasedAt);
    }
    for (const field of [
      'createdAt',
      'candidate',
      'interviewer',
      'position',
      'company',
      'highlights',
      'interview',
      'timing',
    ]) {
      expect(item?.[field], field).toBeUndefined();
    }
    expect(item?.ownerKeyId).toBeUndefined();
    expect(item?.tokenHash).toBeUndefined();
    const text = JSON.stringify(item);
    for (const secretish of ['2026-12-04', 'America/New_York', 'erase-me-too', 'Reagan', '2026-11-27T19']) {
      expect(text).not.toContain(secretish);
    }
    expect(Object.values(item?.emails ?? {}).map((e) => (e as { status: string }).status)).toEqual([
      'cancelled',
      'cancelled',
      'sent',
    ]);
  });

  it('locally, the data folder keeps no old version of an erased interview once the runtime stops', async () => {
    await ctx.api.setClock('2026-11-27T16:00:00.000Z');
    // Upper-case letters that occur nowhere else in the table, so LevelDB's Snappy blocks keep
    // them as a literal run: found by a plain byte search wherever they are stored.
    const token = 'QGHJWKXZVYRPFD';
    const res = await post(ctx.runtime.apiKey, {
      ...to(`${token}@example.org`),
      candidate: { name: `Reagan ${token}`, email: 'reagan.erasable@example.com' },
    });
    expect(res.status).toBe(201);
    const { id } = (await res.json()) as { id: string };
    await ctx.api.call(`/interviews/${id}`, {
      method: 'DELETE',
      headers: { Authorization: `Bearer ${ctx.runtime.apiKey}` },
    });
    const folder = join(ctx.dataDir, 'dynamodb');
    const holding = async (text: string) => {
      const found: string[] = [];
      for (const file of await readdir(folder)) {
        if ((await readFile(join(folder, file))).includes(text)) found.push(file);
      }
      return found;
    };
    // While it runs, LevelDB's log still has the item as first written.
    expect(await holding(token)).not.toEqual([]);
    // The mailbox stands for the inboxes; the developer can empty it.
    expect((await ctx.api.call('/_local/mail', { method: 'DELETE' })).status).toBe(204);
    expect(await ctx.api.mail()).toEqual([]);
    await restart(); // stop compacts the table's files
    expect(await holding(token)).toEqual([]);
    // The erased item itself is still there, as it should be.
    const aws = localAws(ctx.runtime);
    const fresh = dynamoClient(aws.config, aws.options);
    const { Items = [] } = await fresh.send(new ScanCommand({ TableName: 'interviews' }));
    fresh.destroy();
    expect(Items.find((item) => item.id === id)?.erasedAt).toBeDefined();
  });
});
