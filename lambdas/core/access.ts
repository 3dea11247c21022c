/**
 * Who may submit, and how much: API keys (only their SHA-256 is stored), per-key limits, and
 * idempotency records for `POST /interviews`. Pure types and rules; the DynamoDB adapter in
 * `lambdas/aws/access.ts` keeps them in the interviews table as items of their own.
 */
import { createHmac, randomBytes } from 'node:crypto';

export interface ApiKey {
  /** Public id, shown by `list` and used by `revoke`; never the secret. */
  keyId: string;
  name: string;
  createdAt: string;
  revokedAt?: string;
}

export interface Limits {
  /** Submissions per key, in any minute (a sliding window). */
  perMinute: number;
  /** Submissions per key per UTC day. */
  perDay: number;
  /** Interviews per key per (normalised) interviewer address per UTC day. */
  perInterviewerPerDay: number;
  /** Interviews per interviewer address per UTC day, whichever keys submit them. */
  perInterviewerAllKeysPerDay: number;
  /**
   * Confirmations per (normalised) candidate address per UTC day, whichever keys submit them. Over
   * it the interview is still scheduled (the submitter has its cancel link) but no confirmation
   * goes out, so nobody can fill a stranger's inbox with them.
   */
  perCandidatePerDay: number;
  /** Previews per key, in any minute (a sliding window). */
  previewsPerMinute: number;
  /** Self-serve submissions per client IP address per UTC hour (issue 18). */
  selfServePerIpPerHour: number;
}

export const DEFAULT_LIMITS: Limits = {
  perMinute: 30,
  perDay: 500,
  perInterviewerPerDay: 3,
  perInterviewerAllKeysPerDay: 10,
  perCandidatePerDay: 5,
  previewsPerMinute: 60,
  selfServePerIpPerHour: 5,
};

/**
 * The limits from the ones a deployment sets, the rest at their defaults. Unset, the all-keys
 * interviewer limit is never below the per-key one: one key alone may reach that.
 */
export function limitsFrom(set: Partial<Limits>): Limits {
  const limits = { ...DEFAULT_LIMITS, ...set };
  if (set.perInterviewerAllKeysPerDay === undefined) {
    limits.perInterviewerAllKeysPerDay = Math.max(
      limits.perInterviewerAllKeysPerDay,
      limits.perInterviewerPerDay,
    );
  }
  return limits;
}

/** A fresh secret key, shown once: `ifk_` and 256 random bits. */
export function newApiKeySecret(): string {
  return `ifk_${randomBytes(32).toString('base64url')}`;
}

export function newKeyId(): string {
  return `key_${randomBytes(6).toString('hex')}`;
}

/**
 * The address a limit counts: lower-case, without a `+tag`, and for Gmail without dots and with
 * googlemail.com folded into gmail.com, so `Mrs.Hiring.Manager+jobs@GoogleMail.com` and
 * `mrshiringmanager@gmail.com` are one interviewer. (Only for counting; emails go to the address
 * as given.)
 */
export function normalizeAddress(address: string): string {
  const lower = address.trim().toLowerCase();
  const at = lower.lastIndexOf('@');
  let local = lower.slice(0, at);
  let domain = lower.slice(at + 1);
  if (domain.endsWith('.')) domain = domain.slice(0, -1);
  const plus = local.indexOf('+');
  if (plus > 0) local = local.slice(0, plus);
  if (domain === 'googlemail.com') domain = 'gmail.com';
  if (domain === 'gmail.com') local = local.split('.').join('');
  return `${local}@${domain}`;
}

/**
 * A counter's name for an address: an HMAC with the deployment's counter key, so the counters
 * (which outlive an erased interview until their TTL) cannot be matched to a known address by
 * hashing it.
 */
export function addressCounterId(address: string, counterKey: string): string {
  return createHmac('sha256', counterKey).update(normalizeAddress(address), 'utf8').digest('base64url');
}

/**
 * How long a permanent bounce or a complaint keeps an address refused by the self-serve form (the
 * suppression list, SuppressionStore): a year after the last one, then the item's TTL removes it.
 * Long enough that a dead mailbox is not tried again by the next stranger; short enough that an
 * address someone revived, or a complaint made by mistake, is not refused for ever.
 */
export const SUPPRESSION_DAYS = 365;

/** The epoch second a suppression recorded at `at` (an ISO instant) expires. */
export function suppressionExpiresAt(at: string): number {
  return Math.ceil(Date.parse(at) / 1000) + SUPPRESSION_DAYS * 86_400;
}

export interface LimitWindow {
  /** The limit's name in a 429's message. */
  name: string;
  /** The counter item's name; `*#…` counts across every key. */
  counter: string;
  limit: number;
  /** Epoch ms at which the window ends. */
  endsAt: number;
  /**
   * A sliding window: the previous fixed window's count also counts, weighted by the share of
   * it still inside the last minute and rounded up (so no burst of twice the limit around a
   * minute boundary).
   */
  previous?: { counter: string; weight: number };
}

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

/** Counts across every key for one address (see LimitStore). */
export const ALL_KEYS = '*';

function minuteWindow(name: string, counter: string, now: Date, limit: number): LimitWindow {
  const startsAt = Math.floor(now.getTime() / MINUTE_MS) * MINUTE_MS;
  const minute = (at: number) => new Date(at).toISOString().slice(0, 16);
  return {
    name,
    counter: `${counter}#${minute(startsAt)}`,
    limit,
    endsAt: startsAt + MINUTE_MS,
    previous: {
      counter: `${counter}#${minute(startsAt - MINUTE_MS)}`,
      weight: 1 - (now.getTime() - startsAt) / MINUTE_MS,
    },
  };
}

/** The window of an interviewer address across every key and the web app's form. */
export const ALL_KEYS_INTERVIEWER_WINDOW = 'per-interviewer-per-day, all keys';

/**
 * The windows a submission counts in, with the instant each ends (for Retry-After): the key's, then
 * the two per-interviewer windows of each address of the panel, counted once however often or in
 * whatever form it is given (the counter's name is the normalised address's).
 */
export function limitWindows(
  now: Date,
  who: { keyId: string; interviewers: readonly string[] },
  limits: Limits,
  counterKey: string,
): LimitWindow[] {
  const { day, dayEnds } = utcDay(now);
  const addresses = [...new Set(who.interviewers.map((address) => addressCounterId(address, counterKey)))];
  return [
    minuteWindow('per-minute', `${who.keyId}#minute`, now, limits.perMinute),
    { name: 'per-day', counter: `${who.keyId}#day#${day}`, limit: limits.perDay, endsAt: dayEnds },
    ...addresses.flatMap((interviewer): LimitWindow[] => [
      {
        name: 'per-interviewer-per-day',
        counter: `${who.keyId}#interviewer#${interviewer}#${day}`,
        limit: limits.perInterviewerPerDay,
        endsAt: dayEnds,
      },
      {
        name: ALL_KEYS_INTERVIEWER_WINDOW,
        counter: `${ALL_KEYS}#interviewer#${interviewer}#${day}`,
        limit: limits.perInterviewerAllKeysPerDay,
        endsAt: dayEnds,
      },
    ]),
  ];
}

function utcDay(now: Date) {
  const day = now.toISOString().slice(0, 10);
  return { day, dayEnds: Date.parse(`${day}T00:00:00.000Z`) + DAY_MS };
}

/** The window a confirmation counts in: its candidate address's, across every key. */
export function confirmationWindow(
  now: Date,
  candidate: string,
  limits: Limits,
  counterKey: string,
): LimitWindow {
  const { day, dayEnds } = utcDay(now);
  return {
    name: 'confirmations-per-candidate-per-day',
    counter: `${ALL_KEYS}#candidate#${addressCounterId(candidate, counterKey)}#${day}`,
    limit: limits.perCandidatePerDay,
    endsAt: dayEnds,
  };
}

/**
 * Who an IP address counts as: an IPv4 address itself (an IPv4-mapped IPv6 one too), an IPv6
 * address by its /64 (one subscriber's network: a phone or a home gets a whole /64 and picks new
 * addresses in it at will), anything else as given. Written here: it is a few lines of parsing,
 * and `node:net`'s BlockList answers membership, not "which /64".
 */
export function clientNetwork(ip: string): string {
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(ip);
  if (mapped?.[1]) return mapped[1];
  if (!ip.includes(':')) return ip;
  const halves = ip.toLowerCase().split('::');
  if (halves.length > 2) return ip;
  const [head = '', tail] = halves;
  const left = head === '' ? [] : head.split(':');
  const right = tail === undefined || tail === '' ? [] : tail.split(':');
  if (tail === undefined && left.length !== 8) return ip;
  const groups = [...left, ...Array<string>(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right];
  if (groups.length !== 8 || !groups.every((g) => /^[0-9a-f]{1,4}$/.test(g))) return ip;
  return `${groups
    .slice(0, 4)
    .map((g) => g.replace(/^0+(?=.)/, ''))
    .join(':')}::/64`;
}

/**
 * The window a self-serve submission counts in for its client's IP address (keyed, as addresses
 * are, so the counter names no address): one person's phone, not a script.
 */
export function ipWindow(now: Date, ip: string, limits: Limits, counterKey: string): LimitWindow {
  const hour = now.toISOString().slice(0, 13);
  const id = createHmac('sha256', counterKey)
    .update(`ip ${clientNetwork(ip)}`, 'utf8')
    .digest('base64url');
  return {
    name: 'self-serve-per-ip-per-hour',
    counter: `${ALL_KEYS}#ip#${id}#${hour}`,
    limit: limits.selfServePerIpPerHour,
    endsAt: Date.parse(`${hour}:00:00.000Z`) + 3_600_000,
  };
}

/** The window a preview counts in: its own, so an app previewing as fields change spends no submissions. */
export function previewWindow(now: Date, keyId: string, limits: Limits): LimitWindow {
  return minuteWindow('previews-per-minute', `${keyId}#preview`, now, limits.previewsPerMinute);
}

/**
 * When a full window can take one more, if nothing else is counted meanwhile: a fixed window at
 * its end; a sliding one once the previous count's weight has fallen far enough (epoch ms).
 */
export function retryAt(window: LimitWindow, counts: { current: number; previous: number }): number {
  if (!window.previous) return window.endsAt;
  const { limit } = window;
  // Admitted once ceil(previous × weight) + current < limit, i.e. previous × weight ≤
  // limit − current − 1, the weight falling from 1 to 0 over the minute.
  const admitsAt = (start: number, previous: number, current: number) => {
    const room = limit - current - 1;
    if (room < 0) return undefined;
    if (previous === 0) return start;
    const weight = room / previous;
    return weight >= 1 ? start : start + Math.ceil((1 - weight) * MINUTE_MS);
  };
  const thisMinute = window.endsAt - MINUTE_MS;
  return (
    admitsAt(thisMinute, counts.previous, counts.current) ??
    admitsAt(window.endsAt, counts.current, 0) ??
    window.endsAt + MINUTE_MS
  );
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
