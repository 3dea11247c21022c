/**
 * Which of some addresses are on the service's suppression list (a permanent bounce or a
 * complaint, in any interview; usecases/feedback.ts writes it): the one lookup the web form's
 * request and confirm and an edit share, each saying it in its own words.
 */
import { addressCounterId } from '../core/access.js';
import type { SuppressionStore } from '../core/ports.js';

export async function suppressedOf<T extends { address: string }>(
  deps: { access: Pick<SuppressionStore, 'isSuppressed'>; counterKey: string },
  entries: readonly T[],
): Promise<T[]> {
  if (entries.length === 0) return [];
  const ids = entries.map((e) => addressCounterId(e.address, deps.counterKey));
  const listed = new Set(await deps.access.isSuppressed(ids));
  return entries.filter((_, i) => listed.has(ids[i] as string));
}
