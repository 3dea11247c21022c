/**
 * An edit racing the sender (issue 17, point 3): whichever writes first wins whole. Run many
 * times, each race gives exactly one send: the old content at the old time when the claim came
 * first (the edit is then a 409 already_sending), the new content (or the new time) when the
 * edit did. An email held by the sender cannot be changed; the others of the interview can.
 */
import { describe, expect, it } from 'vitest';
import { restore } from '../../lambdas/usecases/restore.js';
import { useService } from '../integration/helpers.js';
import { editApi } from '../support/edit.js';
import { mailsTo, panelApi } from '../support/panel.js';

const { ctx } = useService();
const api = editApi(ctx);
const THANK_YOU_AT = '2026-11-27T22:00:00.000Z';
const RUNS = 12;
/**
 * A wait that grows with `n`: turns of the event loop in process, where a send takes a few; a few
 * milliseconds each through the real local servers, where it takes tens.
 */
const stagger = async (n: number) => {
  if (process.env.TEST_SERVICE === 'local') await new Promise((resolve) => setTimeout(resolve, n * 4));
  else for (let i = 0; i < n; i++) await new Promise((resolve) => setImmediate(resolve));
};

describe('an edit racing the sender', () => {
  it('a new name: one thank-you each time, with the name the winner wrote', async () => {
    const outcomes = new Set<string>();
    for (let run = 0; run < RUNS; run++) {
      const address = `race-name-${run}@example.org`;
      const created = await api.submitted(address);
      // The clock fires the thank-you; the edit starts `run` turns of the event loop later, so the
      // runs cover the edit landing before the claim, during the send, and after it.
      const firing = ctx.api.setClock(THANK_YOU_AT);
      await stagger(run);
      const res = await api.patch(created.id, {
        interviewers: [{ id: 1, name: 'Mrs. Hiring Managerin', email: address }],
      });
      await firing;
      await ctx.runtime.emulator.settle();
      const mails = mailsTo(await ctx.api.mail(), address);
      expect(mails, `run ${run}`).toHaveLength(1);
      const renamed = mails[0]?.text.includes('Managerin') ?? false;
      const { body } = await api.owned(created.id);
      const order = body.history
        .filter((h) => h.action === 'edited' || (h.action === 'sent' && h.email?.kind === 'thank-you'))
        .map((h) => h.action);
      if (res.status === 409) {
        expect(((await res.json()) as { error: { code: string } }).error.code).toBe('already_sending');
        expect(renamed, `run ${run}: the claim came first`).toBe(false);
        expect(order).toEqual(['sent']);
        outcomes.add('refused while sending');
      } else {
        expect(res.status, `run ${run}`).toBe(200);
        // Either the edit came first and the thank-you carries it, or it came after the send.
        expect(order, `run ${run}`).toEqual(renamed ? ['edited', 'sent'] : ['sent', 'edited']);
        outcomes.add(renamed ? 'edit first' : 'send first');
      }
      await ctx.api.setClock('2026-12-03T00:00:00.000Z'); // the follow-up goes, with the new name
      const all = mailsTo(await ctx.api.mail(), address);
      expect(all, `run ${run}`).toHaveLength(2);
      if (res.status === 200) expect(all[1]?.text).toContain('Managerin');
    }
    if (process.env.SHOW_OUTCOMES) console.log('outcomes', [...outcomes]);
    // Both orders happen: the race is real, not one-sided by construction.
    expect(outcomes.has('edit first')).toBe(true);
    expect(outcomes.size).toBeGreaterThan(1);
  });

  it('a new time: one thank-you each time, at the time the winner set', async () => {
    for (let run = 0; run < RUNS; run++) {
      const address = `race-time-${run}@example.org`;
      const created = await api.submitted(address);
      const patch = () => api.patch(created.id, { thankYouDelayHours: 5 });
      const [res] = await Promise.all([patch(), ctx.api.setClock(THANK_YOU_AT)]);
      await ctx.runtime.emulator.settle();
      await ctx.api.setClock('2026-11-28T02:00:00.000Z');
      const { body } = await api.owned(created.id);
      const thankYou = body.emails[0];
      expect(mailsTo(await ctx.api.mail(), address), `run ${run}`).toHaveLength(1);
      expect(thankYou?.status).toBe('sent');
      expect(thankYou?.sentAt?.slice(0, 16)).toBe(
        res.status === 200 ? '2026-11-28T00:00' : '2026-11-27T22:00',
      );
      if (res.status !== 200) expect(res.status).toBe(409);
    }
  });
});

describe('an email the sender holds', () => {
  it('cannot change (409 already_sending, naming it); an edit that leaves it alone goes through', async () => {
    const created = await api.submitted('held@example.org');
    const claimed = await ctx.runtime.store.transition(created.id, 'thank-you', ['scheduled'], 'sending', {
      updatedAt: new Date(Date.parse(THANK_YOU_AT)).toISOString(),
      claimId: 'held-by-a-test',
    });
    expect(claimed?.emails['thank-you']?.status).toBe('sending');
    for (const body of [
      { position: 'Senior Copywriter' },
      { interviewers: [{ id: 1, name: 'Mrs. Hiring Managerin', email: 'held@example.org' }] },
      { thankYouDelayHours: 5 },
    ]) {
      const error = await api.refused(created.id, body, 409);
      expect(error.code).toBe('already_sending');
      expect(error.emails).toEqual([{ kind: 'thank-you', to: 'held@example.org' }]);
    }
    // The decision date moves only the follow-up: allowed while the thank-you is being sent.
    const edited = await api.edit(created.id, { interview: { decisionBy: '2026-12-04' } });
    expect(edited.emails.map((e) => [e.status, e.localSendAt])).toEqual([
      ['sending', '2026-11-27T17:00'],
      ['scheduled', '2026-12-08T10:00'],
    ]);
  });
});

describe('a restore racing an edit', () => {
  it('schedules the email at the time the edit wrote, not the one it read before', async () => {
    const created = await api.submitted('restore-race@example.org');
    await panelApi(ctx).cancelJson(created.cancelUrl, { kind: 'follow-up' });
    const { store, scheduler, invoker, clock } = ctx.runtime;
    const stale = await store.get(created.id);
    if (!stale) throw new Error('no interview');
    // The edit lands between the restore's read and its write: the follow-up moves to Monday.
    await api.edit(created.id, {
      interviewers: [
        { id: 1, name: 'Mrs. Hiring Manager', email: 'restore-race@example.org', awayUntil: '2026-12-04' },
      ],
    });
    const deps = { store, scheduler, invoker, clock, log: () => {} };
    const result = await restore(deps, stale, { kind: 'follow-up' }, { by: 'api', keyId: 'env' });
    expect(result.kind).toBe('restored');
    const schedule = ctx.runtime.emulator.pending().find((p) => p.name.startsWith(`${created.id}-follow-up`));
    expect(schedule?.at).toBe('2026-12-07T15:00:00.000Z');
  });
});
