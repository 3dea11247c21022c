/**
 * The self-serve use cases (issue 18; docs/self-serve.md), on the in-process service: a
 * submission without a key holds every interviewer email until its candidate confirms from the one
 * email it sends them; nothing reaches an interviewer before that, however long the clock walks;
 * confirming plans again from then, once however often it is pressed; unconfirmed, it expires.
 */
import { describe, expect, it } from 'vitest';
import { parseSubmission, type ValidSubmission } from '../../lambdas/core/schema.js';
import { SELF_SERVE_RULES } from '../../lambdas/core/self-serve.js';
import { confirmSelfServe, submitSelfServe } from '../../lambdas/usecases/self-serve.js';
import { validBody } from '../fixtures.js';
import { useService } from '../integration/helpers.js';
import { mailsTo, panelApi } from '../support/panel.js';
import { selfServeDeps } from '../support/self-serve.js';

const { ctx } = useService();
const SUBMITTED = '2026-11-27T19:30:00.000Z';
/** Where links point: the service under test (in process, or the local runtime's port). */
const base = () => ctx.runtime.apiUrl;

const deps = (limits: Record<string, number> = {}) => selfServeDeps(ctx, limits);

function submission(address: string, candidate = 'reagan@example.com', second?: string): ValidSubmission {
  const { interviewer: _one, ...rest } = validBody();
  const body = {
    ...rest,
    candidate: { name: 'Reagan Applicant', email: candidate },
    interviewers: [
      { name: 'Mrs. Hiring Manager', email: address },
      ...(second ? [{ name: 'Jordan Example', email: second }] : []),
    ],
  };
  const parsed = parseSubmission(body, ctx.runtime.clock.now(), {});
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.fields));
  return parsed;
}

async function submitted(
  address: string,
  candidate = `reagan+${address.split('@')[0]}@example.com`,
  at = SUBMITTED,
  second?: string,
) {
  await ctx.api.setClock(at);
  const result = await submitSelfServe(
    deps(),
    submission(address, candidate, second),
    { ip: '192.0.2.1' },
    base(),
  );
  if (result.kind !== 'held') throw new Error(result.kind);
  await ctx.runtime.emulator.settle();
  // The token is not answered: the candidate's mailbox has it, in the verify email's link.
  const link = mailsTo(await ctx.api.mail(), candidate)
    .map((m) => /\/manage\/([A-Za-z0-9_-]{43})/.exec(m.text)?.[1])
    .find((t) => t !== undefined);
  if (!link) throw new Error('no verify link');
  return { ...result, candidate, token: link };
}

describe('a self-serve submission', () => {
  it('sends one email, to the candidate alone, and holds the rest however long the clock walks', async () => {
    const { record, token, candidate } = await submitted('s1@example.org');
    const mail = await ctx.api.mail();
    const verify = mailsTo(mail, candidate);
    expect(verify.map((m) => m.subject)).toEqual(['Please confirm: your emails to Mrs. Hiring Manager']);
    expect(verify[0]?.text).toContain(`${base()}/manage/${token}`);
    expect(verify[0]?.text).toContain('Thank-you: Friday, November 27 at 5:00 PM EST');
    expect(ctx.runtime.emulator.pending().filter((p) => p.name.startsWith(record.id))).toEqual([]);
    await ctx.api.setClock('2026-12-10T00:00:00.000Z');
    expect(mailsTo(await ctx.api.mail(), 's1@example.org')).toEqual([]);
    const stored = await ctx.runtime.store.get(record.id);
    expect(Object.values(stored?.emails ?? {}).map((e) => e?.status)).toEqual([
      'held',
      'held',
      'held',
      'sent',
    ]);
  });

  it('confirmed: planned from then, scheduled, the confirmation sent; a second press does nothing', async () => {
    const { record, token, candidate } = await submitted('s2@example.org');
    await ctx.api.setClock('2026-11-27T19:45:00.000Z');
    const confirmed = await confirmSelfServe(deps(), record, token, base());
    expect(confirmed.kind).toBe('confirmed');
    const again = await confirmSelfServe(deps(), record, token, base());
    expect(again.kind).toBe('already');
    await ctx.runtime.emulator.settle();
    expect(mailsTo(await ctx.api.mail(), candidate).map((m) => m.subject)).toEqual([
      'Please confirm: your emails to Mrs. Hiring Manager',
      'Scheduled: your thank-you and follow-up to Mrs. Hiring Manager',
    ]);
    await ctx.api.setClock('2026-12-03T00:00:00.000Z');
    expect(mailsTo(await ctx.api.mail(), 's2@example.org').map((m) => m.subject)).toEqual([
      'Thank you for the Copywriter interview at Example Corp',
      'Re: Thank you for the Copywriter interview at Example Corp',
    ]);
    const history = (await ctx.runtime.store.get(record.id))?.history?.map((h) => `${h.by} ${h.action}`);
    expect(history?.slice(0, 4)).toEqual(['web created', 'sender sent', 'link confirmed', 'sender sent']);
  });

  it('submitted late and confirmed hours later: the thank-you goes at the next minute, as at intake', async () => {
    // Submitted the Monday after the interview; confirmed three hours later.
    const { record, token } = await submitted('s3@example.org', undefined, '2026-11-30T15:00:00.000Z');
    expect(record.emails['thank-you']).toMatchObject({ status: 'held', sendAt: '2026-11-30T15:01:00.000Z' });
    await ctx.api.setClock('2026-11-30T18:00:30.000Z');
    const confirmed = await confirmSelfServe(deps(), record, token, base());
    expect(confirmed.kind).toBe('confirmed');
    const emails = (confirmed as { record: typeof record }).record.emails;
    expect(emails['thank-you']).toMatchObject({ status: 'scheduled', sendAt: '2026-11-30T18:01:00.000Z' });
    expect(emails['follow-up']).toMatchObject({ status: 'scheduled', sendAt: '2026-12-02T15:00:00.000Z' });
  });

  it('cancelled from its link before it was confirmed: a later confirm is stopped, and schedules nothing', async () => {
    const { record, token } = await submitted('s5@example.org');
    const res = await ctx.api.fetch(`${base()}/cancel/${token}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify({ kind: 'all' }),
    });
    expect(res.status).toBe(200);
    // Nothing is left to confirm: the request is stopped, and no confirmation goes.
    const confirmed = await confirmSelfServe(deps(), record, token, base());
    expect(confirmed.kind).toBe('stopped');
    expect((await ctx.runtime.store.get(record.id))?.emails.confirmation.status).toBe('held');
    const stored = await ctx.runtime.store.get(record.id);
    expect([stored?.emails['thank-you']?.status, stored?.emails['follow-up']?.status]).toEqual([
      'cancelled',
      'cancelled',
    ]);
    expect(ctx.runtime.emulator.pending().filter((p) => p.name.startsWith(record.id))).toEqual([]);
  });

  it('a confirm whose write landed but answered "not written" (an SDK retry of it) stands: schedules kept, the confirmation sent', async () => {
    const { record, token, candidate } = await submitted('s6@example.org');
    const { store } = ctx.runtime;
    // The first try lands and its answer is lost; the retry fails its own condition.
    const replace = async (next: typeof record, read: typeof record) => {
      await store.replace(next, read);
      return false;
    };
    const retried = { ...deps(), store: Object.assign(Object.create(store) as typeof store, { replace }) };
    const confirmed = await confirmSelfServe(retried, record, token, base());
    expect(confirmed.kind).toBe('confirmed');
    const pending = ctx.runtime.emulator.pending().filter((p) => p.name.startsWith(record.id));
    expect(pending.length).toBeGreaterThan(0);
    await ctx.runtime.emulator.settle();
    expect(mailsTo(await ctx.api.mail(), candidate).map((m) => m.subject)).toContain(
      'Scheduled: your thank-you and follow-up to Mrs. Hiring Manager',
    );
  });

  it('an interviewer the candidate cancelled before the confirm counts for nothing at it', async () => {
    const limits = { perInterviewerAllKeysPerDay: 1 };
    // Jordan's day is used by another candidate's confirmed request.
    const other = await submitted('s7b@example.org', 'sam+s7@example.com');
    expect((await confirmSelfServe(deps(limits), other.record, other.token, base())).kind).toBe('confirmed');
    const { record, token } = await submitted('s7a@example.org', undefined, SUBMITTED, 's7b@example.org');
    const cancel = await ctx.api.fetch(`${base()}/cancel/${token}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify({ kind: 'all', to: 's7b@example.org' }),
    });
    expect(cancel.status).toBe(200);
    // Only Mrs. Hiring Manager is still to be written to: her window alone is counted.
    const current = await ctx.runtime.store.get(record.id);
    if (!current) throw new Error('the request is gone');
    const confirmed = await confirmSelfServe(deps(limits), current, token, base());
    expect(confirmed.kind).toBe('confirmed');
  });

  it('unconfirmed after 24 hours: expired, nothing scheduled', async () => {
    const { record, token } = await submitted('s4@example.org');
    await ctx.api.setClock('2026-11-28T19:31:00.000Z');
    expect((await confirmSelfServe(deps(), record, token, base())).kind).toBe('expired');
    // Its link reads as gone.
    expect((await ctx.api.fetch(`${base()}/cancel/${token}`)).status).toBe(404);
    expect(ctx.runtime.emulator.pending().filter((p) => p.name.startsWith(record.id))).toEqual([]);
  });

  it('counts per client IP and per candidate address at the request, per interviewer at the confirmation', async () => {
    await ctx.api.setClock(SUBMITTED);
    const ip = { ip: '198.51.100.7' };
    const take = (address: string, limits: Record<string, number>, candidate: string) =>
      submitSelfServe(deps(limits), submission(address, candidate), ip, base());
    expect((await take('l1@example.org', { selfServePerIpPerHour: 1 }, 'c1@example.com')).kind).toBe('held');
    const byIp = await take('l2@example.org', { selfServePerIpPerHour: 1 }, 'c2@example.com');
    expect(byIp).toMatchObject({ kind: 'limited', limit: 'self-serve-per-ip-per-hour' });
    const candidate = await take('l3@example.org', { perCandidatePerDay: 1 }, 'c1@example.com');
    expect(candidate).toMatchObject({ kind: 'limited', limit: 'confirmations-per-candidate-per-day' });
    // Two requests naming one interviewer: both held (a made-up request uses nobody's day)…
    const one = await submitted('l4@example.org', 'c5@example.com');
    const two = await submitted('l4@example.org', 'c6@example.com');
    const strict = { perInterviewerAllKeysPerDay: 1 };
    expect((await confirmSelfServe(deps(strict), one.record, one.token, base())).kind).toBe('confirmed');
    // …and the second confirmation is the one the interviewer's day refuses.
    const refused = await confirmSelfServe(deps(strict), two.record, two.token, base());
    expect(refused).toMatchObject({ kind: 'limited', limit: 'per-interviewer-per-day, all keys' });
    expect((await ctx.runtime.store.get(two.record.id))?.emails['thank-you']?.status).toBe('held');
  });

  it('never confirmed once the candidate’s address bounced', async () => {
    const { record, token } = await submitted('s6@example.org', 'bouncing@example.com');
    await panelApi(ctx).bounce(record.id, 'verify', 'bouncing@example.com');
    // The bounce put the address on the suppression list too: that is what the confirm answers.
    expect((await confirmSelfServe(deps(), record, token, base())).kind).toBe('suppressed');
    const stored = await ctx.runtime.store.get(record.id);
    expect(stored?.emails['thank-you']?.status).toBe('cancelled');
  });
});

describe('self-serve texts', () => {
  it('carry no links (whatever the deployment allows) and no markup; plain text with < stays', () => {
    const refused = (patch: Record<string, unknown>) => {
      const parsed = parseSubmission({ ...validBody(), ...patch }, ctx.runtime.clock.now(), {
        ...SELF_SERVE_RULES,
      });
      return parsed.ok ? [] : parsed.fields.map((f) => f.path);
    };
    expect(refused({ highlights: 'my portfolio at example.org' })).toEqual(['highlights']);
    expect(refused({ highlights: 'my <b>bold</b> ideas' })).toEqual(['highlights']);
    expect(refused({ company: 'Example &amp; Sons' })).toEqual(['company']);
    expect(
      refused({
        interviewer: { name: 'Mrs. Hiring Manager', email: 'm@example.org', note: 'our <!-- chat -->' },
      }),
    ).toEqual(['interviewer.note']);
    expect(refused({ highlights: 'a team of 5 < 6 people, and R and D' })).toEqual([]);
    // The API's rules, for comparison: an allowed domain passes there.
    expect(
      parseSubmission({ ...validBody(), highlights: 'see example.org' }, ctx.runtime.clock.now(), {
        linkAllowlist: ['example.org'],
      }).ok,
    ).toBe(true);
  });
});
