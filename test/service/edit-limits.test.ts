/**
 * An edit's addresses count as a submission's do (issue 17, point 3): an interviewer readdressed
 * or added is one more email to that address today, refused (429, nothing changed) when its
 * limit is full; an address the interview already wrote to counts nothing again.
 */
import { describe, expect, it } from 'vitest';
import { NO_LIMITS, useService } from '../integration/helpers.js';
import { editApi } from '../support/edit.js';

const { ctx } = useService({ limits: { ...NO_LIMITS, perInterviewerPerDay: 1 } });
const api = editApi(ctx);

describe('the per-interviewer limit', () => {
  it('a new address whose day is full is a 429; the interview stays as it was', async () => {
    const full = await api.submitted('full@example.org'); // its one interview of the day
    expect(full.id).toBeDefined();
    const created = await api.submitted('l1@example.org');
    const moved = { interviewers: [{ id: 1, name: 'Mrs. Hiring Manager', email: 'full@example.org' }] };
    const res = await api.patch(created.id, moved);
    expect(res.status).toBe(429);
    expect(Number(res.headers.get('Retry-After'))).toBeGreaterThan(0);
    expect((await api.owned(created.id)).body.interviewers[0]?.email).toBe('l1@example.org');
    // A fresh address takes its one count; the same address again counts nothing more.
    const fresh = { interviewers: [{ id: 1, name: 'Mrs. Hiring Manager', email: 'l1new@example.org' }] };
    await api.edit(created.id, fresh);
    await api.edit(created.id, { position: 'Senior Copywriter' });
    const added = {
      interviewers: [...fresh.interviewers, { name: 'Jordan Example', email: 'full@example.org' }],
    };
    expect((await api.patch(created.id, added)).status).toBe(429);
  });
});
