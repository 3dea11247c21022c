/**
 * The history over HTTP (issue 17, point 5): `GET /interviews/{id}` carries who did what, in
 * order, each entry written with the change it records. Entries name an email by its kind and
 * address, an API key by its id, and never hold a value; a DELETE adds its own entry and leaves
 * nothing personal in the history.
 */
import { describe, expect, it } from 'vitest';
import { validBody } from '../fixtures.js';
import { useService } from '../integration/helpers.js';
import { type Created, panelApi, panelBody } from '../support/panel.js';

const { ctx } = useService();
const api = panelApi(ctx);

interface Entry {
  at: string;
  by: string;
  keyId?: string;
  action: string;
  email?: { kind: string; to?: string };
}

async function history(id: string): Promise<Entry[]> {
  const res = await ctx.api.get(id);
  expect(res.status).toBe(200);
  return ((await res.json()) as { history: Entry[] }).history;
}
const brief = (entries: Entry[]) =>
  entries.map((e) => [e.by, e.action, e.email ? `${e.email.kind} ${e.email.to ?? ''}`.trim() : '']);

describe('history', () => {
  it('records the submission, the confirmation, a cancel by the link and each send, in order', async () => {
    await ctx.api.setClock('2026-11-27T19:30:00.000Z');
    const res = await ctx.api.submit({
      ...validBody(),
      interviewer: { name: 'Mrs. Hiring Manager', email: 'h1@example.org' },
    });
    const created = (await res.json()) as Created;
    await ctx.api.setClock('2026-11-27T19:31:00.000Z');
    const first = await history(created.id);
    expect(first[0]).toEqual({
      at: expect.stringMatching(/^2026-11-27T19:30:00/),
      by: 'api',
      keyId: 'env',
      action: 'created',
    });
    expect(brief(first)).toEqual([
      ['api', 'created', ''],
      ['sender', 'sent', 'confirmation'],
    ]);
    await api.cancelJson(created.cancelUrl, { kind: 'follow-up' });
    await ctx.api.setClock('2026-12-03T00:00:00.000Z');
    const after = await history(created.id);
    expect(brief(after)).toEqual([
      ['api', 'created', ''],
      ['sender', 'sent', 'confirmation'],
      ['link', 'cancelled', 'follow-up h1@example.org'],
      ['sender', 'sent', 'thank-you h1@example.org'],
    ]);
    expect(after[3]?.at).toMatch(/^2026-11-27T22:00:0/);
    // Oldest first, and no value of any field in it.
    expect(after.map((e) => e.at)).toEqual([...after.map((e) => e.at)].sort());
    expect(JSON.stringify(after)).not.toContain('Reagan');
  });

  it('a late thank-you skipped, a bounce and its cancels: by the sender and by feedback', async () => {
    await ctx.api.setClock('2026-12-07T14:00:00.000Z');
    const created = await api.submit(
      panelBody(
        [
          { name: 'Mrs. Hiring Manager', email: 'h2@example.org' },
          { name: 'Jordan Example', email: 'j2@example.org' },
        ],
        { interview: { endsAt: '2026-12-07T08:30', timeZone: 'America/New_York' } },
      ),
    );
    // Down for two days across the thank-yous (12:30 local): both fire more than a day late.
    await ctx.api.setClock('2026-12-09T18:00:00.000Z', true);
    await api.bounce(created.id, 'confirmation', 'reagan@example.com');
    const entries = brief(await history(created.id));
    expect(entries).toContainEqual(['sender', 'skipped', 'thank-you h2@example.org']);
    expect(entries).toContainEqual(['sender', 'skipped', 'thank-you j2@example.org']);
    expect(entries).toContainEqual(['feedback', 'bounced', 'confirmation']);
    expect(entries).toContainEqual(['feedback', 'cancelled', 'follow-up j2@example.org']);
  });

  it('a DELETE ends with an erased entry, and the history keeps no address', async () => {
    await ctx.api.setClock('2026-11-27T19:30:00.000Z');
    const res = await ctx.api.submit({
      ...validBody(),
      interviewer: { name: 'Mrs. Hiring Manager', email: 'h3@example.org' },
    });
    const { id } = (await res.json()) as Created;
    await ctx.api.setClock('2026-11-27T19:31:00.000Z'); // the confirmation has gone
    expect(
      (
        await ctx.api.call(`/interviews/${id}`, {
          method: 'DELETE',
          headers: { Authorization: `Bearer ${ctx.runtime.apiKey}` },
        })
      ).status,
    ).toBe(204);
    const stored = await ctx.runtime.store.get(id);
    const kept = stored?.history ?? [];
    expect(kept.map((e) => [e.by, e.action, e.email ?? ''])).toEqual([
      ['api', 'created', ''],
      ['sender', 'sent', 'confirmation'],
      ['api', 'cancelled', 'thank-you'],
      ['api', 'cancelled', 'follow-up'],
      ['api', 'erased', ''],
    ]);
    expect(JSON.stringify(kept)).not.toMatch(/@|Reagan|Manager/);
    // Nor when anything happened, nor which key: every entry carries the erasure's time alone.
    expect(new Set(kept.map((e) => e.at))).toEqual(new Set([stored?.erasedAt]));
    expect(kept.some((e) => e.keyId !== undefined)).toBe(false);
  });
});
