/**
 * Stopping part of a panel's emails: the cancel link by person (`to`), by kind, or both, and SES
 * feedback about one person's thank-you. What is stopped never goes; everything else goes exactly
 * once, which the tests count after walking the clock past the last email.
 */
import { describe, expect, it } from 'vitest';
import { type CapturedMail, useService } from '../integration/helpers.js';
import {
  type Created,
  type ErrorBody,
  mailsTo,
  type Person,
  panelApi,
  panelBody,
  SUBJECTS,
} from '../support/panel.js';

const { ctx } = useService();
const api = panelApi(ctx);

const SUBMITTED = '2026-11-27T19:30:00.000Z'; // Friday 14:30 in New York
const AFTER_THANK_YOUS = '2026-11-27T22:00:00.000Z';
const AFTER_EVERYTHING = '2026-12-10T00:00:00.000Z';
const ALL = ['thank-you', 'follow-up', 'second-follow-up'];

/** A panel of three with second follow-ups, each person's addresses tagged with `tag`. */
function trio(tag: string): Person[] {
  return [
    { name: 'Mrs. Hiring Manager', email: `hm.${tag}@example.org` },
    { name: 'Jordan Example', email: `jordan.${tag}@example.org` },
    { name: 'Sam Example', email: `sam.${tag}@example.com` },
  ];
}

async function submitTrio(tag: string): Promise<{ people: Person[]; created: Created }> {
  await ctx.api.setClock(SUBMITTED);
  const people = trio(tag);
  const created = await api.submit(panelBody(people, { secondFollowUp: true }));
  expect(created.emails).toHaveLength(9);
  return { people, created };
}

/** The subjects each person received, in order, after the clock walked past everything. */
async function receivedAfterAll(people: Person[]): Promise<string[][]> {
  await ctx.api.setClock(AFTER_EVERYTHING);
  const mails: CapturedMail[] = await ctx.api.mail();
  return people.map((p) => mailsTo(mails, p.email).map((m) => m.subject));
}

const EVERYTHING = [SUBJECTS.thankYou, `Re: ${SUBJECTS.thankYou}`, `Re: ${SUBJECTS.thankYou}`];

/** Each person's section of the cancel page: the h2, and each email's label and badge. */
function sections(html: string) {
  return html
    .split('<section')
    .slice(1)
    .map((section) => ({
      // The heading's text: the name, then the address (whatever markup sets them apart).
      heading: /<h2>(.*?)<\/h2>/
        .exec(section)?.[1]
        ?.replace(/<[^>]*>/g, ' ')
        .replace(/\s+/g, ' ')
        .trim(),
      emails: [
        ...section.matchAll(/<span class="kind">([^<]+)<\/span><span class="badge (\w+)">([^<]+)<\/span>/g),
      ].map((m) => `${m[1]}: ${m[3]}`),
    }));
}

describe('cancel by person', () => {
  it('`to` alone stops everything to that person (any case); the others get each of theirs exactly once', async () => {
    const { people, created } = await submitTrio('c1');
    const res = await api.cancelJson(created.cancelUrl, { to: 'JORDAN.c1@Example.ORG' });
    expect(res.status).toBe(200);
    const answered = (await res.json()) as Created;
    expect(answered.emails.map((e) => [e.kind, e.to, e.status])).toEqual(
      people.flatMap((p) =>
        ALL.map((kind) => [kind, p.email, p.name === 'Jordan Example' ? 'cancelled' : 'scheduled']),
      ),
    );
    expect(answered.emails.filter((e) => e.status === 'cancelled').map((e) => e.reason)).toEqual([
      'Cancelled by the candidate.',
      'Cancelled by the candidate.',
      'Cancelled by the candidate.',
    ]);
    expect(api.pending(created.id)).toEqual(
      ['thank-you', 'follow-up', 'second-follow-up', 'thank-you.3', 'follow-up.3', 'second-follow-up.3']
        .map((key) => `${created.id}-${key}`)
        .sort(),
    );
    expect(await receivedAfterAll(people)).toEqual([EVERYTHING, [], EVERYTHING]);
    expect(await api.statuses(created.id)).toEqual([
      ...['sent', 'sent', 'sent'],
      ...['cancelled', 'cancelled', 'cancelled'],
      ...['sent', 'sent', 'sent'],
    ]);
  });

  it('the page: one h2 per person with name and address, the cancelled ones marked, a notice naming the person', async () => {
    const { people, created } = await submitTrio('c2');
    const res = await api.cancelForm(created.cancelUrl, { kind: 'all', to: 'sam.c2@example.com' });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('Done: nothing pending to Sam Example will be sent.');
    const expected = people.map((p) => ({
      heading: `${p.name} ${p.email}`,
      emails:
        p.name === 'Sam Example'
          ? ['Thank-you: Cancelled', 'Follow-up: Cancelled', 'Second follow-up: Cancelled']
          : ['Thank-you: Scheduled', 'Follow-up: Scheduled', 'Second follow-up: Scheduled'],
    }));
    expect(sections(html)).toEqual(expected);
    // Everyone still pending has a button of their own; Sam no longer.
    expect(html).toContain('Cancel the emails to Mrs. Hiring Manager');
    expect(html).toContain('Cancel the emails to Jordan Example');
    expect(html).not.toContain('Cancel the emails to Sam Example');
    // The page as the link opens it later says the same.
    expect(sections(await (await ctx.api.fetch(created.cancelUrl)).text())).toEqual(expected);
    expect(await receivedAfterAll(people)).toEqual([EVERYTHING, EVERYTHING, []]);
  });
});

describe('cancel by kind', () => {
  it('`kind: follow-up` alone stops every follow-up and second follow-up; every thank-you still goes, once', async () => {
    const { people, created } = await submitTrio('c3');
    const res = await api.cancelForm(created.cancelUrl, { kind: 'follow-up' });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('Done: the follow-ups will not be sent.');
    expect(sections(html).map((s) => s.emails)).toEqual(
      people.map(() => ['Thank-you: Scheduled', 'Follow-up: Cancelled', 'Second follow-up: Cancelled']),
    );
    expect(api.pending(created.id)).toEqual(
      ['thank-you', 'thank-you.2', 'thank-you.3'].map((key) => `${created.id}-${key}`).sort(),
    );
    expect(await receivedAfterAll(people)).toEqual(people.map(() => [SUBJECTS.thankYou]));
    expect(await api.statuses(created.id)).toEqual(people.flatMap(() => ['sent', 'cancelled', 'cancelled']));
  });

  it('`kind: second-follow-up` alone stops only the second follow-ups', async () => {
    const { people, created } = await submitTrio('c4');
    const res = await api.cancelJson(created.cancelUrl, { kind: 'second-follow-up' });
    expect(((await res.json()) as Created).emails.map((e) => e.status)).toEqual(
      people.flatMap(() => ['scheduled', 'scheduled', 'cancelled']),
    );
    const once = [SUBJECTS.thankYou, `Re: ${SUBJECTS.thankYou}`];
    expect(await receivedAfterAll(people)).toEqual([once, once, once]);
  });

  it('cancelling what already went says so, and does not claim to have stopped it', async () => {
    await ctx.api.setClock(SUBMITTED);
    const people = trio('c8');
    const created = await api.submit(panelBody(people));
    await ctx.api.setClock('2026-11-27T22:01:00.000Z'); // every thank-you went at 17:00
    const page = await api.cancelForm(created.cancelUrl, { kind: 'thank-you', to: people[1]?.email ?? '' });
    expect(await page.text()).toContain(
      'Nothing you chose was still to go: it had been sent or cancelled already.',
    );
    const again = await api.cancelForm(created.cancelUrl, { kind: 'follow-up', to: people[1]?.email ?? '' });
    expect(await again.text()).toContain('Done: the follow-up to Jordan Example will not be sent.');
  });

  it('the notice names what was stopped, not what was asked for: the follow-ups went, the second ones did not', async () => {
    const { people, created } = await submitTrio('c9');
    await ctx.api.setClock('2026-12-02T15:01:00.000Z'); // every first follow-up went at 10:00
    const page = await api.cancelForm(created.cancelUrl, { kind: 'follow-up', to: people[1]?.email ?? '' });
    expect(await page.text()).toContain('Done: the second follow-up to Jordan Example will not be sent.');
    const all = await api.cancelForm(created.cancelUrl, { kind: 'follow-up' });
    expect(await all.text()).toContain('Done: the second follow-ups will not be sent.');
  });

  it('a kind the interview does not have: the page says nothing changed, and nothing did', async () => {
    await ctx.api.setClock(SUBMITTED);
    const people = trio('c7');
    const created = await api.submit(panelBody(people)); // no second follow-ups
    const page = await api.cancelForm(created.cancelUrl, {
      kind: 'second-follow-up',
      to: people[1]?.email ?? '',
    });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('There is no such email to cancel: nothing changed.');
    const res = await api.cancelJson(created.cancelUrl, { kind: 'second-follow-up' });
    expect(((await res.json()) as Created).emails.map((e) => e.status)).toEqual(
      people.flatMap(() => ['scheduled', 'scheduled']),
    );
  });

  it('kind and `to` together: only that person’s follow-ups; their thank-you and everyone else’s emails go', async () => {
    const { people, created } = await submitTrio('c5');
    const res = await api.cancelJson(created.cancelUrl, { kind: 'follow-up', to: 'hm.c5@example.org' });
    expect(res.status).toBe(200);
    expect(((await res.json()) as Created).emails.map((e) => [e.to, e.status])).toEqual([
      ['hm.c5@example.org', 'scheduled'],
      ['hm.c5@example.org', 'cancelled'],
      ['hm.c5@example.org', 'cancelled'],
      ...['jordan.c5@example.org', 'sam.c5@example.com'].flatMap((to) => ALL.map(() => [to, 'scheduled'])),
    ]);
    const page = await api.cancelForm(created.cancelUrl, { kind: 'thank-you', to: 'jordan.c5@example.org' });
    expect(await page.text()).toContain('Done: the thank-you to Jordan Example will not be sent.');
    const received = await receivedAfterAll(people);
    expect(received).toEqual([
      [SUBJECTS.thankYou],
      // Jordan's follow-up starts its own thread: the thank-you it would answer never went.
      [SUBJECTS.followUp, `Re: ${SUBJECTS.followUp}`],
      EVERYTHING,
    ]);
  });
});

describe('what the cancel link refuses', () => {
  it('an address not on the panel is a 400 invalid_request that changes nothing', async () => {
    const { created } = await submitTrio('c6');
    const before = api.pending(created.id);
    for (const to of ['someone.else@example.org', 'reagan@example.com', 'jordan.c6@example.org.evil']) {
      const res = await api.cancelJson(created.cancelUrl, { kind: 'all', to });
      expect(res.status).toBe(400);
      const body = (await res.json()) as ErrorBody;
      expect(body.error.code).toBe('invalid_request');
      expect(body.error.message).toBe('to must be the address of one of this interview’s interviewers.');
      expect(body.error.fields).toEqual([
        { path: 'to', message: 'is none of this interview’s interviewers' },
      ]);
    }
    const page = await api.cancelForm(created.cancelUrl, {
      kind: 'follow-up',
      to: 'someone.else@example.org',
    });
    expect(page.status).toBe(400);
    expect(await page.text()).toContain('Unknown interviewer');
    const notAString = await api.cancelJson(created.cancelUrl, { to: ['jordan.c6@example.org'] });
    expect(notAString.status).toBe(400);
    expect(await api.statuses(created.id)).toEqual(Array(9).fill('scheduled'));
    expect(api.pending(created.id)).toEqual(before);
    expect(before).toHaveLength(9);
  });
});

describe('SES feedback about one panelist', () => {
  it("a bounce of one person's thank-you cancels their follow-ups only; the others' go out later", async () => {
    const { people, created } = await submitTrio('b1');
    await ctx.api.setClock(AFTER_THANK_YOUS);
    expect(await api.statuses(created.id)).toEqual(people.flatMap(() => ['sent', 'scheduled', 'scheduled']));

    // About another panelist's address, the event is not about this email's addressee: ignored.
    expect(await api.bounce(created.id, 'thank-you.2', 'sam.b1@example.com')).toBe('ignored');
    expect(await api.statuses(created.id)).toEqual(people.flatMap(() => ['sent', 'scheduled', 'scheduled']));

    expect(await api.bounce(created.id, 'thank-you.2', 'jordan.b1@example.org')).toBe('recorded');
    const view = await api.view(created.id);
    expect(view.map((e) => [e.kind, e.to, e.status])).toEqual([
      ['thank-you', 'hm.b1@example.org', 'sent'],
      ['follow-up', 'hm.b1@example.org', 'scheduled'],
      ['second-follow-up', 'hm.b1@example.org', 'scheduled'],
      ['thank-you', 'jordan.b1@example.org', 'failed'],
      ['follow-up', 'jordan.b1@example.org', 'cancelled'],
      ['second-follow-up', 'jordan.b1@example.org', 'cancelled'],
      ['thank-you', 'sam.b1@example.com', 'sent'],
      ['follow-up', 'sam.b1@example.com', 'scheduled'],
      ['second-follow-up', 'sam.b1@example.com', 'scheduled'],
    ]);
    expect(view[3]?.reason).toBe('The email bounced (Permanent, General): the address did not accept it.');
    expect(view[4]?.reason).toBe('Cancelled because the thank-you bounced.');
    expect(view[5]?.reason).toBe('Cancelled because the thank-you bounced.');
    expect(api.pending(created.id)).toEqual(
      ['follow-up', 'second-follow-up', 'follow-up.3', 'second-follow-up.3']
        .map((key) => `${created.id}-${key}`)
        .sort(),
    );

    expect(await receivedAfterAll(people)).toEqual([EVERYTHING, [SUBJECTS.thankYou], EVERYTHING]);
    expect((await api.view(created.id)).map((e) => e.status)).toEqual([
      ...['sent', 'sent', 'sent'],
      ...['failed', 'cancelled', 'cancelled'],
      ...['sent', 'sent', 'sent'],
    ]);
  });

  it("a bounce of one person's follow-up cancels their second follow-up only", async () => {
    const { people, created } = await submitTrio('b2');
    await ctx.api.setClock('2026-12-02T15:00:00.000Z');
    expect(await api.bounce(created.id, 'follow-up.3', 'sam.b2@example.com')).toBe('recorded');
    expect(await api.statuses(created.id)).toEqual([
      ...['sent', 'sent', 'scheduled'],
      ...['sent', 'sent', 'scheduled'],
      ...['sent', 'failed', 'cancelled'],
    ]);
    const twice = [SUBJECTS.thankYou, `Re: ${SUBJECTS.thankYou}`];
    expect(await receivedAfterAll(people)).toEqual([EVERYTHING, EVERYTHING, twice]);
  });
});
