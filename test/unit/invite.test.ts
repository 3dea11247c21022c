/**
 * Reading a calendar invite (core/invite.ts): Outlook's Windows zone names, Google's UTC times,
 * IANA and path TZIDs, a floating time, a start with a duration, an all-day event; the
 * candidate, rooms and people who declined left out; what cannot be read, said by field.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readInvite, zoneOfTzid } from '../../lambdas/core/invite.js';

const fixture = (name: string) =>
  readFileSync(new URL(`../fixtures/invites/${name}`, import.meta.url), 'utf8');

/** A one-event calendar with `lines` in its VEVENT. */
const ics = (...lines: string[]) =>
  [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//Example//Test//EN',
    'BEGIN:VEVENT',
    'UID:1@example.com',
    ...lines,
    'END:VEVENT',
    'END:VCALENDAR',
  ].join('\r\n');

describe('readInvite', () => {
  it('an Outlook invite: the Windows zone named in IANA terms, the panel without the candidate, a room or a decline', () => {
    const { fields, problems } = readInvite(fixture('outlook-windows-zone.ics'), 'reagan@example.com');
    expect(problems).toEqual([]);
    expect(fields).toEqual({
      endsAt: '2026-11-27T14:00',
      timeZone: 'America/Los_Angeles',
      interviewers: [
        { name: 'Mrs. Hiring Manager', email: 'hiring.manager@example.org' },
        { name: 'Jordan Example', email: 'jordan@example.org' },
      ],
      position: 'Interview: Copywriter',
    });
  });

  it('a Google invite in UTC: the instant kept, the zone asked for; the organizer listed once', () => {
    const { fields, problems } = readInvite(fixture('google-utc.ics'), 'reagan@example.com');
    expect(fields.endsAt).toBe('2026-11-27T19:00:00Z');
    expect(fields.timeZone).toBeUndefined();
    expect(fields.interviewers).toEqual([
      { name: 'Mrs. Hiring Manager', email: 'hiring.manager@example.org' },
    ]);
    expect(problems.map((p) => p.field)).toEqual(['interview.timeZone']);
  });

  it('IANA and path TZIDs, a start with a duration, a floating time', () => {
    const organizer = 'ORGANIZER;CN=Jordan Example:mailto:jordan@example.org';
    const iana = readInvite(
      ics(organizer, 'SUMMARY:Copywriter', 'DTSTART;TZID=europe/berlin:20261127T100000', 'DURATION:PT1H30M'),
    );
    expect([iana.fields.endsAt, iana.fields.timeZone, iana.problems]).toEqual([
      '2026-11-27T11:30',
      'Europe/Berlin',
      [],
    ]);
    const path = readInvite(
      ics(
        organizer,
        'SUMMARY:Copywriter',
        'DTEND;TZID=/mozilla.org/20050126_1/America/New_York:20261127T140000',
      ),
    );
    expect(path.fields.timeZone).toBe('America/New_York');
    const floating = readInvite(ics(organizer, 'SUMMARY:Copywriter', 'DTEND:20261127T140000'));
    expect([floating.fields.endsAt, floating.fields.timeZone]).toEqual(['2026-11-27T14:00', undefined]);
    expect(floating.problems.map((p) => p.field)).toEqual(['interview.timeZone']);
  });

  it('says field by field what it could not read', () => {
    const bare = readInvite(ics('DTSTART;VALUE=DATE:20261127'));
    expect(bare.problems.map((p) => p.field)).toEqual(['position', 'interview.endsAt', 'interviewers']);
    const unknownZone = readInvite(ics('SUMMARY:x', 'DTEND;TZID=Atlantis Standard Time:20261127T140000'));
    expect(unknownZone.problems).toEqual([
      {
        field: 'interview.timeZone',
        message: '"Atlantis Standard Time" is not a time zone we know: choose yours',
      },
      expect.objectContaining({ field: 'interviewers' }),
    ]);
    expect(readInvite('this is not a calendar').problems).toEqual([
      { field: 'invite', message: 'could not be read: it is not an iCalendar (.ics) file' },
    ]);
    expect(readInvite('BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR').problems[0]?.field).toBe('invite');
    const crowd = Array.from({ length: 9 }, (_, i) => `ATTENDEE;CN=Person ${i}:mailto:p${i}@example.org`);
    expect(readInvite(ics('SUMMARY:x', 'DTEND:20261127T140000Z', ...crowd)).problems.at(-1)?.field).toBe(
      'interviewers',
    );
  });
});

describe('zoneOfTzid', () => {
  it('knows IANA names in any case, Windows names and paths; nothing else', () => {
    expect(zoneOfTzid('Pacific Standard Time')).toBe('America/Los_Angeles');
    expect(zoneOfTzid('W. Europe Standard Time')).toBe('Europe/Berlin');
    expect(zoneOfTzid('India Standard Time')).toBe('Asia/Kolkata');
    expect(zoneOfTzid('us/eastern')).toBe('America/New_York');
    expect(zoneOfTzid('/citadel.org/20190914_1/Europe/Paris')).toBe('Europe/Paris');
    expect(zoneOfTzid('Atlantis Standard Time')).toBeUndefined();
  });
});
