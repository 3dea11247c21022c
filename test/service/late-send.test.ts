/**
 * The late-send policy through the whole local runtime: schedules that fire late because the
 * runtime was down (`POST /_local/clock` with `down: true`) are decided by the sender when they
 * fire. A clock moved without `down` is time passing with the runtime up: everything goes on time.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { THANK_YOU_TOO_LATE } from '../../lambdas/core/lateness.js';
import { wallClock } from '../../lambdas/core/time.js';
import { validBody } from '../fixtures.js';
import { useService } from '../integration/helpers.js';

const { ctx } = useService();

interface View {
  id: string;
  emails: { kind: string; status: string; sendAt?: string; sentAt?: string; reason?: string }[];
}

let serial = 0;
/** Each test's interviewer has an address of its own, so its mail can be told from the others'. */
let interviewer = '';

async function submit(endsAt = '2026-11-27T14:00'): Promise<View> {
  const res = await ctx.api.submit({
    ...validBody(),
    interviewer: { name: 'Mrs. Hiring Manager', email: interviewer },
    interview: { endsAt, timeZone: 'America/New_York' },
  });
  expect(res.status).toBe(201);
  return (await res.json()) as View;
}

async function view(id: string): Promise<View> {
  return (await (await ctx.api.get(id)).json()) as View;
}

const email = (v: View, kind: string) => v.emails.find((e) => e.kind === kind);
const localHour = (iso: string) => wallClock(new Date(iso), 'America/New_York').hour;

beforeEach(async () => {
  serial += 1;
  interviewer = `hiring.manager.${serial}@example.org`;
  await ctx.api.setClock('2026-11-27T19:30:00.000Z'); // Friday 14:30 in New York
  await ctx.api.call('/_local/mail', { method: 'DELETE' });
});

describe('late-send policy', () => {
  it('a thank-you more than a day late is not sent: skipped with a reason, and the candidate is told', async () => {
    const { id } = await submit(); // thank-you planned Friday 17:00 New York
    await ctx.api.setClock('2026-11-29T14:00:00.000Z', true); // Sunday 09:00: 40 hours late
    const thankYou = email(await view(id), 'thank-you');
    expect(thankYou?.status).toBe('skipped');
    expect(thankYou?.reason).toContain(THANK_YOU_TOO_LATE);
    expect(thankYou?.reason).toContain('The candidate was told by email.');
    const mail = await ctx.api.mail();
    expect(mail.filter((m) => m.to.includes(interviewer))).toHaveLength(0);
    const notice = mail.filter((m) => m.subject === 'Not sent: your thank-you to Mrs. Hiring Manager');
    expect(notice).toHaveLength(1);
    expect(notice[0]?.to).toEqual(['reagan@example.com']);
    expect(notice[0]?.text).toContain('Friday, November 27 at 5:00 PM EST');
    // The follow-up is still on its way, as planned.
    expect(email(await view(id), 'follow-up')?.status).toBe('scheduled');
  });

  it('a thank-you late into quiet hours waits for 08:00 (still within the day), then goes once', async () => {
    const { id } = await submit(); // planned Friday 17:00
    await ctx.api.setClock('2026-11-28T03:00:00.000Z', true); // Friday 22:00: quiet hours
    const moved = email(await view(id), 'thank-you');
    expect(moved?.status).toBe('scheduled');
    expect(moved?.sendAt).toBe('2026-11-28T13:00:00.000Z'); // Saturday 08:00
    expect((await ctx.api.mail()).filter((m) => m.to.includes(interviewer))).toHaveLength(0);
    await ctx.api.setClock('2026-11-28T13:00:30.000Z');
    const sent = email(await view(id), 'thank-you');
    expect(sent?.status).toBe('sent');
    expect(localHour(sent?.sentAt ?? '')).toBe(8);
    expect((await ctx.api.mail()).filter((m) => m.to.includes(interviewer))).toHaveLength(1);
  });

  it('a follow-up that fires hours late moves to 10:00 of the next business day, then goes once', async () => {
    const { id } = await submit(); // follow-up planned Wednesday 2 December 10:00
    await ctx.api.setClock('2026-11-27T22:00:30.000Z'); // the thank-you, on time
    await ctx.api.setClock('2026-12-02T21:00:00.000Z', true); // Wednesday 16:00: six hours late
    const moved = email(await view(id), 'follow-up');
    expect(moved?.status).toBe('scheduled');
    expect(moved?.sendAt).toBe('2026-12-03T15:00:00.000Z'); // Thursday 10:00
    await ctx.api.setClock('2026-12-03T15:00:30.000Z');
    const sent = email(await view(id), 'follow-up');
    expect(sent?.status).toBe('sent');
    expect(localHour(sent?.sentAt ?? '')).toBe(10);
    const toInterviewer = (await ctx.api.mail()).filter((m) => m.to.includes(interviewer));
    expect(toInterviewer.map((m) => m.subject.startsWith('Thank you'))).toEqual([true, false]);
  });

  it('a follow-up late over a weekend moves past it (Friday evening → Monday 10:00)', async () => {
    const { id } = await submit('2026-11-30T14:00'); // Monday; follow-up Thursday 3 December 10:00
    await ctx.api.setClock('2026-11-30T22:00:30.000Z');
    await ctx.api.setClock('2026-12-05T01:00:00.000Z', true); // Friday 20:00: 34 hours late
    expect(email(await view(id), 'follow-up')?.sendAt).toBe('2026-12-07T15:00:00.000Z'); // Monday 10:00
  });

  it('a clock moved days ahead with the runtime up: every email goes at its own time, none late', async () => {
    const { id } = await submit();
    const { fired } = await ctx.api.setClock('2026-12-03T00:00:00.000Z'); // the README's example
    expect(fired.map((f) => f.name)).toEqual(expect.arrayContaining([`${id}-thank-you`, `${id}-follow-up`]));
    const v = await view(id);
    expect(v.emails.map((e) => [e.kind, e.status, e.sentAt?.slice(0, 16)])).toEqual([
      ['thank-you', 'sent', '2026-11-27T22:00'],
      ['follow-up', 'sent', '2026-12-02T15:00'],
    ]);
    expect(await ctx.api.mail()).toEqual(
      expect.not.arrayContaining([expect.objectContaining({ subject: expect.stringContaining('Not sent') })]),
    );
  });

  it('an email on time is not touched by the policy', async () => {
    const { id } = await submit();
    await ctx.api.setClock('2026-11-27T22:00:30.000Z');
    await ctx.api.setClock('2026-12-02T15:00:30.000Z');
    const v = await view(id);
    expect(v.emails.map((e) => [e.kind, e.status, e.sendAt])).toEqual([
      ['thank-you', 'sent', '2026-11-27T22:00:00.000Z'],
      ['follow-up', 'sent', '2026-12-02T15:00:00.000Z'],
    ]);
  });
});
