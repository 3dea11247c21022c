/**
 * The manage page over HTTP (issue 18; api/manage.tsx), with JavaScript off as a browser posts it:
 * after the confirm, every email by person; a cancel of one email, of one person's follow-up, and
 * its restore; the edit (a PATCH from a form: its rules, its 400s on their fields, its 412); the
 * erasure; and what it refuses (another site, an API interview's token).
 */
import { describe, expect, it } from 'vitest';
import { NO_LIMITS, useService } from '../integration/helpers.js';
import { mailsTo } from '../support/panel.js';
import { filledForm, webClient } from '../support/web.js';

const { ctx } = useService({ selfServe: true, limits: { ...NO_LIMITS, selfServePerIpPerHour: 1_000 } });
const web = webClient(ctx);
const SUBMITTED = '2026-11-27T19:30:00.000Z';
const LATER = '2026-12-09T00:00:00.000Z';

/** A confirmed panel of two (Mrs. Hiring Manager and Jordan Example): its manage page's token. */
async function confirmedPanel(
  tag: string,
): Promise<{ token: string; candidate: string; a: string; b: string }> {
  await ctx.api.setClock(SUBMITTED);
  const candidate = `reagan+${tag}@example.com`;
  const a = `${tag}-a@example.org`;
  const b = `${tag}-b@example.org`;
  const sent = await web.form({
    ...filledForm(candidate, a),
    'interviewers.1.name': 'Jordan Example',
    'interviewers.1.email': b,
  });
  expect(sent.status).toBe(200);
  const token = await web.linkToken(candidate);
  await ctx.api.setClock('2026-11-27T19:40:00.000Z');
  const confirmed = await web.post(`/manage/${token}/confirm`, {});
  expect(confirmed.headers.get('Location')).toBe(`/manage/${token}?done=confirmed`);
  return { token, candidate, a, b };
}

const page = async (token: string, query = '') => {
  const res = await ctx.api.call(`/manage/${token}${query}`);
  return { status: res.status, html: await res.text() };
};
/** What a browser posts from a form page: every field's value, a checkbox's only when ticked. */
function formFields(html: string): Record<string, string> {
  return Object.fromEntries(
    [...html.matchAll(/<input([^>]*)>/g)]
      .map((m) => m[1] ?? '')
      .filter((attrs) => !attrs.includes('type="checkbox"') || attrs.includes('checked'))
      .flatMap((attrs) => {
        const name = /name="([^"]+)"/.exec(attrs)?.[1];
        const value = /value="([^"]*)"/.exec(attrs)?.[1] ?? '';
        return name ? [[name, value.replaceAll('&quot;', '"')]] : [];
      }),
  );
}
const subjects = async (to: string) => mailsTo(await ctx.api.mail(), to).map((m) => m.subject);

describe('the manage page', () => {
  it('shows every email by person with a cancel each, the edit and the erasure; opening it changes nothing', async () => {
    const { token, candidate } = await confirmedPanel('m1');
    const { status, html } = await page(token, '?done=confirmed');
    expect(status).toBe(200);
    expect(html).toContain('Confirmed: your emails are scheduled');
    expect(html).toContain('Emails to Jordan Example');
    expect(html.match(/Cancel this thank-you/g)).toHaveLength(2);
    expect(html.match(/Cancel this follow-up/g)).toHaveLength(2);
    expect(html).toContain(`href="/manage/${token}/edit"`);
    expect(html).toContain(`action="/manage/${token}/erase#erase"`);
    // The confirmation's link is this page, and says what it does.
    await ctx.runtime.emulator.settle();
    const confirmation = mailsTo(await ctx.api.mail(), candidate).at(-1)?.text ?? '';
    expect(confirmation).toContain(`/manage/${token}`);
    expect(confirmation).toContain('To change, cancel or restore');
    for (const method of ['HEAD', 'GET']) {
      expect((await ctx.api.call(`/manage/${token}`, { method })).status).toBe(200);
    }
    // A query word it does not know shows nothing of itself.
    expect((await page(token, '?done=%3Cb%3Ehello')).html).not.toContain('hello');
  });

  it('cancels one email, then one person’s follow-up, and restores it: each goes or not as the page said', async () => {
    const { token, a, b } = await confirmedPanel('m2');
    const one = await web.post(`/manage/${token}/cancel`, { kind: 'thank-you', to: b });
    expect(one.status).toBe(200);
    expect(await one.text()).toContain('Done: the thank-you to Jordan Example will not be sent.');
    const followUp = await web.post(`/manage/${token}/cancel`, { kind: 'follow-up', to: a });
    const cancelled = await followUp.text();
    expect(cancelled).toContain('Done: the follow-up to Mrs. Hiring Manager will not be sent.');
    expect(cancelled).toContain('Restore the follow-up to Mrs. Hiring Manager');
    const restored = await web.post(`/manage/${token}/restore`, { kind: 'follow-up', to: a });
    expect(await restored.text()).toContain('Restored: it goes out as planned.');
    await ctx.api.setClock(LATER);
    expect(await subjects(a)).toEqual([
      'Thank you for the Copywriter interview at Example Corp',
      'Re: Thank you for the Copywriter interview at Example Corp',
    ]);
    expect(await subjects(b)).toEqual(['Following up on the Copywriter interview at Example Corp']);
  });

  it('edits through the form: a name fixed goes out in the emails, and the history says by the link', async () => {
    const { token, a } = await confirmedPanel('m3');
    const form = await ctx.api.call(`/manage/${token}/edit`);
    expect(form.status).toBe(200);
    const html = await form.text();
    const value = (name: string) =>
      new RegExp(`name="${name.replaceAll('.', '\\.')}"[^>]*value="([^"]*)"`).exec(html)?.[1];
    expect(value('interviewers.0.name')).toBe('Mrs. Hiring Manager');
    expect(value('interviewers.1.id')).toMatch(/^\d+$/);
    expect(html).not.toContain('name="candidate.email"'); // what an edit may not change is text
    const fields = formFields(html);
    const saved = await web.post(`/manage/${token}/edit`, {
      ...fields,
      'interviewers.0.name': 'Dr. Hiring Manager',
    });
    expect(saved.status).toBe(303);
    expect(saved.headers.get('Location')).toBe(`/manage/${token}?done=saved`);
    expect((await page(token, '?done=saved')).html).toContain('Saved: what is still to go follows');
    // The same form again, read before that save: the details changed since (412).
    const stale = await web.post(`/manage/${token}/edit`, {
      ...fields,
      'interviewers.0.name': 'Someone Else',
    });
    expect(stale.status).toBe(412);
    expect(await stale.text()).toContain('saved from another page since this form was opened');
    await ctx.api.setClock(LATER);
    const mail = mailsTo(await ctx.api.mail(), a);
    expect(mail.map((m) => m.text).join('\n')).toContain('Dr. Hiring Manager');
    expect(mail.map((m) => m.text).join('\n')).not.toContain('Someone Else');
  });

  it('an email sent between opening the form and saving it is no conflict: the save still lands', async () => {
    const { token, a } = await confirmedPanel('m7');
    const html = await (await ctx.api.call(`/manage/${token}/edit`)).text();
    const fields = formFields(html);
    await ctx.api.setClock('2026-11-28T12:00:00.000Z'); // the thank-yous went meanwhile
    expect(await subjects(a)).toEqual(['Thank you for the Copywriter interview at Example Corp']);
    const saved = await web.post(`/manage/${token}/edit`, {
      ...fields,
      'interviewers.0.note': 'our chat about launches',
    });
    expect(saved.status).toBe(303);
    expect(saved.headers.get('Location')).toBe(`/manage/${token}?done=saved`);
  });

  it('a request cancelled before its confirm cannot be restored: only the confirm schedules', async () => {
    await ctx.api.setClock(SUBMITTED);
    expect((await web.form(filledForm('reagan+m8@example.com', 'm8@example.org'))).status).toBe(200);
    const token = await web.linkToken('reagan+m8@example.com');
    for (const [cancel, restore] of [
      [`/manage/${token}/cancel`, `/manage/${token}/restore`],
      [`/cancel/${token}`, `/cancel/${token}/restore`],
    ] as const) {
      expect((await web.post(cancel, { kind: 'all' })).status, cancel).toBe(200);
      const restored = await web.post(restore, { kind: 'all' }, { Accept: 'application/json' });
      expect(restored.status, restore).toBe(409);
    }
    expect((await page(token)).html).toContain('This request was stopped');
    expect((await web.post(`/manage/${token}/confirm`, {})).status).toBe(409);
    await ctx.api.setClock(LATER);
    expect(await subjects('m8@example.org')).toEqual([]);
  });

  it('after a 412 the form shows the details as saved, so saving it again keeps the other save', async () => {
    const { token, a } = await confirmedPanel('m9');
    const opened = formFields(await (await ctx.api.call(`/manage/${token}/edit`)).text());
    const first = await web.post(`/manage/${token}/edit`, {
      ...opened,
      'interviewers.0.name': 'Dr. Hiring Manager',
    });
    expect(first.status).toBe(303);
    const stale = await web.post(`/manage/${token}/edit`, { ...opened, 'interviewers.0.note': 'our chat' });
    expect(stale.status).toBe(412);
    const shown = formFields(await stale.text());
    expect(shown['interviewers.0.name']).toBe('Dr. Hiring Manager');
    expect(shown['interviewers.0.note']).toBe(''); // to make again, on what is saved
    const again = await web.post(`/manage/${token}/edit`, { ...shown, 'interviewers.0.note': 'our chat' });
    expect(again.status).toBe(303);
    await ctx.api.setClock(LATER);
    const text = mailsTo(await ctx.api.mail(), a)[0]?.text ?? '';
    expect(text).toContain('Dr. Hiring Manager');
    expect(text).toContain('our chat');
  });

  it('past the link’s days only the erasure is left, and it still erases', async () => {
    const { token } = await confirmedPanel('m10');
    await ctx.api.setClock('2027-02-01T00:00:00.000Z'); // past 30 days after the last email
    const expired = await page(token);
    expect(expired.status).toBe(410);
    expect(expired.html).toContain(`action="/manage/${token}/erase#erase"`);
    expect(expired.html).not.toContain('Change the details');
    expect((await web.post(`/manage/${token}/cancel`, { kind: 'all' })).status).toBe(410);
    expect((await web.post(`/manage/${token}/erase`, {})).status).toBe(400);
    const erased = await web.post(`/manage/${token}/erase`, { confirm: 'on' });
    expect(erased.status).toBe(200);
    expect((await page(token)).status).toBe(404);
  });

  it('refuses a blank name or a link on its field, and an id that is none of the panel', async () => {
    const { token } = await confirmedPanel('m4');
    const html = await (await ctx.api.call(`/manage/${token}/edit`)).text();
    const revision = /name="revision" value="([^"]+)"/.exec(html)?.[1] ?? '';
    const id = /name="interviewers\.0\.id" value="(\d+)"/.exec(html)?.[1] ?? '';
    const base = {
      revision,
      'candidate.name': 'Reagan Applicant',
      position: 'Copywriter',
      'interviewers.0.id': id,
      'interviewers.0.email': 'm4-a@example.org',
    };
    const blank = await web.post(`/manage/${token}/edit`, base);
    expect(blank.status).toBe(400);
    expect(await blank.text()).toContain(
      'aria-describedby="f-interviewers-0-name-error" aria-invalid="true"',
    );
    const link = await web.post(`/manage/${token}/edit`, {
      ...base,
      'interviewers.0.name': 'Mrs. Hiring Manager',
      highlights: 'see https://example.com/portfolio',
    });
    expect(link.status).toBe(400);
    expect(await link.text()).toMatch(/id="f-highlights-error">must not contain links/);
    const stranger = await web.post(`/manage/${token}/edit`, {
      ...base,
      'interviewers.0.name': 'Mrs. Hiring Manager',
      'interviewers.0.id': '7',
    });
    expect(stranger.status).toBe(400);
    expect(await stranger.text()).toContain('none of this interview’s interviewers');
  });

  it('erases only when its box is ticked; then nothing more goes, and the link is gone', async () => {
    const { token, a, b } = await confirmedPanel('m5');
    const unticked = await web.post(`/manage/${token}/erase`, {});
    expect(unticked.status).toBe(400);
    expect(await unticked.text()).toContain('aria-describedby="f-confirm-error"');
    const erased = await web.post(`/manage/${token}/erase`, { confirm: 'on' });
    expect(erased.status).toBe(200);
    expect(await erased.text()).toContain('Your data is erased');
    expect((await page(token)).status).toBe(404);
    await ctx.api.setClock(LATER);
    expect(await subjects(a)).toEqual([]);
    expect(await subjects(b)).toEqual([]);
  });

  it('refuses every POST from another site, and serves an API interview only through its cancel link', async () => {
    const { token } = await confirmedPanel('m6');
    for (const path of ['cancel', 'restore', 'edit', 'erase']) {
      const res = await web.post(
        `/manage/${token}/${path}`,
        { confirm: 'on' },
        { 'Sec-Fetch-Site': 'cross-site' },
      );
      expect(res.status, path).toBe(403);
    }
    expect((await page(token)).html).not.toContain('Cancelled');
    const api = (await (
      await ctx.api.submit({
        candidate: { name: 'Reagan Applicant', email: 'reagan+api-m6@example.com' },
        interviewer: { name: 'Mrs. Hiring Manager', email: 'api-m6@example.org' },
        position: 'Copywriter',
        interview: { endsAt: '2026-11-27T14:00', timeZone: 'America/New_York' },
      })
    ).json()) as { cancelUrl: string };
    const apiToken = /\/cancel\/([A-Za-z0-9_-]+)/.exec(api.cancelUrl)?.[1];
    const opened = await ctx.api.call(`/manage/${apiToken}`, { redirect: 'manual' });
    expect(opened.status).toBe(303);
    expect(opened.headers.get('Location')).toBe(`/cancel/${apiToken}`);
    expect((await ctx.api.call(`/manage/${apiToken}/edit`)).status).toBe(404);
    for (const path of ['cancel', 'restore', 'edit', 'erase']) {
      const res = await web.post(`/manage/${apiToken}/${path}`, { confirm: 'on', kind: 'all' });
      expect(res.status, path).toBe(404);
    }
    // Nothing of it changed: its emails still go.
    await ctx.api.setClock(LATER);
    expect(await subjects('api-m6@example.org')).toHaveLength(2);
  });
});
