/**
 * A new interview's record, and one panelist's emails as the send-time rules plan them: at
 * intake (usecases/interviews.ts) and when an edit adds a panelist (replan.ts).
 */
import { entry } from './history.js';
import { type EmailState, FOLLOW_UP_NOT_WANTED, type InterviewRecord, RETENTION_DAYS } from './interview.js';
import { emailKey, type Panelist } from './panel.js';
import type { NormalizedSubmission } from './schema.js';
import { computeSendTimes, type PersonTiming, type TimingSettings } from './sendTimes.js';
import type { CalendarDate } from './time.js';

export function newInterview(args: {
  id: string;
  ownerKeyId: string;
  tokenHash: string;
  submission: NormalizedSubmission;
  endsAt: Date;
  timing: TimingSettings;
  now: Date;
}): InterviewRecord {
  const { id, ownerKeyId, tokenHash, submission: s, endsAt, timing, now } = args;
  const zone = s.interview.timeZone;
  const stamp = now.toISOString();
  const interviewers: Panelist[] = s.interviewers.map((p, i) => ({
    id: i + 1,
    name: p.name,
    email: p.email,
    ...(p.note && { note: p.note }),
    ...(p.awayUntil && { awayUntil: p.awayUntil }),
  }));
  const emails: Record<string, EmailState> = {};
  let last = now.getTime();
  for (const person of interviewers) {
    const planned = personEmails(person, { endsAt, zone, timing, followUp: s.followUp, now });
    Object.assign(emails, planned.emails);
    last = Math.max(last, planned.last.getTime());
  }
  return {
    id,
    ownerKeyId,
    tokenHash,
    createdAt: stamp,
    candidate: {
      name: s.candidate.name,
      email: s.candidate.email,
      ...(s.candidate.phone && { phone: s.candidate.phone }),
    },
    interviewers,
    position: s.position,
    ...(s.company && { company: s.company }),
    ...(s.highlights && { highlights: s.highlights }),
    ...(s.messages && { messages: s.messages }),
    copyCandidate: s.copyCandidate,
    interview: { endsAt: endsAt.toISOString(), timeZone: zone },
    timing,
    // The interviewer's emails, then the candidate's confirmation.
    emails: { ...emails, confirmation: { status: 'scheduled', sendAt: stamp, updatedAt: stamp } },
    expiresAt: Math.floor(last / 1000) + RETENTION_DAYS * 86_400,
    history: [entry({ by: 'api', keyId: ownerKeyId }, 'created', stamp)],
  };
}

/**
 * One panelist's emails as the rules plan them at `now` (intake, or an edit adding them): each
 * `scheduled` at its time, the follow-ups `skipped` when not wanted; `last` is the latest time.
 */
export function personEmails(
  person: Panelist,
  plan: { endsAt: Date; zone: string; timing: TimingSettings; followUp: boolean; now: Date },
): { emails: Record<string, EmailState>; last: Date } {
  const { endsAt, zone, timing, followUp, now } = plan;
  const stamp = now.toISOString();
  const at = (instant: Date): EmailState => ({
    status: 'scheduled',
    sendAt: instant.toISOString(),
    updatedAt: stamp,
  });
  const notWanted: EmailState = { status: 'skipped', reason: FOLLOW_UP_NOT_WANTED, updatedAt: stamp };
  const times = computeSendTimes(endsAt, zone, timing, now, personTiming(person));
  const emails: Record<string, EmailState> = {};
  emails[emailKey('thank-you', person.id)] = at(times.thankYou);
  emails[emailKey('follow-up', person.id)] = followUp ? at(times.followUp) : notWanted;
  if (timing.secondFollowUp) {
    emails[emailKey('second-follow-up', person.id)] =
      followUp && times.secondFollowUp ? at(times.secondFollowUp) : notWanted;
  }
  const last = followUp ? (times.secondFollowUp ?? times.followUp) : times.thankYou;
  return { emails, last };
}

/** What the send-time rules need of a panelist (their away date, parsed). */
export function personTiming(person: Pick<Panelist, 'awayUntil'>): PersonTiming {
  return person.awayUntil ? { awayUntil: parseDate(person.awayUntil) } : {};
}

/** `YYYY-MM-DD` (already validated) as a calendar date. */
function parseDate(value: string): CalendarDate {
  const [year, month, day] = value.split('-').map(Number) as [number, number, number];
  return { year, month, day };
}
