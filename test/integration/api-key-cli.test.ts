/**
 * `npm run api-key` itself, as an administrator runs it: a child process against the local
 * runtime's DynamoDB. The commands' rules are tested in process (test/service/access.test.ts,
 * revoke.test.ts); this shows the script wires them to the real table and prints, exits and
 * refuses as documented.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { validBody } from '../fixtures.js';
import { useLocalRuntime } from './helpers.js';

const run = promisify(execFile);
const { ctx } = useLocalRuntime();

async function apiKey(...args: string[]): Promise<{ stdout: string; stderr: string; code: number }> {
  try {
    // As `npm run api-key` runs it (tsx), without npx's own start-up.
    const { stdout, stderr } = await run(
      process.execPath,
      ['--import', 'tsx', 'scripts/api-key.ts', ...args],
      {
        env: { ...process.env, DYNAMODB_PORT: new URL(ctx.runtime.dynamoUrl).port },
      },
    );
    return { stdout, stderr, code: 0 };
  } catch (err) {
    const e = err as { stdout: string; stderr: string; code: number };
    return { stdout: e.stdout, stderr: e.stderr, code: e.code };
  }
}

const get = (key: string, id: string) =>
  ctx.api.call(`/interviews/${id}`, { headers: { Authorization: `Bearer ${key}` } });

describe('npm run api-key', () => {
  it('creates a key shown once, lists it without the secret, revokes it, and refuses a bad command line', async () => {
    const created = await apiKey('create', '--name', 'Example Recruiting');
    expect(created.code).toBe(0);
    const key = /ifk_[A-Za-z0-9_-]{43}/.exec(created.stdout)?.[0] ?? '';
    const keyId = /key_[0-9a-f]{12}/.exec(created.stdout)?.[0] ?? '';
    expect(key).not.toBe('');
    const listed = (await apiKey('list')).stdout;
    expect(listed).toContain(`${keyId}  active`);
    expect(listed).toContain('Example Recruiting');
    expect(listed).not.toContain(key);
    const res = await ctx.api.call('/interviews', {
      method: 'POST',
      headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' },
      body: JSON.stringify(validBody()),
    });
    expect(res.status).toBe(201);
    const { id } = (await res.json()) as { id: string };

    const revoked = await apiKey('revoke', keyId);
    expect(revoked.code).toBe(0);
    expect(revoked.stdout).toContain(`Revoked ${keyId}`);
    expect(revoked.stdout).toContain(`npm run api-key -- revoke ${keyId} --cancel-pending`);
    expect((await get(key, id)).status).toBe(401);
    expect((await apiKey('list')).stdout).toContain(`${keyId}  revoked`);

    const bad = await apiKey('create');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('create needs --name');
    expect(bad.stderr).toContain('usage: npm run api-key');
    const unknown = await apiKey('revoke', 'key_000000000000');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('no key key_000000000000 in the local runtime');
  });
});
