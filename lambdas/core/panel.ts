/**
 * Panels: an interview has one to eight interviewers, and each gets emails of their own. One email
 * of an interview is named by its key: `confirmation` (the candidate's), or a kind for one
 * panelist. The first panelist's keys are the bare kinds (`thank-you`, `follow-up`,
 * `second-follow-up`), the others' carry their id (`thank-you.2`): so an interview stored before
 * panels existed, whose emails and schedules are named by kind alone, reads as a panel of one
 * without any migration, and its schedules' events still name the right email.
 */
import { normalizeAddress } from './access.js';
import {
  type CandidateKind,
  type EmailKind,
  isCandidateKind,
  isEmailKind,
  type ScheduledKind,
  type SendEvent,
} from './events.js';

/** At most this many interviewers in one submission. */
export const MAX_PANEL = 8;
/** Ids are never reused, so a panel edited over time can reach past MAX_PANEL; never past this. */
export const MAX_PANEL_ID = 99;

/** One interviewer of the panel. `id` is stable for the interview's life (1, 2, …; never reused). */
export interface Panelist {
  id: number;
  name: string;
  email: string;
  /** A clause personal to them ("our conversation about the spring campaign"), woven into their emails. */
  note?: string;
  /** Their last day away (YYYY-MM-DD): their follow-ups wait until they are back. */
  awayUntil?: string;
}

export type EmailKey = CandidateKind | ScheduledKind | `${ScheduledKind}.${number}`;

export function emailKey(kind: ScheduledKind, person: number): EmailKey {
  return person === 1 ? kind : `${kind}.${person}`;
}

/** The kind and the panelist of a key (the confirmation has no panelist); undefined if malformed. */
export function parseEmailKey(key: string): { kind: EmailKind; person?: number } | undefined {
  if (isCandidateKind(key)) return { kind: key };
  const [kind, id, ...rest] = key.split('.');
  if (rest.length > 0 || !isEmailKind(kind) || isCandidateKind(kind)) return undefined;
  if (id === undefined) return { kind, person: 1 };
  if (!/^[1-9]\d?$/.test(id) || id === '1') return undefined; // 2 to MAX_PANEL_ID
  return { kind, person: Number(id) };
}

export function kindOf(key: EmailKey): EmailKind {
  return parseEmailKey(key)?.kind ?? 'confirmation';
}

/** The email a send event is about (an event without `person` is the first panelist's). */
export function eventKey(event: Pick<SendEvent, 'kind' | 'person'>): EmailKey {
  return isCandidateKind(event.kind) ? event.kind : emailKey(event.kind, event.person ?? 1);
}

/** The send event for one email (no `person` for the first panelist: the event of before panels). */
export function eventFor(interviewId: string, key: EmailKey): SendEvent {
  const parsed = parseEmailKey(key);
  if (!parsed) throw new Error(`not an email key: ${key}`);
  return {
    interviewId,
    kind: parsed.kind,
    ...(parsed.person !== undefined && parsed.person !== 1 && { person: parsed.person }),
  };
}

/**
 * An email key as an SES message tag value, which may hold only letters, digits, `_` and `-`:
 * `thank-you.2` is tagged `thank-you_2` (the first person's keys are tagged as they are).
 */
export function keyTag(key: EmailKey): string {
  return key.replace('.', '_');
}

/** The email key of a tag value (keyTag's inverse), or undefined when it names none. */
export function keyOfTag(value: string): EmailKey | undefined {
  const key = value.replace('_', '.');
  return parseEmailKey(key) ? (key as EmailKey) : undefined;
}

/** The panelist an email key belongs to (undefined for the confirmation or an unknown id). */
export function panelistOf(panel: readonly Panelist[] | undefined, key: EmailKey): Panelist | undefined {
  // An erased record has no panel any more.
  const person = parseEmailKey(key)?.person;
  return person === undefined ? undefined : panel?.find((p) => p.id === person);
}

/** The same address, in any case: how the cancel link's `to` and SES feedback name a panelist. */
export function sameAddress(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

/**
 * One mailbox, however it was typed: compared as the limits count addresses (access.ts,
 * normalizeAddress: no case, no `+tag`, Gmail's dots), so `jordan+1@gmail.com` and
 * `j.ordan@googlemail.com` cannot be two panelists, nor the candidate's own address a panelist.
 */
export function sameMailbox(a: string, b: string): boolean {
  return normalizeAddress(a) === normalizeAddress(b);
}
