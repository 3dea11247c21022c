/**
 * The suppression list in self-serve (issue 18; docs/self-serve.md): an address that bounced for
 * good or complained anywhere in the service is refused at the submission, field by field, and
 * again at the confirmation (it may bounce in between); on the in-process service, or the local
 * runtime's with TEST_SERVICE=local.
 */
import { describe, expect, it } from 'vitest';
import { addressCounterId } from '../../lambdas/core/access.js';
import { parseSubmission, type ValidSubmission } from '../../lambdas/core/schema.js';
import { handleFeedback } from '../../lambdas/usecases/feedback.js';
import { confirmSelfServe, submitSelfServe } from '../../lambdas/usecases/self-serve.js';
import { validBody } from '../fixtures.js';
import { quiet, useService } from '../integration/helpers.js';
import { bounceEvent, mailsTo } from '../support/panel.js';
import { selfServeDeps } from '../support/self-serve.js';

const { ctx } = useService({ selfServe: true });
const SUBMITTED = '2026-11-27T19:30:00.000Z';
const base = () => ctx.runtime.apiUrl;
const REFUSED = 'our email to this address bounced or was reported as spam, so none can be sent to it';

const deps = (limits: Record<string, number> = {}) => selfServeDeps(ctx, limits);

/** Puts `address` on the list, as the feedback use case does. */
const suppress = (address: string) =>
  ctx.runtime.access.suppress(addressCounterId(address, ctx.runtime.counterKey), SUBMITTED, 'bounce');

function submission(candidate: string, ...interviewers: string[]): ValidSubmission {
  const body = {
    ...validBody(),
    candidate: { name: 'Reagan Applicant', email: candidate },
    interviewer: undefined,
    interviewers: interviewers.map((email, i) => ({
      name: i === 0 ? 'Mrs. Hiring Manager' : `Panelist ${i}`,
      email,
    })),
  };
  const parsed = parseSubmission(body, ctx.runtime.clock.now(), {});
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.fields));
  return parsed;
}

const submit = (s: ValidSubmission, ip = '192.0.2.10', limits = {}) =>
  submitSelfServe(deps(limits), s, { ip }, base());

/** A held request and the token of its verify link. */
async function held(candidate: string, interviewer: string) {
  await ctx.api.setClock(SUBMITTED);
  const result = await submit(submission(candidate, interviewer));
  if (result.kind !== 'held') throw new Error(result.kind);
  await ctx.runtime.emulator.settle();
  const text = mailsTo(await ctx.api.mail(), candidate).at(-1)?.text ?? '';
  const token = /\/manage\/([A-Za-z0-9_-]{43})/.exec(text)?.[1];
  if (!token) throw new Error('no verify link');
  return { record: result.record, token };
}

describe('a self-serve submission naming a suppressed address', () => {
  it('is refused on the candidate’s field; nothing is sent', async () => {
    await ctx.api.setClock(SUBMITTED);
    await suppress('reagan-gone@example.com');
    const result = await submit(submission('Reagan-Gone+jobs@Example.com', 'ok1@example.org'));
    expect(result).toEqual({ kind: 'suppressed', fields: [{ path: 'candidate.email', message: REFUSED }] });
    await ctx.runtime.emulator.settle();
    expect(mailsTo(await ctx.api.mail(), 'Reagan-Gone+jobs@Example.com')).toEqual([]);
  });

  it('is refused on the interviewer’s field, in a panel, in any spelling', async () => {
    await ctx.api.setClock(SUBMITTED);
    await suppress('gone@example.org');
    const result = await submit(submission('reagan-p@example.com', 'ok2@example.org', 'Gone+x@EXAMPLE.org'));
    expect(result).toEqual({
      kind: 'suppressed',
      fields: [{ path: 'interviewers.1.email', message: REFUSED }],
    });
  });

  it('counts against the client’s IP (the list cannot be probed faster), not the candidate’s day', async () => {
    await ctx.api.setClock(SUBMITTED);
    await suppress('dead@example.org');
    const strict = { selfServePerIpPerHour: 1, perCandidatePerDay: 1 };
    const refused = await submit(
      submission('reagan-c@example.com', 'dead@example.org'),
      '192.0.2.30',
      strict,
    );
    expect(refused.kind).toBe('suppressed');
    const again = await submit(submission('reagan-c@example.com', 'alive@example.org'), '192.0.2.31', strict);
    expect(again.kind).toBe('held');
    const sameIp = await submit(
      submission('reagan-d@example.com', 'alive@example.org'),
      '192.0.2.30',
      strict,
    );
    expect(sameIp).toMatchObject({ kind: 'limited', limit: 'self-serve-per-ip-per-hour' });
  });

  it('the form answers 400 with the error on that field, as typed', async () => {
    await ctx.api.setClock(SUBMITTED);
    await suppress('web-gone@example.org');
    const res = await ctx.api.call('/', {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'Sec-Fetch-Site': 'same-origin' },
      body: new URLSearchParams({
        'candidate.name': 'Reagan Applicant',
        'candidate.email': 'reagan-web@example.com',
        'interviewers.0.name': 'Mrs. Hiring Manager',
        'interviewers.0.email': 'web-gone@example.org',
        position: 'Copywriter',
        company: 'Example Corp',
        'interview.endsAt': '2026-11-27T14:00',
        'interview.timeZone': 'America/New_York',
      }).toString(),
    });
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toContain('aria-describedby="f-interviewers-0-email-error" aria-invalid="true"');
    expect(html).toContain(REFUSED);
    expect(html).toContain('value="web-gone@example.org"');
  });
});

describe('confirming a request whose address was suppressed since', () => {
  it('an interviewer’s thank-you from another interview bounced in between: refused, still held', async () => {
    const { record, token } = await held('reagan-between@example.com', 'between@example.org');
    // Another candidate's interview with the same interviewer, by the API: its thank-you bounces.
    const res = await ctx.api.submit({
      ...validBody(),
      interviewer: { name: 'Mrs. Hiring Manager', email: 'between@example.org' },
    });
    const { id } = (await res.json()) as { id: string };
    await ctx.api.setClock('2026-11-27T22:00:00.000Z');
    const outcome = await handleFeedback(
      { ...ctx.runtime.feedback, log: quiet },
      bounceEvent(id, 'thank-you', 'between@example.org'),
    );
    expect(outcome).toBe('recorded');
    const result = await confirmSelfServe(deps(), record, token, base());
    expect(result).toEqual({
      kind: 'suppressed',
      fields: [
        {
          path: 'interviewers.0.email',
          message:
            "Our email to Mrs. Hiring Manager's address bounced or was reported as spam, so none can be sent to it.",
        },
      ],
    });
    const stored = await ctx.runtime.store.get(record.id);
    expect(stored?.emails['thank-you']?.status).toBe('held');
    expect(ctx.runtime.emulator.pending().filter((p) => p.name.startsWith(record.id))).toEqual([]);
  });

  it('the candidate’s own address: the confirm button answers 409 and schedules nothing', async () => {
    const { record, token } = await held('reagan-later@example.com', 'later@example.org');
    await suppress('reagan-later@example.com');
    const res = await ctx.api.call(`/manage/${token}/confirm`, {
      method: 'POST',
      headers: { 'Sec-Fetch-Site': 'same-origin' },
    });
    expect(res.status).toBe(409);
    expect(await res.text()).toContain('Our email to your address bounced or was reported as spam');
    expect(ctx.runtime.emulator.pending().filter((p) => p.name.startsWith(record.id))).toEqual([]);
    expect((await ctx.runtime.store.get(record.id))?.emails['follow-up']?.status).toBe('held');
  });
});
