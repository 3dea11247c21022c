/**
 * Cancel-link tokens: 256 random bits, URL-safe. Only the SHA-256 of a token is stored; a lookup
 * hashes the presented token and the stored hash is compared again in constant time.
 */
import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';

const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;

export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** A token that cannot have come from `newToken` is rejected before any lookup. */
export function isWellFormedToken(token: string): boolean {
  return TOKEN_SHAPE.test(token);
}

export function sameHash(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && x.length > 0 && timingSafeEqual(x, y);
}

export function newInterviewId(): string {
  return randomUUID();
}

/** Scheduler's limit on a schedule's name (letters, digits, `-`, `_`, `.`). */
export const MAX_SCHEDULE_NAME = 64;

/**
 * `prefix` and up to `length` random hex digits, within Scheduler's 64 characters: the longest
 * prefix (a second follow-up's tenth retry to a panelist) leaves room for three.
 */
export function uniqueName(prefix: string, length: number): string {
  const random = randomUUID().replaceAll('-', '');
  return prefix + random.slice(0, Math.min(length, MAX_SCHEDULE_NAME - prefix.length));
}
