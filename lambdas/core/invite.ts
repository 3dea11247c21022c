/**
 * Reading an interview's calendar invite (an `.ics` file) into the fields of a submission
 * (issue 18, "start from the invite"): the end time and its zone, the interviewers (attendees and
 * the organizer, the candidate's own address left out, rooms and resources too), the position
 * (the summary). Parsed with ical.js. Nothing in it is trusted: what this returns only fills in a
 * form, whose submission goes through the same validation as typed input; what cannot be read is
 * said field by field.
 *
 * Zones: a `TZID` may be an IANA name (`America/New_York`, any case or alias), a Windows name
 * (`Pacific Standard Time`, as Outlook and Exchange write them; mapped by the table compiled from windows-iana, core/windows-zones.ts), or a
 * path ending in an IANA name (`/mozilla.org/20050126_1/Europe/Berlin`). The wall time is kept as
 * written and the zone named, so the service's own tz data (time.ts) turns it into an instant, as
 * for typed input; the invite's VTIMEZONE rules are not used. A UTC time (`…Z`) is kept as an
 * instant, and its zone left for the person to choose; a floating time (no zone) likewise.
 */
import ICAL from 'ical.js';
import { MAX_PANEL, sameMailbox } from './panel.js';
import { MAX_INVITE_BYTES } from './self-serve.js';
import { canonicalTimeZone } from './time.js';
import { WINDOWS_ZONES } from './windows-zones.js';

export interface InviteFields {
  /** `YYYY-MM-DDTHH:mm` on `timeZone`'s wall clock, or an ISO instant (`…Z`) when the zone is not known. */
  endsAt?: string;
  timeZone?: string;
  interviewers: { name: string; email: string }[];
  position?: string;
}

export interface InviteProblem {
  /** The form field it is about (`invite` for the file as a whole). */
  field: 'invite' | 'interview.endsAt' | 'interview.timeZone' | 'interviewers' | 'position';
  message: string;
}

export interface ReadInvite {
  fields: InviteFields;
  problems: InviteProblem[];
}

const two = (n: number) => String(n).padStart(2, '0');

/** The IANA zone a `TZID` names, or undefined. */
export function zoneOfTzid(tzid: string): string | undefined {
  const name = tzid.trim().replace(/^"|"$/g, '');
  const direct = canonicalTimeZone(name);
  if (direct) return direct;
  // A path whose last two (or one) segments are an IANA name.
  const parts = name.split('/').filter(Boolean);
  for (const take of [3, 2, 1]) {
    const tail = canonicalTimeZone(parts.slice(-take).join('/'));
    if (tail && parts.length >= take) return tail;
  }
  const key = name.toLowerCase();
  const windows = Object.hasOwn(WINDOWS_ZONES, key) ? WINDOWS_ZONES[key] : undefined;
  return windows ? canonicalTimeZone(windows) : undefined;
}

/** An address from `mailto:…` (any case), or undefined. */
function addressOf(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const address = value.replace(/^mailto:/i, '').trim();
  return /^[^\s@<>"]+@[^\s@<>"]+$/.test(address) ? address : undefined;
}

type Property = {
  getFirstValue(): unknown;
  getParameter(name: string): unknown;
};

/** One person of the invite, or undefined for a room, a resource, someone who declined. */
function personOf(property: Property): { name: string; email: string } | undefined {
  const email = addressOf(property.getFirstValue());
  if (!email) return undefined;
  const cutype = String(property.getParameter('cutype') ?? 'INDIVIDUAL').toUpperCase();
  if (cutype !== 'INDIVIDUAL' && cutype !== 'UNKNOWN') return undefined;
  if (String(property.getParameter('partstat') ?? '').toUpperCase() === 'DECLINED') return undefined;
  const cn = property.getParameter('cn');
  const name = typeof cn === 'string' && cn.trim() !== '' ? cn.trim().replace(/^"|"$/g, '') : '';
  return { name, email };
}

/**
 * The invite's fields and what could not be read. `candidate` is the candidate's own address,
 * when known, to be left out of the interviewers.
 */
export function readInvite(text: string, candidate?: string): ReadInvite {
  const problems: InviteProblem[] = [];
  const fields: InviteFields = { interviewers: [] };
  if (text.length > MAX_INVITE_BYTES) {
    return { fields, problems: [{ field: 'invite', message: 'is too large to be an invite (over 256 KB)' }] };
  }
  let event: ICAL.Component | null;
  try {
    const calendar = new ICAL.Component(ICAL.parse(text) as unknown[]);
    event = calendar.name === 'vevent' ? calendar : calendar.getFirstSubcomponent('vevent');
  } catch {
    return {
      fields,
      problems: [{ field: 'invite', message: 'could not be read: it is not an iCalendar (.ics) file' }],
    };
  }
  if (!event) {
    return { fields, problems: [{ field: 'invite', message: 'holds no event (no VEVENT)' }] };
  }

  const summary = event.getFirstPropertyValue('summary');
  if (typeof summary === 'string' && summary.trim() !== '') {
    fields.position = summary.replace(/\s+/g, ' ').trim().slice(0, 200);
  } else problems.push({ field: 'position', message: 'is not in the invite (no summary)' });

  readEnd(event, fields, problems);

  const seen: string[] = [];
  const people = [
    ...event.getAllProperties('organizer'),
    ...event.getAllProperties('attendee'),
  ] as unknown as Property[];
  for (const property of people) {
    const person = personOf(property);
    if (!person) continue;
    if (candidate && sameMailbox(person.email, candidate)) continue;
    if (seen.some((email) => sameMailbox(email, person.email))) continue;
    seen.push(person.email);
    fields.interviewers.push(person);
  }
  if (fields.interviewers.length === 0) {
    problems.push({
      field: 'interviewers',
      message: 'no one but you is invited: add your interviewers by hand',
    });
  } else if (fields.interviewers.length > MAX_PANEL) {
    problems.push({
      field: 'interviewers',
      message: `the invite lists ${fields.interviewers.length} people; keep the ${MAX_PANEL} you met`,
    });
  }
  return { fields, problems };
}

/** The end (DTEND, or DTSTART + DURATION, or DTSTART) and its zone, into `fields`. */
function readEnd(event: ICAL.Component, fields: InviteFields, problems: InviteProblem[]): void {
  const endProperty = event.getFirstProperty('dtend') ?? event.getFirstProperty('dtstart');
  const value = endProperty?.getFirstValue();
  if (!endProperty || !(value instanceof ICAL.Time)) {
    problems.push({ field: 'interview.endsAt', message: 'is not in the invite (no start or end time)' });
    return;
  }
  let end = value;
  const duration = event.getFirstPropertyValue('duration');
  if (!event.hasProperty('dtend') && duration instanceof ICAL.Duration) {
    end = value.clone();
    end.addDuration(duration);
  }
  if (end.isDate) {
    problems.push({
      field: 'interview.endsAt',
      message: 'is a whole day in the invite: enter when it ended',
    });
    return;
  }
  const wall = `${end.year}-${two(end.month)}-${two(end.day)}T${two(end.hour)}:${two(end.minute)}`;
  const tzid = endProperty.getParameter('tzid');
  if (end.zone?.tzid === 'UTC' || (typeof tzid !== 'string' && end.toString().endsWith('Z'))) {
    fields.endsAt = `${wall}:00Z`;
    problems.push({
      field: 'interview.timeZone',
      message: 'is not in the invite (its times are in UTC): choose yours',
    });
    return;
  }
  if (typeof tzid !== 'string') {
    fields.endsAt = wall;
    problems.push({
      field: 'interview.timeZone',
      message: 'is not in the invite: choose the zone of its times',
    });
    return;
  }
  const zone = zoneOfTzid(tzid);
  fields.endsAt = wall;
  if (zone) fields.timeZone = zone;
  else
    problems.push({
      field: 'interview.timeZone',
      message: `"${tzid.slice(0, 60)}" is not a time zone we know: choose yours`,
    });
}
