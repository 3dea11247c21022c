/**
 * The docs function's app: the OpenAPI document (`GET /openapi.json`) and its page (`GET /docs`).
 * A function of its own, so the api's bundle carries neither the document nor zod's JSON Schema
 * output (docs/performance.md). The document is built once per container.
 */
import { Hono } from 'hono';
import packageJson from '../../package.json' with { type: 'json' };
import { openApiDocument } from './openapi.js';
import { DOCS_CSP, ReferencePage } from './page.js';

let built: { document: Record<string, unknown>; body: string } | undefined;

export function createDocsApp(): Hono {
  // Once per process, however many apps (the local runtime makes one per start).
  built ??= (() => {
    const document = openApiDocument(packageJson.version);
    return { document, body: JSON.stringify(document) };
  })();
  const { document, body } = built;
  const app = new Hono();
  app.get('/openapi.json', (c) => {
    c.header('Cache-Control', 'public, max-age=300');
    return c.body(body, 200, { 'Content-Type': 'application/json; charset=utf-8' });
  });
  app.get('/docs', (c) => {
    c.header('Content-Security-Policy', DOCS_CSP);
    c.header('X-Content-Type-Options', 'nosniff');
    c.header('Referrer-Policy', 'no-referrer');
    c.header('Cache-Control', 'public, max-age=300');
    return c.html(<ReferencePage document={document} />);
  });
  return app;
}
