/**
 * The default words of the interviewer's emails, in variants. Each panelist gets their own email,
 * and two of them (even two with the same name and no note) must never get the same text, so
 * each kind is written as openings and closings, and a panelist's position in the panel picks
 * one of each: position i → opening i % 4, closing ⌊i / 4⌋ % 2, eight different texts for the
 * eight people a panel may have. Position 0 is the one text of before panels, word for word.
 *
 * Every variant takes the same values (`Wording`), which are noun phrases and clauses that read
 * with or without a company ("the Copywriter position" / "… at Example Corp") and highlights.
 */
import type { ScheduledKind } from './events.js';
import type { InterviewRecord } from './interview.js';
import type { MessageTemplates } from './templates.js';

type About = Pick<InterviewRecord, 'position' | 'company'>;

/** "the Copywriter position at Example Corp", or without the company when there is none. */
export function role(r: About): string {
  return r.company ? `the ${r.position} position at ${r.company}` : `the ${r.position} position`;
}

/** "the Copywriter interview at Example Corp": what the default subjects are about. */
export function subjectAbout(r: About): string {
  return r.company ? `the ${r.position} interview at ${r.company}` : `the ${r.position} interview`;
}

/** The candidate's name, phone and address, one a line. */
export function signature(r: Pick<InterviewRecord, 'candidate'>): string {
  return [r.candidate.name, r.candidate.phone, r.candidate.email].filter(Boolean).join('\n');
}

/** Paragraphs of a custom body: separated by blank lines, inner line breaks kept. */
export function paragraphs(body: string): string[] {
  return body
    .replace(/\r\n?/g, '\n')
    .split(/\n\s*\n/)
    .map((p) => p.trim())
    .filter((p) => p !== '');
}

/** `Re: ` once: a subject that already starts with "Re:" (in any case) is kept as it is. */
export function replySubject(subject: string): string {
  return /^\s*re:/i.test(subject) ? subject : `Re: ${subject}`;
}

/** The values the texts are made of; an empty string is an absent value. */
export interface Wording {
  /** "Good morning", by the local hour of sending. */
  greeting: string;
  /** The panelist's name. */
  name: string;
  /** The interview day relative to the send day: "today", "last Friday", "on November 20". */
  day: string;
  /** "the Copywriter position at Example Corp". */
  role: string;
  /** The candidate's highlights, a noun phrase ("my experience in marketing"), or ''. */
  highlights: string;
  /** A clause personal to this panelist ("our conversation about the spring campaign"), or ''. */
  note: string;
  /** Name, phone and address, one a line. */
  signature: string;
}

/** How many openings and closings each kind has: 4 × 2 different texts. */
export const OPENINGS = 4;
export const CLOSINGS = 2;

/** The opening and closing of the panelist at `position` (0-based) in the panel. */
export function variantOf(position: number): { opening: number; closing: number } {
  const i = Math.max(0, Math.trunc(position));
  return { opening: i % OPENINGS, closing: Math.floor(i / OPENINGS) % CLOSINGS };
}

function pick<T>(list: readonly T[], index: number): T {
  const item = list[index % list.length];
  if (item === undefined) throw new Error('no variant');
  return item;
}

/**
 * The note as the end of a sentence: trimmed, its first word lower-cased when it is a common one
 * that only starts it because it was typed on its own ("Our conversation …"), and a period added
 * unless it already ends a sentence (so a note ending with one does not get two).
 */
export function noteSentence(lead: string, note: string): string {
  const clause = note
    .trim()
    .replace(/^(Our|The|Your|My|A|An|Hearing|Learning|Seeing|Meeting|Talking)\b/, (w) => w.toLowerCase());
  return /[.!?…]$/.test(clause) ? `${lead} ${clause}` : `${lead} ${clause}.`;
}

const THANK_YOU_OPENINGS: readonly ((w: Wording) => { thanks: string; middle: string; withNote: string })[] =
  [
    (w) => ({
      thanks: `Thank you for taking the time to meet with me ${w.day} about ${w.role}.`,
      middle: 'I enjoyed our conversation and learning more about the role and the team.',
      withNote: noteSentence('I especially enjoyed', w.note),
    }),
    (w) => ({
      thanks: `Thank you for meeting with me ${w.day} to talk about ${w.role}.`,
      middle: 'It was good to hear how the team works and what the role involves.',
      withNote: noteSentence('I really appreciated', w.note),
    }),
    (w) => ({
      thanks: `I appreciated the chance to speak with you ${w.day} about ${w.role}.`,
      middle: 'Our conversation gave me a much clearer picture of the role and the team.',
      withNote: noteSentence('One highlight for me was', w.note),
    }),
    (w) => ({
      thanks: `Many thanks for speaking with me ${w.day} about ${w.role}.`,
      middle: 'I enjoyed learning about the work and came away even more interested in joining the team.',
      withNote: noteSentence('I particularly enjoyed', w.note),
    }),
  ];

const THANK_YOU_CLOSINGS: readonly { last: string; signOff: string }[] = [
  { last: 'I look forward to hearing from you.', signOff: 'Best regards,' },
  {
    last: 'I would be happy to answer any other questions you may have, and I hope to hear from you soon.',
    signOff: 'Kind regards,',
  },
];

/** The thank-you: the note, when there is one, takes the place of the general middle sentence. */
export function thankYouBlocks(w: Wording, position: number): string[] {
  const { opening, closing } = variantOf(position);
  const o = pick(THANK_YOU_OPENINGS, opening)(w);
  const c = pick(THANK_YOU_CLOSINGS, closing);
  return [
    `${w.greeting}, ${w.name}!`,
    `${o.thanks} ${w.note.trim() ? o.withNote : o.middle}`,
    c.last,
    `${c.signOff}\n${w.signature}`,
  ];
}

const FOLLOW_UP_OPENINGS: readonly ((w: Wording) => string)[] = [
  (w) =>
    `I wanted to thank you again for your time ${w.day}. It was a pleasure meeting you and learning more about ${w.role}.`,
  (w) =>
    `I wanted to follow up on our conversation ${w.day} about ${w.role}. It was good to meet you and hear more about the work and the team.`,
  (w) =>
    `I hope you are well. I enjoyed our conversation ${w.day} and appreciated learning more about ${w.role}.`,
  (w) =>
    `I am writing to follow up on our interview ${w.day} for ${w.role}. I enjoyed our conversation and came away with a clear picture of what the role involves.`,
];

const FOLLOW_UP_CLOSINGS: readonly { interest: (w: Wording) => string; signOff: string }[] = [
  {
    interest: (w) =>
      w.highlights
        ? `Given ${w.highlights}, I feel that I would be a strong fit for this position, and I look forward to hearing from you regarding next steps.`
        : 'I remain very interested in this position and look forward to hearing from you regarding next steps.',
    signOff: 'Thank you again,',
  },
  {
    interest: (w) =>
      w.highlights
        ? `I am confident that ${w.highlights} would let me contribute from the start, and I would welcome any news about next steps.`
        : 'I am still very interested in the role and would welcome any news about next steps.',
    signOff: 'Many thanks,',
  },
];

/** The follow-up (the note is the thank-you's: repeated three days later it would read as a form). */
export function followUpBlocks(w: Wording, position: number): string[] {
  const { opening, closing } = variantOf(position);
  const c = pick(FOLLOW_UP_CLOSINGS, closing);
  return [
    `${w.greeting}, ${w.name}!`,
    pick(FOLLOW_UP_OPENINGS, opening)(w),
    c.interest(w),
    `${c.signOff}\n${w.signature}`,
  ];
}

const SECOND_FOLLOW_UP_OPENINGS: readonly ((w: Wording) => string)[] = [
  (w) => `I wanted to check in once more about ${w.role}, which we discussed ${w.day}.`,
  (w) => `I am writing once more about ${w.role}, following our conversation ${w.day}.`,
  (w) =>
    `I hope all is well. It has been a little while since we spoke ${w.day}, so I wanted to check in again about ${w.role}.`,
  (w) => `I am following up once more on our conversation ${w.day} about ${w.role}.`,
];

const SECOND_FOLLOW_UP_CLOSINGS: readonly { last: string; signOff: string }[] = [
  {
    last: 'I know these decisions take time. I remain very interested and would be glad to hear any news when you have it.',
    signOff: 'Best wishes,',
  },
  {
    last: 'I am still very interested in the role, and I would welcome an update whenever it suits you.',
    signOff: 'All the best,',
  },
];

/** The second follow-up: shorter than the first, checking in once more without pressing. */
export function secondFollowUpBlocks(w: Wording, position: number): string[] {
  const { opening, closing } = variantOf(position);
  const c = pick(SECOND_FOLLOW_UP_CLOSINGS, closing);
  return [
    `${w.greeting}, ${w.name}!`,
    `${pick(SECOND_FOLLOW_UP_OPENINGS, opening)(w)} ${c.last}`,
    `${c.signOff}\n${w.signature}`,
  ];
}

/** Per kind: the default subject (when it starts its own thread), its words, its custom template. */
export const KIND_TEXTS: Record<
  ScheduledKind,
  {
    subject: (about: string) => string;
    blocks: (w: Wording, position: number) => string[];
    template: keyof MessageTemplates;
  }
> = {
  'thank-you': { subject: (about) => `Thank you for ${about}`, blocks: thankYouBlocks, template: 'thankYou' },
  'follow-up': {
    subject: (about) => `Following up on ${about}`,
    blocks: followUpBlocks,
    template: 'followUp',
  },
  'second-follow-up': {
    subject: (about) => `Checking in on ${about}`,
    blocks: secondFollowUpBlocks,
    template: 'secondFollowUp',
  },
};
