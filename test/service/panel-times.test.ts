/**
 * The send-time rules of a panel over HTTP: each person's away dates move only their follow-ups,
 * the decision date holds back everyone's, and the second follow-up stays at 10:00 local across a
 * daylight-saving change. Checked in the 201, in preview, and in what the clock walk sends when.
 */
import { describe, expect, it } from 'vitest';
import { useService } from '../integration/helpers.js';
import {
  CANDIDATE,
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

const NEW_YORK = 'America/New_York';
const sendAts = (emails: { kind: string; to: string; sendAt?: string }[]) =>
  emails.map((e) => [e.kind, e.to, e.sendAt]);

/** The schedules of interview `id` that fired when the clock was walked to `at`. */
async function firedAt(id: string, at: string): Promise<{ name: string; at: string }[]> {
  return (await ctx.api.setClock(at)).fired.filter((f) => f.name.startsWith(`${id}-`));
}

/** How many mails each address has received so far. */
async function received(addresses: string[]): Promise<number[]> {
  const mails = await ctx.api.mail();
  return addresses.map((a) => mailsTo(mails, a).length);
}

describe('away dates, person by person', () => {
  it("one person away until Friday 4 December: only their follow-ups wait (Monday 10:00), the other's keep the 3rd business day", async () => {
    // Friday 27 November 2026, 14:00 in New York; submitted at 14:30.
    await ctx.api.setClock('2026-11-27T19:30:00.000Z');
    const people: Person[] = [
      { name: 'Jordan Example', email: 'jordan.away@example.org' },
      { name: 'Sam Example', email: 'sam.away@example.org', awayUntil: '2026-12-04' },
    ];
    const body = panelBody(people, { secondFollowUp: true });
    const created = await api.submit(body);
    expect(created.emails.map((e) => [e.kind, e.to, e.sendAt, e.localSendAt])).toEqual([
      ['thank-you', 'jordan.away@example.org', '2026-11-27T22:00:00.000Z', '2026-11-27T17:00'],
      ['follow-up', 'jordan.away@example.org', '2026-12-02T15:00:00.000Z', '2026-12-02T10:00'], // Wednesday
      ['second-follow-up', 'jordan.away@example.org', '2026-12-09T15:00:00.000Z', '2026-12-09T10:00'],
      // Away does not hold back the thank-you: it is the note of the interview day.
      ['thank-you', 'sam.away@example.org', '2026-11-27T22:00:00.000Z', '2026-11-27T17:00'],
      ['follow-up', 'sam.away@example.org', '2026-12-07T15:00:00.000Z', '2026-12-07T10:00'], // Monday
      ['second-follow-up', 'sam.away@example.org', '2026-12-14T15:00:00.000Z', '2026-12-14T10:00'],
    ]);
    expect(created.emails.every((e) => e.timeZone === NEW_YORK)).toBe(true);
    expect(sendAts(await api.preview(body))).toEqual(sendAts(created.emails));

    const both = people.map((p) => p.email);
    expect(await firedAt(created.id, '2026-12-02T14:59:59.000Z')).toEqual([
      { name: `${created.id}-thank-you`, at: '2026-11-27T22:00:00.000Z' },
      { name: `${created.id}-thank-you.2`, at: '2026-11-27T22:00:00.000Z' },
    ]);
    expect(await received(both)).toEqual([1, 1]);
    expect(await firedAt(created.id, '2026-12-02T15:00:00.000Z')).toEqual([
      { name: `${created.id}-follow-up`, at: '2026-12-02T15:00:00.000Z' },
    ]);
    expect(await received(both)).toEqual([2, 1]);
    expect(await firedAt(created.id, '2026-12-07T14:59:59.000Z')).toEqual([]);
    expect(await received(both)).toEqual([2, 1]);
    expect(await firedAt(created.id, '2026-12-07T15:00:00.000Z')).toEqual([
      { name: `${created.id}-follow-up.2`, at: '2026-12-07T15:00:00.000Z' },
    ]);
    expect(await received(both)).toEqual([2, 2]);
    expect(await firedAt(created.id, '2026-12-15T00:00:00.000Z')).toEqual([
      { name: `${created.id}-second-follow-up`, at: '2026-12-09T15:00:00.000Z' },
      { name: `${created.id}-second-follow-up.2`, at: '2026-12-14T15:00:00.000Z' },
    ]);
    expect(sentMinutes(await api.view(created.id))).toEqual(sentAsPlanned(created.emails));
    const sam = mailsTo(await ctx.api.mail(), 'sam.away@example.org');
    expect(sam.map((m) => m.subject)).toEqual([
      SUBJECTS.thankYou,
      `Re: ${SUBJECTS.thankYou}`,
      `Re: ${SUBJECTS.thankYou}`,
    ]);
    // Sent a week later than Jordan's, Sam's follow-up names the interview day as it is by then.
    expect(sam[1]?.text).toContain('Good morning, Sam Example!');
    expect(sam[1]?.text).toContain('on November 27');
  });

  it('the away person first in the panel: the rule follows the person, not the position', async () => {
    await ctx.api.setClock('2026-11-27T19:30:00.000Z');
    const created = await api.submit(
      panelBody([
        { name: 'Sam Example', email: 'sam.away2@example.org', awayUntil: '2026-12-04' },
        { name: 'Jordan Example', email: 'jordan.away2@example.org' },
      ]),
    );
    expect(created.emails.map((e) => [e.kind, e.to, e.localSendAt])).toEqual([
      ['thank-you', 'sam.away2@example.org', '2026-11-27T17:00'],
      ['follow-up', 'sam.away2@example.org', '2026-12-07T10:00'],
      ['thank-you', 'jordan.away2@example.org', '2026-11-27T17:00'],
      ['follow-up', 'jordan.away2@example.org', '2026-12-02T10:00'],
    ]);
  });
});

describe('the decision date', () => {
  // Tuesday 22 December 2026, 15:00 in New York; the employer decides on Thursday 24 December.
  // Business days after it, in the US: Friday 25 is Christmas, then Monday 28 (1st), Tuesday 29 (2nd).
  const people: Person[] = [
    { name: 'Jordan Example', email: 'jordan.decide@example.org' },
    { name: 'Sam Example', email: 'sam.decide@example.org' },
  ];
  const interview = (decisionBy?: string) => ({
    holidays: 'US',
    interview: { endsAt: '2026-12-22T15:00', timeZone: NEW_YORK, ...(decisionBy && { decisionBy }) },
  });

  it('on a holiday eve: no follow-up before 10:00 on Tuesday 29 December, the 2nd business day after it', async () => {
    await ctx.api.setClock('2026-12-22T20:30:00.000Z');
    // Without it: 10:00 on the 3rd business day, Monday 28 December (Christmas is not one).
    const without = await api.preview(panelBody(people, interview()));
    expect(without.map((e) => [e.kind, e.sendAt])).toEqual([
      ['thank-you', '2026-12-22T23:00:00.000Z'],
      ['follow-up', '2026-12-28T15:00:00.000Z'],
      ['thank-you', '2026-12-22T23:00:00.000Z'],
      ['follow-up', '2026-12-28T15:00:00.000Z'],
    ]);

    const created = await api.submit(panelBody(people, interview('2026-12-24')));
    expect(created.emails.map((e) => [e.kind, e.to, e.sendAt, e.localSendAt])).toEqual([
      ['thank-you', 'jordan.decide@example.org', '2026-12-22T23:00:00.000Z', '2026-12-22T18:00'],
      ['follow-up', 'jordan.decide@example.org', '2026-12-29T15:00:00.000Z', '2026-12-29T10:00'],
      ['thank-you', 'sam.decide@example.org', '2026-12-22T23:00:00.000Z', '2026-12-22T18:00'],
      ['follow-up', 'sam.decide@example.org', '2026-12-29T15:00:00.000Z', '2026-12-29T10:00'],
    ]);
    const both = people.map((p) => p.email);
    expect(await firedAt(created.id, '2026-12-29T14:59:59.000Z')).toEqual([
      { name: `${created.id}-thank-you`, at: '2026-12-22T23:00:00.000Z' },
      { name: `${created.id}-thank-you.2`, at: '2026-12-22T23:00:00.000Z' },
    ]);
    expect(await received(both)).toEqual([1, 1]);
    expect(await firedAt(created.id, '2026-12-29T15:00:00.000Z')).toEqual([
      { name: `${created.id}-follow-up`, at: '2026-12-29T15:00:00.000Z' },
      { name: `${created.id}-follow-up.2`, at: '2026-12-29T15:00:00.000Z' },
    ]);
    expect(await received(both)).toEqual([2, 2]);
    expect(sentMinutes(await api.view(created.id))).toEqual(sentAsPlanned(created.emails));
    const mails = await ctx.api.mail();
    for (const person of people) {
      expect(mailsTo(mails, person.email).map((m) => m.subject)).toEqual([
        SUBJECTS.thankYou,
        `Re: ${SUBJECTS.thankYou}`,
      ]);
    }
  });

  it('with an away date after it, the later rule wins for that person only', async () => {
    await ctx.api.setClock('2026-12-22T20:30:00.000Z');
    const seen = await api.preview(
      panelBody(
        [people[0] as Person, { ...(people[1] as Person), awayUntil: '2026-12-30' }],
        interview('2026-12-24'),
      ),
    );
    expect(seen.map((e) => [e.to, e.localSendAt])).toEqual([
      ['jordan.decide@example.org', '2026-12-22T18:00'],
      ['jordan.decide@example.org', '2026-12-29T10:00'],
      ['sam.decide@example.org', '2026-12-22T18:00'],
      ['sam.decide@example.org', '2026-12-31T10:00'], // Thursday, the first business day after 30 December
    ]);
  });

  it("the README's panel example: the decision date holds everyone, the away date Jordan more", async () => {
    await ctx.api.setClock('2026-11-27T19:30:00.000Z');
    const seen = await api.preview(
      panelBody(
        [
          {
            name: 'Mrs. Hiring Manager',
            email: 'hm.readme@example.org',
            note: 'our conversation about the spring campaign',
          },
          { name: 'Jordan Example', email: 'jordan.readme@example.org', awayUntil: '2026-12-04' },
          { name: 'Sam Example', email: 'sam.readme@example.org' },
        ],
        {
          interview: { endsAt: '2026-11-27T14:00', timeZone: NEW_YORK, decisionBy: '2026-12-02' },
          holidays: 'US',
          secondFollowUp: true,
        },
      ),
    );
    const friday = ['2026-11-27T17:00', '2026-12-04T10:00', '2026-12-11T10:00'];
    expect(seen.map((e) => e.localSendAt)).toEqual([
      ...friday,
      ...['2026-11-27T17:00', '2026-12-07T10:00', '2026-12-14T10:00'],
      ...friday,
    ]);
  });

  it('before the interview is a 400 naming interview.decisionBy', async () => {
    const refused = await api.refused(panelBody(people, interview('2026-12-21')));
    expect(refused.error.fields).toEqual([
      { path: 'interview.decisionBy', message: 'must not be before the interview' },
    ]);
  });
});

describe('the second follow-up across the end of daylight-saving time', () => {
  // Monday 26 October 2026, 14:00 EDT: the follow-up is Thursday 29 October, 10:00 EDT; New York
  // falls back on Sunday 1 November; the second follow-up, 5 business days on, is Thursday
  // 5 November at 10:00 EST.
  const people: Person[] = [
    { name: 'Jordan Example', email: 'jordan.dst@example.org' },
    { name: 'Sam Example', email: 'sam.dst@example.org' },
  ];
  const body = (patch: Record<string, unknown>) =>
    panelBody(people, { interview: { endsAt: '2026-10-26T14:00', timeZone: NEW_YORK }, ...patch });

  it('goes out at 10:00 EDT and then at 10:00 EST: 14:00Z, then 15:00Z', async () => {
    await ctx.api.setClock('2026-10-26T18:30:00.000Z');
    const created = await api.submit(body({ secondFollowUp: true }));
    expect(created.emails.map((e) => [e.kind, e.sendAt, e.localSendAt])).toEqual(
      people.flatMap(() => [
        ['thank-you', '2026-10-26T21:00:00.000Z', '2026-10-26T17:00'],
        ['follow-up', '2026-10-29T14:00:00.000Z', '2026-10-29T10:00'],
        ['second-follow-up', '2026-11-05T15:00:00.000Z', '2026-11-05T10:00'],
      ]),
    );
    const both = people.map((p) => p.email);
    expect(await firedAt(created.id, '2026-10-29T13:59:59.000Z')).toEqual([
      { name: `${created.id}-thank-you`, at: '2026-10-26T21:00:00.000Z' },
      { name: `${created.id}-thank-you.2`, at: '2026-10-26T21:00:00.000Z' },
    ]);
    expect(await received(both)).toEqual([1, 1]);
    expect(await firedAt(created.id, '2026-10-29T14:00:00.000Z')).toEqual([
      { name: `${created.id}-follow-up`, at: '2026-10-29T14:00:00.000Z' },
      { name: `${created.id}-follow-up.2`, at: '2026-10-29T14:00:00.000Z' },
    ]);
    expect(await received(both)).toEqual([2, 2]);
    // 14:00Z on 5 November is 09:00 EST: a zone-blind 24 × 7 days would fire here.
    expect(await firedAt(created.id, '2026-11-05T14:00:00.000Z')).toEqual([]);
    expect(await firedAt(created.id, '2026-11-05T14:59:59.000Z')).toEqual([]);
    expect(await received(both)).toEqual([2, 2]);
    expect(await firedAt(created.id, '2026-11-05T15:00:00.000Z')).toEqual([
      { name: `${created.id}-second-follow-up`, at: '2026-11-05T15:00:00.000Z' },
      { name: `${created.id}-second-follow-up.2`, at: '2026-11-05T15:00:00.000Z' },
    ]);
    expect(await received(both)).toEqual([3, 3]);
    expect(api.pending(created.id)).toEqual([]);
    expect(sentMinutes(await api.view(created.id))).toEqual(sentAsPlanned(created.emails));
    const mails = await ctx.api.mail();
    for (const person of people) {
      const own = mailsTo(mails, person.email);
      expect(own.map((m) => m.subject)).toEqual([
        SUBJECTS.thankYou,
        `Re: ${SUBJECTS.thankYou}`,
        `Re: ${SUBJECTS.thankYou}`,
      ]);
      expect(own[2]?.text).toContain(`Good morning, ${person.name}!`);
    }
  });

  it('followUp false with secondFollowUp true: both follow-ups skipped, nothing but the thank-yous sent', async () => {
    await ctx.api.setClock('2026-10-26T18:30:00.000Z');
    const quiet: Person[] = [
      { name: 'Jordan Example', email: 'jordan.nofu@example.org' },
      { name: 'Sam Example', email: 'sam.nofu@example.org' },
    ];
    const created = await api.submit(
      panelBody(quiet, {
        interview: { endsAt: '2026-10-26T14:00', timeZone: NEW_YORK },
        followUp: false,
        secondFollowUp: true,
      }),
    );
    const skipped = { status: 'skipped', reason: 'The employer asked candidates not to follow up.' };
    expect(created.emails).toEqual(
      quiet.flatMap((p) => [
        {
          kind: 'thank-you',
          to: p.email,
          status: 'scheduled',
          sendAt: '2026-10-26T21:00:00.000Z',
          localSendAt: '2026-10-26T17:00',
          timeZone: NEW_YORK,
        },
        { kind: 'follow-up', to: p.email, ...skipped, timeZone: NEW_YORK },
        { kind: 'second-follow-up', to: p.email, ...skipped, timeZone: NEW_YORK },
      ]),
    );
    expect(api.pending(created.id)).toEqual([`${created.id}-thank-you`, `${created.id}-thank-you.2`]);
    await ctx.api.setClock('2026-11-20T00:00:00.000Z');
    const mails = await ctx.api.mail();
    for (const person of quiet) {
      expect(mailsTo(mails, person.email).map((m) => m.subject)).toEqual([SUBJECTS.thankYou]);
    }
    expect(await api.statuses(created.id)).toEqual([
      'sent',
      'skipped',
      'skipped',
      'sent',
      'skipped',
      'skipped',
    ]);
    // The confirmation says so, and offers no follow-ups.
    const confirmation = mails.find(
      (m) => m.to.includes(CANDIDATE) && m.text.includes('jordan.nofu@example.org'),
    );
    expect(confirmation?.subject).toBe('Scheduled: your thank-you notes to 2 interviewers');
  });
});
