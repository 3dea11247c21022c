/**
 * A submission refused by a per-key limit (a 429) after intake's single round trip, in which the
 * item was written, the schedules made and the confirmation counted at once: none of it stays.
 */
import { describe, expect, it } from 'vitest';
import { validBody } from '../fixtures.js';
import { useService } from '../integration/helpers.js';

const { ctx } = useService({ limits: { perMinute: 1, perCandidatePerDay: 1 } });

const body = (candidate: string, interviewer: string) => ({
  ...validBody(),
  candidate: { name: 'Reagan Applicant', email: candidate },
  interviewer: { name: 'Mrs. Hiring Manager', email: interviewer },
});

describe('a refused submission', () => {
  it('leaves no schedule, and gives the confirmation count back to its address', async () => {
    await ctx.api.setClock('2026-11-27T19:30:00.000Z');
    const first = await ctx.api.submit(body('someone.else@example.com', 'first.manager@example.org'));
    expect(first.status).toBe(201);
    const refused = await ctx.api.submit(body('reagan@example.com', 'second.manager@example.org'));
    expect(refused.status).toBe(429);
    await ctx.runtime.emulator.settle();
    const firstId = ((await first.json()) as { id: string }).id;
    expect(ctx.runtime.emulator.pending().every((p) => p.name.startsWith(firstId))).toBe(true);

    // Two minutes on, the same candidate's submission goes ahead with its confirmation: the
    // refused one did not use up the address's one confirmation of the day.
    await ctx.api.setClock('2026-11-27T19:32:00.000Z');
    const later = await ctx.api.submit(body('reagan@example.com', 'second.manager@example.org'));
    expect(later.status).toBe(201);
    await ctx.runtime.emulator.settle();
    const confirmations = (await ctx.api.mail()).filter((m) => m.to.includes('reagan@example.com'));
    expect(confirmations).toHaveLength(1);
    expect(ctx.runtime.emulator.pending()).toHaveLength(4);
  });
});
