/**
 * Custom messages: a subject and a body written by the candidate, with placeholders filled in at
 * the moment of sending. `{{name}}` (spaces inside the braces allowed) is a placeholder; anything
 * else is text. Unknown placeholders are refused at intake, so a typo never reaches an interviewer.
 */
export const PLACEHOLDERS = [
  'interviewerName',
  'candidateName',
  'position',
  'company',
  'interviewDay',
  'highlights',
  'greeting',
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
}

const TOKEN = /\{\{\s*([^{}]*?)\s*\}\}/g;

export function isPlaceholder(name: string): name is PlaceholderName {
  return (PLACEHOLDERS as readonly string[]).includes(name);
}

/** Every placeholder name the template uses, in order of first use. */
export function placeholdersIn(template: string): string[] {
  return [...new Set([...template.matchAll(TOKEN)].map((m) => m[1] ?? ''))];
}

export function fillTemplate(template: string, values: PlaceholderValues): string {
  return template.replace(TOKEN, (whole, name: string) => (isPlaceholder(name) ? values[name] : whole));
}
