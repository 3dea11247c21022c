/**
 * Exactly once under injected faults, for every email kind: SES throttling and lost answers,
 * DynamoDB errors before and after the send, duplicate deliveries by the scheduler. A small run
 * here; `npm run reliability` runs the big one.
 */
import { describe, expect, it } from 'vitest';
import { FaultInjector, parseFaults } from '../../local/faults.js';
import { validBody } from '../fixtures.js';
import { useLocalRuntime } from './helpers.js';

const FAULTS = 'ses.throttle=0.25,ses.timeout=0.05,ddb.error=0.1,scheduler.duplicate=0.3';
const lines: string[] = [];
const { ctx } = useLocalRuntime({
  faults: FAULTS,
  faultSeed: 20261125,
  retryBaseMs: 5,
  log: (level, message, fields) => void lines.push(JSON.stringify({ level, message, ...fields })),
});

describe('LOCAL_FAULTS', () => {
  it('parses rates and refuses unknown faults or bad numbers with a clear message', () => {
    expect(parseFaults(FAULTS)).toEqual({
      'ses.throttle': 0.25,
      'ses.timeout': 0.05,
      'ddb.error': 0.1,
      'scheduler.duplicate': 0.3,
    });
    expect(parseFaults(undefined)).toEqual({});
    expect(() => parseFaults('ses.explode=0.1')).toThrow('unknown fault "ses.explode"');
    expect(() => parseFaults('ses.throttle=2')).toThrow('probability from 0 to 1');
    expect(() => parseFaults('ses.throttle=')).toThrow('probability from 0 to 1');
  });

  it('a seed makes the rolls repeatable', () => {
    const a = new FaultInjector({ 'ses.throttle': 0.5 }, 7);
    const b = new FaultInjector({ 'ses.throttle': 0.5 }, 7);
    const rolls = (f: FaultInjector) => Array.from({ length: 50 }, () => f.roll('ses.throttle'));
    expect(rolls(a)).toEqual(rolls(b));
  });
});

describe('under faults', () => {
  it('every email of every interview goes out exactly once', async () => {
    const count = 20;
    await ctx.api.setClock('2026-11-23T13:00:00.000Z'); // Monday 08:00 in New York
    const ids: string[] = [];
    for (let i = 0; i < count; i++) {
      const res = await ctx.api.submit({
        ...validBody(),
        interviewer: { name: `Interviewer ${i}`, email: `faults-${i}@example.org` },
        interview: { endsAt: '2026-11-23T08:00', timeZone: 'America/New_York' },
      });
      expect(res.status).toBe(201);
      ids.push(((await res.json()) as { id: string }).id);
    }
    // Walk the clock forward an hour at a time, so retries scheduled along the way come due too.
    let t = Date.parse('2026-11-23T13:00:00.000Z');
    for (let hour = 0; hour < 24 * 5; hour++) {
      t += 3_600_000;
      await ctx.api.setClock(new Date(t).toISOString());
    }
    await ctx.runtime.emulator.settle();
    expect(ctx.runtime.emulator.pending()).toEqual([]);

    const mail = await ctx.api.mail();
    for (let i = 0; i < count; i++) {
      // A follow-up answers in the thank-you's thread ("Re: Thank you…"), or starts its own.
      const to = (address: string, kind: 'thank-you' | 'follow-up') =>
        mail.filter(
          (m) =>
            m.to.includes(address) &&
            (kind === 'thank-you'
              ? m.subject.startsWith('Thank you')
              : m.subject.startsWith('Re: Thank you') || m.subject.startsWith('Following up')),
        ).length;
      // On failure, say what the service thinks happened to that interview.
      const state = JSON.stringify(await (await ctx.api.get(ids[i] ?? '')).json());
      expect(
        [to(`faults-${i}@example.org`, 'thank-you'), to(`faults-${i}@example.org`, 'follow-up')],
        `${state} dead letters: ${JSON.stringify(ctx.runtime.emulator.deadLetters())}\n${lines.filter((l) => l.includes(ids[i] ?? '?')).join('\n')}`,
      ).toEqual([1, 1]);
    }
    const confirmations = mail.filter((m) => m.subject.startsWith('Scheduled:'));
    expect(confirmations).toHaveLength(count);
    expect(ctx.runtime.emulator.deadLetters()).toEqual([]);
    // The faults really happened.
    const injected = ctx.runtime.faults.counts;
    expect(injected['ses.throttle']).toBeGreaterThan(0);
    expect(injected['ddb.error']).toBeGreaterThan(0);
    expect(injected['scheduler.duplicate']).toBeGreaterThan(0);
  }, 120_000); // 120 clock moves, each walking through every schedule and sweep on the way
});
