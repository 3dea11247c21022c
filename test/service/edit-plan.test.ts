/**
 * What an edit does to the plan, over HTTP: panelists added and removed, emails turned off, an
 * explicit new time checked against the rules, the candidate's "updated" notice (one for several
 * edits a few minutes apart), restore at a re-planned time, and the history after each action.
 */
import { describe, expect, it } from 'vitest';
import { useService } from '../integration/helpers.js';
import { editApi, firstPerson as person } from '../support/edit.js';
import { mailsTo, panelApi } from '../support/panel.js';

const { ctx } = useService();
const api = editApi(ctx);
const panel = panelApi(ctx);
const restore = (id: string, choice: Record<string, unknown>) =>
  ctx.api.call(`/interviews/${id}/restore`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${ctx.runtime.apiKey}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(choice),
  });

describe('the panel', () => {
  it('an interviewer added gets their own emails, planned as at intake', async () => {
    const created = await api.submitted('p1@example.org');
    const edited = await api.edit(created.id, {
      interviewers: [person('p1@example.org'), { name: 'Jordan Example', email: 'p1j@example.org' }],
    });
    expect(edited.interviewers.map((p) => p.id)).toEqual([1, 2]);
    expect(edited.emails.map((e) => [e.kind, e.to, e.localSendAt])).toEqual([
      ['thank-you', 'p1@example.org', '2026-11-27T17:00'],
      ['follow-up', 'p1@example.org', '2026-12-02T10:00'],
      ['thank-you', 'p1j@example.org', '2026-11-27T17:00'],
      ['follow-up', 'p1j@example.org', '2026-12-02T10:00'],
    ]);
    expect(edited.history.at(-1)).toMatchObject({ action: 'edited', fields: ['interviewers'] });
    await ctx.api.setClock('2026-11-27T22:01:00.000Z');
    expect(mailsTo(await ctx.api.mail(), 'p1j@example.org')).toHaveLength(1);
  });

  it('an interviewer removed before anything went takes their emails and schedules along', async () => {
    const created = await api.submitted('p2@example.org', {
      interviewer: undefined,
      interviewers: [
        { name: 'Mrs. Hiring Manager', email: 'p2@example.org' },
        { name: 'Jordan Example', email: 'p2j@example.org' },
      ],
    });
    const edited = await api.edit(created.id, { interviewers: [person('p2@example.org')] });
    expect(edited.emails.map((e) => e.to)).toEqual(['p2@example.org', 'p2@example.org']);
    expect(panel.pending(created.id).filter((n) => n.includes('.2'))).toEqual([]);
    await ctx.api.setClock('2026-12-03T00:00:00.000Z');
    expect(mailsTo(await ctx.api.mail(), 'p2j@example.org')).toEqual([]);
    expect(mailsTo(await ctx.api.mail(), 'p2@example.org')).toHaveLength(2);
  });

  it('one whose thank-you went cannot be removed, nor readdressed: 409 already_sent', async () => {
    const created = await api.submitted('p3@example.org', {
      interviewer: undefined,
      interviewers: [
        { name: 'Mrs. Hiring Manager', email: 'p3@example.org' },
        { name: 'Jordan Example', email: 'p3j@example.org' },
      ],
    });
    await ctx.api.setClock('2026-11-27T22:01:00.000Z');
    const keep = { id: 2, name: 'Jordan Example', email: 'p3j@example.org' };
    const removed = await api.refused(created.id, { interviewers: [keep] }, 409);
    expect(removed).toMatchObject({
      code: 'already_sent',
      emails: [{ kind: 'thank-you', to: 'p3@example.org' }],
    });
    const readdressed = await api.refused(
      created.id,
      { interviewers: [person('p3x@example.org'), keep] },
      409,
    );
    expect(readdressed.code).toBe('already_sent');
    // An unknown id is a 400 naming it.
    const unknown = await api.refused(created.id, { interviewers: [{ ...keep, id: 7 }] }, 400);
    expect(unknown.fields?.map((f) => f.path)).toEqual(['interviewers.0.id']);
  });
});

describe('after a bounce', () => {
  it('the wrong address is fixed by removing the person and adding the right one', async () => {
    const created = await api.submitted('b1@example.org', {
      interviewer: undefined,
      interviewers: [
        { name: 'Mrs. Hiring Manager', email: 'b1@example.org' },
        { name: 'Jordan Example', email: 'b1-typo@example.org' },
      ],
    });
    await ctx.api.setClock('2026-11-27T22:01:00.000Z');
    await panel.bounce(created.id, 'thank-you.2', 'b1-typo@example.org');
    const first = person('b1@example.org');
    const inPlace = await api.refused(
      created.id,
      { interviewers: [first, { id: 2, name: 'Jordan Example', email: 'b1j@example.org' }] },
      409,
    );
    expect(inPlace.code).toBe('already_sent');
    const edited = await api.edit(created.id, {
      interviewers: [first, { name: 'Jordan Example', email: 'b1j@example.org' }],
    });
    expect(edited.interviewers.map((p) => [p.id, p.email])).toEqual([
      [1, 'b1@example.org'],
      [3, 'b1j@example.org'],
    ]);
    // The address that bounced is not written to again, in any spelling.
    const back = await api.refused(
      created.id,
      { interviewers: [...edited.interviewers, { name: 'Jordan Example', email: 'B1-Typo@example.org' }] },
      400,
    );
    expect(back.fields?.map((f) => f.path)).toEqual(['interviewers.2.email']);
    await ctx.api.setClock('2026-12-03T00:00:00.000Z');
    // Jordan gets the thank-you (within a day of its time) and the follow-up, at the right address.
    expect(mailsTo(await ctx.api.mail(), 'b1j@example.org').map((m) => m.subject)).toEqual([
      'Thank you for the Copywriter interview at Example Corp',
      'Re: Thank you for the Copywriter interview at Example Corp',
    ]);
  });
});

describe('turning off and explicit times', () => {
  it('followUp off: the follow-up is skipped, its schedule gone, by the API', async () => {
    const created = await api.submitted('t1@example.org');
    const edited = await api.edit(created.id, { followUp: false });
    expect(edited.emails.map((e) => e.status)).toEqual(['scheduled', 'skipped']);
    expect(edited.history.at(-1)).toMatchObject({
      by: 'api',
      action: 'skipped',
      email: { kind: 'follow-up' },
    });
    const pending = panel.pending(created.id);
    expect(pending.filter((n) => n.includes('follow-up'))).toEqual([]);
    // The thank-you's own schedule, and the candidate's "updated" notice (the plan changed).
    expect(pending.map((n) => n.replace(/-e[0-9a-f]{8}$/, ''))).toEqual([
      `${created.id}-thank-you`,
      `${created.id}-update`,
    ]);
  });

  it('a time that obeys the rules moves the email; one that does not is a 400 naming why', async () => {
    const created = await api.submitted('t2@example.org');
    const at = (value: string, kind = 'follow-up') => ({ reschedule: [{ kind, at: value }] });
    const moved = await api.edit(created.id, at('2026-12-03T09:30'));
    expect(moved.emails.map((e) => e.localSendAt)).toEqual(['2026-11-27T17:00', '2026-12-03T09:30']);
    const why = async (value: string, kind = 'follow-up') => {
      const error = await api.refused(created.id, at(value, kind), 400);
      expect(error.fields?.[0]?.path).toBe('reschedule.0.at');
      return error.fields?.[0]?.message;
    };
    expect(await why('2026-12-03T21:00')).toMatch(/quiet hours/);
    expect(await why('2026-12-05T10:00')).toMatch(/business day/); // a Saturday
    expect(await why('2026-11-27T19:00')).toMatch(/in order/); // two hours after the thank-you
    expect(await why('2026-12-03T09:00', 'thank-you')).toMatch(/in order/); // 30 minutes before the follow-up
    expect(await why('2026-11-27T14:20', 'thank-you')).toMatch(/past/);
    expect(await why('2027-03-14T02:30', 'thank-you')).toMatch(/does not exist/); // the clocks go forward
    expect(await why('2026-12-32T10:00')).toMatch(/real/);
    // Refused whole: the follow-up is where the valid edit put it.
    expect((await api.owned(created.id)).body.emails[1]?.localSendAt).toBe('2026-12-03T09:30');
  });
});

describe('the candidate hears of it', () => {
  it('one "updated" email for several moves a few minutes apart; none for a name', async () => {
    const created = await api.submitted('n1@example.org', {
      candidate: { name: 'Reagan Applicant', email: 'reagan+n1@example.com' },
    });
    const notices = async () =>
      mailsTo(await ctx.api.mail(), 'reagan+n1@example.com').filter((m) => m.subject.startsWith('Updated:'));
    await api.edit(created.id, {
      interviewers: [person('n1@example.org', { name: 'Mrs. Hiring Managerin' })],
    });
    await ctx.api.setClock('2026-11-27T19:40:00.000Z');
    expect(await notices()).toEqual([]); // a name moves nothing
    await api.edit(created.id, { interviewers: [person('n1@example.org', { awayUntil: '2026-12-03' })] });
    await ctx.api.setClock('2026-11-27T19:42:00.000Z');
    await api.edit(created.id, { interviewers: [person('n1@example.org', { awayUntil: '2026-12-04' })] });
    await ctx.api.setClock('2026-11-27T19:50:00.000Z');
    const sent = await notices();
    expect(sent).toHaveLength(1);
    expect(sent[0]?.text).toContain('Monday, December 7');
    // A later move, after it went, makes a new one.
    await api.edit(created.id, { thankYouDelayHours: 4 });
    await ctx.api.setClock('2026-11-27T20:00:00.000Z');
    expect(await notices()).toHaveLength(2);
  });
});

describe('restore and history after an edit', () => {
  it('a cancelled follow-up is re-planned too; restored at its new time, not after it', async () => {
    const created = await api.submitted('h1@example.org');
    await panel.cancelJson(created.cancelUrl, { kind: 'follow-up' });
    await api.edit(created.id, { interviewers: [person('h1@example.org', { awayUntil: '2026-12-04' })] });
    const back = await restore(created.id, { kind: 'follow-up' });
    expect(back.status).toBe(200);
    const { body } = await api.owned(created.id);
    expect(body.emails.map((e) => [e.status, e.localSendAt])).toEqual([
      ['scheduled', '2026-11-27T17:00'],
      ['scheduled', '2026-12-07T10:00'],
    ]);
    await ctx.api.setClock('2026-12-08T00:00:00.000Z');
    expect(mailsTo(await ctx.api.mail(), 'h1@example.org')).toHaveLength(2);
    expect(body.history.map((h) => [h.by, h.action, h.email?.kind ?? null])).toEqual([
      ['api', 'created', null],
      ['sender', 'sent', 'confirmation'],
      ['link', 'cancelled', 'follow-up'],
      ['api', 'edited', null],
      ['api', 'rescheduled', 'follow-up'],
      ['api', 'restored', 'follow-up'],
    ]);
    const after = (await api.owned(created.id)).body.history
      .slice(6)
      .map((h) => [h.by, h.action, h.email?.kind]);
    expect(after).toEqual(
      expect.arrayContaining([
        ['sender', 'sent', 'thank-you'],
        ['sender', 'sent', 'follow-up'],
      ]),
    );
    // The edit moved only a cancelled email: no news for the candidate, no "updated" email.
    expect(after.some(([, , kind]) => kind === 'update')).toBe(false);
    const late = await restore(created.id, { kind: 'follow-up' });
    expect(late.status).toBe(409);
    const del = await ctx.api.call(`/interviews/${created.id}`, {
      method: 'DELETE',
      headers: { Authorization: `Bearer ${ctx.runtime.apiKey}` },
    });
    expect(del.status).toBe(204);
  });
});
