/**
 * Edits at the edges a review found: the longest schedule names, a write whose answer was lost,
 * an email stuck `sending` (it never blocks an edit), ids never given out twice, a follow-up
 * turned off when nothing of it was left to skip, a thank-you re-planned more than a day late.
 */
import { describe, expect, it } from 'vitest';
import type { InterviewRecord } from '../../lambdas/core/interview.js';
import { useService } from '../integration/helpers.js';
import { editApi, firstPerson as person } from '../support/edit.js';
import { panelApi } from '../support/panel.js';

const { ctx } = useService();
const api = editApi(ctx);
const panel = panelApi(ctx);

describe('edges of an edit', () => {
  it('moves a panelist’s second follow-up: its schedule name stays within Scheduler’s 64 characters', async () => {
    const created = await api.submitted('r1@example.org', {
      secondFollowUp: true,
      interviewer: undefined,
      interviewers: [
        { name: 'Mrs. Hiring Manager', email: 'r1@example.org' },
        { name: 'Jordan Example', email: 'r1j@example.org' },
      ],
    });
    const edited = await api.edit(created.id, { followUpBusinessDays: 4 });
    expect(edited.emails.map((e) => e.localSendAt?.slice(0, 10))).toEqual([
      '2026-11-27',
      '2026-12-03',
      '2026-12-10',
      '2026-11-27',
      '2026-12-03',
      '2026-12-10',
    ]);
    const names = panel.pending(created.id).filter((n) => n.includes('second-follow-up.2'));
    expect(names).toHaveLength(1);
    expect(names[0]?.length).toBeLessThanOrEqual(64);
  });

  it('a write whose answer was lost keeps its new schedules (the edit knows it landed)', async () => {
    const created = await api.submitted('r2@example.org');
    const store = ctx.runtime.store;
    const replace = store.replace.bind(store);
    store.replace = async (next: InterviewRecord, read: InterviewRecord) => {
      await replace(next, read);
      throw new Error('the answer was lost');
    };
    try {
      const edited = await api.edit(created.id, { thankYouDelayHours: 4 });
      expect(edited.emails[0]?.localSendAt).toBe('2026-11-27T18:00');
    } finally {
      store.replace = replace;
    }
    const stored = await store.get(created.id);
    const name = stored?.emails['thank-you']?.schedule;
    expect(name).toMatch(/-thank-you-e[0-9a-f]+$/);
    expect(panel.pending(created.id)).toContain(name);
    expect(panel.pending(created.id)).not.toContain(`${created.id}-thank-you`);
  });

  it('an email stuck sending for days does not hold an edit; it is left as it is', async () => {
    const created = await api.submitted('r3@example.org');
    await ctx.runtime.store.transition(created.id, 'thank-you', ['scheduled'], 'sending', {
      updatedAt: '2026-11-27T22:00:00.000Z',
      claimId: 'stuck',
    });
    await ctx.api.setClock('2026-11-30T12:00:00.000Z');
    const edited = await api.edit(created.id, {
      candidate: { name: 'Reagan Q. Applicant' },
      thankYouDelayHours: 4,
    });
    expect(edited.emails.map((e) => e.status)).toEqual(['sending', 'scheduled']);
    // Nor can it be removed as if nothing had gone: it almost surely went.
    const removal = await api.refused(
      created.id,
      { interviewers: [{ name: 'Jordan Example', email: 'r3j@example.org' }] },
      409,
    );
    expect(removal.code).toBe('already_sent');
  });

  it('never gives an id out twice: added, removed, added again is a new id', async () => {
    const created = await api.submitted('r4@example.org');
    const jordan = { name: 'Jordan Example', email: 'r4j@example.org' };
    await api.edit(created.id, { interviewers: [person('r4@example.org'), jordan] });
    await api.edit(created.id, { interviewers: [person('r4@example.org')] });
    const again = await api.edit(created.id, { interviewers: [person('r4@example.org'), jordan] });
    expect(again.interviewers.map((p) => p.id)).toEqual([1, 3]);
  });

  it('followUp off stays off: the document says so, and someone added later gets no follow-up', async () => {
    const created = await api.submitted('r5@example.org');
    const off = await api.edit(created.id, { followUp: false });
    expect(off.followUp).toBe(false);
    const added = await api.edit(created.id, {
      interviewers: [person('r5@example.org'), { name: 'Jordan Example', email: 'r5j@example.org' }],
    });
    expect(added.followUp).toBe(false);
    expect(added.emails.map((e) => [e.to, e.kind, e.status])).toEqual([
      ['r5@example.org', 'thank-you', 'scheduled'],
      ['r5@example.org', 'follow-up', 'skipped'],
      ['r5j@example.org', 'thank-you', 'scheduled'],
      ['r5j@example.org', 'follow-up', 'skipped'],
    ]);
    expect((await api.refused(created.id, { followUp: true }, 400)).fields?.[0]?.path).toBe('followUp');
  });

  it('a cancelled thank-you re-planned more than a day into the past is not brought back', async () => {
    const created = await api.submitted('r6@example.org');
    await panel.cancelJson(created.cancelUrl, { kind: 'thank-you' });
    await ctx.api.setClock('2026-12-01T15:00:00.000Z'); // Tuesday: the follow-up is still ahead
    const edited = await api.edit(created.id, { thankYouDelayHours: 4 });
    expect(edited.emails[0]).toMatchObject({ status: 'cancelled', localSendAt: '2026-11-27T18:00' });
    const restore = await ctx.api.call(`/interviews/${created.id}/restore`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${ctx.runtime.apiKey}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ kind: 'thank-you' }),
    });
    expect(restore.status).toBe(409);
  });
});
