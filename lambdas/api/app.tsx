/**
 * The HTTP API, the same Hono app on Lambda (`handler.ts`) and in the local runtime.
 * Routes parse and authenticate, call the use cases in `interviews.ts`, and map the outcome to a
 * response. Clients never see a stack trace or a raw error.
 */
import { type Context, Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { type InterviewRecord, SCHEDULED_KINDS, toView } from '../core/interview.js';
import { type FieldProblem, parseSubmission, type ValidSubmission } from '../core/schema.js';
import { hashSecret, isWellFormedToken, sameHash } from '../core/tokens.js';
import {
  type ApiDeps,
  cancelPending,
  findByToken,
  previewInterview,
  ServiceUnavailable,
  submitInterview,
} from './interviews.js';
import { CancelPage, MessagePage, PAGE_CSP } from './pages.js';

export const MAX_BODY_BYTES = 64 * 1024;

type SubmissionEnv = { Variables: { submission: ValidSubmission } };

export interface AppOptions extends ApiDeps {
  apiKeySha256: string;
  /** Base of links in emails; defaults to the origin the request came in on. */
  publicUrl?: string;
}

export function errorResponse(
  c: Context,
  status: ContentfulStatusCode,
  code: string,
  message: string,
  fields?: FieldProblem[],
) {
  return c.json({ error: { code, message, ...(fields && { fields }) } }, status);
}

function authorized(header: string | undefined, expectedHash: string): boolean {
  const match = /^Bearer ([\x21-\x7e]+)$/i.exec(header ?? '');
  return match?.[1] !== undefined && sameHash(hashSecret(match[1]), expectedHash);
}

function pageHeaders(c: Context) {
  c.header('Content-Security-Policy', PAGE_CSP);
  c.header('X-Content-Type-Options', 'nosniff');
  c.header('Referrer-Policy', 'no-referrer');
  c.header('Cache-Control', 'no-store');
  c.header('X-Frame-Options', 'DENY');
}

const INTERVIEW_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function cancelNotice(record: InterviewRecord): string {
  const inFlight = SCHEDULED_KINDS.filter((kind) => record.emails[kind].status === 'sending');
  if (inFlight.length === 0) return 'Done: nothing pending will be sent.';
  const verb = inFlight.length === 1 ? 'was' : 'were';
  return `The ${inFlight.join(' and ')} ${verb} already being sent and may go out; everything else pending is cancelled.`;
}

const NOT_FOUND_PAGE = {
  title: 'Link not found',
  message: 'This link is not valid. Check that you opened the whole link from your confirmation email.',
};

export function createApp(options: AppOptions): Hono<SubmissionEnv> {
  const app = new Hono<SubmissionEnv>();

  app.onError((err, c) => {
    if (err instanceof ServiceUnavailable) {
      return errorResponse(c, 503, 'unavailable', err.message);
    }
    // The route template, not the path: a path can carry a cancel token, which must stay out of logs.
    options.log('error', 'unhandled error', { route: c.req.routePath, error: err.stack ?? String(err) });
    return errorResponse(c, 500, 'internal', 'Something went wrong on our side. Please try again.');
  });
  app.notFound((c) => errorResponse(c, 404, 'not_found', `No route for ${c.req.method} ${c.req.path}.`));

  app.get('/health', (c) => c.json({ status: 'ok' }));

  const requireKey = async (c: Context, next: () => Promise<void>) => {
    if (!authorized(c.req.header('Authorization'), options.apiKeySha256)) {
      c.header('WWW-Authenticate', 'Bearer');
      return errorResponse(
        c,
        401,
        'unauthorized',
        'A valid API key is required: Authorization: Bearer <key>.',
      );
    }
    await next();
  };

  /** Auth, size, media type, JSON and schema: the same gate for intake and preview. */
  const submission = [
    requireKey,
    bodyLimit({
      maxSize: MAX_BODY_BYTES,
      onError: (c) =>
        errorResponse(c, 413, 'payload_too_large', `The body must be at most ${MAX_BODY_BYTES} bytes.`),
    }),
    async (c: Context<SubmissionEnv>, next: () => Promise<void>) => {
      const type = c.req.header('Content-Type') ?? '';
      if (!/^application\/json\s*(;\s*charset="?utf-8"?\s*)?$/i.test(type.trim())) {
        return errorResponse(
          c,
          415,
          'unsupported_media_type',
          'The body must be JSON: Content-Type: application/json.',
        );
      }
      let body: unknown;
      try {
        body = JSON.parse(await c.req.text());
      } catch {
        return errorResponse(c, 400, 'malformed_json', 'The body is not valid JSON.');
      }
      const parsed = parseSubmission(body, options.clock.now());
      if (!parsed.ok) {
        const summary = parsed.fields.map((f) => `${f.path} ${f.message}`).join('; ');
        return errorResponse(c, 400, 'invalid_request', `Invalid submission: ${summary}.`, parsed.fields);
      }
      c.set('submission', parsed);
      await next();
    },
  ] as const;

  app.post('/interviews/preview', ...submission, (c) =>
    c.json(previewInterview(c.get('submission'), options.clock.now())),
  );

  app.post('/interviews', ...submission, async (c) => {
    const baseUrl = (options.publicUrl ?? new URL(c.req.url).origin).replace(/\/+$/, '');
    const result = await submitInterview(options, c.get('submission'), baseUrl);
    c.header('Location', `/interviews/${result.id}`);
    return c.json(result, 201);
  });

  app.get('/interviews/:id', requireKey, async (c) => {
    const id = c.req.param('id') ?? '';
    const record = INTERVIEW_ID.test(id) ? await options.store.get(id) : undefined;
    if (!record) return errorResponse(c, 404, 'not_found', 'No interview with this id.');
    return c.json(toView(record));
  });

  app.get('/cancel/:token', async (c) => {
    pageHeaders(c);
    const token = c.req.param('token');
    const record = isWellFormedToken(token) ? await findByToken(options, token) : undefined;
    if (!record) return c.html(<MessagePage {...NOT_FOUND_PAGE} />, 404);
    return c.html(<CancelPage record={record} action={`/cancel/${token}`} />);
  });

  app.post('/cancel/:token', async (c) => {
    const wantsJson = (c.req.header('Accept') ?? '').includes('application/json');
    const token = c.req.param('token');
    const record = isWellFormedToken(token) ? await findByToken(options, token) : undefined;
    if (!record) {
      if (wantsJson) return errorResponse(c, 404, 'not_found', 'No interview for this link.');
      pageHeaders(c);
      return c.html(<MessagePage {...NOT_FOUND_PAGE} />, 404);
    }
    const after = await cancelPending(options, record);
    if (wantsJson) return c.json(toView(after));
    pageHeaders(c);
    return c.html(<CancelPage record={after} action={`/cancel/${token}`} notice={cancelNotice(after)} />);
  });

  return app;
}
