/**
 * The whole journey against the real local servers (dynalite, aws-ses-v2-local, the scheduler
 * emulator) over HTTP: submit → confirmation → thank-you → follow-up, cancel, GET-safety, restart.
 */
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { CreateScheduleCommand, GetScheduleCommand, SchedulerClient } from '@aws-sdk/client-scheduler';
import { beforeAll, describe, expect, it } from 'vitest';
import { validBody } from '../fixtures.js';
import { useLocalRuntime } from './helpers.js';

interface EmailView {
  kind: string;
  status: string;
  sendAt?: string;
  localSendAt?: string;
  timeZone: string;
  reason?: string;
}
interface Created {
  id: string;
  emails: EmailView[];
  cancelUrl: string;
}

const { ctx, restart } = useLocalRuntime();

beforeAll(async () => {
  // Friday 27 November 2026, 14:30 in New York: half an hour after the example interview ended.
  await ctx.api.setClock('2026-11-27T19:30:00.000Z');
});

async function submit(patch: Record<string, unknown> = {}): Promise<Created> {
  const res = await ctx.api.submit({ ...validBody(), ...patch });
  expect(res.status).toBe(201);
  return (await res.json()) as Created;
}

const mailTo = async (address: string, subjectStart: string) =>
  (await ctx.api.mail()).filter((m) => m.to.includes(address) && m.subject.startsWith(subjectStart));

describe('an interview from submission to follow-up', () => {
  let created: Created;

  it('answers 201 with both emails, their times in UTC and in the interview’s zone, and a cancel link', async () => {
    created = await submit();
    expect(created.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(created.emails).toEqual([
      {
        kind: 'thank-you',
        to: 'hiring.manager@example.org',
        status: 'scheduled',
        sendAt: '2026-11-27T22:00:00.000Z',
        localSendAt: '2026-11-27T17:00',
        timeZone: 'America/New_York',
      },
      {
        kind: 'follow-up',
        to: 'hiring.manager@example.org',
        status: 'scheduled',
        sendAt: '2026-12-02T15:00:00.000Z',
        localSendAt: '2026-12-02T10:00',
        timeZone: 'America/New_York',
      },
    ]);
    expect(created.cancelUrl).toMatch(new RegExp(`^${ctx.runtime.apiUrl}/cancel/[A-Za-z0-9_-]{43}$`));
  });

  it('creates one at() schedule per email at its instant in UTC, with a retry policy and a dead-letter queue', async () => {
    const scheduler = new SchedulerClient({
      region: 'us-east-1',
      endpoint: ctx.runtime.emulatorUrl,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    const got = await scheduler.send(
      new GetScheduleCommand({ Name: `${created.id}-thank-you`, GroupName: 'default' }),
    );
    scheduler.destroy();
    expect(got.ScheduleExpression).toBe('at(2026-11-27T22:00:00)'); // 17:00 EST
    expect(got.ScheduleExpressionTimezone).toBe('UTC');
    expect(got.FlexibleTimeWindow).toEqual({ Mode: 'OFF' });
    expect(got.ActionAfterCompletion).toBe('DELETE');
    expect(got.Target?.RetryPolicy).toEqual({ MaximumRetryAttempts: 10, MaximumEventAgeInSeconds: 21_600 });
    expect(got.Target?.DeadLetterConfig?.Arn).toMatch(/^arn:aws:sqs:/);
    expect(JSON.parse(got.Target?.Input ?? '{}')).toEqual({ interviewId: created.id, kind: 'thank-you' });
  });

  it('sends the candidate a confirmation with the cancel link right away', async () => {
    await ctx.runtime.emulator.settle();
    const confirmations = await mailTo('reagan@example.com', 'Scheduled:');
    expect(confirmations).toHaveLength(1);
    expect(confirmations[0]).toMatchObject({
      from: '"Interview follow-up" <followup@example.com>',
      to: ['reagan@example.com'],
      bcc: [],
      subject: 'Scheduled: your thank-you and follow-up to Mrs. Hiring Manager',
    });
    expect(confirmations[0]?.text).toContain('any reply from Mrs. Hiring Manager goes straight to you');
    expect(confirmations[0]?.html).toContain(`<a href="${created.cancelUrl}">`);
    expect(confirmations[0]?.text).toContain(created.cancelUrl);
    expect(confirmations[0]?.text).toContain('Thank-you: Friday, November 27 at 5:00 PM EST');
    expect(confirmations[0]?.text).toContain('Follow-up: Wednesday, December 2 at 10:00 AM EST');
  });

  it('GET and HEAD of the cancel link show the page and change nothing', async () => {
    const page = await fetch(created.cancelUrl);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(page.headers.get('cache-control')).toBe('no-store');
    const html = await page.text();
    expect(html).toContain('Copywriter at Example Corp');
    expect(html).toContain('Mrs. Hiring Manager');
    expect(html).toContain('<form method="post"');
    expect((await fetch(created.cancelUrl, { method: 'HEAD' })).status).toBe(200);
    const after = (await (await ctx.api.get(created.id)).json()) as Created;
    expect(after.emails.map((e) => e.status)).toEqual(['scheduled', 'scheduled']);
  });

  it('sends nothing before its time', async () => {
    const { fired } = await ctx.api.setClock('2026-11-27T21:59:00.000Z');
    expect(fired).toEqual([]);
    expect(await mailTo('hiring.manager@example.org', 'Thank you')).toHaveLength(0);
  });

  it('sends exactly one thank-you once the clock passes its time', async () => {
    const { fired } = await ctx.api.setClock('2026-11-27T22:00:30.000Z');
    expect(fired.map((f) => f.name)).toEqual([`${created.id}-thank-you`]);
    await ctx.api.setClock('2026-11-27T22:05:00.000Z'); // a second pass fires nothing new
    const thankYous = await mailTo('hiring.manager@example.org', 'Thank you');
    expect(thankYous).toHaveLength(1);
    const mail = thankYous[0];
    expect(mail).toMatchObject({
      from: '"Reagan Applicant" <followup@example.com>',
      to: ['hiring.manager@example.org'],
      cc: [],
      bcc: ['reagan@example.com'],
      replyTo: ['reagan@example.com'],
      subject: 'Thank you for the Copywriter interview at Example Corp',
    });
    expect(mail?.text).toBe(
      [
        'Good afternoon, Mrs. Hiring Manager!',
        '',
        'Thank you for taking the time to meet with me today about the Copywriter position at Example Corp. I enjoyed our conversation and learning more about the role and the team.',
        '',
        'I look forward to hearing from you.',
        '',
        'Best regards,',
        'Reagan Applicant',
        '123-456-7890',
        'reagan@example.com',
        '',
      ].join('\n'),
    );
    expect(mail?.html).toContain('<p>I look forward to hearing from you.</p>');
    const view = (await (await ctx.api.get(created.id)).json()) as Created;
    expect(view.emails.map((e) => e.status)).toEqual(['sent', 'scheduled']);
  });

  it('sends exactly one follow-up after three weekdays', async () => {
    const { fired } = await ctx.api.setClock('2026-12-02T15:00:00.000Z');
    expect(fired.map((f) => f.name)).toEqual([`${created.id}-follow-up`]);
    await ctx.api.setClock('2026-12-03T15:00:00.000Z');
    // A reply in the thank-you's thread: its subject, and its Message-ID as the stand-in recorded it.
    const followUps = await mailTo('hiring.manager@example.org', 'Re: Thank you');
    expect(followUps).toHaveLength(1);
    expect(followUps[0]).toMatchObject({
      from: '"Reagan Applicant" <followup@example.com>',
      bcc: ['reagan@example.com'],
      replyTo: ['reagan@example.com'],
      subject: 'Re: Thank you for the Copywriter interview at Example Corp',
    });
    const [thankYou] = await mailTo('hiring.manager@example.org', 'Thank you');
    expect(thankYou?.headers['message-id']).toMatch(/^<[\w-]+@email\.amazonses\.com>$/);
    expect(followUps[0]?.headers['in-reply-to']).toBe(thankYou?.headers['message-id']);
    expect(followUps[0]?.headers.references).toBe(thankYou?.headers['message-id']);
    expect(followUps[0]?.headers.subject).toBe('Re: Thank you for the Copywriter interview at Example Corp');
    expect(followUps[0]?.text).toBe(
      [
        'Good morning, Mrs. Hiring Manager!',
        '',
        'I wanted to thank you again for your time last Friday. It was a pleasure meeting you and learning more about the Copywriter position at Example Corp.',
        '',
        'Given my experience in marketing and interest in copywriting, I feel that I would be a strong fit for this position, and I look forward to hearing from you regarding next steps.',
        '',
        'Thank you again,',
        'Reagan Applicant',
        '123-456-7890',
        'reagan@example.com',
        '',
      ].join('\n'),
    );
    const view = (await (await ctx.api.get(created.id)).json()) as Created;
    expect(view.emails.map((e) => e.status)).toEqual(['sent', 'sent']);
    expect((await mailTo('hiring.manager@example.org', 'Thank you')).length).toBe(1);
  });

  it('a cancel after everything went out cancels nothing and says so', async () => {
    const res = await fetch(created.cancelUrl, { method: 'POST', headers: { Accept: 'application/json' } });
    expect(res.status).toBe(200);
    const view = (await res.json()) as Created;
    expect(view.emails.map((e) => e.status)).toEqual(['sent', 'sent']);
  });
});

describe('cancelling', () => {
  it('cancelled before the follow-up: the follow-up never goes out, and repeating the cancel is harmless', async () => {
    await ctx.api.setClock('2026-12-07T14:00:00.000Z'); // Monday 09:00 in New York
    const created = await submit({
      interviewer: { name: 'Mr. Second Interviewer', email: 'second@example.org' },
      interview: { endsAt: '2026-12-07T09:00', timeZone: 'America/New_York' },
    });
    await ctx.api.setClock('2026-12-07T17:00:00.000Z'); // thank-you at 12:00 EST
    expect(await mailTo('second@example.org', 'Thank you')).toHaveLength(1);

    const form = await fetch(created.cancelUrl, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'kind=all',
    });
    expect(form.status).toBe(200);
    expect(await form.text()).toContain('Cancelled');
    const again = await fetch(created.cancelUrl, { method: 'POST', headers: { Accept: 'application/json' } });
    const view = (await again.json()) as Created;
    expect(view.emails.map((e) => e.status)).toEqual(['sent', 'cancelled']);
    expect(ctx.runtime.emulator.pending().map((p) => p.name)).not.toContain(`${created.id}-follow-up`);

    await ctx.api.setClock('2026-12-11T15:00:00.000Z');
    // Nothing after the thank-you, in its thread or out of it.
    const later = (await mailTo('second@example.org', '')).filter((m) => !m.subject.startsWith('Thank you'));
    expect(later).toHaveLength(0);
  });

  it('"followUp": false skips the follow-up with a reason and schedules only the thank-you', async () => {
    await ctx.api.setClock('2026-12-14T15:00:00.000Z');
    const created = await submit({
      interviewer: { name: 'Ms. No Follow-up', email: 'nofollow@example.org' },
      interview: { endsAt: '2026-12-14T09:00', timeZone: 'America/New_York' },
      followUp: false,
    });
    expect(created.emails[1]).toEqual({
      kind: 'follow-up',
      to: 'nofollow@example.org',
      status: 'skipped',
      reason: 'The employer asked candidates not to follow up.',
      timeZone: 'America/New_York',
    });
    const names = ctx.runtime.emulator.pending().map((p) => p.name);
    expect(names).toContain(`${created.id}-thank-you`);
    expect(names).not.toContain(`${created.id}-follow-up`);
  });

  it('an unknown or malformed token is a 404 page and touches nothing', async () => {
    for (const token of ['A'.repeat(43), 'short', '..%2F..%2Fetc']) {
      const get = await ctx.api.call(`/cancel/${token}`);
      expect(get.status).toBe(404);
      expect(await get.text()).toContain('Link not found');
      const post = await ctx.api.call(`/cancel/${token}`, {
        method: 'POST',
        headers: { Accept: 'application/json' },
      });
      expect(post.status).toBe(404);
      expect(((await post.json()) as { error: { code: string } }).error.code).toBe('not_found');
    }
  });
});

describe('custom messages and no copy to the candidate', () => {
  it('go out as written, placeholders filled at sending, without a Bcc', async () => {
    await ctx.api.setClock('2026-12-28T14:00:00.000Z');
    const created = await submit({
      interviewer: { name: 'Mr. Custom', email: 'custom@example.org' },
      interview: { endsAt: '2026-12-28T09:00', timeZone: 'America/New_York' },
      copyCandidate: false,
      messages: {
        thankYou: {
          subject: 'Thank you, {{interviewerName}}',
          body: '{{greeting}}, {{interviewerName}}!\n\nThank you for {{interviewDay}}.\n\n{{candidateName}}',
        },
      },
    });
    expect(created.emails[0]?.localSendAt).toBe('2026-12-28T12:00');
    await ctx.api.setClock('2026-12-28T17:00:00.000Z');
    const [mail] = await mailTo('custom@example.org', 'Thank you, Mr. Custom');
    expect(mail?.bcc).toEqual([]);
    expect(mail?.text).toBe('Good afternoon, Mr. Custom!\n\nThank you for today.\n\nReagan Applicant\n');
  });

  it('an unknown placeholder is a 400 naming the field and the placeholder', async () => {
    const res = await ctx.api.submit({ ...validBody(), messages: { followUp: { body: 'Dear {{name}}' } } });
    expect(res.status).toBe(400);
    const { error } = (await res.json()) as { error: { message: string; fields: { path: string }[] } };
    expect(error.fields.map((f) => f.path)).toEqual(['messages.followUp.body']);
    expect(error.message).toContain('{{name}}');
  });
});

describe('a restart', () => {
  it('keeps a pending email: it goes out after the runtime comes back on the same data folder', async () => {
    await ctx.api.setClock('2026-12-21T14:00:00.000Z');
    const created = await submit({
      interviewer: { name: 'Dr. Restart', email: 'restart@example.org' },
      interview: { endsAt: '2026-12-21T09:00', timeZone: 'America/New_York' },
    });
    await restart();
    expect(ctx.runtime.emulator.pending().map((p) => p.name)).toContain(`${created.id}-thank-you`);
    const { fired } = await ctx.api.setClock('2026-12-21T17:00:00.000Z');
    expect(fired.map((f) => f.name)).toContain(`${created.id}-thank-you`);
    expect(await mailTo('restart@example.org', 'Thank you')).toHaveLength(1);
    const view = (await (await ctx.api.get(created.id)).json()) as Created;
    expect(view.emails[0]?.status).toBe('sent');
  });
});

describe('exactly once, whatever fires', () => {
  const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
  const senderArn = 'arn:aws:lambda:us-east-1:000000000000:function:interview-followup-sender';

  it('duplicate and concurrent invocations of the sender send one email', async () => {
    await ctx.api.setClock('2027-01-04T14:00:00.000Z');
    const created = await submit({
      interviewer: { name: 'Mx. Duplicate', email: 'duplicate@example.org' },
      interview: { endsAt: '2027-01-04T09:00', timeZone: 'America/New_York' },
    });
    const lambda = new LambdaClient({ region: 'us-east-1', endpoint: ctx.runtime.emulatorUrl, credentials });
    const payload = new TextEncoder().encode(JSON.stringify({ interviewId: created.id, kind: 'thank-you' }));
    await Promise.all(
      Array.from({ length: 5 }, () =>
        lambda.send(
          new InvokeCommand({ FunctionName: senderArn, InvocationType: 'Event', Payload: payload }),
        ),
      ),
    );
    await ctx.runtime.emulator.settle();
    await ctx.api.setClock('2027-01-04T17:00:00.000Z'); // and then the schedule itself fires
    lambda.destroy();
    expect(await mailTo('duplicate@example.org', 'Thank you')).toHaveLength(1);
  });

  it('a schedule that still fires after a cancel finds the email cancelled and sends nothing', async () => {
    await ctx.api.setClock('2027-01-11T14:00:00.000Z');
    const created = await submit({
      interviewer: { name: 'Mx. Late Schedule', email: 'late-schedule@example.org' },
      interview: { endsAt: '2027-01-11T09:00', timeZone: 'America/New_York' },
    });
    const res = await fetch(created.cancelUrl, { method: 'POST', headers: { Accept: 'application/json' } });
    expect(((await res.json()) as Created).emails.map((e) => e.status)).toEqual(['cancelled', 'cancelled']);
    // As if deleting the schedule had failed: put it back, then let it fire.
    const scheduler = new SchedulerClient({
      region: 'us-east-1',
      endpoint: ctx.runtime.emulatorUrl,
      credentials,
    });
    await scheduler.send(
      new CreateScheduleCommand({
        Name: `${created.id}-thank-you`,
        ScheduleExpression: 'at(2027-01-11T12:00:00)',
        ScheduleExpressionTimezone: 'America/New_York',
        FlexibleTimeWindow: { Mode: 'OFF' },
        ActionAfterCompletion: 'DELETE',
        Target: {
          Arn: senderArn,
          RoleArn: 'arn:aws:iam::000000000000:role/interview-followup-scheduler',
          Input: JSON.stringify({ interviewId: created.id, kind: 'thank-you' }),
        },
      }),
    );
    scheduler.destroy();
    const { fired } = await ctx.api.setClock('2027-01-11T17:00:00.000Z');
    expect(fired.map((f) => f.name)).toContain(`${created.id}-thank-you`);
    expect(await mailTo('late-schedule@example.org', 'Thank you')).toHaveLength(0);
  });
});
