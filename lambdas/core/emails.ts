/**
 * The words. Pure functions from an interview record and the moment of sending to a message:
 * the greeting fits the local hour at which the email goes out, and the interview day is named
 * relative to the send day, both in the interview's zone.
 */
import type { EmailKind } from './events.js';
import type { InterviewRecord } from './interview.js';
import { SCHEDULED_KINDS } from './interview.js';
import {
  addCalendarDays,
  calendarDaysBetween,
  formatForPeople,
  localDate,
  wallClock,
  weekday,
} from './time.js';

export interface OutgoingEmail {
  from: string;
  to: string[];
  bcc: string[];
  replyTo: string[];
  subject: string;
  text: string;
  tags: { name: string; value: string }[];
}

export function greeting(sendAt: Date, zone: string): string {
  const { hour } = wallClock(sendAt, zone);
  if (hour < 12) return 'Good morning';
  if (hour < 18) return 'Good afternoon';
  return 'Good evening';
}

const dayName = (instant: Date, zone: string) =>
  new Intl.DateTimeFormat('en-US', { timeZone: zone, weekday: 'long' }).format(instant);
const monthDay = (instant: Date, zone: string) =>
  new Intl.DateTimeFormat('en-US', { timeZone: zone, month: 'long', day: 'numeric' }).format(instant);

/** "today", "yesterday", "on Monday" (same week), "last Friday" (previous week), "on November 20". */
export function interviewDay(interviewEnd: Date, sendAt: Date, zone: string): string {
  const day = localDate(interviewEnd, zone);
  const send = localDate(sendAt, zone);
  const days = calendarDaysBetween(day, send);
  if (days <= 0) return 'today';
  if (days === 1) return 'yesterday';
  // Weeks start on Monday.
  const monday = (d: typeof day) => addCalendarDays(d, -((weekday(d) + 6) % 7));
  const weeks = calendarDaysBetween(monday(day), monday(send)) / 7;
  if (weeks === 0) return `on ${dayName(interviewEnd, zone)}`;
  if (weeks === 1) return `last ${dayName(interviewEnd, zone)}`;
  return `on ${monthDay(interviewEnd, zone)}`;
}

/**
 * `"Display Name" <address>` for the From header. Plain ASCII names are quoted (with `"` and `\`
 * escaped); anything else becomes an RFC 2047 encoded word, which SES requires for non-ASCII.
 */
export function mailbox(displayName: string, address: string): string {
  if (/^[\x20-\x7e]*$/.test(displayName)) {
    return `"${displayName.replace(/[\\"]/g, (c) => `\\${c}`)}" <${address}>`;
  }
  return `=?UTF-8?B?${Buffer.from(displayName, 'utf8').toString('base64')}?= <${address}>`;
}

function role(record: InterviewRecord): string {
  return record.company
    ? `the ${record.position} position at ${record.company}`
    : `the ${record.position} position`;
}

function signature(record: InterviewRecord): string {
  return [record.candidate.name, record.candidate.phone, record.candidate.email].filter(Boolean).join('\n');
}

function tags(record: InterviewRecord, kind: EmailKind) {
  return [
    { name: 'interview-id', value: record.id },
    { name: 'kind', value: kind },
  ];
}

function toInterviewer(record: InterviewRecord, kind: EmailKind, senderAddress: string) {
  return {
    from: mailbox(record.candidate.name, senderAddress),
    to: [record.interviewer.email],
    bcc: [],
    replyTo: [record.candidate.email],
    tags: tags(record, kind),
  };
}

export interface EmailContent {
  subject: string;
  text: string;
}

export function thankYouContent(record: InterviewRecord, sendAt: Date): EmailContent {
  const zone = record.interview.timeZone;
  const when = interviewDay(new Date(record.interview.endsAt), sendAt, zone);
  const text = [
    `${greeting(sendAt, zone)}, ${record.interviewer.name}!`,
    '',
    `Thank you for taking the time to meet with me ${when} about ${role(record)}. I enjoyed our conversation and learning more about the role and the team.`,
    '',
    'I look forward to hearing from you.',
    '',
    'Best regards,',
    signature(record),
    '',
  ].join('\n');
  return { subject: `Thank you for the ${record.position} interview`, text };
}

export function followUpContent(record: InterviewRecord, sendAt: Date): EmailContent {
  const zone = record.interview.timeZone;
  const when = interviewDay(new Date(record.interview.endsAt), sendAt, zone);
  const interest = record.highlights
    ? `Given ${record.highlights}, I feel that I would be a strong fit for this position, and I look forward to hearing from you regarding next steps.`
    : 'I remain very interested in this position and look forward to hearing from you regarding next steps.';
  const text = [
    `${greeting(sendAt, zone)}, ${record.interviewer.name}!`,
    '',
    `I wanted to thank you again for your time ${when}. It was a pleasure meeting you and learning more about ${role(record)}.`,
    '',
    interest,
    '',
    'Thank you again,',
    signature(record),
    '',
  ].join('\n');
  return { subject: `Following up on the ${record.position} interview`, text };
}

export function renderThankYou(record: InterviewRecord, sendAt: Date, senderAddress: string): OutgoingEmail {
  return { ...toInterviewer(record, 'thank-you', senderAddress), ...thankYouContent(record, sendAt) };
}

export function renderFollowUp(record: InterviewRecord, sendAt: Date, senderAddress: string): OutgoingEmail {
  return { ...toInterviewer(record, 'follow-up', senderAddress), ...followUpContent(record, sendAt) };
}

const LABEL = { 'thank-you': 'Thank-you', 'follow-up': 'Follow-up' } as const;

export function renderConfirmation(
  record: InterviewRecord,
  cancelUrl: string,
  senderAddress: string,
): OutgoingEmail {
  const zone = record.interview.timeZone;
  const lines = SCHEDULED_KINDS.map((kind) => {
    const e = record.emails[kind];
    if (e.status === 'skipped') return `- ${LABEL[kind]}: not sent. ${e.reason ?? ''}`.trimEnd();
    if (!e.sendAt) return `- ${LABEL[kind]}: ${e.status}`;
    const when = formatForPeople(new Date(e.sendAt), zone);
    return e.status === 'scheduled' ? `- ${LABEL[kind]}: ${when}` : `- ${LABEL[kind]}: ${when} (${e.status})`;
  });
  const text = [
    `Hello ${record.candidate.name},`,
    '',
    `Your emails to ${record.interviewer.name} (${record.interviewer.email}) about ${role(record)} are scheduled:`,
    '',
    ...lines,
    '',
    `They come from ${senderAddress} with your name on them, and any reply from ${record.interviewer.name} goes straight to you at ${record.candidate.email}.`,
    '',
    'To cancel whatever has not been sent yet, open this link and press the button on the page:',
    cancelUrl,
    '',
    'Good luck!',
    '',
  ].join('\n');
  return {
    from: mailbox('Interview follow-up', senderAddress),
    to: [record.candidate.email],
    bcc: [],
    replyTo: [],
    subject: `Scheduled: your thank-you and follow-up to ${record.interviewer.name}`,
    text,
    tags: tags(record, 'confirmation'),
  };
}
