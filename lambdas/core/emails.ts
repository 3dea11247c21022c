/**
 * The words. Pure functions from an interview record and the moment of sending to a message:
 * the greeting fits the local hour at which the email goes out, and the interview day is named
 * relative to the send day, both in the interview's zone. Each email is written once as blocks
 * (paragraphs and links) and rendered twice, as plain text and as minimal, escaped HTML. Every
 * interviewer email goes to one panelist, in that person's variant of the words (email-texts.ts).
 */
import { KIND_TEXTS, paragraphs, replySubject, role, signature, subjectAbout } from './email-texts.js';
import { type EmailKind, isCandidateKind, type ScheduledKind } from './events.js';
import type { EmailState, InterviewRecord } from './interview.js';
import { CONFIRMATIONS_LIMITED, EMAIL_LABEL, SCHEDULED_KINDS } from './interview.js';
import { type EmailKey, emailKey, keyTag, type Panelist, panelistOf, parseEmailKey } from './panel.js';
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
  /**
   * The SES message ids (raw, as stored in EmailState.messageId) of the thread this email answers,
   * root first: the mail adapter makes them In-Reply-To (the last) and References (all).
   */
  thread?: string[];
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

export function compose(subject: string, blocks: Block[]): EmailContent {
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

function placeholders(record: InterviewRecord, person: Panelist, sendAt: Date): PlaceholderValues {
  const zone = record.interview.timeZone;
  return {
    interviewerName: person.name,
    candidateName: record.candidate.name,
    position: record.position,
    company: record.company ?? '',
    interviewDay: interviewDay(new Date(record.interview.endsAt), sendAt, zone),
    highlights: record.highlights ?? '',
    greeting: greeting(sendAt, zone),
    note: person.note ?? '',
  };
}

/** The panelist's place in the panel (0-based), which picks their variant of the words. */
function positionOf(record: InterviewRecord, person: Panelist): number {
  return Math.max(
    0,
    (record.interviewers ?? []).findIndex((p) => p.id === person.id),
  );
}

/**
 * One interviewer email's words: the candidate's custom subject and body where given, else the
 * defaults in the panelist's variant. `threadSubject` is the (`Re:`) subject of the thread it answers: a
 * reply keeps its thread's subject, so a custom subject is ignored for a threaded email.
 */
function content(
  kind: ScheduledKind,
  record: InterviewRecord,
  person: Panelist,
  sendAt: Date,
  threadSubject?: string,
): EmailContent {
  const v = placeholders(record, person, sendAt);
  const d = KIND_TEXTS[kind];
  const template: MessageTemplate | undefined = record.messages?.[d.template];
  const subject =
    threadSubject ??
    (template?.subject ? fillTemplate(template.subject, v) : d.subject(subjectAbout(record)));
  if (template?.body) return compose(subject, paragraphs(fillTemplate(template.body, v)));
  const wording = {
    greeting: v.greeting,
    name: v.interviewerName,
    day: v.interviewDay,
    role: role(record),
    highlights: v.highlights,
    note: v.note,
    signature: signature(record),
  };
  return compose(subject, d.blocks(wording, positionOf(record, person)));
}

/** The thank-you to one panelist (it always starts its own thread). */
export function thankYouContent(record: InterviewRecord, person: Panelist, sendAt: Date): EmailContent {
  return content('thank-you', record, person, sendAt);
}

/** The follow-up to one panelist, as it reads when it starts its own thread. */
export function followUpContent(record: InterviewRecord, person: Panelist, sendAt: Date): EmailContent {
  return content('follow-up', record, person, sendAt);
}

/** The second follow-up to one panelist, as it reads when it starts its own thread. */
export function secondFollowUpContent(record: InterviewRecord, person: Panelist, sendAt: Date): EmailContent {
  return content('second-follow-up', record, person, sendAt);
}

/**
 * The thread an email to one panelist answers: the SES message ids of that person's earlier
 * emails that went out (`sent`, with a message id), root first, and `Re:` the subject of the
 * first of them that has one. Undefined when none did (cancelled, failed, skipped, not yet sent)
 * or none kept its subject: then the email starts its own thread with its own subject.
 */
export function threadOf(
  record: InterviewRecord,
  kind: ScheduledKind,
  person: number,
): { ids: string[]; subject: string } | undefined {
  const earlier = SCHEDULED_KINDS.slice(0, SCHEDULED_KINDS.indexOf(kind));
  const sent = earlier
    .map((k) => record.emails[emailKey(k, person)])
    .filter((e): e is EmailState & { messageId: string } => e?.status === 'sent' && !!e.messageId);
  const subject = sent.find((e) => e.subject)?.subject;
  return subject ? { ids: sent.map((e) => e.messageId), subject: replySubject(subject) } : undefined;
}

/**
 * SES tags, so feedback can be matched back: the interview, the kind and, for its own emails,
 * the email's key as a tag value (`thank-you_2`, see keyTag: SES allows only letters, digits,
 * `_` and `-` in tag values).
 */
function tags(record: InterviewRecord, kind: EmailKind | 'late-notice', key?: EmailKey) {
  return [
    { name: 'interview-id', value: record.id },
    { name: 'kind', value: kind },
    ...(key ? [{ name: 'email', value: keyTag(key) }] : []),
  ];
}

/**
 * Whether the candidate gets a copy: asked for (the default), and not an address that already had
 * its day's confirmations (its own was skipped for that), so copies cannot fill a stranger's inbox.
 */
function copiesCandidate(record: InterviewRecord): boolean {
  return record.copyCandidate !== false && record.emails.confirmation.reason !== CONFIRMATIONS_LIMITED;
}

/**
 * One panelist's email (`key` names which, see panel.ts): to that person alone, from the
 * candidate's name, replies to the candidate, a copy to the candidate; in the thread of that
 * person's earlier emails when any went out (`threadOf`). Throws for a key that is not one of
 * this record's panelists' emails.
 */
export function renderForInterviewer(
  record: InterviewRecord,
  key: EmailKey,
  sendAt: Date,
  senderAddress: string,
): OutgoingEmail {
  const kind = parseEmailKey(key)?.kind;
  const person = panelistOf(record.interviewers ?? [], key);
  if (!person || kind === undefined || isCandidateKind(kind)) {
    throw new Error(`not an interviewer's email of interview ${record.id}: ${key}`);
  }
  const thread = threadOf(record, kind, person.id);
  return {
    from: mailbox(record.candidate.name, senderAddress),
    to: [person.email],
    bcc: copiesCandidate(record) ? [record.candidate.email] : [],
    replyTo: [record.candidate.email],
    tags: tags(record, kind, key),
    ...content(kind, record, person, sendAt, thread?.subject),
    ...(thread && { thread: thread.ids }),
  };
}

/** One email as the candidate reads it: its time for people, or why it is not sent. */
export function statusLine(kind: ScheduledKind, e: EmailState, zone: string): string {
  if (e.status === 'skipped') return `${EMAIL_LABEL[kind]}: not sent. ${e.reason ?? ''}`.trimEnd();
  if (!e.sendAt) return `${EMAIL_LABEL[kind]}: ${e.status}`;
  const when = formatForPeople(new Date(e.sendAt), zone);
  // Held until the candidate confirms (a self-serve submission): its time, as it will be.
  return e.status === 'scheduled' || e.status === 'held'
    ? `${EMAIL_LABEL[kind]}: ${when}`
    : `${EMAIL_LABEL[kind]}: ${when} (${e.status})`;
}

/** One panelist's emails the record holds, in the order they go out. */
export function emailsOf(record: InterviewRecord, p: Panelist): { kind: ScheduledKind; e: EmailState }[] {
  return SCHEDULED_KINDS.flatMap((kind) => {
    const e = record.emails[emailKey(kind, p.id)];
    return e ? [{ kind, e }] : [];
  });
}

/** One panelist's emails as the candidate's emails list them, one `- ` line each (statusLine). */
export function planLines(record: InterviewRecord, p: Panelist): string {
  return emailsOf(record, p)
    .map(({ kind, e }) => `- ${statusLine(kind, e, record.interview.timeZone)}`)
    .join('\n');
}

/**
 * To the candidate: every email, person by person, with its time for people (or why not), and the
 * cancel link. A panel of one reads as before panels; a larger panel gets one block a person.
 */
export function renderConfirmation(
  record: InterviewRecord,
  cancelUrl: string,
  senderAddress: string,
): OutgoingEmail {
  const panel = record.interviewers ?? [];
  const linesOf = (p: Panelist) => planLines(record, p);
  const going = (kind: ScheduledKind) =>
    panel.some((p) => emailsOf(record, p).some((x) => x.kind === kind && x.e.status !== 'skipped'));
  const copy =
    record.copyCandidate === false
      ? 'You will not get a copy of them.'
      : 'You will get a copy of each one when it goes out.';
  const only = panel.length === 1 ? panel[0] : undefined;
  const content = only
    ? compose(
        `Scheduled: your thank-you and ${going('second-follow-up') ? 'follow-ups' : 'follow-up'} to ${only.name}`,
        [
          `Hello ${record.candidate.name},`,
          `Your emails to ${only.name} (${only.email}) about ${role(record)} are scheduled:`,
          linesOf(only),
          `They come from ${senderAddress} with your name on them, and any reply from ${only.name} goes straight to you at ${record.candidate.email}. ${copy}`,
          ...cancelBlocks(cancelUrl),
        ],
      )
    : compose(
        `Scheduled: your thank-you notes${going('follow-up') || going('second-follow-up') ? ' and follow-ups' : ''} to ${panel.length} interviewers`,
        [
          `Hello ${record.candidate.name},`,
          `Your emails about ${role(record)} are scheduled, separately for each interviewer:`,
          ...panel.map((p) => `To ${p.name} (${p.email}):\n${linesOf(p)}`),
          `They come from ${senderAddress} with your name on them, and any reply from your interviewers goes straight to you at ${record.candidate.email}. ${copy}`,
          ...cancelBlocks(cancelUrl),
        ],
      );
  return toCandidate(record, 'confirmation', content, senderAddress, 'confirmation');
}

function cancelBlocks(cancelUrl: string): Block[] {
  // A self-serve interview's link opens its manage page (api/manage.tsx), an API interview's the cancel page.
  const manage = /\/manage\/[^/]+$/.test(cancelUrl);
  return [
    manage
      ? 'To change, cancel or restore what has not been sent yet, or to erase your data, open this link and use the buttons on the page:'
      : 'To cancel whatever has not been sent yet, open this link and press the button on the page:',
    { link: cancelUrl },
    'Good luck!',
  ];
}

/** From the service, to the candidate alone. */
export function toCandidate(
  record: InterviewRecord,
  kind: EmailKind | 'late-notice',
  content: EmailContent,
  senderAddress: string,
  key?: EmailKey,
): OutgoingEmail {
  return {
    from: mailbox('Interview follow-up', senderAddress),
    to: [record.candidate.email],
    bcc: [],
    replyTo: [],
    tags: tags(record, kind, key),
    ...content,
  };
}

/**
 * To the candidate, when a panelist's thank-you fired so late that sending it would not read as a
 * careful person's note (see lateness.ts): it was not sent, and they may want to write one
 * themselves. `key` is that thank-you's (any key of the person names them; the notice is always
 * about their thank-you); `plannedAt` is the time it was planned for. Throws for a key of no
 * panelist of the record.
 */
export function renderLateNotice(
  record: InterviewRecord,
  key: EmailKey,
  plannedAt: Date,
  senderAddress: string,
): OutgoingEmail {
  const person = panelistOf(record.interviewers ?? [], key);
  if (!person) throw new Error(`not an interviewer's email of interview ${record.id}: ${key}`);
  const zone = record.interview.timeZone;
  const content = compose(`Not sent: your thank-you to ${person.name}`, [
    `Hello ${record.candidate.name},`,
    `Your thank-you to ${person.name} (${person.email}) about ${role(record)} was planned for ${formatForPeople(plannedAt, zone)}. Our service could not send it then, and a thank-you that arrives more than a day late reads as an afterthought, so we did not send it.`,
    record.emails[emailKey('follow-up', person.id)]?.status === 'scheduled'
      ? 'If you would still like to thank them, a short note of your own today is best. Your follow-up is still scheduled, and you can cancel it with the link in your confirmation.'
      : 'If you would still like to thank them, a short note of your own today is best.',
    'We are sorry for the trouble.',
  ]);
  // Its own kind and no `email` tag, so SES feedback about it can never be taken for the thank-you's.
  return toCandidate(record, 'late-notice', content, senderAddress);
}
