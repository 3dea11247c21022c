/**
 * The DynamoDB expressions the interview store (store.ts) builds from a record: the erasure's
 * REMOVE paths, a history append, and `replace`'s condition.
 */
import type { HistoryEntry } from '../core/history.js';
import { ERASED_EMAIL_FIELDS, ERASED_RECORD_FIELDS, type InterviewRecord } from '../core/interview.js';
import type { EmailKey } from '../core/panel.js';
import { TABLE } from './table.js';

/** The erasure's REMOVE paths for `keys` (core/interview.ts lists the fields), with the due index's shard. */
export const erasedPaths = (keys: readonly EmailKey[]) => [
  ...ERASED_RECORD_FIELDS.map((_, i) => `#r${i}`),
  '#shard',
  ...keys.flatMap((_, i) => ERASED_EMAIL_FIELDS.map((_f, j) => `#e.#k${i}.#f${j}`)),
];

/** `SET` clause appending `log` (one entry or several) to the history (history.ts), its names and values added. */
export function appendLog(
  names: Record<string, string>,
  values: Record<string, unknown>,
  log: HistoryEntry | readonly HistoryEntry[],
): string {
  names['#h'] = 'history';
  values[':log'] = Array.isArray(log) ? [...log] : [log];
  values[':noLog'] = [];
  return '#h = list_append(if_not_exists(#h, :noLog), :log)';
}

/**
 * core/interview.ts `unchangedSince` as a Put's condition: the item is there and not erased, with
 * the same history length, revision, and every email in the same status since the same time.
 */
export function unchangedSinceCondition(read: InterviewRecord): {
  conditions: string[];
  names: Record<string, string>;
  values: Record<string, unknown>;
} {
  const names: Record<string, string> = {
    '#pk': TABLE.partitionKey,
    '#erased': 'erasedAt',
    '#rev': 'revision',
    '#e': 'emails',
    '#s': 'status',
    '#u': 'updatedAt',
  };
  const values: Record<string, unknown> = {};
  const conditions = ['attribute_exists(#pk)', 'attribute_not_exists(#erased)'];
  const entries = read.history?.length ?? 0;
  names['#h'] = 'history';
  if (entries === 0) conditions.push('(attribute_not_exists(#h) OR size(#h) = :none)');
  else conditions.push('size(#h) = :entries');
  values[entries === 0 ? ':none' : ':entries'] = entries;
  if (read.revision === undefined) conditions.push('attribute_not_exists(#rev)');
  else {
    values[':rev'] = read.revision;
    conditions.push('#rev = :rev');
  }
  Object.entries(read.emails).forEach(([key, email], i) => {
    if (!email) return;
    names[`#k${i}`] = key;
    values[`:s${i}`] = email.status;
    values[`:u${i}`] = email.updatedAt;
    conditions.push(`#e.#k${i}.#s = :s${i}`, `#e.#k${i}.#u = :u${i}`);
  });
  return { conditions, names, values };
}
