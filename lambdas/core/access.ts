/**
 * Who may submit, and how much: API keys (only their SHA-256 is stored), per-key limits, and
 * idempotency records for `POST /interviews`. Pure types and rules; the DynamoDB adapter in
 * `lambdas/aws/access.ts` keeps them in the interviews table as items of their own.
 */
import { createHash, createHmac, randomBytes } from 'node:crypto';

export interface ApiKey {
  /** Public id, shown by `list` and used by `revoke`; never the secret. */
  keyId: string;
  name: string;
  createdAt: string;
  revokedAt?: string;
}

export interface Limits {
  perMinute: number;
  perDay: number;
  perInterviewerPerDay: number;
}

export const DEFAULT_LIMITS: Limits = { perMinute: 30, perDay: 500, perInterviewerPerDay: 3 };

/** A fresh secret key, shown once: `ifk_` and 256 random bits. */
export function newApiKeySecret(): string {
  return `ifk_${randomBytes(32).toString('base64url')}`;
}

export function newKeyId(): string {
  return `key_${randomBytes(6).toString('hex')}`;
}

/** The windows a submission counts in, with the instant each ends (for Retry-After). */
export function limitWindows(now: Date, interviewerEmail: string, limits: Limits) {
  const iso = now.toISOString();
  const minute = iso.slice(0, 16);
  const day = iso.slice(0, 10);
  const minuteEnds = new Date(`${minute}:00.000Z`).getTime() + 60_000;
  const dayEnds = Date.parse(`${day}T00:00:00.000Z`) + 86_400_000;
  return [
    { name: 'per-minute', window: `minute#${minute}`, limit: limits.perMinute, endsAt: minuteEnds },
    { name: 'per-day', window: `day#${day}`, limit: limits.perDay, endsAt: dayEnds },
    {
      name: 'per-interviewer-per-day',
      // Hashed: the counter item outlives a DELETE of the interview until its TTL.
      window: `interviewer#${createHash('sha256').update(interviewerEmail.trim().toLowerCase()).digest('hex')}#${day}`,
      limit: limits.perInterviewerPerDay,
      endsAt: dayEnds,
    },
  ] as const;
}

/** `Idempotency-Key`: 1–255 printable ASCII characters. */
export function isIdempotencyKey(value: string): boolean {
  return /^[\x20-\x7e]{1,255}$/.test(value);
}

export const IDEMPOTENCY_HOURS = 24;

/**
 * The cancel token of an idempotent submission, derived so a replay can return the same link
 * without the token ever being stored: HMAC(the caller's API key, salt | Idempotency-Key). Only
 * the caller (who holds the key) can recompute it; the table keeps the salt and the token's hash.
 */
export function derivedCancelToken(apiKey: string, salt: string, idempotencyKey: string): string {
  return createHmac('sha256', apiKey).update(`cancel-token|${salt}|${idempotencyKey}`).digest('base64url');
}

export function newSalt(): string {
  return randomBytes(16).toString('base64url');
}
