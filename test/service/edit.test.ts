/**
 * PATCH /interviews/{id} over HTTP (issue 17, points 1–3): an edit changes what goes out, re-plans
 * by the intake's rules, replaces the schedules so the old time sends nothing, and is refused
 * whole (400, 409, 412) when it cannot be applied.
 */
import { describe, expect, it } from 'vitest';
import { useService } from '../integration/helpers.js';
import { editApi } from '../support/edit.js';
import { mailsTo, panelApi } from '../support/panel.js';

const { ctx } = useService();
const api = editApi(ctx);
const panel = panelApi(ctx);

describe('PATCH /interviews/{id}', () => {
  it('a corrected name is the name on the thank-you that goes out', async () => {
    const created = await api.submitted('e1@example.org');
    const edited = await api.edit(created.id, {
      interviewers: [{ id: 1, name: 'Mrs. Hiring Managerin', email: 'e1@example.org' }],
    });
    expect(edited.interviewers).toEqual([{ id: 1, name: 'Mrs. Hiring Managerin', email: 'e1@example.org' }]);
    expect(edited.history.at(-1)).toMatchObject({
      by: 'api',
      keyId: 'env',
      action: 'edited',
      fields: ['interviewers[1].name'],
    });
    // Nothing moved: the same schedules, the same times.
    expect(edited.emails.map((e) => e.sendAt)).toEqual(created.emails.map((e) => e.sendAt));
    await ctx.api.setClock('2026-11-27T22:01:00.000Z');
    const [thankYou] = mailsTo(await ctx.api.mail(), 'e1@example.org');
    expect(thankYou?.text).toContain('Mrs. Hiring Managerin');
    expect(thankYou?.text).not.toMatch(/Mrs\. Hiring Manager\b(?!in)/);
  });

  it('a new away date moves the follow-up; its old time sends nothing, its new time sends it once', async () => {
    const created = await api.submitted('e2@example.org');
    expect(created.emails[1]?.localSendAt).toBe('2026-12-02T10:00');
    const edited = await api.edit(created.id, {
      interviewers: [
        { id: 1, name: 'Mrs. Hiring Manager', email: 'e2@example.org', awayUntil: '2026-12-04' },
      ],
    });
    expect(edited.emails.map((e) => e.localSendAt)).toEqual(['2026-11-27T17:00', '2026-12-07T10:00']);
    expect(edited.history.map((h) => h.action).slice(-2)).toEqual(['edited', 'rescheduled']);
    expect(edited.history.at(-1)?.email).toEqual({ kind: 'follow-up', to: 'e2@example.org' });
    // One schedule per email: the follow-up's old one went.
    const names = panel.pending(created.id);
    expect(names.filter((n) => n.includes('follow-up'))).toHaveLength(1);
    expect(names).not.toContain(`${created.id}-follow-up`);
    await ctx.api.setClock('2026-12-02T16:00:00.000Z'); // past the old time
    expect(mailsTo(await ctx.api.mail(), 'e2@example.org').map((m) => m.subject)).toEqual([
      'Thank you for the Copywriter interview at Example Corp',
    ]);
    await ctx.api.setClock('2026-12-07T16:00:00.000Z');
    const subjects = mailsTo(await ctx.api.mail(), 'e2@example.org').map((m) => m.subject);
    expect(subjects).toEqual([
      'Thank you for the Copywriter interview at Example Corp',
      'Re: Thank you for the Copywriter interview at Example Corp',
    ]);
    const after = await api.owned(created.id);
    expect(after.body.emails.map((e) => e.sentAt?.slice(0, 16))).toEqual([
      '2026-11-27T22:00',
      '2026-12-07T15:00',
    ]);
  });

  it('If-Match: the ETag of GET applies; a stale one is a 412 and changes nothing', async () => {
    const created = await api.submitted('e3@example.org');
    const { etag } = await api.owned(created.id);
    await api.edit(created.id, { position: 'Senior Copywriter' }, { 'If-Match': etag });
    const stale = await api.refused(created.id, { position: 'Lead Copywriter' }, 412, { 'If-Match': etag });
    expect(stale.code).toBe('precondition_failed');
    const now = await api.owned(created.id);
    expect(now.body.position).toBe('Senior Copywriter');
    expect(now.etag).not.toBe(etag);
    await api.edit(created.id, { position: 'Lead Copywriter' }, { 'If-Match': now.etag });
  });

  it('nothing pending: 409 nothing_pending', async () => {
    const created = await api.submitted('e4@example.org');
    await panel.cancelJson(created.cancelUrl, { kind: 'all' });
    await ctx.api.setClock('2026-12-03T00:00:00.000Z'); // both times past: nothing restorable either
    const error = await api.refused(created.id, { position: 'Senior Copywriter' }, 409);
    expect(error.code).toBe('nothing_pending');
  });

  it('400 for an unknown field, a read-only one, the interview time, and turning a follow-up on', async () => {
    const created = await api.submitted('e5@example.org', { followUp: false });
    const paths = async (body: unknown) =>
      ((await api.refused(created.id, body, 400)) as { fields?: { path: string }[] }).fields?.map(
        (f) => f.path,
      );
    expect(await paths({ nickname: 'x' })).toEqual(['(body)']);
    expect(await paths({ emails: [] })).toEqual(['emails']);
    expect(await paths({ interview: { endsAt: '2026-11-27T15:00' } })).toEqual(['interview.endsAt']);
    expect(await paths({ followUp: true })).toEqual(['followUp']);
    expect(await paths({ candidate: { email: 'someone.else@example.com' } })).toEqual(['candidate.email']);
  });
});
