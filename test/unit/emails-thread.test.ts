import { describe, expect, it } from 'vitest';
import type { EmailState } from '../../lambdas/core/interview.js';
import {
  FOLLOW_UP_AT,
  PANEL,
  PLANNED,
  record,
  renderFollowUp,
  renderSecond,
  SECOND_AT,
  SENDER,
} from '../support/records.js';

describe('threads', () => {
  const sent = (messageId: string, subject: string): Partial<EmailState> => ({
    status: 'sent',
    sentAt: PLANNED['thank-you'],
    messageId,
    subject,
  });
  const THANKS = 'Thank you for the Copywriter interview at Example Corp';

  it('a follow-up after a sent thank-you answers it: "Re:" its subject, thread [its id]', () => {
    const r = record({}, { emails: { 'thank-you': sent('ty-1', THANKS) } });
    const email = renderFollowUp(r, FOLLOW_UP_AT);
    expect(email.subject).toBe(`Re: ${THANKS}`);
    expect(email.thread).toEqual(['ty-1']);
    expect(email.html).toContain(`<title>Re: ${THANKS}</title>`);
    // The words are the follow-up's all the same.
    expect(email.text).toContain('I wanted to thank you again for your time last Friday.');
  });

  it.each([
    ['cancelled', { status: 'cancelled' }],
    ['failed (a bounce after sending)', { status: 'failed', messageId: 'ty-1', subject: THANKS }],
    ['skipped', { status: 'skipped' }],
    ['still scheduled', {}],
    ['sent, with no message id', { status: 'sent', subject: THANKS }],
  ] as const)('after a thank-you %s: its own subject, no thread', (_, change) => {
    const r = record({}, { emails: { 'thank-you': change as Partial<EmailState> } });
    const email = renderFollowUp(r, FOLLOW_UP_AT);
    expect(email.subject).toBe('Following up on the Copywriter interview at Example Corp');
    expect(email.thread).toBeUndefined();
    expect('thread' in email).toBe(false);
  });

  it('each person’s thread is their own', () => {
    const r = record(
      {},
      { interviewers: PANEL.slice(0, 2), emails: { 'thank-you.2': sent('ty-2', THANKS) } },
    );
    expect(renderFollowUp(r, FOLLOW_UP_AT, SENDER, 1).thread).toBeUndefined();
    expect(renderFollowUp(r, FOLLOW_UP_AT, SENDER, 2).thread).toEqual(['ty-2']);
  });

  it('a second follow-up answers both earlier emails, root first, "Re:" the first one’s subject', () => {
    const r = record(
      {},
      {
        secondFollowUp: true,
        emails: { 'thank-you': sent('ty-1', THANKS), 'follow-up': sent('fu-1', `Re: ${THANKS}`) },
      },
    );
    const email = renderSecond(r, SECOND_AT);
    expect(email.thread).toEqual(['ty-1', 'fu-1']);
    expect(email.subject).toBe(`Re: ${THANKS}`);
  });

  it('a second follow-up after only the follow-up went out answers that one', () => {
    const r = record(
      {},
      {
        secondFollowUp: true,
        emails: {
          'thank-you': { status: 'skipped' },
          'follow-up': sent('fu-1', 'Following up on the Copywriter interview at Example Corp'),
        },
      },
    );
    const email = renderSecond(r, SECOND_AT);
    expect(email.thread).toEqual(['fu-1']);
    expect(email.subject).toBe('Re: Following up on the Copywriter interview at Example Corp');
  });

  it('a second follow-up after neither went out starts its own thread', () => {
    const r = record({}, { secondFollowUp: true, emails: { 'thank-you': { status: 'cancelled' } } });
    const email = renderSecond(r, SECOND_AT);
    expect(email.thread).toBeUndefined();
    expect(email.subject).toBe('Checking in on the Copywriter interview at Example Corp');
  });

  it('never "Re: Re:", whatever the case of the first one', () => {
    for (const subject of ['Re: Thanks!', 'RE: Thanks!', 're:Thanks!']) {
      const r = record({}, { secondFollowUp: true, emails: { 'thank-you': sent('ty-1', subject) } });
      expect(renderFollowUp(r, FOLLOW_UP_AT).subject).toBe(subject);
      expect(renderSecond(r, SECOND_AT).subject).toBe(subject);
    }
    const r = record(
      {},
      {
        secondFollowUp: true,
        emails: { 'thank-you': sent('ty-1', THANKS), 'follow-up': sent('fu-1', `Re: ${THANKS}`) },
      },
    );
    expect(renderSecond(r, SECOND_AT).subject).not.toMatch(/re:\s*re:/i);
  });

  it('a custom subject is ignored when threaded (a reply keeps its thread’s subject), its body kept', () => {
    const messages = {
      followUp: { subject: 'Checking in, {{interviewerName}}', body: 'Hello again {{interviewerName}}.' },
      secondFollowUp: { subject: 'One more note' },
    };
    const threaded = record(
      { messages },
      { secondFollowUp: true, emails: { 'thank-you': sent('ty-1', THANKS) } },
    );
    const followUp = renderFollowUp(threaded, FOLLOW_UP_AT);
    expect(followUp.subject).toBe(`Re: ${THANKS}`);
    expect(followUp.text).toBe('Hello again Mrs. Hiring Manager.\n');
    expect(renderSecond(threaded, SECOND_AT).subject).toBe(`Re: ${THANKS}`);
    const unthreaded = record({ messages }, { secondFollowUp: true });
    expect(renderFollowUp(unthreaded, FOLLOW_UP_AT).subject).toBe('Checking in, Mrs. Hiring Manager');
    expect(renderSecond(unthreaded, SECOND_AT).subject).toBe('One more note');
  });
});
