/**
 * A panel of three through the real local servers, checked at the SES stand-in itself
 * (aws-ses-v2-local's `GET /store`) and in `GET /_local/mail`: one email per person and kind,
 * each to that person alone with the candidate's copy as a destination only, follow-ups in the
 * thread of that person's own earlier emails, and a cancelled thank-you's follow-up in a thread
 * of its own.
 */

import { beforeAll, describe, expect, it } from 'vitest';
import type { CapturedEmail } from '../../local/runtime.js';
import { validBody } from '../fixtures.js';
import { type CapturedMail, useLocalRuntime } from './helpers.js';

interface EmailView {
  kind: string;
  to: string;
  status: string;
  sendAt?: string;
}
interface Created {
  id: string;
  emails: EmailView[];
  cancelUrl: string;
}
/** One message as the stand-in stored it (aws-ses-v2-local's store, SendRawEmail parsed). */
type Stored = CapturedEmail;

const CANDIDATE = 'reagan@example.com';
const PANEL = [
  { name: 'Mrs. Hiring Manager', email: 'hiring.manager@example.org' },
  { name: 'Jordan Example', email: 'jordan@example.org' },
  { name: 'Sam Example', email: 'sam@example.com' },
];
const ADDRESSES = PANEL.map((p) => p.email);
/** Their thank-you is cancelled before it goes; their follow-ups go. */
const CANCELLED = 'sam@example.com';
const THANK_YOU_SUBJECT = 'Thank you for the Copywriter interview at Example Corp';
const OWN_FOLLOW_UP_SUBJECT = 'Following up on the Copywriter interview at Example Corp';
const SES_ID = /^<([\w-]+)@email\.amazonses\.com>$/;

const { ctx } = useLocalRuntime();

let created: Created;
/** `/_local/mail` and the stand-in's store, read once everything went out. */
let mail: CapturedMail[];
let stored: Stored[];

beforeAll(async () => {
  // Friday 27 November 2026, 14:30 in New York: half an hour after the example interview ended.
  await ctx.api.setClock('2026-11-27T19:30:00.000Z');
});

const sesUrl = () => ctx.runtime.mailUrl;
async function readStore(): Promise<Stored[]> {
  const res = await fetch(`${sesUrl()}/store`);
  expect(res.status).toBe(200);
  return ((await res.json()) as { emails: Stored[] }).emails;
}

type Kind = 'thank-you' | 'follow-up' | 'second-follow-up';
/**
 * Which email each message of `/_local/mail` is, by when it went out: the kind due for its
 * addressee at the clock step that sent it (each step has one kind per person). Read from the
 * clock walk, not from subjects or headers, so those are checked, not assumed.
 */
const sentAs = new Map<number, Kind>();
const kindOf = (m: CapturedMail, address: string): Kind | undefined =>
  m.to.length === 1 && m.to[0] === address ? sentAs.get(mail.indexOf(m)) : undefined;

/** Everything sent to one address (To, Cc or a Bcc destination). */
const toAddress = (address: string) =>
  mail.filter((m) => [...m.to, ...m.cc, ...m.bcc].some((a) => a.toLowerCase().includes(address)));

/** The one message of a person and kind, failing unless there is exactly one. */
function only(address: string, kind: string): CapturedMail {
  const found = mail.filter((m) => kindOf(m, address) === kind);
  expect(found, `${kind} to ${address}`).toHaveLength(1);
  return found[0] as CapturedMail;
}

/** The stand-in's own message id of a message of `/_local/mail` (both list the store in order). */
function storedOf(m: CapturedMail): Stored {
  const i = mail.indexOf(m);
  const s = stored[i] as Stored;
  expect(s.subject).toBe(m.subject);
  expect(s.destination.to).toEqual(m.to);
  expect(s.body.text ?? '').toBe(m.text);
  return s;
}

describe('a panel of three with a second follow-up', () => {
  it('answers 201 with three emails per panelist, each addressed to that panelist', async () => {
    const { interviewer: _one, ...body } = validBody();
    const res = await ctx.api.submit({ ...body, interviewers: PANEL, secondFollowUp: true });
    expect(res.status).toBe(201);
    created = (await res.json()) as Created;
    for (const address of ADDRESSES) {
      const theirs = created.emails.filter((e) => e.to === address);
      expect(theirs.map((e) => e.kind)).toEqual(['thank-you', 'follow-up', 'second-follow-up']);
      expect(theirs.every((e) => e.status === 'scheduled' && e.sendAt !== undefined)).toBe(true);
    }
    expect(created.emails).toHaveLength(9);
  });

  it("cancels one panelist's thank-you alone, before it goes", async () => {
    await ctx.runtime.emulator.settle(); // the confirmation went out first
    const res = await fetch(created.cancelUrl, {
      method: 'POST',
      headers: { Accept: 'application/json', 'Content-Type': 'application/json' },
      body: JSON.stringify({ kind: 'thank-you', to: CANCELLED }),
    });
    expect(res.status).toBe(200);
    const view = (await res.json()) as Created;
    for (const e of view.emails) {
      const cancelled = e.to === CANCELLED && e.kind === 'thank-you';
      expect(e.status, `${e.kind} to ${e.to}`).toBe(cancelled ? 'cancelled' : 'scheduled');
    }
  });

  it('fires every remaining schedule once, each at its time, as the clock walks past the last email', async () => {
    const due = created.emails.filter((e) => !(e.to === CANCELLED && e.kind === 'thank-you'));
    const times = [...new Set(due.map((e) => e.sendAt as string))].sort();
    const fired: string[] = [];
    let seen = (await readStore()).length;
    expect(seen).toBe(1); // the confirmation
    for (const at of times) {
      const step = await ctx.api.setClock(at);
      expect(step.fired.map((f) => f.at)).toEqual(step.fired.map(() => at));
      const dueNow = due.filter((e) => e.sendAt === at);
      expect(step.fired).toHaveLength(dueNow.length);
      fired.push(...step.fired.map((f) => f.name));
      await ctx.runtime.emulator.settle();
      const now = await readStore();
      for (let i = seen; i < now.length; i++) {
        const to = now[i]?.destination.to ?? [];
        const kinds = dueNow.filter((e) => to.length === 1 && e.to === to[0]).map((e) => e.kind);
        expect(kinds, `message ${i} to ${to.join(', ')} at ${at}`).toHaveLength(1);
        sentAs.set(i, kinds[0] as Kind);
      }
      seen = now.length;
    }
    const last = new Date(times[times.length - 1] as string).getTime();
    const after = await ctx.api.setClock(new Date(last + 7 * 86_400_000).toISOString());
    expect(after.fired).toEqual([]);
    expect(new Set(fired).size).toBe(fired.length);
    expect(fired).toHaveLength(8);
    // Schedules are named `<id>-<kind>` plus `.<n>` for the panel's later members.
    const named = (kind: string) => fired.filter((n) => n.startsWith(`${created.id}-${kind}`)).length;
    expect([named('thank-you'), named('follow-up'), named('second-follow-up')]).toEqual([2, 3, 3]);
    await ctx.runtime.emulator.settle();

    const view = (await (await ctx.api.get(created.id)).json()) as Created;
    for (const e of view.emails) {
      const cancelled = e.to === CANCELLED && e.kind === 'thank-you';
      expect(e.status, `${e.kind} to ${e.to}`).toBe(cancelled ? 'cancelled' : 'sent');
    }
    mail = await ctx.api.mail();
    stored = await readStore();
    // The runtime shows the stand-in's store, message for message, in order.
    expect(stored).toHaveLength(mail.length);
    expect(mail).toHaveLength(1 + 8);
  });
});

describe('at the SES stand-in: each message is for one panelist alone', () => {
  it('To is exactly that one address, in the stand-in and in the kept headers', () => {
    for (const address of ADDRESSES) {
      for (const m of mail.filter((x) => x.to.includes(address))) {
        expect(m.to).toEqual([address]);
        expect(m.cc).toEqual([]);
        expect(m.headers.to).toBe(address);
        const s = storedOf(m);
        expect(s.destination).toEqual({ to: [address], cc: [], bcc: [] });
        expect(s.replyTo).toEqual([CANDIDATE]);
      }
    }
  });

  it("no other panelist's address appears anywhere in a panelist's message", () => {
    for (const address of ADDRESSES) {
      const others = ADDRESSES.filter((a) => a !== address);
      const theirs = mail.filter((m) => m.to.includes(address));
      expect(theirs.length, address).toBe(address === CANCELLED ? 2 : 3);
      for (const m of theirs) {
        const everything = [
          ...m.to,
          ...m.cc,
          ...m.bcc,
          ...m.replyTo,
          m.from,
          ...Object.entries(m.headers).flat(),
          m.text,
          m.html,
          JSON.stringify(storedOf(m)),
        ]
          .join('\n')
          .toLowerCase();
        for (const other of others) expect(everything, `${m.subject} to ${address}`).not.toContain(other);
      }
    }
  });

  it('the candidate gets each one as a Bcc destination, never as a Bcc header', () => {
    for (const m of mail.filter((x) => ADDRESSES.includes(x.to[0] ?? ''))) {
      expect(m.bcc).toEqual([CANDIDATE]);
      expect(m.replyTo).toEqual([CANDIDATE]);
      expect(Object.keys(m.headers)).not.toContain('bcc');
      expect(storedOf(m).destination.bcc).toEqual([]);
    }
  });
});

describe('threads, as the runtime kept the headers', () => {
  const threaded = () => ADDRESSES.filter((a) => a !== CANCELLED);

  it("each thank-you's Message-ID is the stand-in's own id for that message", () => {
    for (const address of threaded()) {
      const thankYou = only(address, 'thank-you');
      const id = SES_ID.exec(thankYou.headers['message-id'] ?? '')?.[1];
      expect(id, address).toBeDefined();
      expect(id).toBe(storedOf(thankYou).messageId);
      expect(thankYou.headers['in-reply-to']).toBeUndefined();
      expect(thankYou.headers.references).toBeUndefined();
      expect(thankYou.subject).toBe(THANK_YOU_SUBJECT);
      expect(thankYou.headers.subject).toBe(THANK_YOU_SUBJECT);
    }
    // Three thank-yous, three ids.
    const ids = threaded().map((a) => only(a, 'thank-you').headers['message-id']);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("the follow-up answers that person's thank-you, and the second follow-up both", () => {
    for (const address of threaded()) {
      const thankYou = only(address, 'thank-you');
      const followUp = only(address, 'follow-up');
      const second = only(address, 'second-follow-up');
      const root = thankYou.headers['message-id'] as string;
      const middle = followUp.headers['message-id'] as string;
      expect(middle).toMatch(SES_ID);
      expect(SES_ID.exec(middle)?.[1]).toBe(storedOf(followUp).messageId);
      expect(SES_ID.exec(second.headers['message-id'] ?? '')?.[1]).toBe(storedOf(second).messageId);

      expect(followUp.headers['in-reply-to']).toBe(root);
      expect(followUp.headers.references).toBe(root);
      expect(followUp.subject).toBe(`Re: ${thankYou.subject}`);
      expect(followUp.headers.subject).toBe(`Re: ${thankYou.subject}`);

      expect(second.headers['in-reply-to']).toBe(middle);
      expect(second.headers.references).toBe(`${root} ${middle}`);
      expect(second.subject).toBe(`Re: ${thankYou.subject}`);
      expect(second.headers.subject).toBe(`Re: ${thankYou.subject}`);
    }
  });

  it('no subject anywhere reads "Re: Re:"', () => {
    for (const m of mail) {
      expect(m.subject).not.toMatch(/re:\s*re:/i);
      expect(m.headers.subject ?? '').not.toMatch(/re:\s*re:/i);
    }
    for (const s of stored) expect(s.subject).not.toMatch(/re:\s*re:/i);
  });
});

describe('the panelist whose thank-you was cancelled', () => {
  it('gets no thank-you, and a follow-up with its own subject in no thread', () => {
    const theirs = mail.filter((m) => m.to.includes(CANCELLED));
    expect(theirs.filter((m) => m.subject.startsWith('Thank you'))).toHaveLength(0);
    expect(mail.filter((m) => kindOf(m, CANCELLED) === 'thank-you')).toHaveLength(0);
    const followUp = only(CANCELLED, 'follow-up');
    expect(followUp.subject).toBe(OWN_FOLLOW_UP_SUBJECT);
    expect(followUp.headers.subject).toBe(OWN_FOLLOW_UP_SUBJECT);
    expect(followUp.headers['in-reply-to']).toBeUndefined();
    expect(followUp.headers.references).toBeUndefined();
    expect(SES_ID.exec(followUp.headers['message-id'] ?? '')?.[1]).toBe(storedOf(followUp).messageId);
  });

  it('gets a second follow-up in the thread of their follow-up only', () => {
    const followUp = only(CANCELLED, 'follow-up');
    const second = only(CANCELLED, 'second-follow-up');
    const id = followUp.headers['message-id'] as string;
    expect(second.subject).toBe(`Re: ${OWN_FOLLOW_UP_SUBJECT}`);
    expect(second.headers.subject).toBe(`Re: ${OWN_FOLLOW_UP_SUBJECT}`);
    expect(second.headers['in-reply-to']).toBe(id);
    expect(second.headers.references).toBe(id);
    // Nothing of anyone else's thread.
    const others = ADDRESSES.filter((a) => a !== CANCELLED).flatMap((a) =>
      ['thank-you', 'follow-up'].map((k) => only(a, k).headers['message-id'] as string),
    );
    for (const other of others) expect(JSON.stringify(second.headers)).not.toContain(other);
  });
});

describe('exactly once', () => {
  it('each person got each kind exactly once (the cancelled thank-you never)', () => {
    for (const address of ADDRESSES) {
      const counts = { 'thank-you': 0, 'follow-up': 0, 'second-follow-up': 0, other: 0 };
      // 'other': to them but sent at no step of theirs (or to more than them).
      for (const m of mail.filter((x) => x.to.includes(address))) counts[kindOf(m, address) ?? 'other']++;
      expect(counts, address).toEqual({
        'thank-you': address === CANCELLED ? 0 : 1,
        'follow-up': 1,
        'second-follow-up': 1,
        other: 0,
      });
      // Nothing reached them any other way (as a Cc or a Bcc of someone else's message).
      expect(toAddress(address)).toHaveLength(address === CANCELLED ? 2 : 3);
    }
    // Every message id once, at the stand-in and in the kept headers.
    expect(new Set(stored.map((s) => s.messageId)).size).toBe(stored.length);
    expect(new Set(mail.map((m) => m.headers['message-id'])).size).toBe(mail.length);
  });

  it('the candidate got one confirmation, to them alone, listing every panelist', () => {
    const confirmations = mail.filter((m) => m.subject.startsWith('Scheduled:'));
    expect(confirmations).toHaveLength(1);
    const confirmation = confirmations[0] as CapturedMail;
    expect(confirmation).toMatchObject({ to: [CANDIDATE], cc: [], bcc: [] });
    expect(confirmation.subject).toBe('Scheduled: your thank-you notes and follow-ups to 3 interviewers');
    expect(storedOf(confirmation).destination).toEqual({ to: [CANDIDATE], cc: [], bcc: [] });
    for (const p of PANEL) {
      expect(confirmation.text).toContain(`To ${p.name} (${p.email}):`);
      expect(confirmation.html).toContain(p.email);
    }
    expect(confirmation.text).toContain(created.cancelUrl);
    // Apart from the confirmation and the copies, nothing else reached the candidate.
    const toCandidate = mail.filter((m) => m.to.includes(CANDIDATE));
    expect(toCandidate).toEqual([confirmation]);
    expect(toAddress(CANDIDATE)).toHaveLength(1 + 8);
  });
});
