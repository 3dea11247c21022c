/**
 * The send-time rules through the local runtime's HTTP API: preview answers what intake then
 * schedules, and the emulator fires at the computed instants across a daylight-saving change.
 */
import { describe, expect, it } from 'vitest';
import { validBody } from '../fixtures.js';
import { useService } from '../integration/helpers.js';

const { ctx } = useService();

interface Email {
  kind: string;
  status: string;
  sendAt?: string;
  localSendAt?: string;
  timeZone: string;
  reason?: string;
  subject?: string;
  text?: string;
  html?: string;
}

async function preview(body: unknown): Promise<{ status: number; emails: Email[] }> {
  const res = await ctx.api.call('/interviews/preview', {
    method: 'POST',
    headers: { Authorization: `Bearer ${ctx.runtime.apiKey}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  const json = (await res.json()) as { emails: Email[] };
  return { status: res.status, emails: json.emails };
}

async function submit(body: unknown): Promise<{ id: string; emails: Email[] }> {
  const res = await ctx.api.submit(body);
  expect(res.status).toBe(201);
  return (await res.json()) as { id: string; emails: Email[] };
}

const strip = (emails: Email[]) => emails.map(({ subject: _s, text: _t, html: _h, ...rest }) => rest);

describe('preview', () => {
  it('answers what intake schedules, with rendered texts, and creates nothing', async () => {
    await ctx.api.setClock('2026-11-25T15:00:00.000Z'); // Wednesday 10:00 in New York
    const body = {
      ...validBody(),
      interview: { endsAt: '2026-11-25T14:00', timeZone: 'America/New_York' },
      holidays: 'US',
      thankYouDelayHours: 2,
    };
    const before = ctx.runtime.emulator.pending().length;
    const seen = await preview(body);
    expect(seen.status).toBe(200);
    expect(ctx.runtime.emulator.pending().length).toBe(before);
    await ctx.runtime.emulator.settle();
    expect(await ctx.api.mail()).toEqual([]);

    expect(seen.emails.map((e) => [e.kind, e.localSendAt])).toEqual([
      ['thank-you', '2026-11-25T16:00'],
      ['follow-up', '2026-12-01T10:00'], // Thanksgiving is not a business day in the US
    ]);
    expect(seen.emails[0]?.subject).toBe('Thank you for the Copywriter interview at Example Corp');
    expect(seen.emails[0]?.text).toContain('Good afternoon, Mrs. Hiring Manager!');
    expect(seen.emails[1]?.text).toContain('Good morning, Mrs. Hiring Manager!');
    expect(seen.emails[1]?.text).toContain('your time last Wednesday');

    const created = await submit(body);
    expect(created.emails).toEqual(strip(seen.emails));
  });

  it('shows custom messages rendered for their send times', async () => {
    await ctx.api.setClock('2026-11-27T19:30:00.000Z');
    const seen = await preview({
      ...validBody(),
      messages: {
        followUp: {
          subject: 'About {{position}}, {{interviewerName}}',
          body: '{{greeting}}!\n\nSince {{interviewDay}}: {{highlights}}.',
        },
      },
    });
    // The follow-up answers in the thank-you's thread, so it keeps that subject; the custom
    // subject is for a follow-up that starts a thread of its own (the thank-you not sent).
    expect(seen.emails[1]?.subject).toBe('Re: Thank you for the Copywriter interview at Example Corp');
    expect(seen.emails[1]?.text).toBe(
      'Good morning!\n\nSince last Friday: my experience in marketing and interest in copywriting.\n',
    );
    expect(seen.emails[0]?.subject).toBe('Thank you for the Copywriter interview at Example Corp');
  });

  it('shows a skipped follow-up with its reason and no text', async () => {
    const seen = await preview({ ...validBody(), followUp: false });
    expect(seen.emails[1]).toEqual({
      kind: 'follow-up',
      to: 'hiring.manager@example.org',
      status: 'skipped',
      reason: 'The employer asked candidates not to follow up.',
      timeZone: 'America/New_York',
    });
  });

  it('validates like intake: 401 without a key, 400 naming the field', async () => {
    const anonymous = await ctx.api.call('/interviews/preview', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(validBody()),
    });
    expect(anonymous.status).toBe(401);
    const bad = await ctx.api.call('/interviews/preview', {
      method: 'POST',
      headers: { Authorization: `Bearer ${ctx.runtime.apiKey}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ ...validBody(), holidays: 'XX' }),
    });
    expect(bad.status).toBe(400);
    const error = ((await bad.json()) as { error: { fields: { path: string }[] } }).error;
    expect(error.fields.map((f) => f.path)).toEqual(['holidays']);
  });
});

describe('every rule through preview and intake over HTTP', () => {
  const iv = (endsAt: string, timeZone = 'America/New_York') => ({ interview: { endsAt, timeZone } });
  // biome-ignore format: one case per line reads as a table
  const cases: { rule: string; now: string; patch: Record<string, unknown>; expected: string[] }[] = [
    { rule: '1: thank-you + delay', now: '2026-11-27T19:30:00Z', patch: {}, expected: ['2026-11-27T17:00', '2026-12-02T10:00'] },
    { rule: '1: quiet hours', now: '2026-11-27T19:30:00Z', patch: iv('2026-11-27T18:00'), expected: ['2026-11-28T08:00', '2026-12-02T10:00'] },
    { rule: '2: business days and US-CA holidays', now: '2026-11-25T19:30:00Z', patch: { ...iv('2026-11-25T11:00', 'America/Los_Angeles'), holidays: 'US-CA' }, expected: ['2026-11-25T14:00', '2026-12-02T10:00'] },
    { rule: '2: followUpBusinessDays', now: '2026-11-27T19:30:00Z', patch: { followUpBusinessDays: 5 }, expected: ['2026-11-27T17:00', '2026-12-04T10:00'] },
    { rule: '3: away until', now: '2026-11-16T19:30:00Z', patch: { ...iv('2026-11-16T14:00'), interviewer: { name: 'Mrs. Hiring Manager', email: 'hiring.manager@example.org', awayUntil: '2026-11-20' } }, expected: ['2026-11-16T17:00', '2026-11-23T10:00'] },
    { rule: '4: spacing', now: '2026-11-23T14:00:00Z', patch: { ...iv('2026-11-23T09:00'), followUpBusinessDays: 1 }, expected: ['2026-11-23T12:00', '2026-11-25T10:00'] },
    { rule: '5: late submission', now: '2026-11-27T23:10:30Z', patch: {}, expected: ['2026-11-27T18:11', '2026-12-02T10:00'] },
    { rule: '8: Sydney, whole minutes in the zone', now: '2026-04-02T00:00:00Z', patch: { ...iv('2026-04-03T14:00', 'Australia/Sydney'), holidays: 'AU-NSW' }, expected: ['2026-04-03T17:00', '2026-04-09T10:00'] },
  ];
  it.each(cases)('rule $rule', async ({ now, patch, expected }) => {
    await ctx.api.setClock(now);
    const body = { ...validBody(), ...patch };
    const seen = await preview(body);
    expect(seen.status).toBe(200);
    expect(seen.emails.map((e) => e.localSendAt)).toEqual(expected);
    const created = await submit(body);
    expect(created.emails).toEqual(strip(seen.emails));
  });

  it('rule 6: more than 365 days ahead is a 400 naming interview.endsAt', async () => {
    await ctx.api.setClock('2026-11-27T19:30:00Z');
    const res = await ctx.api.submit({ ...validBody(), ...iv('2027-12-01T10:00') });
    expect(res.status).toBe(400);
    const error = ((await res.json()) as { error: { fields: { path: string }[] } }).error;
    expect(error.fields.map((f) => f.path)).toEqual(['interview.endsAt']);
  });
});

describe('the rules through intake', () => {
  it('quiet hours, away-until and a late submission', async () => {
    // Friday 27 November, 21:10 in New York; the interview ended at 14:00, so its 17:00 thank-you
    // is late, and 21:11 is in quiet hours → Saturday 08:00. Away until Wednesday 2 December →
    // Thursday 3 December 10:00.
    await ctx.api.setClock('2026-11-28T02:10:00.000Z');
    const created = await submit({
      ...validBody(),
      interviewer: { name: 'Mrs. Hiring Manager', email: 'away@example.org', awayUntil: '2026-12-02' },
    });
    expect(created.emails.map((e) => e.localSendAt)).toEqual(['2026-11-28T08:00', '2026-12-03T10:00']);
  });

  it('rejects an interview that ended more than 7 days ago', async () => {
    await ctx.api.setClock('2026-12-10T00:00:00.000Z');
    const res = await ctx.api.submit(validBody());
    expect(res.status).toBe(400);
    const error = ((await res.json()) as { error: { message: string; fields: { path: string }[] } }).error;
    expect(error.fields.map((f) => f.path)).toEqual(['interview.endsAt']);
    expect(error.message).toContain('interview.endsAt');
  });
});

describe('the emulator fires at the computed instants across a DST change', () => {
  it('New York, autumn: a 17:00 EDT thank-you and a 10:00 EST follow-up', async () => {
    await ctx.api.setClock('2026-10-30T18:30:00.000Z');
    const created = await submit({
      ...validBody(),
      interviewer: { name: 'Mr. Autumn', email: 'autumn@example.org' },
      interview: { endsAt: '2026-10-30T14:00', timeZone: 'America/New_York' },
    });
    expect(created.emails.map((e) => e.sendAt)).toEqual([
      '2026-10-30T21:00:00.000Z',
      '2026-11-04T15:00:00.000Z',
    ]);

    expect((await ctx.api.setClock('2026-10-30T20:59:59.000Z')).fired).toEqual([]);
    expect((await ctx.api.setClock('2026-10-30T21:00:00.000Z')).fired).toEqual([
      { name: `${created.id}-thank-you`, at: '2026-10-30T21:00:00.000Z' },
    ]);
    // One hour before 10:00 EST is 10:00 EDT: a zone-blind emulator would fire here.
    expect((await ctx.api.setClock('2026-11-04T14:00:00.000Z')).fired).toEqual([]);
    expect((await ctx.api.setClock('2026-11-04T15:00:00.000Z')).fired).toEqual([
      { name: `${created.id}-follow-up`, at: '2026-11-04T15:00:00.000Z' },
    ]);
    const sent = (await ctx.api.mail()).filter((m) => m.to.includes('autumn@example.org'));
    // The follow-up answers in the thank-you's thread.
    expect(sent.map((m) => m.subject)).toEqual([
      'Thank you for the Copywriter interview at Example Corp',
      'Re: Thank you for the Copywriter interview at Example Corp',
    ]);
    const [thankYou, followUp] = sent.map((m) => m.headers);
    expect(thankYou?.['message-id']).toMatch(/^<.+@.+\.amazonses\.com>$/);
    expect(followUp?.['in-reply-to']).toBe(thankYou?.['message-id']);
    expect(followUp?.references).toBe(thankYou?.['message-id']);
  });

  it('New York, spring: quiet hours put the thank-you at 08:00 EDT on the changeover morning', async () => {
    await ctx.api.setClock('2026-03-07T23:00:00.000Z');
    const created = await submit({
      ...validBody(),
      interviewer: { name: 'Ms. Spring', email: 'spring@example.org' },
      interview: { endsAt: '2026-03-07T23:30', timeZone: 'America/New_York' },
    });
    expect(created.emails[0]?.sendAt).toBe('2026-03-08T12:00:00.000Z');
    expect((await ctx.api.setClock('2026-03-08T11:59:00.000Z')).fired).toEqual([]);
    expect((await ctx.api.setClock('2026-03-08T12:00:00.000Z')).fired.map((f) => f.at)).toEqual([
      '2026-03-08T12:00:00.000Z',
    ]);
  });
});
