/**
 * The OpenAPI document (`GET /openapi.json`): valid OpenAPI 3.1 by a real validator, built from the
 * schema intake validates with, and naming exactly the routes the API and docs apps serve; real
 * answers of the API validate against its schemas. Plus its page (`GET /docs`).
 */
import SwaggerParser from '@apidevtools/swagger-parser';
import { describe, expect, it } from 'vitest';
import { fromJSONSchema } from 'zod';
import { createApp } from '../../lambdas/api/app.js';
import { limitsFrom } from '../../lambdas/core/access.js';
import { hashSecret } from '../../lambdas/core/tokens.js';
import { createDocsApp } from '../../lambdas/docs/app.js';
import { MemoryAccessStore } from '../../lambdas/memory/access.js';
import { MemoryInvoker, MemoryScheduler } from '../../lambdas/memory/scheduler.js';
import { MemoryInterviewStore } from '../../lambdas/memory/store.js';
import { useService } from '../integration/helpers.js';
import { editApi, type Owned, SUBMITTED } from '../support/edit.js';
import { panelApi, panelBody } from '../support/panel.js';

const { ctx } = useService();
const edit = editApi(ctx);
const panel = panelApi(ctx);

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

type Operation = {
  security?: unknown;
  parameters?: { name: string; in: string }[];
  requestBody?: { required?: boolean; content: Record<string, { schema: { $ref?: string } }> };
  responses: Record<
    string,
    { headers?: Record<string, unknown>; content?: Record<string, { schema: { $ref?: string } }> }
  >;
};
type Schema = {
  properties: Record<string, Schema & { type?: unknown; pattern?: string; enum?: string[] }>;
  items?: Schema;
  required?: string[];
};

/** A schema of the document as a validator of real answers (zod reads JSON Schema 2020-12). */
async function validates(name: string, body: unknown): Promise<void> {
  const schema = (await document()).components.schemas[name];
  const result = fromJSONSchema(schema as never).safeParse(body);
  expect(result.success, `${name}: ${JSON.stringify(result.error?.issues)}`).toBe(true);
}

const keys = (value: unknown) => Object.keys(value as object).sort();
const ETAG = /^"[0-9a-f]{32}"$/;

describe('PATCH /interviews/{id} in the document', () => {
  it('takes a merge patch (or JSON) with If-Match, and names every answer; GET and restore carry the ETag', async () => {
    const doc = await document();
    const item = doc.paths['/interviews/{id}'] as Record<string, Operation>;
    const patch = item.patch as Operation;
    expect(patch.security).toEqual([{ bearer: [] }]);
    expect(patch.parameters).toContainEqual(expect.objectContaining({ name: 'If-Match', in: 'header' }));
    expect(keys(patch.requestBody?.content)).toEqual(['application/json', 'application/merge-patch+json']);
    for (const media of Object.values(patch.requestBody?.content ?? {})) {
      expect(media.schema.$ref).toBe('#/components/schemas/InterviewPatch');
    }
    expect(keys(patch.responses)).toEqual([
      '200',
      '400',
      '401',
      '404',
      '409',
      '412',
      '413',
      '415',
      '429',
      '503',
    ]);
    expect(patch.responses['200']?.content?.['application/json']?.schema.$ref).toBe(
      '#/components/schemas/OwnedInterview',
    );
    expect(patch.responses['429']?.headers).toHaveProperty('Retry-After');
    const restore = (doc.paths['/interviews/{id}/restore'] as Record<string, Operation>).post as Operation;
    for (const op of [patch, item.get as Operation, restore])
      expect(op.responses['200']?.headers).toHaveProperty('ETag');

    const schemas = doc.components.schemas as unknown as Record<string, Schema>;
    const body = schemas.InterviewPatch as Schema;
    expect(keys(body.properties)).toEqual(
      [
        'id',
        'candidate',
        'interviewers',
        'position',
        'company',
        'interview',
        'highlights',
        'followUp',
        'secondFollowUp',
        'copyCandidate',
        'messages',
        'thankYouDelayHours',
        'followUpBusinessDays',
        'holidays',
        'reschedule',
      ].sort(),
    );
    expect(body.required).toBeUndefined(); // a merge patch: every member optional
    expect(body.properties.company?.type).toEqual(['string', 'null']); // null removes it
    expect(body.properties.position?.type).toBe('string'); // required: null would be a 400
    expect(body.properties.interviewers?.items?.properties.id?.type).toBe('integer');
    const reschedule = body.properties.reschedule?.items as Schema;
    expect(reschedule.required?.sort()).toEqual(['at', 'kind']);
    const at = new RegExp(reschedule.properties.at?.pattern ?? '^$');
    expect([at.test('2026-12-04T11:00'), at.test('2026-12-04T16:00:00Z')]).toEqual([true, false]);

    const owned = schemas.OwnedInterview as Schema;
    expect(owned.required).toEqual(expect.arrayContaining(['id', 'interviewers', 'emails', 'history']));
    expect(owned.properties.interviewers?.items?.required).toContain('id');
    const entry = owned.properties.history?.items as Schema;
    expect(entry.properties.action?.enum).toEqual(expect.arrayContaining(['edited', 'rescheduled']));
    expect(entry.properties.email?.properties.kind?.enum).toEqual(
      expect.arrayContaining(['update', 'confirmation']),
    );
    const codes = (schemas.Error as Schema).properties.error?.properties.code?.enum;
    expect(codes).toEqual(
      expect.arrayContaining([
        'precondition_failed',
        'already_sending',
        'already_sent',
        'nothing_pending',
        'too_many_edits',
      ]),
    );
  });

  it('real answers validate: GET, PATCH and restore as OwnedInterview, the refusals as Error', async () => {
    await ctx.api.setClock(SUBMITTED);
    const first = 'panel1@example.org';
    const second = 'panel2@example.org';
    const created = await panel.submit(
      panelBody(
        [
          { name: 'Mrs. Hiring Manager', email: first, note: 'our conversation about the spring campaign' },
          { name: 'Jordan Example', email: second, note: 'the tour of the studio', awayUntil: '2026-12-02' },
        ],
        {
          interview: { endsAt: '2026-11-27T14:00', timeZone: 'America/New_York', decisionBy: '2026-11-30' },
          secondFollowUp: true,
          copyCandidate: false,
          holidays: 'US',
          messages: {
            thankYou: { subject: 'Thank you, {{interviewerName}}' },
            followUp: { subject: 'Following up on the {{position}} role' },
            secondFollowUp: { subject: 'Checking in on the {{position}} role' },
          },
        },
      ),
    );
    await ctx.runtime.emulator.settle(); // the confirmation went (its entry is in the history)
    const got = await edit.owned(created.id);
    expect(got.etag).toMatch(ETAG);
    await validates('OwnedInterview', got.body);
    // Every field the schema names is in the answer of an interview that has them all: none made up.
    const owned = (await document()).components.schemas.OwnedInterview as unknown as Schema;
    expect(keys(got.body)).toEqual(keys(owned.properties));
    for (const name of ['candidate', 'interview', 'messages'] as const) {
      expect(keys(got.body[name]), name).toEqual(keys(owned.properties[name]?.properties));
    }
    expect(keys(got.body.interviewers[1])).toEqual(keys(owned.properties.interviewers?.items?.properties));

    const renamed = {
      interviewers: got.body.interviewers.map((p) =>
        p.id === 1 ? { ...p, name: 'Mrs. Hiring Managerin' } : p,
      ),
      reschedule: [{ kind: 'follow-up', to: second, at: '2026-12-04T11:00' }],
    };
    const res = await edit.patch(created.id, renamed, { 'If-Match': got.etag });
    const edited = (await res.json()) as Owned;
    expect(res.status, JSON.stringify(edited)).toBe(200);
    expect(res.headers.get('ETag')).toMatch(ETAG);
    await validates('OwnedInterview', edited);
    expect(edited.history.slice(-2)).toMatchObject([
      { by: 'api', action: 'edited', fields: ['interviewers[1].name'] },
      { by: 'api', action: 'rescheduled', email: { kind: 'follow-up', to: second } },
    ]);

    await ctx.api.setClock('2026-11-27T19:36:00.000Z'); // the candidate's "updated" notice goes
    await ctx.runtime.emulator.settle();
    const later = await edit.owned(created.id);
    await validates('OwnedInterview', later.body);
    const kinds = later.body.history.flatMap((h) => (h.email ? [h.email.kind] : []));
    expect(kinds).toEqual(expect.arrayContaining(['confirmation', 'update']));

    const refusals: [number, Record<string, string>, unknown][] = [
      [412, { 'If-Match': got.etag }, { position: 'Senior Copywriter' }],
      [415, { 'Content-Type': 'text/plain' }, { position: 'Senior Copywriter' }],
      [400, {}, { reschedule: [{ kind: 'follow-up', at: '2026-12-05T11:00' }] }], // a Saturday
    ];
    for (const [status, headers, body] of refusals) {
      await validates('Error', { error: await edit.refused(created.id, body, status, headers) });
    }

    expect((await panel.cancelJson(created.cancelUrl, { kind: 'second-follow-up' })).status).toBe(200);
    const restored = await ctx.api.call(`/interviews/${created.id}/restore`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${ctx.runtime.apiKey}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ kind: 'second-follow-up' }),
    });
    expect(restored.status).toBe(200);
    expect(restored.headers.get('ETag')).toMatch(ETAG);
    await validates('OwnedInterview', await restored.json());

    await ctx.api.setClock('2026-11-27T22:01:00.000Z'); // the thank-yous went
    await ctx.runtime.emulator.settle();
    const readdressed = got.body.interviewers.map((p) =>
      p.id === 1 ? { ...p, email: 'hm@example.com' } : p,
    );
    const conflict = await edit.refused(created.id, { interviewers: readdressed }, 409);
    expect(conflict).toMatchObject({ code: 'already_sent', emails: [{ kind: 'thank-you', to: first }] });
    await validates('Error', { error: conflict });
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
