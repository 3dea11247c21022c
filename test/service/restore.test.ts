/**
 * Restore (issue 17, point 4) over HTTP: what the candidate cancelled goes back to `scheduled`
 * while its time is ahead, by the API or from the cancel link's page, its schedule made again, and
 * it then goes out exactly once; nothing past its time, nor anything that bounced, failed or was
 * cancelled for another reason, comes back.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { validBody } from '../fixtures.js';
import { type CapturedMail, useService } from '../integration/helpers.js';
import { type Created, type ErrorBody, panelApi, panelBody } from '../support/panel.js';

const { ctx } = useService();
const api = panelApi(ctx);
const SUBMITTED = '2026-11-27T19:30:00.000Z';

function restoreApi(id: string, choice: Record<string, unknown> = {}): Promise<Response> {
  return ctx.api.call(`/interviews/${id}/restore`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${ctx.runtime.apiKey}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(choice),
  });
}
const statuses = async (id: string) =>
  ((await (await ctx.api.get(id)).json()) as { emails: { status: string }[] }).emails.map((e) => e.status);
const subjectsTo = (mails: CapturedMail[], address: string) =>
  mails.filter((m) => m.to.includes(address)).map((m) => m.subject);

async function submitOne(address: string): Promise<Created> {
  await ctx.api.setClock(SUBMITTED);
  const res = await ctx.api.submit({
    ...validBody(),
    interviewer: { name: 'Mrs. Hiring Manager', email: address },
  });
  expect(res.status).toBe(201);
  return (await res.json()) as Created;
}

describe('restore by the API', () => {
  it('before its time: scheduled again, its schedule back, sent once; the history says who', async () => {
    const created = await submitOne('r1@example.org');
    await api.cancelJson(created.cancelUrl, { kind: 'all' });
    expect(api.pending(created.id)).toEqual([]);
    const res = await restoreApi(created.id, { kind: 'follow-up' });
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      emails: { kind: string; status: string; reason?: string }[];
      history: { by: string; keyId?: string; action: string }[];
    };
    expect(body.emails.map((e) => [e.kind, e.status])).toEqual([
      ['thank-you', 'cancelled'],
      ['follow-up', 'scheduled'],
    ]);
    expect(body.emails[1]?.reason).toBeUndefined();
    expect(body.history.at(-1)).toMatchObject({ by: 'api', keyId: 'env', action: 'restored' });
    expect(api.pending(created.id)).toEqual([`${created.id}-follow-up`]);
    await ctx.api.setClock('2026-12-03T00:00:00.000Z');
    expect(subjectsTo(await ctx.api.mail(), 'r1@example.org')).toEqual([
      'Following up on the Copywriter interview at Example Corp', // its thank-you never went: its own thread
    ]);
    expect(await statuses(created.id)).toEqual(['cancelled', 'sent']);
  });

  it('after its time, or when nothing was cancelled: 409 nothing_restorable, nothing changes', async () => {
    const created = await submitOne('r2@example.org');
    expect((await restoreApi(created.id)).status).toBe(409); // nothing cancelled
    await api.cancelJson(created.cancelUrl, { kind: 'thank-you' });
    await ctx.api.setClock('2026-11-27T22:00:30.000Z'); // its time has passed
    const late = await restoreApi(created.id, { kind: 'thank-you' });
    expect(late.status).toBe(409);
    expect(((await late.json()) as ErrorBody).error.code).toBe('nothing_restorable');
    expect(await statuses(created.id)).toEqual(['cancelled', 'scheduled']);
  });

  it('what a bounce cancelled stays cancelled; an unknown to is a 400', async () => {
    await ctx.api.setClock(SUBMITTED);
    const created = await api.submit(
      panelBody([
        { name: 'Mrs. Hiring Manager', email: 'r3@example.org' },
        { name: 'Jordan Example', email: 'r3j@example.org' },
      ]),
    );
    await ctx.api.setClock('2026-11-27T22:01:00.000Z'); // the thank-yous went
    await api.bounce(created.id, 'thank-you.2', 'r3j@example.org');
    expect((await restoreApi(created.id, { to: 'r3j@example.org' })).status).toBe(409);
    const unknown = await restoreApi(created.id, { to: 'someone@example.org' });
    expect(unknown.status).toBe(400);
    expect(((await unknown.json()) as ErrorBody).error.fields).toEqual([
      { path: 'to', message: 'is none of this interview’s interviewers' },
    ]);
    expect(await statuses(created.id)).toEqual(['sent', 'scheduled', 'failed', 'cancelled']);
  });

  it('nothing said no more since: a later bounce of that person, a second follow-up whose first is cancelled, ten restores', async () => {
    await ctx.api.setClock(SUBMITTED);
    const created = await api.submit(
      panelBody([{ name: 'Mrs. Hiring Manager', email: 'r6@example.org' }], { secondFollowUp: true }),
    );
    // The candidate cancels the follow-ups, then the thank-you goes and bounces: no way back.
    await api.cancelJson(created.cancelUrl, { kind: 'follow-up' });
    await ctx.api.setClock('2026-11-27T22:01:00.000Z');
    await api.bounce(created.id, 'thank-you', 'r6@example.org');
    expect((await restoreApi(created.id)).status).toBe(409);

    const other = await submitOne('r7@example.org');
    const both = await ctx.api.submit({
      ...validBody(),
      interviewer: { name: 'Sam Example', email: 'r8@example.org' },
      secondFollowUp: true,
    });
    const second = (await both.json()) as Created;
    await api.cancelJson(second.cancelUrl, { kind: 'follow-up' });
    // The second follow-up alone cannot come back ("once more" after nothing); the first can, alone.
    expect((await restoreApi(second.id, { kind: 'second-follow-up' })).status).toBe(409);
    expect((await restoreApi(second.id, { kind: 'follow-up' })).status).toBe(200);
    expect(await statuses(second.id)).toEqual(['scheduled', 'scheduled', 'cancelled']);
    expect((await restoreApi(second.id, { kind: 'second-follow-up' })).status).toBe(200);

    for (let i = 0; i < 10; i++) {
      await api.cancelJson(other.cancelUrl, { kind: 'follow-up' });
      expect((await restoreApi(other.id, { kind: 'follow-up' })).status).toBe(200);
    }
    await api.cancelJson(other.cancelUrl, { kind: 'follow-up' });
    expect((await restoreApi(other.id, { kind: 'follow-up' })).status).toBe(409); // the eleventh
  });

  it('a body over 4 KiB is a 413, as on the link', async () => {
    const created = await submitOne('r9@example.org');
    const res = await restoreApi(created.id, { kind: 'all', padding: 'x'.repeat(5000) });
    expect(res.status).toBe(413);
    expect(((await res.json()) as ErrorBody).error.code).toBe('payload_too_large');
  });

  it('is only for the key that created it', async () => {
    const created = await submitOne('r4@example.org');
    const other = await ctx.api.call(`/interviews/${created.id}/restore`, {
      method: 'POST',
      headers: { Authorization: 'Bearer not-the-key', 'Content-Type': 'application/json' },
      body: '{}',
    });
    expect(other.status).toBe(401);
  });
});

describe('restore from the cancel page', () => {
  let cancelUrl = '';
  let id = '';
  beforeAll(async () => {
    const created = await submitOne('r5@example.org');
    cancelUrl = created.cancelUrl;
    id = created.id;
  });

  it('shows a Restore button for what the candidate cancelled, and restores with it', async () => {
    const page = await api.cancelForm(cancelUrl, { kind: 'follow-up' });
    const html = await page.text();
    expect(html).toContain(`action="${new URL(cancelUrl).pathname}/restore"`);
    expect(html).toContain('Restore the follow-up');
    const restored = await api.cancelForm(`${cancelUrl}/restore`, { kind: 'follow-up' });
    expect(restored.status).toBe(200);
    expect(await restored.text()).toContain('Restored: it goes out as planned.');
    expect(await statuses(id)).toEqual(['scheduled', 'scheduled']);
    const history = ((await (await ctx.api.get(id)).json()) as { history: { by: string; action: string }[] })
      .history;
    // (The confirmation's send may land anywhere among them: it is asynchronous.)
    const ours = history.filter((h) => h.action === 'cancelled' || h.action === 'restored');
    expect(ours.map((h) => `${h.by} ${h.action}`)).toEqual(['link cancelled', 'link restored']);
  });

  it('as JSON, nothing restorable is a 409, as by the API', async () => {
    const res = await api.cancelJson(`${cancelUrl}/restore`, { kind: 'thank-you' }); // never cancelled
    expect(res.status).toBe(409);
    expect(((await res.json()) as ErrorBody).error.code).toBe('nothing_restorable');
  });

  it('refuses a cross-site restore, like a cancel', async () => {
    await api.cancelForm(cancelUrl, { kind: 'follow-up' });
    const res = await ctx.api.fetch(`${cancelUrl}/restore`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'Sec-Fetch-Site': 'cross-site' },
      body: 'kind=follow-up',
    });
    expect(res.status).toBe(403);
    expect(await statuses(id)).toEqual(['scheduled', 'cancelled']);
  });
});
