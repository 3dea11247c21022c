/** The pure parts of the limits: how an address is counted, the windows, and when one has room again. */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  addressCounterId,
  confirmationWindow,
  DEFAULT_LIMITS,
  limitWindows,
  normalizeAddress,
  previewWindow,
  retryAt,
} from '../../lambdas/core/access.js';

const KEY = 'k'.repeat(32);

describe('normalizeAddress', () => {
  it.each([
    ['Hiring.Manager@Example.org', 'hiring.manager@example.org'],
    ['hiring.manager+jobs@example.org', 'hiring.manager@example.org'],
    ['  hiring.manager@example.org.  ', 'hiring.manager@example.org'],
    ['Mrs.Hiring.Manager+x+y@GoogleMail.com', 'mrshiringmanager@gmail.com'],
    ['m.r.s.hiring.manager@gmail.com', 'mrshiringmanager@gmail.com'],
    ['+only@example.org', '+only@example.org'],
  ])('%s counts as %s', (address, counted) => {
    expect(normalizeAddress(address)).toBe(counted);
  });

  it('keeps dots outside Gmail: they are part of the address there', () => {
    expect(normalizeAddress('hiring.manager@example.org')).not.toBe(
      normalizeAddress('hiringmanager@example.org'),
    );
  });
});

describe('counter names', () => {
  it('are an HMAC of the normalised address: the same for variants, other with another key, never the plain hash', () => {
    const id = addressCounterId('Hiring.Manager+a@example.org', KEY);
    expect(addressCounterId('hiring.manager@example.org', KEY)).toBe(id);
    expect(addressCounterId('hiring.manager@example.org', 'x'.repeat(32))).not.toBe(id);
    const sha = createHash('sha256').update('hiring.manager@example.org').digest();
    expect(id).not.toBe(sha.toString('hex'));
    expect(id).not.toBe(sha.toString('base64url'));
  });

  it('the address windows count across keys; the others per key', () => {
    const windows = limitWindows(
      new Date('2026-11-23T14:00:30.000Z'),
      { keyId: 'key_1', interviewers: ['hiring.manager@example.org'] },
      DEFAULT_LIMITS,
      KEY,
    );
    expect(windows.map((w) => [w.name, w.counter.split('#')[0]])).toEqual([
      ['per-minute', 'key_1'],
      ['per-day', 'key_1'],
      ['per-interviewer-per-day', 'key_1'],
      ['per-interviewer-per-day, all keys', '*'],
    ]);
    const confirmation = confirmationWindow(
      new Date('2026-11-23T14:00:30.000Z'),
      'Reagan+x@example.com',
      DEFAULT_LIMITS,
      KEY,
    );
    expect(confirmation.counter).toBe(
      `*#candidate#${addressCounterId('reagan@example.com', KEY)}#2026-11-23`,
    );
    expect(windows[0]?.previous).toEqual({
      counter: 'key_1#minute#2026-11-23T13:59',
      weight: 0.5,
    });
    expect(previewWindow(new Date('2026-11-23T14:00:30.000Z'), 'key_1', DEFAULT_LIMITS).counter).toBe(
      'key_1#preview#2026-11-23T14:00',
    );
  });
});

describe('a panel', () => {
  const NOW_ = new Date('2026-11-23T14:00:30.000Z');
  const panel = ['hiring.manager@example.org', 'team.lead@example.org', 'recruiter@example.com'];

  it('counts each address of the panel in both interviewer windows, after the key windows', () => {
    const windows = limitWindows(NOW_, { keyId: 'key_1', interviewers: panel }, DEFAULT_LIMITS, KEY);
    expect(windows).toHaveLength(2 + 3 * 2);
    expect(windows.map((w) => w.name)).toEqual([
      'per-minute',
      'per-day',
      ...panel.flatMap(() => ['per-interviewer-per-day', 'per-interviewer-per-day, all keys']),
    ]);
    expect(windows.slice(2).map((w) => w.counter)).toEqual(
      panel.flatMap((address) => {
        const id = addressCounterId(address, KEY);
        return [`key_1#interviewer#${id}#2026-11-23`, `*#interviewer#${id}#2026-11-23`];
      }),
    );
    expect(windows.slice(2).map((w) => w.limit)).toEqual(
      panel.flatMap(() => [DEFAULT_LIMITS.perInterviewerPerDay, DEFAULT_LIMITS.perInterviewerAllKeysPerDay]),
    );
  });

  it('counts an address once, however it is written', () => {
    const windows = limitWindows(
      NOW_,
      {
        keyId: 'key_1',
        interviewers: [
          'hiring.manager@example.org',
          'Hiring.Manager+panel@Example.org',
          'team.lead@example.org',
        ],
      },
      DEFAULT_LIMITS,
      KEY,
    );
    expect(windows).toHaveLength(2 + 2 * 2);
    expect(new Set(windows.map((w) => w.counter)).size).toBe(windows.length);
  });
});

describe('retryAt', () => {
  const at = (iso: string) => new Date(iso);
  const minute = (limit: number) =>
    previewWindow(at('2026-11-23T14:00:10.000Z'), 'k', { ...DEFAULT_LIMITS, previewsPerMinute: limit });

  it('a fixed window has room at its end', () => {
    const [, day] = limitWindows(
      at('2026-11-23T14:00:00Z'),
      { keyId: 'k', interviewers: ['a@example.org'] },
      DEFAULT_LIMITS,
      KEY,
    );
    if (!day) throw new Error('no day window');
    expect(new Date(retryAt(day, { current: 500, previous: 0 })).toISOString()).toBe(
      '2026-11-24T00:00:00.000Z',
    );
  });

  it('a sliding window: when the previous minute weighs little enough, or in the next minute', () => {
    // 4 last minute, none this one, limit 4: room once 4 × weight ≤ 3, i.e. 15 s into this minute.
    expect(new Date(retryAt(minute(4), { current: 0, previous: 4 })).toISOString()).toBe(
      '2026-11-23T14:00:15.000Z',
    );
    // This minute is full: in the next one, once its 4 weigh ≤ 3.
    expect(new Date(retryAt(minute(4), { current: 4, previous: 0 })).toISOString()).toBe(
      '2026-11-23T14:01:15.000Z',
    );
    // Nothing before: the start of this minute (a refusal there was a race).
    expect(new Date(retryAt(minute(4), { current: 0, previous: 0 })).toISOString()).toBe(
      '2026-11-23T14:00:00.000Z',
    );
  });
});
