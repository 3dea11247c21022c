/**
 * Rules for submitted text that reaches an email, so the service cannot be used to impersonate
 * someone or to carry a stranger's link (see SECURITY.md, "Relay rules"). Every check is a scan
 * linear in the text's length (test/unit/redos.test.ts checks the patterns). Top-level domains
 * come from the `tlds` package (IANA's list), so a new one is an `npm update` away.
 */
import tlds from 'tlds' with { type: 'json' };

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

/**
 * The text as a reader's mail program shows and links it: compatibility forms folded by NFKC
 * ("＠" → "@", "ｅｖｉｌ．ｃｏｍ" → "evil.com", "﹤" → "<"), and "\\" read as "/" as browsers do
 * in URLs. NFKC's mappings of assigned characters never change (Unicode's stability policy), so
 * runtimes with older or newer Unicode data fold every character both know the same way.
 */
function folded(text: string): string {
  return text.normalize('NFKC').replaceAll('\\', '/');
}

/** Characters that read as the brackets or quotes of a mailbox even after folding. */
const MAILBOX_LOOKALIKES = new Set([...'@<>"‹›«»“”„‟❮❯⟨⟩〈〉《》˂˃ᐸᐳ']);

/** What a display name or a subject may not contain: a mailbox's syntax, or an encoded word. */
export function headerSyntaxIn(text: string): string | undefined {
  const shown = folded(text);
  for (let i = 0; i < shown.length; i++) {
    const char = shown[i] as string;
    if (MAILBOX_LOOKALIKES.has(char)) return char;
    if (char === '=' && shown[i + 1] === '?') return '=?';
  }
  return undefined;
}

const TOP_LEVEL_DOMAINS = new Set(tlds.map((tld) => tld.toLowerCase()));
/**
 * Technology names that are also domains, owned by the projects they name: "ASP.NET" in a
 * highlight is the framework, and a mail program that links it links to its makers.
 */
const KNOWN_NAMES = new Set(['asp.net', 'vb.net', 'ado.net']);
/** Dots of other scripts that browsers read as "." in host names. */
const DOTS = new Set(['.', '\u3002', '\uff0e', '\uff61']);

/**
 * Whether a character can be part of a host label: ASCII letters, digits and "-", and any other
 * character but spaces, punctuation and symbols of the blocks prose uses around links (so
 * "evil.com—now", "“evil.com”" and "evil.com\u200d" all end the host where a mail program does).
 */
function isLabelChar(char: string): boolean {
  const code = char.codePointAt(0) ?? 0;
  if (code < 0x80) return /[A-Za-z0-9-]/.test(char);
  return !(
    (code >= 0x80 && code <= 0xbf) || // Latin-1 spaces and punctuation: « » ¡ ¿ ·
    code === 0xd7 ||
    code === 0xf7 ||
    (code >= 0x2000 && code <= 0x2bff) || // spaces, dashes, quotes, arrows, symbols
    (code >= 0x2e00 && code <= 0x2e7f) ||
    (code >= 0x3000 && code <= 0x303f) || // CJK spaces and punctuation
    (code >= 0xfe10 && code <= 0xfe6f) ||
    (code >= 0xff00 && code <= 0xff65) ||
    code === 0xfeff
  );
}

export interface FoundLink {
  /** The link as written (at most 60 characters of it). */
  text: string;
  /** Its host, lower-cased, when it has one. */
  host?: string;
}

export interface Found {
  links: FoundLink[];
  /** The domain of each email address. */
  addresses: string[];
}

/** A scheme that acts without "//" (data: only with a media type, so "Data: …" stays prose). */
const BARE_SCHEMES = /(?:^|[^a-z0-9])(mailto:|javascript:|vbscript:|data:[a-z]+\/)/i;

/** Where a URL that starts at `start` ends: at a space or a character prose puts after it. */
function urlEnd(text: string, start: number): number {
  let end = start;
  while (end < text.length && !/\s/.test(text[end] as string) && !'"<>`'.includes(text[end] as string)) {
    const code = text.codePointAt(end) ?? 0;
    if (code >= 0x2000 && code <= 0x206f) break; // quotes, dashes, joiners
    end += 1;
  }
  return end;
}

/** The host of a URL's authority (after "://"), lower-cased: after any user@, before any :port. */
function authorityHost(text: string, from: number): string | undefined {
  let end = from;
  while (
    end < text.length &&
    !'/?#'.includes(text[end] as string) &&
    isLabelOrAuthorityChar(text[end] as string)
  ) {
    end += 1;
  }
  const authority = text.slice(from, end);
  const hostStart = authority.lastIndexOf('@') + 1;
  let hostEnd = hostStart;
  while (
    hostEnd < authority.length &&
    (isLabelChar(authority[hostEnd] as string) || DOTS.has(authority[hostEnd] as string))
  ) {
    hostEnd += 1;
  }
  let host = authority.slice(hostStart, hostEnd).toLowerCase();
  while (host.endsWith('.')) host = host.slice(0, -1);
  return host === '' ? undefined : host;
}

function isLabelOrAuthorityChar(char: string): boolean {
  return isLabelChar(char) || DOTS.has(char) || "@:_.~%!$&'()*+,;=".includes(char);
}

/**
 * Every link and every address in the text, in one linear pass over its folded form: URLs with
 * "://" anywhere, the bare schemes, and every host name (labels ending in a real top-level
 * domain, in any case or script) outside those URLs, which is a link, or an address when an
 * "@" and a name come right before it.
 */
export function linksAndAddresses(text: string): Found {
  const shown = folded(text);
  const links: FoundLink[] = [];
  const addresses: string[] = [];
  const inUrl: [number, number][] = [];
  let lastEnd = -1;
  for (let at = shown.indexOf('://'); at >= 0; at = shown.indexOf('://', at + 3)) {
    let start = at;
    while (start > 0 && /[A-Za-z0-9+.-]/.test(shown[start - 1] as string)) start -= 1;
    // A "://" inside the URL before it (a redirect's target) ends where that URL does.
    const end = at < lastEnd ? lastEnd : urlEnd(shown, at + 3);
    lastEnd = end;
    const host = authorityHost(shown, at + 3);
    links.push({ text: shown.slice(start, end).slice(0, 60), ...(host && { host }) });
    inUrl.push([start, end]);
  }
  const bare = BARE_SCHEMES.exec(shown);
  if (bare?.[1]) links.push({ text: bare[1] });

  let i = 0;
  while (i < shown.length) {
    const char = shown[i] as string;
    if (!isLabelChar(char)) {
      i += char.length;
      continue;
    }
    // A run of labels and dots, as long as it goes.
    const start = i;
    const labels: string[] = [''];
    while (i < shown.length) {
      const next = String.fromCodePoint(shown.codePointAt(i) ?? 0);
      if (DOTS.has(next)) labels.push('');
      else if (isLabelChar(next)) labels[labels.length - 1] += next;
      else break;
      i += next.length;
    }
    while (labels.length > 0 && labels[labels.length - 1] === '') labels.pop(); // "example.com."
    // After an empty label ("See...example.com", "a..example.com") the host starts afresh.
    const tail = labels.slice(labels.lastIndexOf('') + 1);
    if (tail.length < 2) continue;
    if (inUrl.some(([from, to]) => start >= from && start < to)) continue;
    const host = tail.join('.').toLowerCase();
    if (!TOP_LEVEL_DOMAINS.has(tail[tail.length - 1]?.toLowerCase() ?? '')) continue;
    const local =
      start >= 2 && shown[start - 1] === '@' && isLabelOrAuthorityChar(shown[start - 2] as string);
    if (local) addresses.push(host);
    else if (!KNOWN_NAMES.has(host)) links.push({ text: shown.slice(start, i).slice(0, 60), host });
  }
  return { links, addresses };
}

/**
 * True when `host` is `domain`, a subdomain of it, or a domain it is a subdomain of
 * ("booking.com" and "careers.booking.com" either way round).
 */
export function sameOrganisation(host: string, domain: string): boolean {
  return host === domain || host.endsWith(`.${domain}`) || domain.endsWith(`.${host}`);
}

/** True when `host` is one of `allowed` or a subdomain of one. */
export function hostAllowed(host: string, allowed: readonly string[]): boolean {
  return allowed.some((domain) => host === domain || host.endsWith(`.${domain}`));
}
