/**
 * Rules for submitted text that reaches an email, so the service cannot be used to impersonate
 * someone or to carry a stranger's link (see SECURITY.md, "Relay rules"). Every check is a scan
 * linear in the text's length (test/unit/redos.test.ts checks the patterns).
 */

/**
 * Unicode format characters (general category Cf): bidi controls, zero-width characters, the
 * BOM, invisible operators, tags. Listed rather than matched with `\p{Cf}`, whose set follows the
 * runtime's Unicode data (a unit test compares the two on the running Node).
 */
export const FORMAT_CHARACTERS =
  /[\u{ad}\u{600}-\u{605}\u{61c}\u{6dd}\u{70f}\u{890}\u{891}\u{8e2}\u{180e}\u{200b}-\u{200f}\u{202a}-\u{202e}\u{2060}-\u{2064}\u{2066}-\u{206f}\u{feff}\u{fff9}-\u{fffb}\u{110bd}\u{110cd}\u{13430}-\u{1343f}\u{1bca0}-\u{1bca3}\u{1d173}-\u{1d17a}\u{e0001}\u{e0020}-\u{e007f}]/u;

/**
 * Zero-width (non-)joiners are format characters that ordinary text needs: emoji sequences and
 * scripts such as Persian and the Indic ones. Free text (bodies, highlights) may keep them; names
 * and subjects may not (they would let "PayPal" and "Pay\u200dPal" look alike).
 */
const JOINERS = new Set(['\u200c', '\u200d']);

/** A format character that text of this kind may not hold, or undefined. */
export function formatCharacterIn(text: string, allowJoiners: boolean): string | undefined {
  for (const char of text) {
    if (FORMAT_CHARACTERS.test(char) && !(allowJoiners && JOINERS.has(char))) return char;
  }
  return undefined;
}

/** False when the text holds a lone surrogate (JSON's "\ud800" escapes can make one). */
export function isWellFormed(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit >= 0xd800 && unit <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (!(next >= 0xdc00 && next <= 0xdfff)) return false;
      i += 1;
    } else if (unit >= 0xdc00 && unit <= 0xdfff) {
      return false;
    }
  }
  return true;
}

/** What a display name or a subject may not contain: a mailbox's syntax, or an encoded word. */
export function headerSyntaxIn(text: string): string | undefined {
  for (let i = 0; i < text.length; i++) {
    const char = text[i] as string;
    if ('@<>"'.includes(char)) return char;
    if (char === '=' && text[i + 1] === '?') return '=?';
  }
  return undefined;
}

// Words are split on spaces and on the punctuation that commonly wraps a link in prose.
const WORD_SEPARATORS = /[\s()[\]{}<>"'`,;!]+/;
const SCHEME = /^[a-z][a-z0-9+.-]*:\/\//i;
/** Schemes that act without `//`. */
const BARE_SCHEME = /^(?:mailto|javascript|vbscript|data|file|tel|sms):/i;
/** A host name: dot-separated labels, the last of two or more letters. */
const HOST = /^(?:[a-z0-9-]+\.)+[a-z]{2,}$/i;
/**
 * Top-level domains that mail programs turn into links even without `www.` or a path. "ASP.NET"
 * or "Node.js" stay text; "example.com" is a link.
 */
const AUTOLINKED_TLDS = new Set([
  'com',
  'net',
  'org',
  'info',
  'biz',
  'io',
  'co',
  'me',
  'app',
  'dev',
  'xyz',
  'top',
  'link',
  'site',
  'online',
  'ru',
  'cn',
  'uk',
  'de',
  'us',
]);

export interface FoundLink {
  /** The word as written. */
  text: string;
  /** Its host, lower-cased, when it has one. */
  host?: string;
}

/** The host of a URL or of a word that starts with one, lower-cased; undefined if none. */
function hostOf(word: string): string | undefined {
  const rest = word.replace(SCHEME, '');
  let end = 0;
  while (end < rest.length && !'/?#'.includes(rest[end] as string)) end += 1;
  let authority = rest.slice(0, end);
  authority = authority.slice(authority.lastIndexOf('@') + 1); // user:password@host
  const colon = authority.indexOf(':');
  if (colon >= 0) authority = authority.slice(0, colon);
  const host = authority.toLowerCase();
  const bare = host.endsWith('.') ? host.slice(0, -1) : host;
  return HOST.test(bare) ? bare : undefined;
}

/** The first link in the text (a URL, `www.…`, a host with a path, or a bare autolinked domain). */
export function linkIn(text: string): FoundLink | undefined {
  for (const raw of text.split(WORD_SEPARATORS)) {
    const word = trimTrailingPunctuation(raw);
    if (SCHEME.test(word) || BARE_SCHEME.test(word)) {
      const host = hostOf(word);
      return { text: word, ...(host && { host }) };
    }
    // An address is not a link (addressIn finds those); anything else may start with a host.
    if (word === '' || word.includes('@')) continue;
    const host = hostOf(word);
    if (host === undefined) continue;
    const after = word.slice(host.length);
    const hasPath = after !== '' && '/?#:'.includes(after[0] as string);
    const tld = host.slice(host.lastIndexOf('.') + 1);
    // "ASP.NET" in capitals reads as a name; "example.com" and "Example.com" get linked.
    const capitals = word.slice(0, host.length) === host.toUpperCase();
    if (host.startsWith('www.') || hasPath || (!capitals && AUTOLINKED_TLDS.has(tld))) {
      return { text: word, host };
    }
  }
  return undefined;
}

/** The first word shaped like an email address (name@host.tld), or undefined. */
export function addressIn(text: string): string | undefined {
  for (const raw of text.split(WORD_SEPARATORS)) {
    const word = trimTrailingPunctuation(raw);
    const at = word.indexOf('@');
    if (at > 0 && HOST.test(word.slice(at + 1))) return word;
  }
  return undefined;
}

function trimTrailingPunctuation(word: string): string {
  let end = word.length;
  while (end > 0 && '.:?'.includes(word[end - 1] as string)) end -= 1;
  return word.slice(0, end);
}

/** True when `host` is one of `allowed` or a subdomain of one. */
export function hostAllowed(host: string, allowed: readonly string[]): boolean {
  return allowed.some((domain) => host === domain || host.endsWith(`.${domain}`));
}
