/**
 * The self-serve form and its confirmation pages over HTTP (issue 18, first slice; docs/self-serve.md),
 * with JavaScript off as a browser without it posts them: the form, its errors tied to their
 * fields, adding and removing an interviewer, the verify email to the candidate alone, the page its
 * link opens (which changes nothing), the confirmation, and what is refused.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { NO_LIMITS, useService } from '../integration/helpers.js';
import { mailsTo } from '../support/panel.js';
import { filledForm, webClient } from '../support/web.js';

const { ctx } = useService({ selfServe: true, limits: { ...NO_LIMITS, selfServePerIpPerHour: 1_000 } });
const SUBMITTED = '2026-11-27T19:30:00.000Z';

const web = webClient(ctx);
const form = web.form;
const filled = filledForm;
const verifyToken = web.linkToken;

describe('the self-serve form', () => {
  it('GET / is the form: every field labelled, a strict CSP allowing its one script by hash', async () => {
    const res = await ctx.api.call('/');
    expect(res.status).toBe(200);
    const csp = res.headers.get('Content-Security-Policy') ?? '';
    expect(csp).toMatch(
      /^default-src 'none'; style-src 'sha256-[^']+'; script-src 'sha256-[^']+'; connect-src 'self';/,
    );
    const html = await res.text();
    const scripts = [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => m[1] ?? '');
    expect(scripts).toHaveLength(1);
    const hash = createHash('sha256')
      .update(scripts[0] ?? '')
      .digest('base64');
    expect(csp).toContain(`script-src 'sha256-${hash}'`);
    expect(html).not.toMatch(/<script[^>]+src=/);
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
  });

  it('refuses what is wrong field by field, keeping what was typed, each error tied to its field', async () => {
    const res = await form(filled('reagan@example.com', 'not-an-address'));
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toContain('aria-describedby="f-interviewers-0-email-error" aria-invalid="true"');
    expect(html).toMatch(/id="f-interviewers-0-email-error">[^<]+</);
    expect(html).toContain('value="Reagan Applicant"');
    // The summary at the top names it too, and links to the field (a plain anchor: no script).
    expect(html).toMatch(
      /<div class="problems" role="alert">.*<a href="#f-interviewers-0-email">Interviewer 1’s email: [^<]+<\/a>/s,
    );
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
    expect(first.headers.get('Location')).toBe(`/manage/${token}?done=confirmed`);
    const again = await confirm();
    expect(again.status).toBe(303);
    expect(again.headers.get('Location')).toBe(`/manage/${token}`);
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
    const res = await web.fillFromInvite({ 'candidate.email': 'reagan@example.com' }, ics);
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

  it('an invite’s zone replaces the one the page guessed from the browser, never one typed', async () => {
    const ics = readFileSync(
      new URL('../fixtures/invites/outlook-windows-zone.ics', import.meta.url),
      'utf8',
    );
    const zoneAfter = async (fields: Record<string, string>, text = ics) => {
      const html = await (await web.fillFromInvite(fields, text)).text();
      expect(html).not.toContain('name="timeZoneGuess"');
      return /name="interview\.timeZone"[^>]*value="([^"]*)"/.exec(html)?.[1];
    };
    const guess = { 'interview.timeZone': 'UTC', timeZoneGuess: 'UTC' };
    expect(await zoneAfter(guess)).toBe('America/Los_Angeles');
    // A post-back (adding an interviewer) keeps the guess a guess, for an invite chosen later.
    const added = await (await form({ ...guess, add: '1' })).text();
    expect(added).toContain('<input type="hidden" name="timeZoneGuess" value="UTC"/>');
    expect(await zoneAfter({ ...guess, 'interview.timeZone': 'Europe/Berlin' })).toBe('Europe/Berlin');
    // A time typed by hand wins over the invite's too.
    const typedTime = await (
      await web.fillFromInvite({ 'interview.endsAt': '2026-11-27T15:30' }, ics)
    ).text();
    expect(typedTime).toMatch(/name="interview\.endsAt"[^>]*value="2026-11-27T15:30"/);
    // An invite without a zone (a floating time) keeps the guess.
    const floating = ics.replace(/DTSTART;TZID=[^:]+:/, 'DTSTART:').replace(/DTEND;TZID=[^:]+:/, 'DTEND:');
    expect(await zoneAfter(guess, floating)).toBe('UTC');
  });

  it('says what it could not read in an invite, on the invite field', async () => {
    const html = await (await web.fillFromInvite({}, 'not a calendar')).text();
    expect(html).toContain('aria-describedby="f-invite-hint f-invite-error" aria-invalid="true"');
    expect(html).toMatch(/id="f-invite-error">from the invite: could not be read/);
    const missing = await web.fillFromInvite({}, undefined);
    // Posted to the form's own route, it is sent on to the invite's, body and all (307).
    const here = await web.post('/', { fill: '1' });
    expect(here.status).toBe(307);
    expect(here.headers.get('Location')).toBe('/invite');
    expect((await web.fillFromInvite({}, 'x')).status).toBe(200);
    const crossSite = await ctx.api.call('/invite', {
      method: 'POST',
      headers: { 'Sec-Fetch-Site': 'cross-site' },
    });
    expect(crossSite.status).toBe(403);
    expect(missing.status).toBe(400);
    expect(await missing.text()).toContain('choose the invite (.ics) file first');
  });
  it('previews each email as it will go, with its local time, and sends or writes nothing', async () => {
    await ctx.api.setClock(SUBMITTED);
    const fields = filled('reagan+p1@example.com', 'p1@example.org');
    const fragment = await web.post('/preview', fields);
    expect(fragment.status).toBe(200);
    const html = await fragment.text();
    expect(html).toContain('To Mrs. Hiring Manager');
    expect(html).toContain('Thank-you</span>, Friday, November 27 at');
    expect(html).toContain('Subject: Thank you for the Copywriter interview at Example Corp');
    expect(html).toContain('Subject: Re: Thank you for the Copywriter interview at Example Corp');
    expect(html).toContain('Reagan Applicant'); // the signature, in the text itself
    expect(html).not.toContain('<html'); // a fragment, for the page's script
    // With JavaScript off, the same preview comes with the form as typed.
    const page = await (await form({ ...fields, preview: '1' })).text();
    expect(page).toContain('Subject: Thank you for the Copywriter interview at Example Corp');
    expect(page).toContain('value="p1@example.org"');
    // What is missing is named, for people, and nothing is refused as an error yet.
    const partial = await (await web.post('/preview', { 'candidate.name': 'Reagan Applicant' })).text();
    expect(partial).toContain('your email: is required');
    expect(partial).toContain('interviewer 1’s name: is required');
    await ctx.runtime.emulator.settle();
    expect(mailsTo(await ctx.api.mail(), 'reagan+p1@example.com')).toEqual([]);
    expect(mailsTo(await ctx.api.mail(), 'p1@example.org')).toEqual([]);
    const crossSite = await web.post('/preview', fields, { 'Sec-Fetch-Site': 'cross-site' });
    expect(crossSite.status).toBe(403);
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
