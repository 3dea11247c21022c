/**
 * What happened to an interview, and who did it: one entry per event, appended in the same write
 * as the change it records (a transition that does not happen records nothing). Entries name an
 * email by its key and an API key by its id, never an address, a name or a text, so the history
 * holds no personal data and an erasure leaves it as it is (adding its own entry).
 */
import type { EmailKey } from './panel.js';

/**
 * Who acted: the API (with the key's id), the cancel link, the sender, SES feedback, the sweep,
 * the self-serve form (`web`). The one list the types and the API's description read.
 */
export const ACTORS = ['api', 'link', 'sender', 'feedback', 'sweep', 'web'] as const;
export type Actor = (typeof ACTORS)[number];

/** What happened. `confirmed`: a self-serve submission confirmed by its candidate. */
export const HISTORY_ACTIONS = [
  'created',
  'confirmed',
  'edited',
  'rescheduled',
  'cancelled',
  'restored',
  'sent',
  'failed',
  'bounced',
  'skipped',
  'erased',
] as const;
export type HistoryAction = (typeof HISTORY_ACTIONS)[number];

export interface HistoryEntry {
  at: string;
  by: Actor;
  /** The API key that acted, when `by` is `api`. */
  keyId?: string;
  action: HistoryAction;
  /** The fields an edit changed, by name (never their values). */
  fields?: string[];
  /** Which email (panel.ts), when the entry is about one. */
  email?: EmailKey;
}

/** Who is acting, as a use case is told: the entries it writes carry it. */
export interface Acting {
  by: Actor;
  keyId?: string;
}

/** An entry by `who`, at `at`, about `email` if given. */
export function entry(who: Acting, action: HistoryAction, at: string, email?: EmailKey): HistoryEntry {
  return {
    at,
    by: who.by,
    ...(who.by === 'api' && who.keyId !== undefined && { keyId: who.keyId }),
    action,
    ...(email !== undefined && { email }),
  };
}

export const BY_SENDER: Acting = { by: 'sender' };
export const BY_LINK: Acting = { by: 'link' };
export const BY_FEEDBACK: Acting = { by: 'feedback' };
/** The sweep: `rescheduled` when it hands an overdue email (its schedule lost) to the sender. */
export const BY_SWEEP: Acting = { by: 'sweep' };

/**
 * The history an erasure leaves: who did what to which email, in order, but not when, nor which
 * key (the erasure removes the owner and the times for the same reason), then its own entry.
 */
export function erasedHistory(
  history: readonly HistoryEntry[] | undefined,
  log?: HistoryEntry,
): HistoryEntry[] {
  const at = log?.at;
  const kept = (history ?? []).map(({ by, action, email }) => ({
    at: at ?? '',
    by,
    action,
    ...(email !== undefined && { email }),
  }));
  return log ? [...kept, log] : kept;
}
