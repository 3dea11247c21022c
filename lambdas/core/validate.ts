/**
 * The one place each format rule is written: what an email address, a SHA-256 digest, an http(s)
 * URL, a public base URL, a domain name, an ISO instant and an ARN look like to this service.
 * The functions' config (lambdas/config.ts), the stack's settings (infra/settings.ts), the
 * submission schema (core/schema.ts) and the local routes (local/service.ts) all test with these,
 * so a value one of them accepts can never be refused by another (a sender address synth takes
 * can never fail a function's cold start). Plain patterns and predicates, no schema library: the
 * sender and feedback bundles load nothing else for their config.
 */

/**
 * A plain address: dot-separated words of letters, digits and _'+- before the @; after it,
 * dot-separated labels (letters and digits, hyphens inside) ending in a top-level domain of two
 * or more letters. No quoted local parts, comments or IP literals: nothing SES or a mail client
 * could read two ways.
 */
export const EMAIL_ADDRESS =
  /^[\w'+-]+(?:\.[\w'+-]+)*@(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\.)+[A-Za-z]{2,}$/;
/** The longest address SMTP carries (RFC 5321's path limit, less the angle brackets). */
export const MAX_EMAIL_LENGTH = 254;

/** A SHA-256 digest in lower-case hex (API_KEY_SHA256, the apiKeySha256 setting). */
export const SHA256_HEX = /^[0-9a-f]{64}$/;

/** A domain name such as example.com, in lower case. */
export const DOMAIN_NAME = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;

/** An http(s) URL the URL parser reads; "http:host" parses too, so the `//` must be written out. */
export function isHttpUrl(value: string): boolean {
  return /^https?:\/\//i.test(value) && URL.canParse(value);
}

/** The public base of links: an http(s) origin, at most a trailing slash. */
export const PUBLIC_URL = /^https?:\/\/[^\s/?#]+\/?$/i;

/** A full ISO instant with its offset: "2026-12-03T00:00:00Z", "2026-12-03T09:30:00.000+05:30". */
export const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/;

/** An ISO instant (ISO_INSTANT) that names a real moment; undefined otherwise. */
export function parseInstant(value: string): Date | undefined {
  if (!ISO_INSTANT.test(value)) return undefined;
  const instant = new Date(value);
  return Number.isNaN(instant.getTime()) ? undefined : instant;
}

/** An ARN of any service, with a 12-digit account. */
export const ARN = /^arn:[a-z-]+:[a-z0-9-]+:[a-z0-9-]*:\d{12}:.+$/;
/** A Secrets Manager secret's ARN. */
export const SECRET_ARN = /^arn:[a-z-]+:secretsmanager:[a-z0-9-]+:\d{12}:secret:[A-Za-z0-9/_+=.@-]+$/;
