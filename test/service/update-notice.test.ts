/**
 * The candidate's notice of an edit (`update`) through the service: a fired schedule sends it
 * once, written from the record as it is at sending, into the local mailbox; the sweep hands an
 * overdue one to the sender; a bounce of it stops every pending email; a DELETE cancels a pending
 * one and erases it. The edit that arms it (usecases/edit.ts) is stood in for by writing the armed
 * record to the store: `emails.update` scheduled, and its one-time schedule.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  CANCELLED_BY_CANDIDATE,
  type EmailState,
  type InterviewRecord,
} from '../../lambdas/core/interview.js';
import { CountingMetrics } from '../../lambdas/core/ports.js';
import { sweepPlan } from '../../lambdas/core/reconcile.js';
import { MemoryMailer } from '../../lambdas/memory/mailer.js';
import { handleFeedback } from '../../lambdas/usecases/feedback.js';
import { restorable } from '../../lambdas/usecases/restore.js';
import { parseSendEvent, sendEmail } from '../../lambdas/usecases/send.js';
import { quiet, useService } from '../integration/helpers.js';
import { bounceEvent } from '../support/panel.js';
import { record } from '../support/records.js';

const { ctx } = useService();

/** Saturday 28 November 2026, 10:00 in New York: the day after the interview, its thank-you sent. */
const EDITED = '2026-11-28T15:00:00.000Z';
/** Five minutes later: when the armed notice goes. */
const NOTICE_AT = '2026-11-28T15:05:00.000Z';
/** Thursday 3 December, 10:00 in New York: where the edit moved the follow-up. */
const MOVED = '2026-12-03T15:00:00.000Z';
const SENT_AT = '2026-11-27T22:00:00.000Z';

/**
 * An interview as an edit leaves it at EDITED: the thank-you sent, the follow-up moved to MOVED
 * (its schedule made), the notice armed for NOTICE_AT (with `update` as given) and its schedule
 * made; `checkAt` as the edit sets it. Each call is a new interview and a new candidate address.
 */
async function edited(update: Partial<EmailState> = {}): Promise<InterviewRecord> {
  await ctx.api.setClock(EDITED);
  const id = randomUUID();
  const candidate = { name: 'Reagan Applicant', email: `reagan+${id.slice(0, 8)}@example.com` };
  const base = record(
    { id, candidate },
    {
      emails: {
        'thank-you': { status: 'sent', sentAt: SENT_AT, messageId: 'm-1', updatedAt: SENT_AT },
        'follow-up': { sendAt: MOVED, updatedAt: EDITED },
      },
    },
  );
  const schedule = `${id}-update-1`;
  const armed: EmailState = {
    status: 'scheduled',
    sendAt: NOTICE_AT,
    updatedAt: EDITED,
    schedule,
    ...update,
  };
  const r: InterviewRecord = { ...base, emails: { ...base.emails, update: armed } };
  const checkAt = sweepPlan(r, new Date(EDITED)).next;
  const stored = checkAt ? { ...r, checkAt } : r;
  expect(await ctx.runtime.store.create(stored)).toBe(true);
  const { scheduler } = ctx.runtime;
  await scheduler.create({
    name: `${id}-follow-up`,
    at: new Date(MOVED),
    event: { interviewId: id, kind: 'follow-up' },
  });
  if (armed.status === 'scheduled' && armed.sendAt) {
    await scheduler.create({
      name: schedule,
      at: new Date(armed.sendAt),
      event: { interviewId: id, kind: 'update' },
    });
  }
  return stored;
}

const get = async (id: string) => (await ctx.runtime.store.get(id)) as InterviewRecord;
const noticesTo = async (address: string) =>
  (await ctx.api.mail()).filter((m) => m.to.includes(address) && m.subject.startsWith('Updated:'));
/** A sender with a mailbox of its own, to see that it sends nothing more. */
const sender = (mailer = new MemoryMailer()) => ({
  store: ctx.runtime.store,
  mailer,
  scheduler: ctx.runtime.scheduler,
  clock: ctx.runtime.clock,
  senderAddress: 'followup@example.com',
  log: quiet,
  metrics: new CountingMetrics(),
});
const feedbackDeps = () => ({ ...ctx.runtime.feedback, log: quiet });

describe('the notice of an edit', () => {
  it('its schedule fires: sent once to the candidate, in the mailbox, recorded with its history', async () => {
    const r = await edited();
    const { fired } = await ctx.api.setClock('2026-11-28T15:06:00.000Z');
    expect(fired.map((f) => f.name)).toContain(`${r.id}-update-1`);
    const notices = await noticesTo(r.candidate.email);
    expect(notices.map((m) => [m.to, m.bcc, m.subject])).toEqual([
      [[r.candidate.email], [], 'Updated: your emails to Mrs. Hiring Manager'],
    ]);
    expect(notices[0]?.text).toContain('- Follow-up: Thursday, December 3 at 10:00 AM EST\n');
    expect(notices[0]?.text).toContain('- Thank-you: Friday, November 27 at 5:00 PM EST (sent)\n');
    const after = await get(r.id);
    expect(after.emails.update?.status).toBe('sent');
    expect(after.emails.update?.sentAt?.slice(0, 16)).toBe(NOTICE_AT.slice(0, 16));
    expect(after.history?.at(-1)).toMatchObject({ by: 'sender', action: 'sent', email: 'update' });
    // A second delivery of the same event (a duplicate, the sweep) sends nothing.
    const again = new MemoryMailer();
    expect(await sendEmail(sender(again), { interviewId: r.id, kind: 'update' })).toBe('not-pending');
    expect(again.sent).toEqual([]);
    expect(await noticesTo(r.candidate.email)).toHaveLength(1);
  });

  it('is written at sending: a change after it was armed shows, and nothing goes before its time', async () => {
    const r = await edited();
    const early = new MemoryMailer();
    expect(await sendEmail(sender(early), { interviewId: r.id, kind: 'update' })).toBe('not-due');
    expect(early.sent).toEqual([]);
    await ctx.runtime.store.transition(r.id, 'follow-up', ['scheduled'], 'cancelled', {
      updatedAt: '2026-11-28T15:02:00.000Z',
      reason: CANCELLED_BY_CANDIDATE,
    });
    await ctx.api.setClock('2026-11-28T15:06:00.000Z');
    const [notice] = await noticesTo(r.candidate.email);
    expect(notice?.text).toContain('- Follow-up: Thursday, December 3 at 10:00 AM EST (cancelled)\n');
  });

  it('one whose schedule was lost is handed to the sender by the sweep, and sent once', async () => {
    const r = await edited();
    await ctx.runtime.scheduler.delete(`${r.id}-update-1`);
    await ctx.api.setClock('2026-11-28T15:11:00.000Z');
    const after = await get(r.id);
    expect(after.emails.update?.status).toBe('sent');
    // Not at its own time (no schedule fired it) but when the sweep found it overdue.
    expect(after.emails.update?.sentAt?.slice(0, 16)).toBe('2026-11-28T15:10');
    expect(await noticesTo(r.candidate.email)).toHaveLength(1);
    const report = await (await ctx.api.call('/_local/sweep', { method: 'POST' })).json();
    expect(report).toMatchObject({ errors: 0 });
    expect(await noticesTo(r.candidate.email)).toHaveLength(1);
  });

  it('a bounce of it stops every pending email, as a bounce of the confirmation does', async () => {
    const r = await edited();
    await ctx.api.setClock('2026-11-28T15:06:00.000Z');
    const outcome = await handleFeedback(feedbackDeps(), bounceEvent(r.id, 'update', r.candidate.email));
    expect(outcome).toBe('recorded');
    const after = await get(r.id);
    expect(after.emails.update).toMatchObject({
      status: 'failed',
      reason: 'The email bounced (Permanent, General): the address did not accept it.',
    });
    expect(after.emails['follow-up']).toMatchObject({
      status: 'cancelled',
      reason: 'Cancelled because the update notice bounced.',
    });
    expect(ctx.runtime.emulator.pending().map((p) => p.name)).not.toContain(`${r.id}-follow-up`);
    expect(after.history?.some((h) => h.action === 'bounced' && h.email === 'update')).toBe(true);
  });

  it('a bounce tagged as the notice but from another address changes nothing', async () => {
    const r = await edited();
    await ctx.api.setClock('2026-11-28T15:06:00.000Z');
    const outcome = await handleFeedback(feedbackDeps(), bounceEvent(r.id, 'update', 'manager@example.org'));
    expect(outcome).toBe('ignored');
    const after = await get(r.id);
    expect([after.emails.update?.status, after.emails['follow-up']?.status]).toEqual(['sent', 'scheduled']);
  });

  it('a bounced confirmation cancels a pending notice too, and its schedule', async () => {
    const r = await edited();
    const outcome = await handleFeedback(
      feedbackDeps(),
      bounceEvent(r.id, 'confirmation', r.candidate.email),
    );
    expect(outcome).toBe('recorded');
    const after = await get(r.id);
    expect(after.emails.update).toMatchObject({
      status: 'cancelled',
      reason: 'Cancelled because the confirmation bounced.',
    });
    expect(ctx.runtime.emulator.pending().map((p) => p.name)).not.toContain(`${r.id}-update-1`);
  });

  it('a DELETE cancels a pending notice, deletes its schedule, and erases its time', async () => {
    const r = await edited();
    const res = await ctx.api.call(`/interviews/${r.id}`, {
      method: 'DELETE',
      headers: { Authorization: `Bearer ${ctx.runtime.apiKey}` },
    });
    expect(res.status).toBe(204);
    expect(ctx.runtime.emulator.pending().map((p) => p.name)).not.toContain(`${r.id}-update-1`);
    const after = await get(r.id);
    expect(after.emails.update?.status).toBe('cancelled');
    expect(after.emails.update?.sendAt).toBeUndefined();
    expect(after.emails.update?.updatedAt).toBe(after.erasedAt);
    await ctx.api.setClock('2026-11-28T15:06:00.000Z');
    expect(await noticesTo(r.candidate.email)).toEqual([]);
  });

  it('a failed notice, like a failed confirmation, keeps what the candidate cancelled from coming back', async () => {
    const r = await edited({ status: 'sent', sentAt: NOTICE_AT });
    const cancelled = {
      ...r,
      emails: {
        ...r.emails,
        'follow-up': {
          status: 'cancelled',
          sendAt: MOVED,
          reason: CANCELLED_BY_CANDIDATE,
          updatedAt: EDITED,
        },
      },
    } as InterviewRecord;
    expect(restorable(cancelled, 'follow-up', new Date(EDITED))).toBe(true);
    const failed = {
      ...cancelled,
      emails: { ...cancelled.emails, update: { status: 'failed', updatedAt: EDITED } },
    };
    expect(restorable(failed as InterviewRecord, 'follow-up', new Date(EDITED))).toBe(false);
  });
});

describe('the send event of the notice', () => {
  it('is the interview and the kind alone; a person on it is refused', () => {
    expect(parseSendEvent({ interviewId: 'i-1', kind: 'update' })).toEqual({
      interviewId: 'i-1',
      kind: 'update',
    });
    expect(() => parseSendEvent({ interviewId: 'i-1', kind: 'update', person: 2 })).toThrow(/person/);
    expect(() => parseSendEvent({ interviewId: 'i-1', kind: 'updated' })).toThrow(/unknown kind/);
  });
});
