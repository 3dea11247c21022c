/**
 * The OpenAPI document (`GET /openapi.json`): valid OpenAPI 3.1 by a real validator, built from the
 * schema intake validates with, and naming exactly the routes the API and docs apps serve. Plus
 * its page (`GET /docs`).
 */
import SwaggerParser from '@apidevtools/swagger-parser';
import { describe, expect, it } from 'vitest';
import { createApp } from '../../lambdas/api/app.js';
import { limitsFrom } from '../../lambdas/core/access.js';
import { hashSecret } from '../../lambdas/core/tokens.js';
import { createDocsApp } from '../../lambdas/docs/app.js';
import { MemoryAccessStore } from '../../lambdas/memory/access.js';
import { MemoryInvoker, MemoryScheduler } from '../../lambdas/memory/scheduler.js';
import { MemoryInterviewStore } from '../../lambdas/memory/store.js';
import { useService } from '../integration/helpers.js';

const { ctx } = useService();

type Json = Record<string, Record<string, unknown>>;

async function document(): Promise<{ paths: Json; components: { schemas: Json } }> {
  const res = await ctx.api.call('/openapi.json');
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  return res.json() as Promise<{ paths: Json; components: { schemas: Json } }>;
}

/** "METHOD /path/{param}" for every route an app serves (middleware registered for ALL aside). */
function served(app: { routes: { method: string; path: string }[] }): string[] {
  return app.routes
    .filter((r) => r.method !== 'ALL')
    .map((r) => `${r.method} ${r.path.replace(/:(\w+)/g, '{$1}')}`);
}

describe('GET /openapi.json', () => {
  it('is a valid OpenAPI 3.1 document', async () => {
    const doc = await document();
    expect((doc as unknown as { openapi: string }).openapi).toBe('3.1.0');
    // The validator dereferences in place: it gets a copy.
    await expect(SwaggerParser.validate(structuredClone(doc) as never)).resolves.toBeDefined();
  });

  it('names every route the apps serve, and only those', async () => {
    const api = createApp({
      store: new MemoryInterviewStore(),
      access: new MemoryAccessStore(),
      scheduler: new MemoryScheduler(),
      invoker: new MemoryInvoker(),
      clock: { now: () => new Date() },
      log: () => {},
      limits: limitsFrom({}),
      counterKey: 'a-counter-key-for-the-route-listing-only',
      apiKeySha256: hashSecret('unused'),
    });
    const routes = new Set([...served(api), ...served(createDocsApp())]);
    const documented = new Set(
      Object.entries((await document()).paths).flatMap(([path, item]) =>
        Object.keys(item)
          .filter((key) => key !== 'parameters')
          .map((method) => `${method.toUpperCase()} ${path}`),
      ),
    );
    expect([...documented].sort()).toEqual([...routes].sort());
  });

  it('describes submissions with the schema intake validates with', async () => {
    const submission = (await document()).components.schemas.Submission as {
      required: string[];
      additionalProperties: boolean;
      properties: Record<
        string,
        {
          properties?: Record<string, { pattern?: string; maxLength?: number }>;
          items?: { properties?: Record<string, { format?: string; maxLength?: number }> };
          maxItems?: number;
          minItems?: number;
        }
      >;
    };
    // A panel (interviewers) or its shorthand (interviewer): exactly one, which intake checks.
    expect(submission.required.sort()).toEqual(['candidate', 'interview', 'position']);
    const panel = submission.properties.interviewers;
    expect([panel?.minItems, panel?.maxItems]).toEqual([1, 8]);
    expect(panel?.items?.properties?.email?.format).toBe('email');
    expect(panel?.items?.properties?.note?.maxLength).toBe(300);
    expect(submission.properties.secondFollowUp).toBeDefined();
    expect(submission.properties.interview?.properties?.decisionBy).toBeDefined();
    expect(submission.additionalProperties).toBe(false);
    const address = submission.properties.interviewer?.properties?.email;
    expect(address?.maxLength).toBe(254);
    expect(new RegExp(address?.pattern ?? '^$').test('hiring.manager@example.org')).toBe(true);
    expect(new RegExp(address?.pattern ?? '^$').test('IT Support <it@example.org>')).toBe(false);
    expect((address as { format?: string } | undefined)?.format).toBe('email');
    const zone = submission.properties.interview?.properties?.timeZone as
      | { description?: string }
      | undefined;
    expect(zone?.description).toContain('IANA');
  });
});

describe('GET /docs', () => {
  it('renders every operation and schema, under a strict CSP with no script', async () => {
    const res = await ctx.api.call('/docs');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
    const page = await res.text();
    expect(page).not.toContain('<script');
    for (const path of Object.keys((await document()).paths)) expect(page).toContain(`<code>${path}</code>`);
    for (const field of ['candidate.email', 'interview.timeZone', 'thankYouDelayHours']) {
      expect(page).toContain(`<code>${field}</code>`);
    }
  });
});
