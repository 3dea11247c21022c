/**
 * The contracts of the ports that carry an email out (contracts.ts has the stores'): the
 * scheduler, the mailer and the sender invoker, each run against every adapter of its port.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { SendEvent } from '../../lambdas/core/events.js';
import type { EmailScheduler, Mailer, SenderInvoker } from '../../lambdas/core/ports.js';
import { editScheduleName } from '../../lambdas/usecases/edit.js';
import { OUTGOING_EMAIL } from '../fixtures.js';

type Lazy<T> = () => T;

export function schedulerContract(
  scheduler: Lazy<EmailScheduler>,
  /** The names of the pending schedules, as the backend holds them. */
  pending: Lazy<Promise<string[]>>,
) {
  describe('EmailScheduler', () => {
    it('creates and deletes idempotently', async () => {
      const id = randomUUID();
      const schedule = {
        name: `${id}-thank-you`,
        at: new Date('2030-01-01T10:00:00.000Z'),
        event: { interviewId: id, kind: 'thank-you' as const },
      };
      await scheduler().create(schedule);
      await scheduler().create(schedule);
      expect((await pending()).filter((name) => name === schedule.name)).toHaveLength(1);
      await scheduler().delete(schedule.name);
      await scheduler().delete(schedule.name);
      expect(await pending()).not.toContain(schedule.name);
    });

    it('refuses a name Scheduler would (over 64 characters), and takes the longest the service makes', async () => {
      const id = randomUUID();
      const event = { interviewId: id, kind: 'second-follow-up' as const, person: 12 };
      const at = new Date('2030-01-01T10:00:00.000Z');
      const longest = editScheduleName(id, 'second-follow-up.12');
      expect(longest).toHaveLength(64);
      await scheduler().create({ name: longest, at, event });
      expect(await pending()).toContain(longest);
      await scheduler().delete(longest);
      await expect(scheduler().create({ name: `${longest}0`, at, event })).rejects.toThrow();
      expect(await pending()).not.toContain(`${longest}0`);
    });
  });
}

export function mailerContract(
  mailer: Lazy<Mailer>,
  /** What reached the backend's mailbox: each message's recipients and subject. */
  delivered: Lazy<Promise<{ to: string[]; subject: string }[]>>,
) {
  describe('Mailer', () => {
    it('hands each message over once, with a message id of its own', async () => {
      const subject = `Thank you ${randomUUID()}`;
      const first = await mailer().send({ ...OUTGOING_EMAIL, subject });
      const second = await mailer().send({ ...OUTGOING_EMAIL, subject: `${subject} again` });
      expect(first).not.toBe('');
      expect(second).not.toBe(first);
      const ours = (await delivered()).filter((m) => m.subject.startsWith(subject));
      expect(ours.map((m) => [m.to, m.subject])).toEqual([
        [OUTGOING_EMAIL.to, subject],
        [OUTGOING_EMAIL.to, `${subject} again`],
      ]);
    });
  });
}

export function invokerContract(
  invoker: Lazy<SenderInvoker>,
  /** The events the sender was handed, in order. */
  received: Lazy<Promise<SendEvent[]>>,
) {
  describe('SenderInvoker', () => {
    it('hands the event to the sender as it was given', async () => {
      const event: SendEvent = {
        interviewId: randomUUID(),
        kind: 'confirmation',
        cancelUrl: 'https://example.com/cancel/x',
      };
      await invoker().invokeAsync(event);
      expect((await received()).filter((e) => e.interviewId === event.interviewId)).toEqual([event]);
    });
  });
}
