/**
 * Logs carry interview ids, never email addresses, names or tokens. Error messages from AWS can
 * quote an address ("Email address is not verified: …"), so every logged string passes through
 * `redact` first.
 */
const EMAIL = /[^\s<>"'(),;:@]+@[^\s<>"'(),;:@]+\.[A-Za-z]{2,}/g;
const TOKEN_IN_PATH = /\/cancel\/[A-Za-z0-9_-]+/g;
const BEARER = /Bearer\s+\S+/gi;

export function redact(text: string): string {
  return text
    .replace(EMAIL, '[email]')
    .replace(TOKEN_IN_PATH, '/cancel/[token]')
    .replace(BEARER, 'Bearer [key]');
}

export function redactFields(fields: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(fields).map(([k, v]) => [k, typeof v === 'string' ? redact(v) : v]),
  );
}
