/** The API's answers to bad requests: the documented status, the error shape, never a 5xx. */
import { describe, expect, it } from 'vitest';
import { validBody } from '../fixtures.js';
import { useService } from '../integration/helpers.js';

const { ctx } = useService();

interface ErrorBody {
  error: { code: string; message: string; fields?: { path: string; message: string }[] };
}

async function expectError(res: Response, status: number, code: string): Promise<ErrorBody> {
  expect(res.status).toBe(status);
  expect(res.headers.get('content-type')).toContain('application/json');
  const body = (await res.json()) as ErrorBody;
  expect(body.error.code).toBe(code);
  expect(body.error.message).toEqual(expect.any(String));
  expect(JSON.stringify(body)).not.toMatch(/at .+\.(ts|js):\d+/); // no stack trace
  return body;
}

describe('HTTP API errors', () => {
  it('GET /health is 200', async () => {
    expect((await ctx.api.call('/health')).status).toBe(200);
  });

  it.each(['/interviews', '/interviews/preview'])(
    '401 without a key, with a wrong key, or with another scheme: %s',
    async (path) => {
      for (const authorization of [undefined, 'Bearer wrong-key', `Basic ${ctx.runtime.apiKey}`, 'Bearer ']) {
        const res = await ctx.api.call(path, {
          method: 'POST',
          headers: {
            'Content-Type': 'application/json',
            ...(authorization && { Authorization: authorization }),
          },
          body: JSON.stringify(validBody()),
        });
        await expectError(res, 401, 'unauthorized');
      }
    },
  );

  it('401 for reading an interview without a key', async () => {
    await expectError(await ctx.api.call('/interviews/some-id'), 401, 'unauthorized');
  });

  it('415 for a body that is not JSON', async () => {
    await expectError(
      await ctx.api.submit('a=b', { 'Content-Type': 'application/x-www-form-urlencoded' }),
      415,
      'unsupported_media_type',
    );
    await expectError(
      await ctx.api.submit(JSON.stringify(validBody()), { 'Content-Type': 'text/plain' }),
      415,
      'unsupported_media_type',
    );
  });

  it('400 for malformed JSON', async () => {
    await expectError(await ctx.api.submit('{"candidate": '), 400, 'malformed_json');
  });

  it('400 saying what a field must be when it has the wrong type, and naming the body when it is not an object', async () => {
    const wrong = await expectError(
      await ctx.api.submit({ ...validBody(), followUp: 'yes' }),
      400,
      'invalid_request',
    );
    expect(wrong.error.fields).toEqual([{ path: 'followUp', message: 'must be true or false' }]);
    const nothing = await expectError(await ctx.api.submit('null'), 400, 'invalid_request');
    expect(nothing.error.fields).toEqual([{ path: '(body)', message: 'must be an object' }]);
  });

  it('accepts the bearer scheme in any case', async () => {
    const res = await ctx.api.call('/interviews/00000000-0000-4000-8000-000000000000', {
      headers: { Authorization: `bearer ${ctx.runtime.apiKey}` },
    });
    await expectError(res, 404, 'not_found');
  });

  it('400 naming each invalid field, in the message and in fields', async () => {
    const res = await ctx.api.submit({
      ...validBody(),
      interviewer: { name: 'Mrs. Hiring Manager', email: 'nope' },
    });
    const body = await expectError(res, 400, 'invalid_request');
    expect(body.error.fields).toEqual([{ path: 'interviewer.email', message: 'must be an email address' }]);
    expect(body.error.message).toContain('interviewer.email');
  });

  it('413 for a body over 64 KiB', async () => {
    const res = await ctx.api.submit({ ...validBody(), highlights: 'x'.repeat(70 * 1024) });
    await expectError(res, 413, 'payload_too_large');
  });

  it('404 for an unknown interview id and for an unknown route', async () => {
    await expectError(await ctx.api.get('00000000-0000-4000-8000-000000000000'), 404, 'not_found');
    await expectError(await ctx.api.call('/nowhere'), 404, 'not_found');
    // An id no interview can have (too long for a DynamoDB key, say) is a 404 too, never a 5xx.
    await expectError(await ctx.api.get('x'.repeat(3000)), 404, 'not_found');
    await expectError(await ctx.api.get('../../etc'), 404, 'not_found');
  });

  it('stores nothing and sends nothing for a rejected submission', async () => {
    const before = ctx.runtime.emulator.pending().length;
    const res = await ctx.api.submit({ ...validBody(), position: 'Copywriter\nBcc: someone@example.org' });
    const body = await expectError(res, 400, 'invalid_request');
    expect(body.error.fields?.map((f) => f.path)).toEqual(['position']);
    expect(ctx.runtime.emulator.pending().length).toBe(before);
    await ctx.runtime.emulator.settle();
    expect(await ctx.api.mail()).toEqual([]);
  });

  it('/_local/clock rejects a bad instant and reads back a set one', async () => {
    const bad = await ctx.api.call('/_local/clock', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ now: 'tomorrow' }),
    });
    await expectError(bad, 400, 'invalid_request');
    const partial = await ctx.api.call('/_local/clock', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ now: '2026' }),
    });
    await expectError(partial, 400, 'invalid_request');
    expect((await ctx.api.setClock('2030-01-01T00:00:00Z')).now).toBe('2030-01-01T00:00:00.000Z');
    const { now } = (await (await ctx.api.call('/_local/clock')).json()) as { now: string };
    expect(new Date(now).getTime()).toBeGreaterThanOrEqual(Date.parse('2030-01-01T00:00:00.000Z'));
    expect(new Date(now).getTime()).toBeLessThan(Date.parse('2030-01-01T00:01:00.000Z'));
  });
});
