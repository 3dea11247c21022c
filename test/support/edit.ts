/**
 * What the edit tests (test/service/edit*.test.ts) share: PATCH and GET with their ETags, and the
 * interview they start from (the example, submitted at its usual time).
 */
import { expect } from 'vitest';
import { validBody } from '../fixtures.js';
import type { InProcessContext } from '../integration/helpers.js';
import type { Created, EmailView, ErrorBody } from './panel.js';

export const SUBMITTED = '2026-11-27T19:30:00.000Z';

export interface Owned {
  id: string;
  interviewers: { id: number; name: string; email: string; note?: string; awayUntil?: string }[];
  emails: EmailView[];
  history: {
    at: string;
    by: string;
    keyId?: string;
    action: string;
    fields?: string[];
    email?: { kind: string; to?: string };
  }[];
  [field: string]: unknown;
}

/** The first interviewer (id 1) of the example, as an edit's `interviewers` entry names them. */
export const firstPerson = (email: string, extra: Record<string, unknown> = {}) => ({
  id: 1,
  name: 'Mrs. Hiring Manager',
  email,
  ...extra,
});

export function editApi(ctx: InProcessContext) {
  const auth = () => ({ Authorization: `Bearer ${ctx.runtime.apiKey}` });
  const api = {
    patch(id: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
      return ctx.api.call(`/interviews/${id}`, {
        method: 'PATCH',
        headers: { ...auth(), 'Content-Type': 'application/merge-patch+json', ...headers },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      });
    },
    /** A PATCH that must succeed: its answer. */
    async edit(id: string, body: unknown, headers: Record<string, string> = {}): Promise<Owned> {
      const res = await api.patch(id, body, headers);
      const json = (await res.json()) as Owned | ErrorBody;
      expect(res.status, JSON.stringify(json)).toBe(200);
      expect(res.headers.get('ETag')).toMatch(/^"[0-9a-f]{32}"$/);
      return json as Owned;
    },
    /** A PATCH that must fail with `status`: its error. */
    async refused(id: string, body: unknown, status: number, headers: Record<string, string> = {}) {
      const res = await api.patch(id, body, headers);
      const json = (await res.json()) as ErrorBody & { error: { emails?: { kind: string; to: string }[] } };
      expect(res.status, JSON.stringify(json)).toBe(status);
      return json.error;
    },
    async owned(id: string): Promise<{ body: Owned; etag: string }> {
      const res = await ctx.api.get(id);
      expect(res.status).toBe(200);
      return { body: (await res.json()) as Owned, etag: res.headers.get('ETag') ?? '' };
    },
    /** The example interview (one interviewer), submitted at SUBMITTED; `patch` merged in. */
    async submitted(address: string, patch: Record<string, unknown> = {}): Promise<Created> {
      await ctx.api.setClock(SUBMITTED);
      const res = await ctx.api.submit({
        ...validBody(),
        interviewer: { name: 'Mrs. Hiring Manager', email: address },
        ...patch,
      });
      const json = (await res.json()) as Created;
      expect(res.status, JSON.stringify(json)).toBe(201);
      await ctx.runtime.emulator.settle(); // the confirmation sent (its entry is in the history)
      return json;
    },
  };
  return api;
}
