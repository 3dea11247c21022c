/**
 * The SES feedback handler with real SES event fixtures (bounce, complaint, delivery as
 * EventBridge delivers them) against the service's store and scheduler (in process, or the local
 * runtime's with TEST_SERVICE=local).
 */
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { addressCounterId } from '../../lambdas/core/access.js';
import { handleFeedback, parseFeedback } from '../../lambdas/usecases/feedback.js';
import { validBody } from '../fixtures.js';
import { quiet, useService } from '../integration/helpers.js';

const { ctx } = useService();
let deps: Parameters<typeof handleFeedback>[0];

beforeAll(() => {
  deps = { ...ctx.runtime.feedback, log: quiet };
});

interface SesEvent {
  detail: {
    mail: { tags: Record<string, string[]> };
    bounce?: { bounceType: string; bouncedRecipients: { emailAddress: string }[] };
    complaint?: { complainedRecipients: { emailAddress: string }[] };
  };
}

/** A stored SES event about `recipient`'s copy of one of our emails. */
function fixture(name: string, interviewId: string, recipient: string, kind = 'thank-you'): SesEvent {
  const text = readFileSync(new URL(`../fixtures/${name}.json`, import.meta.url), 'utf8');
  const event = JSON.parse(text.replaceAll('__INTERVIEW_ID__', interviewId)) as SesEvent;
  event.detail.mail.tags.kind = [kind];
  for (const r of event.detail.bounce?.bouncedRecipients ?? []) r.emailAddress = recipient;
  for (const r of event.detail.complaint?.complainedRecipients ?? []) r.emailAddress = recipient;
  return event;
}

/** An interview whose thank-you has gone out and whose follow-up is pending. */
async function sentThankYou(email: string, candidate = 'reagan@example.com'): Promise<string> {
  await ctx.api.setClock('2026-11-27T19:30:00.000Z');
  const res = await ctx.api.submit({
    ...validBody(),
    candidate: { name: 'Reagan Applicant', email: candidate },
    interviewer: { name: 'Mrs. Hiring Manager', email },
  });
  const { id } = (await res.json()) as { id: string };
  await ctx.api.setClock('2026-11-27T22:00:00.000Z');
  const view = (await (await ctx.api.get(id)).json()) as { emails: { status: string }[] };
  expect(view.emails.map((e) => e.status)).toEqual(['sent', 'scheduled']);
  return id;
}

describe('SES feedback', () => {
  it('a bounce marks the email failed with the reason and cancels the pending follow-up', async () => {
    const id = await sentThankYou('bounce@example.org');
    expect(await handleFeedback(deps, fixture('ses-bounce', id, 'bounce@example.org'))).toBe('recorded');
    const record = await deps.store.get(id);
    expect(record?.emails['thank-you']).toMatchObject({
      status: 'failed',
      reason: 'The email bounced (Permanent, General): the address did not accept it.',
    });
    expect(record?.emails['follow-up']).toMatchObject({
      status: 'cancelled',
      reason: 'Cancelled because the thank-you bounced.',
    });
    expect(ctx.runtime.emulator.pending().map((p) => p.name)).not.toContain(`${id}-follow-up`);
    // Nothing more goes to the bounced address.
    await ctx.api.setClock('2026-12-03T00:00:00.000Z');
    const followUps = (await ctx.api.mail()).filter(
      (m) => m.to.includes('bounce@example.org') && m.subject.startsWith('Following up'),
    );
    expect(followUps).toEqual([]);
  });

  it('a complaint marks the email failed and cancels the rest', async () => {
    const id = await sentThankYou('complaint@example.org');
    expect(await handleFeedback(deps, fixture('ses-complaint', id, 'complaint@example.org'))).toBe(
      'recorded',
    );
    const record = await deps.store.get(id);
    expect(record?.emails['thank-you']).toMatchObject({
      status: 'failed',
      reason: 'The recipient marked the email as spam.',
    });
    expect(record?.emails['follow-up']?.status).toBe('cancelled');
  });

  it('a bounced confirmation (the candidate’s own address) stops the interviewer emails too', async () => {
    await ctx.api.setClock('2026-11-27T19:30:00.000Z');
    const res = await ctx.api.submit(validBody());
    const { id } = (await res.json()) as { id: string };
    await ctx.runtime.emulator.settle();
    await handleFeedback(deps, fixture('ses-bounce', id, 'reagan@example.com', 'confirmation'));
    const record = await deps.store.get(id);
    expect(record?.emails.confirmation.status).toBe('failed');
    expect(record?.emails['thank-you']?.status).toBe('cancelled');
    expect(record?.emails['follow-up']?.status).toBe('cancelled');
  });

  it('a delivery changes nothing; a repeated bounce is harmless', async () => {
    const id = await sentThankYou('delivered@example.org');
    expect(await handleFeedback(deps, fixture('ses-delivery', id, 'delivered@example.org'))).toBe('recorded');
    expect((await deps.store.get(id))?.emails['thank-you']?.status).toBe('sent');
    await handleFeedback(deps, fixture('ses-bounce', id, 'delivered@example.org'));
    await handleFeedback(deps, fixture('ses-bounce', id, 'delivered@example.org'));
    expect((await deps.store.get(id))?.emails['thank-you']?.status).toBe('failed');
  });

  it('a bounce of the candidate’s Bcc copy, or a soft bounce, changes nothing', async () => {
    const id = await sentThankYou('copy@example.org');
    expect(await handleFeedback(deps, fixture('ses-bounce', id, 'reagan@example.com'))).toBe('ignored');
    const soft = fixture('ses-bounce', id, 'copy@example.org');
    if (soft.detail.bounce) soft.detail.bounce.bounceType = 'Transient';
    expect(await handleFeedback(deps, soft)).toBe('ignored');
    const record = await deps.store.get(id);
    expect([record?.emails['thank-you']?.status, record?.emails['follow-up']?.status]).toEqual([
      'sent',
      'scheduled',
    ]);
  });

  it('events that are not ours are ignored, not retried', async () => {
    const foreign = fixture('ses-bounce', 'x', 'x@example.org') as {
      detail: { mail: { tags: Record<string, unknown> } };
    };
    delete foreign.detail.mail.tags['interview-id'];
    expect(parseFeedback(foreign)).toBeUndefined();
    expect(await handleFeedback(deps, foreign)).toBe('ignored');
    expect(await handleFeedback(deps, { detail: 'nonsense' })).toBe('ignored');
    expect(
      await handleFeedback(
        deps,
        fixture('ses-bounce', '00000000-0000-4000-8000-000000000000', 'x@example.org'),
      ),
    ).toBe('ignored');
  });

  describe('the suppression list (what the self-serve form refuses)', () => {
    /** Whether `address`, in any spelling that normalises alike, is on the list. */
    const listed = async (address: string) =>
      (await deps.suppressions.isSuppressed([addressCounterId(address, deps.counterKey)])).length === 1;

    it('a permanent bounce from the addressee puts the address on it, in any spelling', async () => {
      const id = await sentThankYou('gone@example.org', 'reagan-gone@example.com');
      expect(await listed('gone@example.org')).toBe(false);
      await handleFeedback(deps, fixture('ses-bounce', id, 'gone@example.org'));
      expect(await listed('Gone+jobs@Example.org')).toBe(true);
      // Only the addressee: the candidate, Bcc'd on that thank-you, is not on it.
      expect(await listed('reagan-gone@example.com')).toBe(false);
    });

    it('a complaint from the addressee puts it on too', async () => {
      const id = await sentThankYou('spam@example.org', 'reagan-spam@example.com');
      await handleFeedback(deps, fixture('ses-complaint', id, 'spam@example.org'));
      expect(await listed('spam@example.org')).toBe(true);
    });

    it('a soft bounce, or a bounce of the candidate’s Bcc copy, does not', async () => {
      const id = await sentThankYou('full@example.org', 'reagan-full@example.com');
      const soft = fixture('ses-bounce', id, 'full@example.org');
      if (soft.detail.bounce) soft.detail.bounce.bounceType = 'Transient';
      await handleFeedback(deps, soft);
      await handleFeedback(deps, fixture('ses-bounce', id, 'reagan-full@example.com'));
      await handleFeedback(deps, fixture('ses-complaint', id, 'reagan-full@example.com'));
      expect(await listed('full@example.org')).toBe(false);
      expect(await listed('reagan-full@example.com')).toBe(false);
    });

    it('the candidate’s own bounced confirmation puts the candidate on it', async () => {
      await ctx.api.setClock('2026-11-27T19:30:00.000Z');
      const candidate = { name: 'Reagan Applicant', email: 'reagan-own@example.com' };
      const res = await ctx.api.submit({ ...validBody(), candidate });
      const { id } = (await res.json()) as { id: string };
      await ctx.runtime.emulator.settle();
      await handleFeedback(deps, fixture('ses-bounce', id, candidate.email, 'confirmation'));
      expect(await listed(candidate.email)).toBe(true);
    });
  });
});
