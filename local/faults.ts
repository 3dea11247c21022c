/**
 * Fault injection for the local runtime: `LOCAL_FAULTS="ses.throttle=0.2,ses.timeout=0.02,ddb.error=0.05,scheduler.duplicate=0.1"`.
 * Each entry is the probability (0–1) that one call meets that fault. The production adapters run
 * unchanged: faults are SDK middleware on the local runtime's own clients and an option of the
 * scheduler emulator. `LOCAL_FAULTS_SEED` makes a run repeatable.
 *
 * - ses.throttle: SES answers Throttling; nothing was sent (the sender schedules a retry).
 * - ses.timeout: SES accepted the message but the answer is lost (the sender cannot know; the
 *   email stays `sending` and is never sent twice).
 * - ddb.error: one of the sender's DynamoDB calls fails before reaching the table (the claim before
 *   the send, or the "sent" record after it); the invocation fails and Lambda's retry takes over.
 * - scheduler.duplicate: the scheduler delivers a schedule twice, concurrently.
 */
import { type SESClient, SESServiceException } from '@aws-sdk/client-ses';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export const FAULT_KINDS = ['ses.throttle', 'ses.timeout', 'ddb.error', 'scheduler.duplicate'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];
export type FaultRates = Partial<Record<FaultKind, number>>;

export function parseFaults(spec: string | undefined): FaultRates {
  const rates: FaultRates = {};
  for (const part of (spec ?? '')
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const [name, value] = part.split('=');
    if (!FAULT_KINDS.includes(name as FaultKind)) {
      throw new Error(`LOCAL_FAULTS: unknown fault "${name}"; use ${FAULT_KINDS.join(', ')}`);
    }
    const rate = Number(value);
    if (value === undefined || value.trim() === '' || !(rate >= 0 && rate <= 1)) {
      throw new Error(`LOCAL_FAULTS: ${name} needs a probability from 0 to 1, got "${value ?? ''}"`);
    }
    rates[name as FaultKind] = rate;
  }
  return rates;
}

/** mulberry32: small, fast, seedable; plenty for coin flips (and the reliability script's). */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

export class FaultInjector {
  readonly counts: Record<FaultKind, number> = {
    'ses.throttle': 0,
    'ses.timeout': 0,
    'ddb.error': 0,
    'scheduler.duplicate': 0,
  };
  private readonly random: () => number;

  constructor(
    readonly rates: FaultRates,
    seed = Math.floor(Math.random() * 2 ** 32),
  ) {
    this.random = seeded(seed);
  }

  get active(): boolean {
    return Object.values(this.rates).some((rate) => rate > 0);
  }

  /** True (and counted) when this call meets the fault. */
  roll(kind: FaultKind): boolean {
    const rate = this.rates[kind] ?? 0;
    if (rate <= 0 || this.random() >= rate) return false;
    this.counts[kind] += 1;
    return true;
  }
}

export function injectSesFaults(client: SESClient, faults: FaultInjector): void {
  client.middlewareStack.add(
    (next) => async (args) => {
      if (faults.roll('ses.throttle')) {
        throw new SESServiceException({
          name: 'Throttling',
          $fault: 'client',
          $metadata: { httpStatusCode: 400 },
          message: 'Maximum sending rate exceeded (injected).',
        });
      }
      const result = await next(args);
      if (faults.roll('ses.timeout')) {
        throw Object.assign(new Error('Connection lost after the request was sent (injected).'), {
          name: 'TimeoutError',
        });
      }
      return result;
    },
    { step: 'initialize', name: 'localFaultsSes' },
  );
}

export function injectDynamoFaults(client: DynamoDBDocumentClient, faults: FaultInjector): void {
  client.middlewareStack.add(
    (next) => async (args) => {
      if (faults.roll('ddb.error')) {
        throw Object.assign(new Error('Connection reset before the request reached DynamoDB (injected).'), {
          name: 'NetworkingError',
        });
      }
      return next(args);
    },
    { step: 'initialize', name: 'localFaultsDynamo' },
  );
}
