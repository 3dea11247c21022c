/**
 * The words. Pure functions from an interview record and the moment of sending to a message:
 * the greeting fits the local hour at which the email goes out, and the interview day is named
 * relative to the send day, both in the interview's zone. Each email is written once as blocks
 * (paragraphs and links) and rendered twice, as plain text and as minimal, escaped HTML.
 */
import type { EmailKind } from './events.js';
import type { InterviewRecord } from './interview.js';
import { CONFIRMATIONS_LIMITED, EMAIL_LABEL, SCHEDULED_KINDS } from './interview.js';
import { fillTemplate, type MessageTemplate, type PlaceholderValues } from './templates.js';
import {
  addCalendarDays,
  calendarDaysBetween,
  formatForPeople,
  formatMonthDay,
  formatWeekday,
  localDate,
  wallClock,
  weekday,
} from './time.js';

export interface EmailContent {
  subject: string;
  /** The plain-text part. */
  text: string;
  /** A minimal HTML part with the same words; every user value escaped. */
  html: string;
}

export interface OutgoingEmail extends EmailContent {
  from: string;
  to: string[];
  bcc: string[];
  replyTo: string[];
  tags: { name: string; value: string }[];
}

export function greeting(sendAt: Date, zone: string): string {
  const { hour } = wallClock(sendAt, zone);
  if (hour < 12) return 'Good morning';
  if (hour < 18) return 'Good afternoon';
  return 'Good evening';
}

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
  if (weeks === 0) return `on ${formatWeekday(interviewEnd, zone)}`;
  if (weeks === 1) return `last ${formatWeekday(interviewEnd, zone)}`;
  return `on ${formatMonthDay(interviewEnd, zone)}`;
}

/**
 * `"Display Name" <address>` for the From header. Plain ASCII names are quoted (with `"` and `\`
 * escaped); anything else becomes RFC 2047 encoded words, which SES requires for non-ASCII.
 */
export function mailbox(displayName: string, address: string): string {
  if (/^[\x20-\x7e]*$/.test(displayName)) {
    return `"${displayName.replace(/[\\"]/g, (c) => `\\${c}`)}" <${address}>`;
  }
  return `${encodedWords(displayName).join(' ')} <${address}>`;
}

/**
 * RFC 2047 allows an encoded word 75 characters at most: "=?UTF-8?B?" and "?=" leave 63, so each
 * carries at most 45 bytes (60 in base64), and whole characters only (a reader decodes each word
 * on its own). Readers join adjacent encoded words without the space between them.
 */
export function encodedWords(text: string): string[] {
  const MAX_BYTES = 45;
  const words: string[] = [];
  let chunk: Buffer[] = [];
  let size = 0;
  const flush = () => {
    if (size > 0) words.push(`=?UTF-8?B?${Buffer.concat(chunk).toString('base64')}?=`);
    chunk = [];
    size = 0;
  };
  for (const char of text) {
    const bytes = Buffer.from(char, 'utf8');
    if (size + bytes.length > MAX_BYTES) flush();
    chunk.push(bytes);
    size += bytes.length;
  }
  flush();
  return words;
}

/** A paragraph (lines kept as they are) or a link on its own line. */
type Block = string | { link: string };

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] ?? c);
}

function compose(subject: string, blocks: Block[]): EmailContent {
  const text = `${blocks.map((b) => (typeof b === 'string' ? b : b.link)).join('\n\n')}\n`;
  const body = blocks
    .map((b) =>
      typeof b === 'string'
        ? `<p>${escapeHtml(b).replace(/\n/g, '<br>')}</p>`
        : `<p><a href="${escapeHtml(b.link)}">${escapeHtml(b.link)}</a></p>`,
    )
    .join('\n');
  const html = `<!doctype html>\n<html><head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head>\n<body>\n${body}\n</body></html>\n`;
  return { subject, text, html };
}

/** Paragraphs of a custom body: separated by blank lines, inner line breaks kept. */
function paragraphs(body: string): string[] {
  return body
    .replace(/\r\n?/g, '\n')
    .split(/\n\s*\n/)
    .map((p) => p.trim())
    .filter((p) => p !== '');
}

function role(record: InterviewRecord): string {
  return record.company
    ? `the ${record.position} position at ${record.company}`
    : `the ${record.position} position`;
}

function signature(record: InterviewRecord): string {
  return [record.candidate.name, record.candidate.phone, record.candidate.email].filter(Boolean).join('\n');
}

function subjectAbout(record: InterviewRecord): string {
  return record.company
    ? `the ${record.position} interview at ${record.company}`
    : `the ${record.position} interview`;
}

function placeholders(record: InterviewRecord, sendAt: Date): PlaceholderValues {
  const zone = record.interview.timeZone;
  return {
    interviewerName: record.interviewer.name,
    candidateName: record.candidate.name,
    position: record.position,
    company: record.company ?? '',
    interviewDay: interviewDay(new Date(record.interview.endsAt), sendAt, zone),
    highlights: record.highlights ?? '',
    greeting: greeting(sendAt, zone),
  };
}

function custom(template: MessageTemplate, values: PlaceholderValues, fallback: EmailContent): EmailContent {
  const subject = template.subject ? fillTemplate(template.subject, values) : fallback.subject;
  if (!template.body) return { ...fallback, subject };
  return compose(subject, paragraphs(fillTemplate(template.body, values)));
}

export function thankYouContent(record: InterviewRecord, sendAt: Date): EmailContent {
  const v = placeholders(record, sendAt);
  const content = compose(`Thank you for ${subjectAbout(record)}`, [
    `${v.greeting}, ${v.interviewerName}!`,
    `Thank you for taking the time to meet with me ${v.interviewDay} about ${role(record)}. I enjoyed our conversation and learning more about the role and the team.`,
    'I look forward to hearing from you.',
    `Best regards,\n${signature(record)}`,
  ]);
  const template = record.messages?.thankYou;
  return template ? custom(template, v, content) : content;
}

export function followUpContent(record: InterviewRecord, sendAt: Date): EmailContent {
  const v = placeholders(record, sendAt);
  const interest = record.highlights
    ? `Given ${record.highlights}, I feel that I would be a strong fit for this position, and I look forward to hearing from you regarding next steps.`
    : 'I remain very interested in this position and look forward to hearing from you regarding next steps.';
  const content = compose(`Following up on ${subjectAbout(record)}`, [
    `${v.greeting}, ${v.interviewerName}!`,
    `I wanted to thank you again for your time ${v.interviewDay}. It was a pleasure meeting you and learning more about ${role(record)}.`,
    interest,
    `Thank you again,\n${signature(record)}`,
  ]);
  const template = record.messages?.followUp;
  return template ? custom(template, v, content) : content;
}

function tags(record: InterviewRecord, kind: EmailKind | 'late-notice') {
  return [
    { name: 'interview-id', value: record.id },
    { name: 'kind', value: kind },
  ];
}

/**
 * Whether the candidate gets a copy: asked for (the default), and not an address that already had
 * its day's confirmations (its own was skipped for that), so copies cannot fill a stranger's inbox.
 */
function copiesCandidate(record: InterviewRecord): boolean {
  return record.copyCandidate !== false && record.emails.confirmation.reason !== CONFIRMATIONS_LIMITED;
}

/** To the interviewer, from the candidate's name, replies to the candidate, a copy to the candidate. */
function toInterviewer(record: InterviewRecord, kind: EmailKind, senderAddress: string) {
  return {
    from: mailbox(record.candidate.name, senderAddress),
    to: [record.interviewer.email],
    bcc: copiesCandidate(record) ? [record.candidate.email] : [],
    replyTo: [record.candidate.email],
    tags: tags(record, kind),
  };
}

export function renderThankYou(record: InterviewRecord, sendAt: Date, senderAddress: string): OutgoingEmail {
  return { ...toInterviewer(record, 'thank-you', senderAddress), ...thankYouContent(record, sendAt) };
}

export function renderFollowUp(record: InterviewRecord, sendAt: Date, senderAddress: string): OutgoingEmail {
  return { ...toInterviewer(record, 'follow-up', senderAddress), ...followUpContent(record, sendAt) };
}

export function renderConfirmation(
  record: InterviewRecord,
  cancelUrl: string,
  senderAddress: string,
): OutgoingEmail {
  const zone = record.interview.timeZone;
  const lines = SCHEDULED_KINDS.map((kind) => {
    const e = record.emails[kind];
    if (e.status === 'skipped') return `${EMAIL_LABEL[kind]}: not sent. ${e.reason ?? ''}`.trimEnd();
    if (!e.sendAt) return `${EMAIL_LABEL[kind]}: ${e.status}`;
    const when = formatForPeople(new Date(e.sendAt), zone);
    return e.status === 'scheduled'
      ? `${EMAIL_LABEL[kind]}: ${when}`
      : `${EMAIL_LABEL[kind]}: ${when} (${e.status})`;
  });
  const copy =
    record.copyCandidate === false
      ? 'You will not get a copy of them.'
      : 'You will get a copy of each one when it goes out.';
  const content = compose(`Scheduled: your thank-you and follow-up to ${record.interviewer.name}`, [
    `Hello ${record.candidate.name},`,
    `Your emails to ${record.interviewer.name} (${record.interviewer.email}) about ${role(record)} are scheduled:`,
    lines.map((line) => `- ${line}`).join('\n'),
    `They come from ${senderAddress} with your name on them, and any reply from ${record.interviewer.name} goes straight to you at ${record.candidate.email}. ${copy}`,
    'To cancel whatever has not been sent yet, open this link and press the button on the page:',
    { link: cancelUrl },
    'Good luck!',
  ]);
  return toCandidate(record, 'confirmation', content, senderAddress);
}

/** From the service, to the candidate alone. */
function toCandidate(
  record: InterviewRecord,
  kind: EmailKind | 'late-notice',
  content: EmailContent,
  senderAddress: string,
): OutgoingEmail {
  return {
    from: mailbox('Interview follow-up', senderAddress),
    to: [record.candidate.email],
    bcc: [],
    replyTo: [],
    tags: tags(record, kind),
    ...content,
  };
}

/**
 * To the candidate, when their thank-you fired so late that sending it would not read as a
 * careful person's note (see lateness.ts): it was not sent, and they may want to write one
 * themselves. `plannedAt` is the time it was planned for.
 */
export function renderLateNotice(
  record: InterviewRecord,
  plannedAt: Date,
  senderAddress: string,
): OutgoingEmail {
  const zone = record.interview.timeZone;
  const content = compose(`Not sent: your thank-you to ${record.interviewer.name}`, [
    `Hello ${record.candidate.name},`,
    `Your thank-you to ${record.interviewer.name} (${record.interviewer.email}) about ${role(record)} was planned for ${formatForPeople(plannedAt, zone)}. Our service could not send it then, and a thank-you that arrives more than a day late reads as an afterthought, so we did not send it.`,
    record.emails['follow-up'].status === 'scheduled'
      ? 'If you would still like to thank them, a short note of your own today is best. Your follow-up is still scheduled, and you can cancel it with the link in your confirmation.'
      : 'If you would still like to thank them, a short note of your own today is best.',
    'We are sorry for the trouble.',
  ]);
  // Its own kind, so SES feedback about it can never be taken for the thank-you's.
  return toCandidate(record, 'late-notice', content, senderAddress);
}
