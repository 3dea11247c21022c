/**
 * Custom messages: a subject and a body written by the candidate, with placeholders filled in at
 * the moment of sending. `{{name}}` (spaces inside the braces allowed) is a placeholder; anything
 * else is text. Unknown placeholders, and a `{{` or `}}` that is not part of one, are refused at
 * intake, so a typo never reaches an interviewer.
 */
export const PLACEHOLDERS = [
  'interviewerName',
  'candidateName',
  'position',
  'company',
  'interviewDay',
  'highlights',
  'greeting',
  'note',
] as const;

export type PlaceholderName = (typeof PLACEHOLDERS)[number];
export type PlaceholderValues = Record<PlaceholderName, string>;

export interface MessageTemplate {
  subject?: string;
  body?: string;
}

export interface MessageTemplates {
  thankYou?: MessageTemplate;
  followUp?: MessageTemplate;
  secondFollowUp?: MessageTemplate;
}

/**
 * `{{`, anything but braces, `}}`; the name is trimmed afterwards. There is one way to match any
 * text, so matching is linear in its length. (The old `\{\{\s*([^{}]*?)\s*\}\}` let the two
 * `\s*` and the lazy group share the spaces: `{{` and 5,000 spaces took minutes. test/unit/redos
 * checks every pattern in the code with a ReDoS checker.)
 */
const TOKEN = /\{\{([^{}]*)\}\}/g;

export function isPlaceholder(name: string): name is PlaceholderName {
  return (PLACEHOLDERS as readonly string[]).includes(name);
}

/** Every placeholder name the template uses, in order of first use. */
export function placeholdersIn(template: string): string[] {
  return [...new Set([...template.matchAll(TOKEN)].map((m) => (m[1] ?? '').trim()))];
}

/** True when a `{{` or `}}` is left once the placeholders are taken out: an unfinished one. */
export function hasStrayBraces(template: string): boolean {
  const rest = template.replace(TOKEN, '');
  return rest.includes('{{') || rest.includes('}}');
}

export function fillTemplate(template: string, values: PlaceholderValues): string {
  return template.replace(TOKEN, (whole, inner: string) => {
    const name = inner.trim();
    return isPlaceholder(name) ? values[name] : whole;
  });
}

/**
 * The longest values of the placeholders that depend on the moment of sending ("Good afternoon";
 * "on September 30" beats "last Wednesday"), so a length checked at intake holds at sending.
 */
export const LONGEST_TIMED_VALUES = { greeting: 'Good afternoon', interviewDay: 'on September 30' } as const;

/** The length of the filled-in template, without building it. */
export function expandedLength(template: string, values: PlaceholderValues): number {
  let length = template.length;
  for (const match of template.matchAll(TOKEN)) {
    const name = (match[1] ?? '').trim();
    if (isPlaceholder(name)) length += values[name].length - match[0].length;
  }
  return length;
}
