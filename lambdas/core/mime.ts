/**
 * Raw messages for SES's SendRawEmail, the one way to give a follow-up the In-Reply-To and
 * References headers that put it in the thread of the thank-you. One shape only: a plain-text and
 * an HTML alternative, both base64. Written here rather than taken from nodemailer's MailComposer
 * (133 KiB minified, with its fetch code) or mimetext (159 KiB) to keep the Lambda bundle small.
 */
import { randomUUID } from 'node:crypto';
import { encodedWords, type OutgoingEmail } from './emails.js';
import { isWellFormed } from './text.js';

export interface MimeMessage {
  /** Already a full mailbox header value, e.g. the output of mailbox(): "\"Reagan Applicant\" <noreply@example.com>" */
  from: string;
  /** Bare addresses. */
  to: readonly string[];
  /** Bare addresses. */
  replyTo?: readonly string[];
  /** Any Unicode; encoded as RFC 2047 words when not printable ASCII or too long. */
  subject: string;
  text: string;
  html: string;
  /** Message-ID of the message this one replies to, with angle brackets, e.g. "<0100abc@email.amazonses.com>" */
  inReplyTo?: string;
  /** The thread's message ids in order, with angle brackets. */
  references?: readonly string[];
  date: Date;
}

/** RFC 2047 limits a line holding encoded words to 76 characters, stricter than RFC 5322's 78: folding keeps every header line to it. */
const FOLD_AT = 76;
/** RFC 5322's recommended line length: a printable ASCII subject that fits is written as it is. */
const PLAIN_LINE = 78;
/** RFC 5322's hard limit on a line, CRLF excluded. */
const MAX_LINE = 998;
/** Base64 lines of RFC 2045. */
const BASE64_LINE = 76;

/** An addr-spec with a dot-atom on both sides: nothing that could end the header or add a display name. */
const ADDRESS =
  /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*$/;
/** `<left@right>`: printable ASCII without spaces, angle brackets or a second "@". */
const MESSAGE_ID = /^<[\x21-\x3b\x3d\x3f\x41-\x7e]+@[\x21-\x3b\x3d\x3f\x41-\x7e]+>$/;
/** RFC 2046's boundary characters less the space, at most 70. */
const BOUNDARY = /^[A-Za-z0-9'()+_,./:=?-]{1,70}$/;

function refuseLineBreaks(field: string, value: string): void {
  // The value itself is left out of the message: it may be someone's address.
  if (/[\r\n]/.test(value)) throw new Error(`mime: ${field} contains CR or LF, which would end its header`);
}

function printableAscii(field: string, value: string): string {
  refuseLineBreaks(field, value);
  if (!/^[\x20-\x7e]+$/.test(value)) {
    throw new Error(`mime: ${field} must be printable ASCII (mailbox() encodes a display name)`);
  }
  return value;
}

function addresses(field: string, values: readonly string[]): string[] {
  return values.map((value, i) => {
    refuseLineBreaks(`${field}[${i}]`, value);
    if (!ADDRESS.test(value)) throw new Error(`mime: ${field}[${i}] must be a bare ASCII address`);
    return value;
  });
}

function messageId(field: string, value: string): string {
  refuseLineBreaks(field, value);
  if (!MESSAGE_ID.test(value)) throw new Error(`mime: ${field} must be a message id, <left@right>`);
  return value;
}

/**
 * `Name: value` as header lines, folded before a space (CRLF, then that space) wherever a line
 * would pass FOLD_AT, so unfolding gives the value back exactly. A word too long for a line of
 * its own stays long, up to RFC 5322's hard limit.
 */
function field(name: string, value: string): string {
  const lines: string[] = [];
  let line = `${name}:`;
  let words = 0;
  for (const word of value.split(' ')) {
    // Never before an empty word (a run of spaces): that would leave a line of white space.
    const fold = word !== '' && `${line} ${word}`.length > FOLD_AT;
    // The first word moves off the header name's line only if that makes it fit.
    if (fold && (words > 0 || word.length + 1 <= FOLD_AT)) {
      lines.push(line);
      line = '';
    }
    line += ` ${word}`;
    words++;
  }
  lines.push(line);
  if (lines.some((l) => l.length > MAX_LINE)) {
    throw new Error(`mime: ${name} cannot be folded into lines of ${MAX_LINE} characters`);
  }
  return lines.join('\r\n');
}

/**
 * As written when printable ASCII fits on one line; otherwise encoded words, one per folded line
 * when they do not fit together. Text that looks like an encoded word, or has white space at
 * either end (which readers drop), is encoded too, so every reader shows the subject as given.
 */
function subjectField(subject: string): string {
  const plain =
    /^[\x20-\x7e]*$/.test(subject) &&
    !subject.includes('=?') &&
    subject === subject.trim() &&
    `Subject: ${subject}`.length <= PLAIN_LINE;
  return plain ? `Subject: ${subject}` : field('Subject', encodedWords(subject).join(' '));
}

const DAYS = 'SunMonTueWedThuFriSat';
const MONTHS = 'JanFebMarAprMayJunJulAugSepOctNovDec';

/** RFC 5322's date-time in UTC, "Wed, 02 Dec 2026 10:00:00 +0000", built by hand so no locale or ICU data is involved. */
function rfc5322Date(date: Date): string {
  const year = date.getUTCFullYear();
  // Also refuses an invalid date (NaN): the grammar's year is four digits.
  if (!(year >= 1900 && year <= 9999)) throw new Error('mime: date must be a valid date in years 1900-9999');
  const two = (n: number) => String(n).padStart(2, '0');
  const day = DAYS.slice(date.getUTCDay() * 3, date.getUTCDay() * 3 + 3);
  const month = MONTHS.slice(date.getUTCMonth() * 3, date.getUTCMonth() * 3 + 3);
  const time = `${two(date.getUTCHours())}:${two(date.getUTCMinutes())}:${two(date.getUTCSeconds())}`;
  return `${day}, ${two(date.getUTCDate())} ${month} ${year} ${time} +0000`;
}

/**
 * The UTF-8 of the text in base64 lines, its line breaks made CRLF first: RFC 2046's canonical
 * form of text, which base64 carries as it is (readers turn CRLF back into their own).
 */
function base64Lines(text: string): string[] {
  const encoded = Buffer.from(text.replace(/\r\n|\r|\n/g, '\r\n'), 'utf8').toString('base64');
  const lines: string[] = [];
  for (let i = 0; i < encoded.length; i += BASE64_LINE) lines.push(encoded.slice(i, i + BASE64_LINE));
  return lines;
}

/**
 * The raw message (CRLF line endings), ready for SendRawEmail's RawMessage.Data. Never contains a
 * Bcc header (SES takes those recipients as Destinations) nor a Message-ID (SES sets its own). The
 * default boundary starts with "=_", which base64 never writes; the delimiter's leading "--" could
 * not occur in base64 either, so a given boundary only has to be well formed.
 */
export function composeMime(message: MimeMessage, boundary = `=_${randomUUID()}`): string {
  if (!BOUNDARY.test(boundary))
    throw new Error('mime: boundary must be 1-70 of RFC 2046 boundary characters');
  if (message.to.length === 0) throw new Error('mime: to needs at least one address');
  // A lone surrogate would go out as U+FFFD: a mangled text is refused, never sent.
  for (const [field, value] of [
    ['subject', message.subject],
    ['text', message.text],
    ['html', message.html],
  ]) {
    if (!isWellFormed(value as string)) throw new Error(`mime: ${field} is not well-formed Unicode`);
  }
  const headers = [
    field('From', printableAscii('from', message.from)),
    field('To', addresses('to', message.to).join(', ')),
  ];
  if (message.replyTo && message.replyTo.length > 0) {
    headers.push(field('Reply-To', addresses('replyTo', message.replyTo).join(', ')));
  }
  headers.push(subjectField(message.subject), `Date: ${rfc5322Date(message.date)}`);
  if (message.inReplyTo !== undefined) {
    headers.push(field('In-Reply-To', messageId('inReplyTo', message.inReplyTo)));
  }
  if (message.references && message.references.length > 0) {
    const ids = message.references.map((id, i) => messageId(`references[${i}]`, id));
    headers.push(field('References', ids.join(' ')));
  }
  headers.push('MIME-Version: 1.0', field('Content-Type', `multipart/alternative; boundary="${boundary}"`));
  const part = (type: string, content: string) => [
    `--${boundary}`,
    `Content-Type: ${type}; charset=UTF-8`,
    'Content-Transfer-Encoding: base64',
    '',
    ...base64Lines(content),
  ];
  return [
    ...headers,
    '',
    ...part('text/plain', message.text),
    ...part('text/html', message.html),
    `--${boundary}--`,
    '',
  ].join('\r\n');
}

/**
 * The Message-ID header value SES gives a message it accepted, from the id it answered with:
 * "<" + messageId + "@" + region + ".amazonses.com>", except in us-east-1, SES's first region,
 * whose messages carry "@email.amazonses.com" (as delivered messages show; SES documents neither
 * form). What a follow-up's In-Reply-To and References name.
 */
export function sesMessageIdHeader(messageId: string, region: string): string {
  refuseLineBreaks('messageId', messageId);
  refuseLineBreaks('region', region);
  if (!/^[A-Za-z0-9-]+$/.test(messageId)) throw new Error('mime: messageId must be an SES message id');
  if (!/^[a-z0-9-]+$/.test(region)) throw new Error('mime: region must be an AWS region name');
  return `<${messageId}@${region === 'us-east-1' ? 'email' : region}.amazonses.com>`;
}

/**
 * Header fields of a raw message by lower-case name: unfolded (each line break before white space
 * removed), the first occurrence of each, values as written (not decoded) without the white space
 * around them. Stops at the first empty line, where the body begins.
 */
export function headerFields(raw: string): Record<string, string> {
  const fields = new Map<string, string>();
  let name: string | undefined;
  let value = '';
  const keep = () => {
    if (name !== undefined && !fields.has(name)) fields.set(name, value.trim());
  };
  for (let start = 0; start < raw.length; ) {
    const newline = raw.indexOf('\n', start);
    const end = newline === -1 ? raw.length : newline;
    const line = raw.slice(start, end > start && raw[end - 1] === '\r' ? end - 1 : end);
    start = end + 1;
    if (line === '') break;
    if (line.startsWith(' ') || line.startsWith('\t')) {
      value += line;
      continue;
    }
    keep();
    const colon = line.indexOf(':');
    name = colon > 0 ? line.slice(0, colon).trim().toLowerCase() : undefined;
    value = colon > 0 ? line.slice(colon + 1) : '';
  }
  keep();
  // From entries, so a field named "__proto__" is an own property like any other.
  return Object.fromEntries(fields);
}

/**
 * The raw message of an email as the service sends it: its thread (SES message ids, root first)
 * becomes In-Reply-To (the last) and References (all), named as SES names them in `region`.
 */
export function rawMessage(email: OutgoingEmail, region: string, date: Date): string {
  const thread = (email.thread ?? []).map((id) => sesMessageIdHeader(id, region));
  return composeMime({
    from: email.from,
    to: email.to,
    replyTo: email.replyTo,
    subject: email.subject,
    text: email.text,
    html: email.html,
    ...(thread.length > 0 && { inReplyTo: thread[thread.length - 1], references: thread }),
    date,
  });
}

/**
 * The header fields of a raw message as its recipient gets it, by lower-case name: SES adds its
 * own Message-ID. Locally the mail stand-in does not keep headers, so the local runtime keeps
 * these beside each message (`GET /_local/mail`, `headers`).
 */
export function receivedHeaders(raw: string, messageId: string, region: string): Record<string, string> {
  return { ...headerFields(raw), 'message-id': sesMessageIdHeader(messageId, region) };
}
