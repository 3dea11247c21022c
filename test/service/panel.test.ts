/**
 * Panels over HTTP: each interviewer of a panel gets emails of their own (to them alone, in their
 * own words, in their own thread), and the submission's panel rules are checked at intake.
 * In process, or through the local runtime with TEST_SERVICE=local.
 */
import { describe, expect, it } from 'vitest';
import { type CapturedMail, useService } from '../integration/helpers.js';
import {
  CANDIDATE,
  kindsAndAddresses,
  mailsTo,
  type Person,
  panelApi,
  panelBody,
  SUBJECTS,
  sentAsPlanned,
  sentMinutes,
} from '../support/panel.js';

const { ctx } = useService();
const api = panelApi(ctx);

/** Friday 27 November 2026, 14:30 in New York: the example interview ended half an hour ago. */
const SUBMITTED = '2026-11-27T19:30:00.000Z';
const THANK_YOU = '2026-11-27T22:00:00.000Z'; // 17:00 EST
const FOLLOW_UP = '2026-12-02T15:00:00.000Z'; // Wednesday 10:00 EST, the 3rd business day
const SECOND = '2026-12-09T15:00:00.000Z'; // Wednesday 10:00 EST, the 5th business day after

describe('a panel of three', () => {
  const people: Person[] = [
    { name: 'Mrs. Hiring Manager', email: 'hm.p1@example.org', note: 'Our talk about the spring campaign' },
    { name: 'Jordan Example', email: 'jordan.p1@example.org' },
    { name: 'Sam Example', email: 'sam.p1@example.com' },
  ];

  it('answers six emails, person by person, and each panelist gets exactly their own, to them alone', async () => {
    await ctx.api.setClock(SUBMITTED);
    const created = await api.submit(panelBody(people));
    expect(created.emails.map((e) => [e.kind, e.to, e.status, e.sendAt])).toEqual([
      ['thank-you', 'hm.p1@example.org', 'scheduled', THANK_YOU],
      ['follow-up', 'hm.p1@example.org', 'scheduled', FOLLOW_UP],
      ['thank-you', 'jordan.p1@example.org', 'scheduled', THANK_YOU],
      ['follow-up', 'jordan.p1@example.org', 'scheduled', FOLLOW_UP],
      ['thank-you', 'sam.p1@example.com', 'scheduled', THANK_YOU],
      ['follow-up', 'sam.p1@example.com', 'scheduled', FOLLOW_UP],
    ]);
    expect((await api.view(created.id)).map((e) => [e.kind, e.to])).toEqual(
      kindsAndAddresses(created.emails),
    );
    expect(api.pending(created.id)).toEqual(
      ['thank-you', 'follow-up', 'thank-you.2', 'follow-up.2', 'thank-you.3', 'follow-up.3']
        .map((key) => `${created.id}-${key}`)
        .sort(),
    );

    await ctx.api.setClock('2026-12-03T00:00:00.000Z');
    const mails = await ctx.api.mail();
    const toPanel = mails.filter((m) => people.some((p) => JSON.stringify(m).includes(p.email)));
    // The candidate's confirmation names everyone; every other mail is one panelist's.
    const interviewerMails = toPanel.filter((m) => !m.to.includes(CANDIDATE));
    expect(interviewerMails).toHaveLength(6);
    for (const person of people) {
      const own = mailsTo(mails, person.email);
      expect(own.map((m) => m.subject)).toEqual([SUBJECTS.thankYou, `Re: ${SUBJECTS.thankYou}`]);
      for (const mail of own) {
        expect(mail.to).toEqual([person.email]);
        expect(mail.cc).toEqual([]);
        expect(mail.bcc).toEqual([CANDIDATE]);
        expect(mail.replyTo).toEqual([CANDIDATE]);
        expect(mail.headers.to).toBe(person.email);
        expect(mail.headers.cc).toBeUndefined();
        expect(mail.text).toContain(`, ${person.name}!`);
        const everything = JSON.stringify(mail);
        for (const other of people.filter((p) => p !== person)) {
          expect(everything).not.toContain(other.email);
          expect(everything).not.toContain(other.name);
        }
      }
    }
    expect(sentMinutes(await api.view(created.id))).toEqual(sentAsPlanned(created.emails));
    // The note is the first panelist's, woven into their thank-you and nowhere else.
    const noted = interviewerMails.filter((m) => m.text.includes('spring campaign'));
    expect(noted.map((m) => [m.to, m.subject])).toEqual([[['hm.p1@example.org'], SUBJECTS.thankYou]]);
    expect(noted[0]?.text).toContain('I especially enjoyed our talk about the spring campaign.');
    expect(noted[0]?.html).toContain('I especially enjoyed our talk about the spring campaign.');
  });

  it('with secondFollowUp: nine emails, and three people of one name with no notes read three different texts', async () => {
    await ctx.api.setClock(SUBMITTED);
    const twins: Person[] = [
      { name: 'Sam Example', email: 'sam.a@example.org' },
      { name: 'Sam Example', email: 'sam.b@example.org' },
      { name: 'Sam Example', email: 'sam.c@example.com' },
    ];
    const created = await api.submit(panelBody(twins, { secondFollowUp: true }));
    expect(created.emails.map((e) => [e.kind, e.to, e.sendAt])).toEqual(
      twins.flatMap((p) => [
        ['thank-you', p.email, THANK_YOU],
        ['follow-up', p.email, FOLLOW_UP],
        ['second-follow-up', p.email, SECOND],
      ]),
    );

    await ctx.api.setClock('2026-12-10T00:00:00.000Z');
    const mails = await ctx.api.mail();
    const byPerson = twins.map((p) => mailsTo(mails, p.email));
    for (const [i, own] of byPerson.entries()) {
      expect(own.map((m) => m.subject)).toEqual([
        SUBJECTS.thankYou,
        `Re: ${SUBJECTS.thankYou}`,
        `Re: ${SUBJECTS.thankYou}`,
      ]);
      for (const mail of own) {
        expect(mail.to).toEqual([twins[i]?.email]);
        expect(mail.bcc).toEqual([CANDIDATE]);
        expect(
          mail.text.startsWith(
            mail === own[0] ? 'Good afternoon, Sam Example!' : 'Good morning, Sam Example!',
          ),
        ).toBe(true);
      }
    }
    expect(sentMinutes(await api.view(created.id))).toEqual(sentAsPlanned(created.emails));
    // Each kind's three texts are pairwise different: no two read as one form letter.
    for (const n of [0, 1, 2]) {
      const texts = byPerson.map((own) => own[n]?.text);
      expect(new Set(texts).size).toBe(3);
      expect(new Set(byPerson.map((own) => own[n]?.html)).size).toBe(3);
    }
  });
});

/** The four headers threading depends on. */
const thread = (m: CapturedMail | undefined) => ({
  subject: m?.headers.subject,
  messageId: m?.headers['message-id'],
  inReplyTo: m?.headers['in-reply-to'],
  references: m?.headers.references,
});

describe('threads, one per person', () => {
  it("each follow-up answers that person's own thank-you; the second answers both; a cancelled thank-you starts no thread", async () => {
    await ctx.api.setClock(SUBMITTED);
    const people: Person[] = [
      { name: 'Mrs. Hiring Manager', email: 'hm.t1@example.org' },
      { name: 'Jordan Example', email: 'jordan.t1@example.org' },
      { name: 'Sam Example', email: 'sam.t1@example.com' },
    ];
    const created = await api.submit(panelBody(people, { secondFollowUp: true }));
    const cancel = await api.cancelJson(created.cancelUrl, {
      kind: 'thank-you',
      to: 'jordan.t1@example.org',
    });
    expect(cancel.status).toBe(200);
    expect(await api.statuses(created.id)).toEqual([
      ...['scheduled', 'scheduled', 'scheduled'],
      ...['cancelled', 'scheduled', 'scheduled'],
      ...['scheduled', 'scheduled', 'scheduled'],
    ]);

    await ctx.api.setClock('2026-12-10T00:00:00.000Z');
    const mails = await ctx.api.mail();
    const ids = new Set<string>();
    for (const email of ['hm.t1@example.org', 'sam.t1@example.com']) {
      const [thankYou, followUp, second, ...more] = mailsTo(mails, email).map(thread);
      expect(more).toEqual([]);
      expect(thankYou?.subject).toBe(SUBJECTS.thankYou);
      expect(thankYou?.inReplyTo).toBeUndefined();
      expect(thankYou?.references).toBeUndefined();
      expect(thankYou?.messageId).toMatch(/^<.+@.+\.amazonses\.com>$/);
      expect(followUp).toEqual({
        subject: `Re: ${SUBJECTS.thankYou}`,
        messageId: expect.stringMatching(/^<.+@.+\.amazonses\.com>$/),
        inReplyTo: thankYou?.messageId,
        references: thankYou?.messageId,
      });
      expect(second).toEqual({
        subject: `Re: ${SUBJECTS.thankYou}`,
        messageId: expect.stringMatching(/^<.+@.+\.amazonses\.com>$/),
        inReplyTo: followUp?.messageId,
        references: `${thankYou?.messageId} ${followUp?.messageId}`,
      });
      for (const m of [thankYou, followUp, second]) ids.add(m?.messageId ?? '');
    }
    expect(ids.size).toBe(6);

    // Jordan's thank-you never went: the follow-up starts a thread of its own, the second answers it.
    const jordan = mailsTo(mails, 'jordan.t1@example.org');
    expect(jordan.map((m) => m.subject)).toEqual([SUBJECTS.followUp, `Re: ${SUBJECTS.followUp}`]);
    const [followUp, second] = jordan.map(thread);
    expect(followUp?.subject).toBe(SUBJECTS.followUp);
    expect(followUp?.inReplyTo).toBeUndefined();
    expect(followUp?.references).toBeUndefined();
    expect(ids.has(followUp?.messageId ?? '')).toBe(false);
    expect(second).toEqual({
      subject: `Re: ${SUBJECTS.followUp}`,
      messageId: expect.stringMatching(/^<.+@.+\.amazonses\.com>$/),
      inReplyTo: followUp?.messageId,
      references: followUp?.messageId,
    });
    expect(jordan[0]?.text).toContain('Good morning, Jordan Example!');
  });

  it("a custom thank-you subject is filled in per person, and each follow-up answers that person's subject", async () => {
    await ctx.api.setClock(SUBMITTED);
    const people: Person[] = [
      { name: 'Jordan Example', email: 'jordan.t2@example.org' },
      { name: 'Sam Example', email: 'sam.t2@example.org' },
    ];
    await api.submit(
      panelBody(people, { messages: { thankYou: { subject: 'Thank you, {{interviewerName}}' } } }),
    );
    await ctx.api.setClock('2026-12-03T00:00:00.000Z');
    const mails = await ctx.api.mail();
    for (const person of people) {
      const [thankYou, followUp, ...more] = mailsTo(mails, person.email).map(thread);
      expect(more).toEqual([]);
      expect(thankYou?.subject).toBe(`Thank you, ${person.name}`);
      expect(followUp?.subject).toBe(`Re: Thank you, ${person.name}`);
      expect(followUp?.inReplyTo).toBe(thankYou?.messageId);
      expect(followUp?.references).toBe(thankYou?.messageId);
    }
  });
});

describe('the panel rules at intake', () => {
  const two: Person[] = [
    { name: 'Jordan Example', email: 'jordan.v@example.org' },
    { name: 'Sam Example', email: 'sam.v@example.org' },
  ];
  const paths = (body: { error: { fields?: { path: string }[] } }) => body.error.fields?.map((f) => f.path);

  it('interviewer and interviewers together: a 400 naming interviewer', async () => {
    await ctx.api.setClock(SUBMITTED);
    const refused = await api.refused({
      ...panelBody(two),
      interviewer: { name: 'Mrs. Hiring Manager', email: 'hm.v@example.org' },
    });
    expect(refused.error.code).toBe('invalid_request');
    expect(paths(refused)).toEqual(['interviewer']);
    expect(refused.error.fields?.[0]?.message).toBe('give interviewers or interviewer, not both');
  });

  it('neither: a 400 naming interviewers', async () => {
    const { interviewers: _none, ...body } = panelBody(two);
    expect(paths(await api.refused(body))).toEqual(['interviewers']);
  });

  it('the same address twice, in any case: a 400 naming interviewers.1.email', async () => {
    const refused = await api.refused(
      panelBody([two[0] as Person, { name: 'Sam Example', email: 'Jordan.V@Example.org' }]),
    );
    expect(paths(refused)).toEqual(['interviewers.1.email']);
    expect(refused.error.fields?.[0]?.message).toBe('is given twice: each interviewer once');
  });

  it("the candidate's own address on the panel: a 400 naming that panelist's email", async () => {
    const refused = await api.refused(panelBody([...two, { name: 'Reagan Applicant', email: CANDIDATE }]));
    expect(paths(refused)).toEqual(['interviewers.2.email']);
    expect(refused.error.fields?.[0]?.message).toBe("is the candidate's own address");
    // The shorthand's problems are named as it was sent.
    const { interviewers: _panel, ...body } = panelBody(two);
    const shorthand = await api.refused({
      ...body,
      interviewer: { name: 'Reagan Applicant', email: CANDIDATE },
    });
    expect(paths(shorthand)).toEqual(['interviewer.email']);
  });

  it('nine people: a 400 naming interviewers; eight are accepted; none is a 400 too', async () => {
    const people = (n: number) =>
      Array.from({ length: n }, (_, i) => ({
        name: `Panelist ${i + 1}`,
        email: `panelist${i + 1}.v@example.org`,
      }));
    const nine = await api.refused(panelBody(people(9)));
    expect(paths(nine)).toEqual(['interviewers']);
    expect(nine.error.fields?.[0]?.message).toBe('must list 1 to 8 interviewers');
    expect(paths(await api.refused(panelBody([])))).toEqual(['interviewers']);
    const eight = await api.submit(panelBody(people(8)));
    expect(eight.emails).toHaveLength(16);
    expect(new Set(eight.emails.map((e) => e.to)).size).toBe(8);
  });

  it('a custom thank-you body alike for a panel of two: a 400 naming messages.thankYou.body', async () => {
    const before = ctx.runtime.emulator.pending().length;
    const refused = await api.refused(
      panelBody(two, { messages: { thankYou: { body: 'Thank you for your time today.' } } }),
    );
    expect(paths(refused)).toEqual(['messages.thankYou.body']);
    expect(refused.error.fields?.[0]?.message).toBe(
      'must differ between interviewers: use {{interviewerName}} or {{note}}',
    );
    // {{note}} needs a note from everyone; {{interviewerName}} makes the texts differ.
    const noNote = await api.refused(
      panelBody([{ ...(two[0] as Person), note: 'the design review' }, two[1] as Person], {
        messages: { thankYou: { body: 'Thank you, especially for {{note}}.' } },
      }),
    );
    expect(noNote.error.fields).toEqual([
      { path: 'messages.thankYou.body', message: 'uses {{note}} but interviewers.1.note is not given' },
    ]);
    expect(ctx.runtime.emulator.pending().length).toBe(before);
    const ok = await api.submit(
      panelBody(two, {
        messages: { thankYou: { body: 'Thank you for your time today, {{interviewerName}}.' } },
      }),
    );
    expect(ok.emails).toHaveLength(4);
    // For one interviewer, a body without placeholders is fine.
    await api.submit(panelBody([two[0] as Person], { messages: { thankYou: { body: 'Thank you.' } } }));
  });
});
