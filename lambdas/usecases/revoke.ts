/**
 * Revoking an API key and, if asked, cancelling every email its interviews still have pending
 * (`npm run api-key -- revoke <keyId> --cancel-pending`). Written against the ports only; the
 * cancel itself is the cancel link's use case, so the same rules hold: the database write
 * decides, deleting a schedule is cleanup.
 */
import { CANCELLED_BY_REVOKE, type EmailState, emailKeys, type InterviewRecord } from '../core/interview.js';
import type { KeyStore } from '../core/ports.js';
import { type CancelDeps, cancelPending } from './cancel.js';

export interface KeyCancelResult {
  /** The key's interviews looked at. Erased ones are not: their emails were cancelled by the erasure. */
  interviews: number;
  /** Emails this run moved to `cancelled`. */
  cancelled: number;
  /** Emails being sent at that moment, now marked: they end cancelled if that send fails, else they went out. */
  marked: number;
  /** Interviews whose cancel failed (the table refused): running the same command again finishes them. */
  failed: string[];
}

export type RevokeDeps = CancelDeps & { keys: Pick<KeyStore, 'revokeKey'> };

export type RevokeResult = { revoked: false } | { revoked: true; pending?: KeyCancelResult };

const pending = (email: EmailState | undefined) =>
  email?.status === 'scheduled' || email?.status === 'sending';

/**
 * Revokes the key first (it is refused from then on, so it cannot add interviews while they are
 * being looked for), then, with `cancelPending`, cancels what its interviews have pending.
 * Repeating it is harmless: the key keeps its first `revokedAt`, and nothing is cancelled twice.
 */
export async function revokeKey(
  deps: RevokeDeps,
  keyId: string,
  options: { cancelPending: boolean },
): Promise<RevokeResult> {
  if (!(await deps.keys.revokeKey(keyId, deps.clock.now().toISOString()))) return { revoked: false };
  deps.log('info', 'API key revoked', { keyId });
  if (!options.cancelPending) return { revoked: true };
  return { revoked: true, pending: await cancelPendingOfKey(deps, keyId) };
}

/**
 * Cancels every email still pending (scheduled, or marks one being sent) of every interview the key
 * created and that is not erased. Finding them reads the whole table (`listOwnedBy`): an
 * administrator's occasional call, never a request path.
 */
export async function cancelPendingOfKey(deps: CancelDeps, keyId: string): Promise<KeyCancelResult> {
  const result: KeyCancelResult = { interviews: 0, cancelled: 0, marked: 0, failed: [] };
  for await (const record of deps.store.listOwnedBy(keyId)) {
    if (record.ownerKeyId !== keyId || record.erasedAt) continue;
    result.interviews++;
    if (!emailKeys(record).some((key) => pending(record.emails[key]))) continue;
    try {
      const after = await cancelPending(deps, record, emailKeys(record), CANCELLED_BY_REVOKE, {
        by: 'api',
        keyId: record.ownerKeyId,
      });
      count(result, record, after);
    } catch (err) {
      result.failed.push(record.id);
      deps.log('error', 'pending emails of a revoked key not cancelled', {
        interviewId: record.id,
        keyId,
        error: String(err),
      });
    }
  }
  deps.log('info', 'pending emails of a revoked key cancelled', {
    keyId,
    interviews: result.interviews,
    cancelled: result.cancelled,
    marked: result.marked,
    failed: result.failed.length,
  });
  return result;
}

function count(result: KeyCancelResult, before: InterviewRecord, after: InterviewRecord): void {
  for (const key of emailKeys(before)) {
    const was = before.emails[key];
    const now = after.emails[key];
    if (!pending(was) || !now) continue;
    if (now.status === 'cancelled') result.cancelled++;
    else if (now.status === 'sending' && now.cancelRequested && !was?.cancelRequested) result.marked++;
  }
}
