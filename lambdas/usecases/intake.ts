/**
 * POST /interviews around `submitInterview`: idempotency first (a replay counts against no limit
 * and creates nothing), then the submission, with the per-key limits counted alongside it.
 *
 * Idempotency: the `Idempotency-Key` is claimed with a conditional write before anything is
 * created, so concurrent duplicates create one interview; the others wait for it (a few seconds)
 * and answer the same 201. The cancel token of an idempotent submission is derived from the
 * caller's API key, a stored salt and the Idempotency-Key, so the replay can return the same link
 * while the table still stores only the token's hash.
 */
import { createHash } from 'node:crypto';
import {
  confirmationWindow,
  derivedCancelToken,
  IDEMPOTENCY_HOURS,
  type Limits,
  limitWindows,
  newSalt,
} from '../core/access.js';
import { canonicalJson } from '../core/canonical.js';
import type { IdempotencyRecord, IdempotencyStore, LimitRefusal, LimitStore } from '../core/ports.js';
import type { ValidSubmission } from '../core/schema.js';
import { newInterviewId } from '../core/tokens.js';
import { type ApiDeps, type Submitted, submitInterview } from './interviews.js';

export interface IntakeDeps extends ApiDeps {
  access: LimitStore & IdempotencyStore;
  limits: Limits;
  /** The HMAC key of the limit counters named after addresses (see `addressCounterId`). */
  counterKey: string;
  /** How long a duplicate waits for the first request to finish (ms), and how often it looks. */
  idempotencyWait?: { totalMs: number; stepMs: number };
}

export interface Caller {
  keyId: string;
  /** The presented API key: only used to derive an idempotent submission's cancel token. */
  secret: string;
}

export type IntakeResult =
  | { kind: 'created' | 'replayed'; body: Submitted }
  | { kind: 'conflict' }
  | { kind: 'in-progress' }
  /** The Idempotency-Key's interview was deleted: its 201 must not be replayed. */
  | { kind: 'gone' }
  | { kind: 'limited'; limit: string; retryAfterSeconds: number };

export function limited(refusal: LimitRefusal, now: Date): IntakeResult & { kind: 'limited' } {
  return {
    kind: 'limited',
    limit: refusal.window.name,
    retryAfterSeconds: Math.max(1, Math.ceil((refusal.retryAt - now.getTime()) / 1000)),
  };
}

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function replay(record: IdempotencyRecord, caller: Caller, key: string, baseUrl: string): Submitted {
  const body = JSON.parse(record.response ?? '{}') as Omit<Submitted, 'cancelUrl'>;
  const token = derivedCancelToken(caller.secret, record.salt, key);
  return { ...body, cancelUrl: `${baseUrl}/cancel/${token}` };
}

/** A `pending` claim older than this was left by a request that died (the API times out at 10 s). */
export const IDEMPOTENCY_LEASE_SECONDS = 60;

export async function intake(
  deps: IntakeDeps,
  submission: ValidSubmission,
  body: unknown,
  caller: Caller,
  baseUrl: string,
  idempotencyKey?: string,
): Promise<IntakeResult> {
  const now = deps.clock.now();
  const nowSeconds = Math.floor(now.getTime() / 1000);
  let idempotent: { scope: string; id: string; token: string; resuming: boolean } | undefined;

  if (idempotencyKey !== undefined) {
    const scope = `${caller.keyId}#${sha256(idempotencyKey)}`;
    const fresh: IdempotencyRecord = {
      bodyHash: sha256(canonicalJson(body)),
      claimedAt: nowSeconds,
      interviewId: newInterviewId(),
      salt: newSalt(),
      state: 'pending',
      expiresAt: nowSeconds + IDEMPOTENCY_HOURS * 3600,
    };
    let existing = await deps.access.claim(scope, fresh);
    let claim = fresh;
    if (existing) {
      if (existing.state === 'gone') return { kind: 'gone' };
      if (existing.bodyHash !== fresh.bodyHash) return { kind: 'conflict' };
      const wait = deps.idempotencyWait ?? { totalMs: 5000, stepMs: 100 };
      for (let waited = 0; existing?.state === 'pending' && waited < wait.totalMs; waited += wait.stepMs) {
        if (existing.claimedAt + IDEMPOTENCY_LEASE_SECONDS < nowSeconds) break;
        await sleep(wait.stepMs);
        existing = await deps.access.get(scope);
      }
      if (existing?.state === 'done') {
        return { kind: 'replayed', body: replay(existing, caller, idempotencyKey, baseUrl) };
      }
      // A claim past its lease: the request that made it died. Take over, and resume its interview.
      const stale = existing && existing.claimedAt + IDEMPOTENCY_LEASE_SECONDS < nowSeconds;
      if (!existing || !stale || !(await deps.access.takeOver(scope, existing.claimedAt, nowSeconds))) {
        return { kind: 'in-progress' };
      }
      claim = existing;
    }
    idempotent = {
      scope,
      id: claim.interviewId,
      token: derivedCancelToken(caller.secret, claim.salt, idempotencyKey),
      resuming: claim !== fresh,
    };
  }

  let created: Submitted;
  const confirmationCount = confirmationWindow(
    now,
    submission.value.candidate.email,
    deps.limits,
    deps.counterKey,
  );
  // The limits are counted while the item is written and the schedules made (one round trip); a
  // full window deletes them again before anything can send (see submitInterview's `admitted`).
  const taking = deps.access.take(
    limitWindows(
      now,
      { keyId: caller.keyId, interviewers: submission.value.interviewers.map((p) => p.email) },
      deps.limits,
      deps.counterKey,
    ),
  );
  try {
    const submitted = await submitInterview(deps, submission, {
      ownerKeyId: caller.keyId,
      baseUrl,
      admitted: taking.then((full) => full === undefined),
      confirmation: {
        allowed: async () => (await deps.access.take([confirmationCount])) === undefined,
        unused: () => deps.access.giveBack([confirmationCount]),
      },
      ...(idempotent && {
        id: idempotent.id,
        token: idempotent.token,
        idempotencyScope: idempotent.scope,
        resuming: idempotent.resuming,
      }),
    });
    if (!submitted) {
      // Refused: only a full limit window says no.
      const refusal = await taking;
      if (!refusal) throw new Error('a submission refused without a full limit window');
      if (idempotent) await deps.access.release(idempotent.scope);
      return limited(refusal, now);
    }
    created = submitted;
  } catch (err) {
    // Nothing a retry with the same key should find was made: let it start over.
    if (idempotent) {
      await deps.access
        .release(idempotent.scope)
        .catch((releaseErr: unknown) =>
          deps.log('error', 'idempotency key not released', { error: String(releaseErr) }),
        );
    }
    throw err;
  }
  if (idempotent) {
    // The interview exists now: never release the key from here on. If this write fails, a retry
    // with the same key takes over the stale claim after its lease and resumes this interview.
    const { cancelUrl: _link, ...rest } = created;
    await deps.access.complete(idempotent.scope, JSON.stringify(rest)).catch((err: unknown) =>
      deps.log('error', 'idempotency record not completed; a retry will resume', {
        interviewId: created.id,
        error: String(err),
      }),
    );
  }
  return { kind: 'created', body: created };
}
