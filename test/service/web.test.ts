/**
 * The self-serve form and its confirmation pages over HTTP (issue 18, first slice; docs/self-serve.md),
 * with JavaScript off as a browser without it posts them: the form, its errors tied to their
 * fields, adding and removing an interviewer, the verify email to the candidate alone, the page its
 * link opens (which changes nothing), the confirmation, and what is refused.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { NO_LIMITS, useService } from '../integration/helpers.js';
import { mailsTo } from '../support/panel.js';

const { ctx } = useService({ selfServe: true, limits: { ...NO_LIMITS, selfServePerIpPerHour: 1_000 } });
const SUBMITTED = '2026-11-27T19:30:00.000Z';

const form = (fields: Record<string, string>, headers: Record<string, string> = {}) =>
  ctx.api.call('/', {
    method: 'POST',
    headers: {
      'Content-Type': 'application/x-www-form-urlencoded',
      'Sec-Fetch-Site': 'same-origin',
      ...headers,
    },
    body: new URLSearchParams(fields).toString(),
  });

const filled = (candidate: string, interviewer: string): Record<string, string> => ({
  'candidate.name': 'Reagan Applicant',
  'candidate.email': candidate,
  'interviewers.0.name': 'Mrs. Hiring Manager',
  'interviewers.0.email': interviewer,
  position: 'Copywriter',
  company: 'Example Corp',
  'interview.endsAt': '2026-11-27T14:00',
  'interview.timeZone': 'America/New_York',
});

/** The verify link the candidate got, by its token. */
async function verifyToken(candidate: string): Promise<string> {
  await ctx.runtime.emulator.settle();
  const text = mailsTo(await ctx.api.mail(), candidate).at(-1)?.text ?? '';
  const token = /\/manage\/([A-Za-z0-9_-]{43})/.exec(text)?.[1];
  if (!token) throw new Error(`no verify link in: ${text}`);
  return token;
}

describe('the self-serve form', () => {
  it('GET / is the form: every field labelled, a strict CSP, no script', async () => {
    const res = await ctx.api.call('/');
    expect(res.status).toBe(200);
    expect(res.headers.get('Content-Security-Policy')).toMatch(/default-src 'none'; style-src 'sha256-/);
    const html = await res.text();
    for (const name of [
      'candidate.name',
      'candidate.email',
      'interviewers.0.name',
      'interviewers.0.email',
      'position',
      'interview.endsAt',
      'interview.timeZone',
    ]) {
      const id = `f-${name.replaceAll('.', '-')}`;
      expect(html).toContain(`for="${id}"`);
      expect(html).toContain(`id="${id}" name="${name}"`);
    }
    expect(html).not.toContain('<script');
  });

  it('refuses what is wrong field by field, keeping what was typed, each error tied to its field', async () => {
    const res = await form(filled('reagan@example.com', 'not-an-address'));
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toContain('aria-describedby="f-interviewers-0-email-error" aria-invalid="true"');
    expect(html).toMatch(/id="f-interviewers-0-email-error">[^<]+</);
    expect(html).toContain('value="Reagan Applicant"');
    // A link is refused in a self-serve text, even to the interviewer's own domain.
    const link = await form({
      ...filled('reagan@example.com', 'm@example.org'),
      highlights: 'my work at example.org',
    });
    expect(link.status).toBe(400);
    expect(await link.text()).toMatch(/id="f-highlights-error">must not contain links/);
  });

  it('adds and removes an interviewer without JavaScript, keeping the others as typed', async () => {
    const added = await (await form({ ...filled('r@example.com', 'a@example.org'), add: '1' })).text();
    expect(added).toContain('name="interviewers.1.name"');
    const removed = await (
      await form({
        ...filled('r@example.com', 'a@example.org'),
        'interviewers.1.name': 'Jordan Example',
        'interviewers.1.email': 'j@example.org',
        remove: '0',
      })
    ).text();
    expect(removed).toContain('value="Jordan Example"');
    expect(removed).not.toContain('name="interviewers.1.name"');
  });

  it('sends one email, to the candidate alone; its page changes nothing; the button confirms once', async () => {
    await ctx.api.setClock(SUBMITTED);
    const res = await form(filled('reagan+w1@example.com', 'w1@example.org'));
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('Check your inbox');
    const token = await verifyToken('reagan+w1@example.com');
    expect(mailsTo(await ctx.api.mail(), 'w1@example.org')).toEqual([]);
    for (const method of ['GET', 'HEAD', 'GET']) {
      const page = await ctx.api.call(`/manage/${token}`, { method });
      expect(page.status).toBe(200);
    }
    const html = await (await ctx.api.call(`/manage/${token}`)).text();
    expect(html).toContain('Confirm and schedule');
    expect(html).toContain('Friday, November 27 at 5:00 PM EST');
    await ctx.api.setClock('2026-12-03T00:00:00.000Z');
    expect(mailsTo(await ctx.api.mail(), 'w1@example.org')).toEqual([]); // opened, not confirmed
    await ctx.api.setClock('2026-11-27T19:40:00.000Z');
    const confirm = () =>
      ctx.api.call(`/manage/${token}/confirm`, {
        method: 'POST',
        headers: { 'Sec-Fetch-Site': 'same-origin' },
        redirect: 'manual',
      });
    const first = await confirm();
    expect(first.status).toBe(303);
    expect(first.headers.get('Location')).toBe(`/cancel/${token}`);
    expect((await confirm()).status).toBe(303);
    await ctx.api.setClock('2026-12-03T00:00:00.000Z');
    expect(mailsTo(await ctx.api.mail(), 'w1@example.org').map((m) => m.subject)).toEqual([
      'Thank you for the Copywriter interview at Example Corp',
      'Re: Thank you for the Copywriter interview at Example Corp',
    ]);
  });

  it('a POST from another site is refused, and creates nothing', async () => {
    const res = await form(filled('reagan+w2@example.com', 'w2@example.org'), {
      'Sec-Fetch-Site': 'cross-site',
    });
    expect(res.status).toBe(403);
    await ctx.runtime.emulator.settle();
    expect(mailsTo(await ctx.api.mail(), 'reagan+w2@example.com')).toEqual([]);
    const confirm = await ctx.api.call(`/manage/${'a'.repeat(43)}/confirm`, {
      method: 'POST',
      headers: { 'Sec-Fetch-Site': 'cross-site' },
    });
    expect(confirm.status).toBe(403);
  });

  it('a crafted field name reaches nothing: no prototype changes, the API answers as before', async () => {
    for (const name of ['__proto__.x', 'constructor.prototype.y', 'constructor.entries', 'candidate']) {
      const res = await form({ ...filled('reagan+w3@example.com', 'w3@example.org'), [name]: '1' });
      expect(res.status, name).toBe(200);
    }
    expect(({} as Record<string, unknown>).x).toBeUndefined();
    expect(typeof Object.entries).toBe('function');
    const api = await ctx.api.submit({ ...filledApiBody() });
    expect(api.status).toBe(201);
  });

  it('Enter in a field submits the form: its first button is the real submit, not add or remove', async () => {
    const html = await (await ctx.api.call('/')).text();
    const first = /<button[^>]*>([^<]*)<\/button>/.exec(html);
    expect(first?.[0]).toContain('type="submit"');
    expect(first?.[0]).not.toMatch(/name="(add|remove)"/);
    expect(first?.[1]).toBe('Send me the link to confirm');
  });

  it('fills itself in from an Outlook invite with a Windows zone, for the person to check', async () => {
    const ics = readFileSync(
      new URL('../fixtures/invites/outlook-windows-zone.ics', import.meta.url),
      'utf8',
    );
    const body = new FormData();
    body.set('candidate.email', 'reagan@example.com');
    body.set('invite', new Blob([ics], { type: 'text/calendar' }), 'invite.ics');
    body.set('fill', '1');
    const res = await ctx.api.call('/', {
      method: 'POST',
      headers: { 'Sec-Fetch-Site': 'same-origin' },
      body,
    });
    expect(res.status).toBe(200);
    const html = await res.text();
    for (const [name, value] of [
      ['interview.endsAt', '2026-11-27T14:00'],
      ['interview.timeZone', 'America/Los_Angeles'],
      ['position', 'Interview: Copywriter'],
      ['interviewers.0.name', 'Mrs. Hiring Manager'],
      ['interviewers.0.email', 'hiring.manager@example.org'],
      ['interviewers.1.name', 'Jordan Example'],
    ] as const) {
      expect(html, name).toMatch(new RegExp(`name="${name.replaceAll('.', '\\.')}"[^>]*value="${value}"`));
    }
    expect(html).not.toContain('Reagan@Example.com'); // the candidate, left out
    // Nothing was submitted: no email went anywhere.
    await ctx.runtime.emulator.settle();
    expect(mailsTo(await ctx.api.mail(), 'hiring.manager@example.org')).toEqual([]);
  });

  it('says what it could not read in an invite, on the invite field', async () => {
    const body = new FormData();
    body.set('invite', new Blob(['not a calendar'], { type: 'text/calendar' }), 'invite.ics');
    body.set('fill', '1');
    const res = await ctx.api.call('/', {
      method: 'POST',
      headers: { 'Sec-Fetch-Site': 'same-origin' },
      body,
    });
    const html = await res.text();
    expect(html).toContain('aria-describedby="f-invite-hint f-invite-error" aria-invalid="true"');
    expect(html).toMatch(/id="f-invite-error">from the invite: could not be read/);
    const none = new FormData();
    none.set('fill', '1');
    const missing = await ctx.api.call('/', {
      method: 'POST',
      headers: { 'Sec-Fetch-Site': 'same-origin' },
      body: none,
    });
    expect(missing.status).toBe(400);
    expect(await missing.text()).toContain('choose the invite (.ics) file first');
  });
});

/** A body for the API's POST /interviews, to show the API unharmed. */
function filledApiBody() {
  return {
    candidate: { name: 'Reagan Applicant', email: 'reagan+api@example.com' },
    interviewer: { name: 'Mrs. Hiring Manager', email: 'api-check@example.org' },
    position: 'Copywriter',
    interview: { endsAt: '2026-11-27T14:00', timeZone: 'America/New_York' },
  };
}
