/**
 * The edit's pure parts (core/edit.ts): RFC 7396 merge patch, and what parseEdit refuses before
 * anything is planned.
 */
import { describe, expect, it } from 'vitest';
import { documentOf, mergePatch, parseEdit } from '../../lambdas/core/edit.js';
import { newInterview } from '../../lambdas/core/new-interview.js';
import { parseSubmission, type ValidSubmission } from '../../lambdas/core/schema.js';
import { NOW, validBody } from '../fixtures.js';

function record() {
  const parsed = parseSubmission(validBody(), NOW) as ValidSubmission;
  return newInterview({
    id: 'edit-unit',
    ownerKeyId: 'k',
    tokenHash: 'h',
    submission: parsed.value,
    endsAt: parsed.endsAt,
    timing: parsed.timing,
    now: NOW,
  });
}

describe('mergePatch (RFC 7396)', () => {
  it('merges objects member by member, removes on null, replaces lists and scalars whole', () => {
    const target = { a: { b: 1, c: 2 }, list: [1, 2], keep: 'x' };
    expect(mergePatch(target, { a: { b: null, d: 3 }, list: [9], keep: 'y' })).toEqual({
      a: { c: 2, d: 3 },
      list: [9],
      keep: 'y',
    });
    expect(mergePatch(target, 'scalar')).toBe('scalar');
    expect(target).toEqual({ a: { b: 1, c: 2 }, list: [1, 2], keep: 'x' }); // not changed in place
  });

  it('keeps a member named __proto__ a member: it never reaches a prototype', () => {
    const merged = mergePatch({}, JSON.parse('{"__proto__": {"polluted": true}}')) as Record<string, unknown>;
    expect(Object.keys(merged)).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getPrototypeOf(merged)).toBe(Object.prototype);
  });
});

describe('parseEdit', () => {
  const paths = (body: unknown) => {
    const parsed = parseEdit(record(), body, {});
    return parsed.ok ? [] : parsed.fields.map((f) => f.path);
  };

  it('takes the document GET shows, unchanged, as a valid edit of nothing', () => {
    const { interviewers, ...rest } = documentOf(record());
    const parsed = parseEdit(record(), { ...rest, interviewers, id: 'edit-unit' }, {});
    expect(parsed.ok && parsed.ids).toEqual([1]);
  });

  it('refuses what may not change, naming each field', () => {
    expect(paths(JSON.parse('{"__proto__": 1}'))).toEqual(['(body)']);
    expect(paths({ id: 'another' })).toEqual(['id']);
    expect(paths({ history: [] })).toEqual(['history']);
    expect(paths({ interview: { timeZone: 'Europe/Paris' } })).toEqual(['interview.timeZone']);
    expect(
      paths({
        interviewers: [
          { id: 1, name: 'A', email: 'a@example.org' },
          { id: 1, name: 'B', email: 'b@example.org' },
        ],
      }),
    ).toEqual(['interviewers.1.id']);
    expect(paths({ reschedule: [{ kind: 'thank-you', at: 'soon' }] })).toEqual(['reschedule.0.at']);
    expect(paths({ reschedule: [{ kind: 'reminder', at: '2026-12-01T10:00', extra: 1 }] })).toEqual([
      'reschedule.0',
      'reschedule.0.kind',
    ]);
    expect(paths([1])).toEqual(['(body)']);
  });

  it('validates the result as a submission: a link in a name is refused as at intake', () => {
    expect(paths({ candidate: { name: 'Reagan, see example.net' } })).toEqual(['candidate.name']);
  });
});
