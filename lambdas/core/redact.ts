/**
 * Logs carry interview ids, never email addresses, names or tokens. Error messages from AWS can
 * quote an address ("Email address is not verified: …"), so every logged string passes through
 * `redact` first.
 */
/**
 * Addresses are found word by word, not by one pattern over the whole text: a pattern such as
 * `[^@]+@[^@]+\.[a-z]{2,}` backtracks polynomially on a long run without an `@`, and logged
 * strings can carry submitted text. Splitting on delimiters is linear; a word is an address when
 * it has an `@` with a dot somewhere after it.
 */
const DELIMITERS = /([\s<>"'(),;:]+)/;
/** A link's token: the cancel page's, or the self-serve manage page's. */
const TOKEN_IN_PATH = /\/(cancel|manage)\/[A-Za-z0-9_-]+/g;
const BEARER = /Bearer\s+\S+/gi;

function redactAddresses(text: string): string {
  return text
    .split(DELIMITERS)
    .map((word) => {
      const at = word.indexOf('@');
      return at > 0 && word.indexOf('.', at + 2) > at ? '[email]' : word;
    })
    .join('');
}

export function redact(text: string): string {
  return redactAddresses(text).replace(TOKEN_IN_PATH, '/$1/[token]').replace(BEARER, 'Bearer [key]');
}

export function redactFields(fields: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(fields).map(([k, v]) => [k, typeof v === 'string' ? redact(v) : v]),
  );
}
