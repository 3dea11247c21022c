/**
 * The cancel link: what the page shows, what each POST does, and what it refuses (cross-site
 * posts, tampered and expired tokens, another interview). Plus the mail-scanner test: every link
 * in every email, fetched with GET and HEAD again and again, changes nothing.
 */
import { describe, expect, it } from 'vitest';
import { validBody } from '../fixtures.js';
import { useService } from '../integration/helpers.js';

const { ctx } = useService();

interface View {
  id: string;
  emails: { kind: string; status: string }[];
  cancelUrl: string;
}

async function submit(patch: Record<string, unknown> = {}): Promise<View> {
  const res = await ctx.api.submit({ ...validBody(), ...patch });
  expect(res.status).toBe(201);
  return (await res.json()) as View;
}

async function statuses(id: string): Promise<string[]> {
  const view = (await (await ctx.api.get(id)).json()) as View;
  return view.emails.map((e) => e.status);
}

const post = (url: string, init: { headers?: Record<string, string>; body?: string } = {}) =>
  ctx.api.fetch(url, { method: 'POST', ...init });
const form = (kind: string) => ({
  headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
  body: `kind=${encodeURIComponent(kind)}`,
});

describe('the cancel page', () => {
  it('shows the interview and each email, with both buttons, and strict security headers', async () => {
    await ctx.api.setClock('2026-11-27T19:30:00.000Z');
    const created = await submit();
    const res = await ctx.api.fetch(created.cancelUrl);
    expect(res.status).toBe(200);
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("form-action 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    // same-origin: an old browser without Sec-Fetch-Site then sends our Origin on our own form
    // (under no-referrer Safari before 16.4 sent "null", which is refused).
    expect(res.headers.get('referrer-policy')).toBe('same-origin');
    expect(res.headers.get('cache-control')).toBe('no-store');
    const html = await res.text();
    expect(html).toContain('Copywriter at Example Corp');
    expect(html).toContain('Emails to Mrs. Hiring Manager');
    expect(html).toContain('Goes out Friday, November 27 at 5:00 PM EST');
    expect(html).toContain('Goes out Wednesday, December 2 at 10:00 AM EST');
    expect(html).toContain('Cancel all pending emails');
    expect(html).toContain('Cancel only the follow-up');
    expect(html).not.toMatch(/<script|src=|href="http/); // no scripts, no external assets
    const head = await ctx.api.fetch(created.cancelUrl, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
  });

  it('escapes what the submitter wrote', async () => {
    const created = await submit({ position: '<script>alert(1)</script> & Co', company: '"Quotes" <b>' });
    const html = await (await ctx.api.fetch(created.cancelUrl)).text();
    expect(html).not.toContain('<script>alert(1)</script>');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &amp; Co');
  });

  it('"Cancel only the follow-up" cancels the follow-up, deletes its schedule and keeps the thank-you', async () => {
    const created = await submit();
    const res = await post(created.cancelUrl, form('follow-up'));
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('Done: the follow-up will not be sent.');
    expect(await statuses(created.id)).toEqual(['scheduled', 'cancelled']);
    const pending = ctx.runtime.emulator.pending().map((p) => p.name);
    expect(pending).toContain(`${created.id}-thank-you`);
    expect(pending).not.toContain(`${created.id}-follow-up`);
    // Then "all" cancels the rest; repeating either is harmless.
    const json = await post(created.cancelUrl, {
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify({ kind: 'all' }),
    });
    expect(((await json.json()) as View).emails.map((e) => e.status)).toEqual(['cancelled', 'cancelled']);
    expect((await post(created.cancelUrl, form('all'))).status).toBe(200);
    expect(await statuses(created.id)).toEqual(['cancelled', 'cancelled']);
  });

  it('a POST with no body cancels everything pending; an unknown kind is a 400 that changes nothing', async () => {
    const created = await submit();
    const bad = await post(created.cancelUrl, form('everything'));
    expect(bad.status).toBe(400);
    expect(await statuses(created.id)).toEqual(['scheduled', 'scheduled']);
    const badJson = await post(created.cancelUrl, {
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: '{"kind": 3}',
    });
    expect(badJson.status).toBe(400);
    expect(((await badJson.json()) as { error: { code: string } }).error.code).toBe('invalid_request');
    expect((await post(created.cancelUrl)).status).toBe(200);
    expect(await statuses(created.id)).toEqual(['cancelled', 'cancelled']);
  });

  it('refuses cross-site posts (403) and allows same-origin ones and clients that send neither header', async () => {
    // A browser that sends Origin: null on our own form (a page served with no-referrer) is
    // vouched for by Sec-Fetch-Site: same-origin; one without Sec-Fetch-Site sends our origin.
    const created = await submit();
    const own = new URL(created.cancelUrl).origin;
    const crossSite: Record<string, string>[] = [
      { 'Sec-Fetch-Site': 'cross-site' },
      { 'Sec-Fetch-Site': 'same-site', Origin: 'https://sibling.example.com' },
      { 'Sec-Fetch-Site': 'cross-site', Origin: 'null' },
      { Origin: 'https://attacker.example.com' },
      { Origin: 'null' },
    ];
    for (const headers of crossSite) {
      const res = await post(created.cancelUrl, {
        headers: { ...headers, ...form('all').headers },
        body: 'kind=all',
      });
      expect(res.status).toBe(403);
      expect(await res.text()).toContain('Not allowed');
    }
    expect(await statuses(created.id)).toEqual(['scheduled', 'scheduled']);
    const sameOrigin = await post(created.cancelUrl, {
      headers: { Origin: own, 'Sec-Fetch-Site': 'same-origin', ...form('follow-up').headers },
      body: 'kind=follow-up',
    });
    expect(sameOrigin.status).toBe(200);
    expect(await statuses(created.id)).toEqual(['scheduled', 'cancelled']);
    const ownFormNoReferrer = await post(created.cancelUrl, {
      headers: { Origin: 'null', 'Sec-Fetch-Site': 'same-origin', ...form('all').headers },
      body: 'kind=all',
    });
    expect(ownFormNoReferrer.status).toBe(200);
    expect(await statuses(created.id)).toEqual(['cancelled', 'cancelled']);
    const oldBrowser = await submit();
    const fromOwnPage = await post(oldBrowser.cancelUrl, {
      headers: { Origin: own, ...form('all').headers },
      body: 'kind=all',
    });
    expect(fromOwnPage.status).toBe(200);
    expect(await statuses(oldBrowser.id)).toEqual(['cancelled', 'cancelled']);
  });

  it('a tampered token is a 404 and a token never touches another interview', async () => {
    const a = await submit();
    const b = await submit({ interviewer: { name: 'Mr. Other', email: 'other@example.org' } });
    const token = a.cancelUrl.slice(a.cancelUrl.lastIndexOf('/') + 1);
    const tampered = token.slice(0, -1) + (token.endsWith('A') ? 'B' : 'A');
    const res = await post(`${ctx.runtime.apiUrl}/cancel/${tampered}`, form('all'));
    expect(res.status).toBe(404);
    expect((await ctx.api.fetch(`${ctx.runtime.apiUrl}/cancel/${tampered}`)).status).toBe(404);
    await post(a.cancelUrl, form('all'));
    expect(await statuses(a.id)).toEqual(['cancelled', 'cancelled']);
    expect(await statuses(b.id)).toEqual(['scheduled', 'scheduled']);
    const pageA = await (await ctx.api.fetch(a.cancelUrl)).text();
    expect(pageA).not.toContain('Mr. Other');
  });

  it('stops working 30 days after the last scheduled email: 410', async () => {
    await ctx.api.setClock('2026-11-27T19:30:00.000Z');
    const created = await submit({ interviewer: { name: 'Ms. Expiry', email: 'expiry@example.org' } });
    // The follow-up is due 2026-12-02T15:00Z; the link works until 2027-01-01T15:00Z.
    await ctx.api.setClock('2027-01-01T14:59:00.000Z');
    expect((await ctx.api.fetch(created.cancelUrl)).status).toBe(200);
    await ctx.api.setClock('2027-01-01T15:00:00.000Z');
    const page = await ctx.api.fetch(created.cancelUrl);
    expect(page.status).toBe(410);
    expect(await page.text()).toContain('Link expired');
    const json = await post(created.cancelUrl, { headers: { Accept: 'application/json' } });
    expect(json.status).toBe(410);
    expect(((await json.json()) as { error: { code: string } }).error.code).toBe('gone');
  });
});

describe('mail scanners', () => {
  it('fetching every link in every email with GET and HEAD, several times, changes nothing', async () => {
    await ctx.api.setClock('2027-02-01T14:00:00.000Z');
    const ids = [];
    for (const name of ['Scanner One', 'Scanner Two']) {
      const created = await submit({
        interviewer: { name, email: `${name.replace(' ', '.').toLowerCase()}@example.org` },
        interview: { endsAt: '2027-02-01T09:00', timeZone: 'America/New_York' },
      });
      ids.push(created.id);
    }
    await ctx.runtime.emulator.settle();
    const mails = await ctx.api.mail();
    const links = new Set<string>();
    for (const mail of mails) {
      for (const match of `${mail.text}\n${mail.html}`.matchAll(/https?:\/\/[^\s"<>]+/g)) links.add(match[0]);
    }
    const cancelLinks = [...links].filter((l) => l.includes('/cancel/'));
    expect(cancelLinks.length).toBeGreaterThanOrEqual(2);
    const before = await Promise.all(ids.map(statuses));
    const pendingBefore = ctx.runtime.emulator.pending().length;
    for (let round = 0; round < 3; round++) {
      for (const link of links) {
        expect((await ctx.api.fetch(link)).status).toBeLessThan(500);
        expect((await ctx.api.fetch(link, { method: 'HEAD' })).status).toBeLessThan(500);
      }
    }
    expect(await Promise.all(ids.map(statuses))).toEqual(before);
    expect(before.flat().every((s) => s === 'scheduled')).toBe(true);
    expect(ctx.runtime.emulator.pending().length).toBe(pendingBefore);
  });
});
