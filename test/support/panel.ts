/**
 * What the panel tests (test/service/panel*.test.ts) share: a submission with an `interviewers`
 * list, the API's answers as types, and the calls they make through `useService()`'s client.
 */
import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import { type EmailKey, keyTag } from '../../lambdas/core/panel.js';
import { handleFeedback } from '../../lambdas/usecases/feedback.js';
import { validBody } from '../fixtures.js';
import { type CapturedMail, type InProcessContext, quiet } from '../integration/helpers.js';

export interface Person {
  name: string;
  email: string;
  note?: string;
  awayUntil?: string;
}

export interface EmailView {
  kind: 'thank-you' | 'follow-up' | 'second-follow-up';
  to: string;
  status: string;
  sendAt?: string;
  localSendAt?: string;
  timeZone: string;
  reason?: string;
  sentAt?: string;
}

export interface Created {
  id: string;
  emails: EmailView[];
  cancelUrl: string;
}

export interface ErrorBody {
  error: { code: string; message: string; fields?: { path: string; message: string }[] };
}

/** The default subjects of the example interview (validBody). */
export const SUBJECTS = {
  thankYou: 'Thank you for the Copywriter interview at Example Corp',
  followUp: 'Following up on the Copywriter interview at Example Corp',
  secondFollowUp: 'Checking in on the Copywriter interview at Example Corp',
} as const;

export const CANDIDATE = 'reagan@example.com';

/** The example submission with `interviewers` instead of the `interviewer` shorthand. */
export function panelBody(people: Person[], patch: Record<string, unknown> = {}): Record<string, unknown> {
  const { interviewer: _one, ...rest } = validBody();
  return { ...rest, interviewers: people, ...patch };
}

/** The mails whose To is `address` (case as given). */
export function mailsTo(mails: CapturedMail[], address: string): CapturedMail[] {
  return mails.filter((m) => m.to.includes(address));
}

/** `[kind, to]` of every email of a view, in order. */
export const kindsAndAddresses = (emails: EmailView[]) => emails.map((e) => [e.kind, e.to]);

/**
 * Each email as `[kind, to, status, the minute it was sent]`, by the service's own clock (the
 * mailbox's `at` is the SES stand-in's wall-clock time with TEST_SERVICE=local, not the service's).
 */
export const sentMinutes = (emails: EmailView[]) =>
  emails.map((e) => [e.kind, e.to, e.status, e.sentAt?.slice(0, 16)]);

/** What `sentMinutes` reads once every email went out at its planned minute. */
export const sentAsPlanned = (emails: EmailView[]) =>
  emails.map((e) => [e.kind, e.to, 'sent', e.sendAt?.slice(0, 16)]);

/** The calls the panel tests make, on the file's service. */
export function panelApi(ctx: InProcessContext) {
  const auth = () => ({ Authorization: `Bearer ${ctx.runtime.apiKey}` });
  const api = {
    async submit(body: unknown): Promise<Created> {
      const res = await ctx.api.submit(body);
      const json = (await res.json()) as Created | ErrorBody;
      expect(res.status, JSON.stringify(json)).toBe(201);
      return json as Created;
    },
    async refused(body: unknown, status = 400): Promise<ErrorBody> {
      const res = await ctx.api.submit(body);
      expect(res.status).toBe(status);
      return (await res.json()) as ErrorBody;
    },
    async view(id: string): Promise<EmailView[]> {
      const res = await ctx.api.get(id);
      expect(res.status).toBe(200);
      return ((await res.json()) as Created).emails;
    },
    async statuses(id: string): Promise<string[]> {
      return (await api.view(id)).map((e) => e.status);
    },
    async preview(body: unknown): Promise<EmailView[]> {
      const res = await ctx.api.call('/interviews/preview', {
        method: 'POST',
        headers: { ...auth(), 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
      });
      expect(res.status).toBe(200);
      return ((await res.json()) as { emails: EmailView[] }).emails;
    },
    /** POST /cancel/{token} with a JSON body, answered as JSON. */
    cancelJson(url: string, choice: Record<string, unknown>): Promise<Response> {
      return ctx.api.fetch(url, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
        body: JSON.stringify(choice),
      });
    },
    /** POST /cancel/{token} as the page's form does, answered with the page. */
    cancelForm(url: string, fields: Record<string, string>): Promise<Response> {
      return ctx.api.fetch(url, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(fields).toString(),
      });
    },
    /** An SES bounce of one email (`key`) by `recipient`, through the feedback use case. */
    bounce(id: string, key: string, recipient: string) {
      return handleFeedback({ ...ctx.runtime.feedback, log: quiet }, bounceEvent(id, key, recipient));
    },
    /** The names of the pending schedules of one interview. */
    pending(id: string): string[] {
      return ctx.runtime.emulator
        .pending()
        .map((p) => p.name)
        .filter((name) => name.startsWith(`${id}-`))
        .sort();
    },
  };
  return api;
}

/** The stored bounce event, about the email `key` of interview `id`, bounced by `recipient`. */
export function bounceEvent(id: string, key: string, recipient: string) {
  const text = readFileSync(new URL('../fixtures/ses-bounce.json', import.meta.url), 'utf8');
  const event = JSON.parse(text.replaceAll('__INTERVIEW_ID__', id)) as {
    detail: {
      mail: { tags: Record<string, string[]> };
      bounce: { bouncedRecipients: { emailAddress: string }[] };
    };
  };
  event.detail.mail.tags.kind = [key.split('.')[0] as string];
  event.detail.mail.tags.email = [keyTag(key as EmailKey)];
  for (const r of event.detail.bounce.bouncedRecipients) r.emailAddress = recipient;
  return event;
}
