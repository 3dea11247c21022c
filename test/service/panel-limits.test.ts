/**
 * The per-interviewer limit with panels: every address of a panel counts, once, in whatever form
 * it is given; a panel with one address at its limit is refused whole (429), and nothing is
 * scheduled or sent to the others, whose budget it does not use up.
 */
import { describe, expect, it } from 'vitest';
import { validBody } from '../fixtures.js';
import { NO_LIMITS, useService } from '../integration/helpers.js';
import { type ErrorBody, mailsTo, type Person, panelApi, panelBody } from '../support/panel.js';

const { ctx } = useService({ limits: { ...NO_LIMITS, perInterviewerPerDay: 1 } });
const api = panelApi(ctx);

const busy: Person = { name: 'Mrs. Hiring Manager', email: 'busy.manager@example.org' };
const jordan: Person = { name: 'Jordan Example', email: 'jordan.limit@example.org' };
const sam: Person = { name: 'Sam Example', email: 'sam.limit@example.com' };

/** Every pending schedule's name. */
const allPending = () =>
  ctx.runtime.emulator
    .pending()
    .map((p) => p.name)
    .sort();

describe('the per-interviewer limit, address by address', () => {
  it('a panel whose one address reached its limit is a 429 naming the interviewer limit, and schedules nothing for the others', async () => {
    // Friday 27 November 2026, 19:30 UTC: the day's counters end at midnight UTC, 4.5 h away.
    await ctx.api.setClock('2026-11-27T19:30:00.000Z');
    const first = await api.submit({ ...validBody(), interviewer: busy });
    const before = allPending();
    expect(before).toEqual([`${first.id}-follow-up`, `${first.id}-thank-you`]);

    // The same mailbox in another case, and with a +tag: each is the one interviewer.
    for (const email of ['Busy.Manager@Example.org', 'busy.manager+jobs@example.org']) {
      const res = await ctx.api.submit(
        panelBody([jordan, { ...busy, email }, sam], { secondFollowUp: true }),
      );
      expect(res.status).toBe(429);
      // Until midnight UTC, as the local clock runs on (a second or so with TEST_SERVICE=local).
      const retryAfter = Number(res.headers.get('retry-after'));
      expect(retryAfter).toBeLessThanOrEqual(4.5 * 3600);
      expect(retryAfter).toBeGreaterThan(4.5 * 3600 - 60);
      const body = (await res.json()) as ErrorBody;
      expect(body.error.code).toBe('rate_limited');
      expect(body.error.message).toBe(
        `Too many submissions (per-interviewer-per-day limit). Try again in ${retryAfter} seconds.`,
      );
    }
    await ctx.runtime.emulator.settle();
    expect(allPending()).toEqual(before);

    // Walked past every email the refused panels would have had: nothing went to the others.
    await ctx.api.setClock('2026-12-10T00:00:00.000Z');
    const mails = await ctx.api.mail();
    expect(mailsTo(mails, jordan.email)).toEqual([]);
    expect(mailsTo(mails, sam.email)).toEqual([]);
    expect(mails.filter((m) => JSON.stringify(m).includes(jordan.email))).toEqual([]);
    // The first interview's thank-you and follow-up, and its one confirmation.
    expect(mailsTo(mails, busy.email)).toHaveLength(2);
    expect(mails).toHaveLength(3);
  });

  it("the refused panel used none of the others' budget; an admitted panel uses one count of each address", async () => {
    // The same UTC day as the refusals (Friday 27 November).
    await ctx.api.setClock('2026-11-27T20:00:00.000Z');
    const panel = await api.submit(panelBody([jordan, sam]));
    expect(panel.emails.map((e) => [e.kind, e.to])).toEqual([
      ['thank-you', jordan.email],
      ['follow-up', jordan.email],
      ['thank-you', sam.email],
      ['follow-up', sam.email],
    ]);
    // Now each of the two is at its limit, alone or in a panel with someone new.
    const newcomer: Person = { name: 'Alex Example', email: 'alex.limit@example.org' };
    for (const people of [[sam], [newcomer, jordan]]) {
      const refused = await api.refused(panelBody(people), 429);
      expect(refused.error.message).toContain('(per-interviewer-per-day limit)');
    }
    expect((await api.submit(panelBody([newcomer]))).emails).toHaveLength(2);
    // The next UTC day, the counts start again.
    await ctx.api.setClock('2026-11-28T00:00:01.000Z');
    const next = await api.submit(
      panelBody([busy, jordan, sam], {
        interview: { endsAt: '2026-11-27T18:00', timeZone: 'America/New_York' },
      }),
    );
    expect(next.emails).toHaveLength(6);
  });
});
