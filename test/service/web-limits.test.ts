/**
 * Each limit of the self-serve form answers a `429` page over HTTP that says whose limit it is and
 * when to try again, with `Retry-After` (issue 18, "no relay"; docs/self-serve.md): the candidate's
 * address (at the request), the interviewer's across every key and the form (at the confirm), and
 * the client's IP (at the request). A refused request counts in no window.
 */
import { describe, expect, it } from 'vitest';
import { NO_LIMITS, useService } from '../integration/helpers.js';
import { mailsTo } from '../support/panel.js';
import { filledForm, webClient } from '../support/web.js';

const { ctx } = useService({
  selfServe: true,
  limits: { ...NO_LIMITS, selfServePerIpPerHour: 3, perCandidatePerDay: 1, perInterviewerAllKeysPerDay: 1 },
});
const web = webClient(ctx);

async function tooMany(res: Response, words: RegExp): Promise<void> {
  expect(res.status).toBe(429);
  const retry = Number(res.headers.get('Retry-After'));
  expect(retry).toBeGreaterThan(0);
  const html = await res.text();
  expect(html).toMatch(words);
  expect(html).toMatch(/Please try again in \d+ (minutes?|hours)\./);
}

describe('the self-serve limits, each a 429 page', () => {
  it('per candidate, per interviewer at the confirm, per IP: whose, and when', async () => {
    await ctx.api.setClock('2026-11-27T19:30:00.000Z');
    // 1st request from this IP: Reagan, to Mrs. Hiring Manager.
    expect((await web.form(filledForm('reagan+l1@example.com', 'limit@example.org'))).status).toBe(200);
    const first = await web.linkToken('reagan+l1@example.com');
    // The same candidate again: their address had its email today (and the IP's count is given back).
    await tooMany(
      await web.form(filledForm('reagan+l1@example.com', 'other@example.org')),
      /Your address has had as many emails from us today as one may get/,
    );
    // 2nd request: another candidate naming the same interviewer is taken, and held...
    expect((await web.form(filledForm('sam+l2@example.com', 'limit@example.org'))).status).toBe(200);
    const second = await web.linkToken('sam+l2@example.com');
    expect((await web.post(`/manage/${first}/confirm`, {})).status).toBe(303);
    // ...but its confirm finds the interviewer's day used, and schedules nothing.
    await tooMany(
      await web.post(`/manage/${second}/confirm`, {}),
      /An interviewer you named has had as many emails today as one may get from us/,
    );
    expect((await ctx.api.call(`/manage/${second}`)).status).toBe(200); // still waiting, unconfirmed
    // 3rd request, then the 4th from this IP within the hour is refused.
    expect((await web.form(filledForm('jordan+l3@example.com', 'c@example.org'))).status).toBe(200);
    await tooMany(
      await web.form(filledForm('jordan+l4@example.com', 'd@example.org')),
      /This connection has sent as many requests as one may in an hour/,
    );
    await ctx.api.setClock('2026-12-09T00:00:00.000Z');
    expect(mailsTo(await ctx.api.mail(), 'limit@example.org')).toHaveLength(2); // the first's two only
    expect(mailsTo(await ctx.api.mail(), 'd@example.org')).toEqual([]);
  });
});
