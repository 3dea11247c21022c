/**
 * Hostile input, property-based (fast-check): malformed JSON, wrong types, huge strings, unicode,
 * control characters, prototype-pollution keys, deep nesting. Every answer is a 4xx with the error
 * shape (or the 404 page), none a 5xx, and nothing is stored, scheduled or sent.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { validBody } from '../fixtures.js';
import { useService } from '../integration/helpers.js';
import { contentType, hostileBody, hostileToken } from '../support/hostile.js';

const { ctx } = useService();
const RUNS = 120;

async function expect4xx(res: Response, json: boolean) {
  expect(res.status, await res.clone().text()).toBeGreaterThanOrEqual(400);
  expect(res.status).toBeLessThan(500);
  if (json) {
    const body = (await res.json()) as { error?: { code?: unknown; message?: unknown } };
    expect(typeof body.error?.code).toBe('string');
    expect(typeof body.error?.message).toBe('string');
  } else {
    await res.arrayBuffer();
  }
}

async function nothingHappened(before: { pending: number; mail: number }) {
  await ctx.runtime.emulator.settle();
  expect(ctx.runtime.emulator.pending().length).toBe(before.pending);
  expect((await ctx.api.mail()).length).toBe(before.mail);
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
}

async function snapshot() {
  await ctx.runtime.emulator.settle();
  return { pending: ctx.runtime.emulator.pending().length, mail: (await ctx.api.mail()).length };
}

describe('hostile input', () => {
  it.each(['/interviews', '/interviews/preview'])(
    'POST %s answers every hostile body with a 4xx',
    async (path) => {
      await ctx.api.setClock('2026-11-27T19:30:00.000Z');
      const before = await snapshot();
      await fc.assert(
        fc.asyncProperty(hostileBody, contentType, async (body, type) => {
          const res = await ctx.api.call(path, {
            method: 'POST',
            headers: { Authorization: `Bearer ${ctx.runtime.apiKey}`, ...(type && { 'Content-Type': type }) },
            body,
          });
          await expect4xx(res, true);
        }),
        { numRuns: RUNS },
      );
      await nothingHappened(before);
    },
  );

  it('after those bursts, the next valid submission is not slowed: its confirmation goes at once, untried-again', async () => {
    const metrics = async () =>
      (await (await ctx.api.call('/_local/metrics')).json()) as Record<string, number>;
    const before = await metrics();
    const res = await ctx.api.submit({
      ...validBody(),
      candidate: { name: 'Reagan Applicant', email: 'after.burst@example.com' },
    });
    expect(res.status).toBe(201);
    const { id } = (await res.json()) as { id: string };
    await ctx.runtime.emulator.settle();
    const mail = await ctx.api.mail();
    expect(mail.filter((m) => m.to.includes('after.burst@example.com'))).toHaveLength(1);
    expect(ctx.runtime.emulator.pending().some((p) => p.name.startsWith(`${id}-confirmation-r`))).toBe(false);
    expect((await metrics()).EmailsRetried).toBe(before.EmailsRetried);
  });

  it('the cancel routes answer hostile tokens and bodies with a 4xx and touch nothing', async () => {
    const res = await ctx.api.submit(validBody());
    const { id, cancelUrl } = (await res.json()) as { id: string; cancelUrl: string };
    const before = await snapshot();
    await fc.assert(
      fc.asyncProperty(hostileToken, hostileBody, contentType, async (token, body, type) => {
        const url = `${ctx.runtime.apiUrl}/cancel/${encodeURIComponent(token)}`;
        await expect4xx(await ctx.api.fetch(url), false);
        const posted = await ctx.api.fetch(url, {
          method: 'POST',
          headers: { Accept: 'application/json', ...(type && { 'Content-Type': type }) },
          body,
        });
        await expect4xx(posted, true);
        // The real link with a hostile kind: refused (an empty kind means "all", so it is left out).
        if (['', 'all', 'follow-up'].includes(body)) return;
        const real = await ctx.api.fetch(cancelUrl, {
          method: 'POST',
          headers: { Accept: 'application/json', 'Content-Type': 'application/json' },
          body: JSON.stringify({ kind: body }),
        });
        await expect4xx(real, true);
      }),
      { numRuns: RUNS },
    );
    await nothingHappened(before);
    const view = (await (await ctx.api.get(id)).json()) as { emails: { status: string }[] };
    expect(view.emails.map((e) => e.status)).toEqual(['scheduled', 'scheduled']);
  });
});
