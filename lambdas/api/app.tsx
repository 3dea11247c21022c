/**
 * The HTTP API, the same Hono app on Lambda (`handler.ts`) and in the local runtime.
 * Routes parse and authenticate, call the use cases (lambdas/usecases), and map the outcome to a
 * response. Clients never see a stack trace or a raw error.
 */
import { type Context, Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { isIdempotencyKey, previewWindow } from '../core/access.js';
import type { InterviewRecord } from '../core/interview.js';
import type { KeyStore, SuppressionStore } from '../core/ports.js';
import { parseSubmission, type ValidSubmission } from '../core/schema.js';
import { hashSecret, sameHash } from '../core/tokens.js';
import { emailView, etagOf, toOwnerView } from '../core/view.js';
import { editInterview, ifMatches, MAX_EDITS } from '../usecases/edit.js';
import { type Caller, type IntakeDeps, intake, limited } from '../usecases/intake.js';
import { deleteInterview, findOwned, previewInterview, ServiceUnavailable } from '../usecases/interviews.js';
import { restore } from '../usecases/restore.js';
import { errorResponse, readCancelChoice, readJson, tooLarge, withoutTrailingSlashes } from './http.js';

export { errorResponse } from './http.js';

import { linkRoutes } from './link.js';
import { manageRoutes } from './manage.js';
import { webRoutes } from './web.js';

export const MAX_BODY_BYTES = 64 * 1024;
const RESTORE_BODY_BYTES = 4 * 1024;

type SubmissionEnv = { Variables: { submission: ValidSubmission; body: unknown; caller: Caller } };

export interface AppOptions extends IntakeDeps {
  /** The self-serve form also reads the suppression list (web.tsx). */
  access: IntakeDeps['access'] & KeyStore & SuppressionStore;
  /** SHA-256 of a key configured with the deployment (API_KEY locally): its key id is `env`. */
  apiKeySha256: string;
  /** Base of links in emails; defaults to the origin the request came in on. */
  publicUrl?: string;
  /** Domains links in submitted text may point to (LINK_ALLOWLIST); none by default. */
  linkAllowlist?: readonly string[];
  /**
   * Serve the self-serve form and its confirmation pages (web.tsx; docs/self-serve.md). Off by
   * default while it is being built: the browser tests, the invite drop and the manage page come
   * first.
   */
  selfServe?: boolean;
}

/** The key id behind a bearer header: the configured key (`env`), or an unrevoked stored key. */
async function authenticate(header: string | undefined, options: AppOptions): Promise<Caller | undefined> {
  const secret = /^Bearer ([\x21-\x7e]{1,512})$/i.exec(header ?? '')?.[1];
  if (secret === undefined) return undefined;
  const hash = hashSecret(secret);
  if (sameHash(hash, options.apiKeySha256)) return { keyId: ENV_KEY_ID, secret };
  const key = await options.access.findKey(hash);
  return key && !key.revokedAt ? { keyId: key.keyId, secret } : undefined;
}

export const ENV_KEY_ID = 'env';

/** A 413 before the body is read when it is larger than `maxSize` bytes. */
const limitBody = (maxSize: number) =>
  bodyLimit({
    maxSize,
    onError: (c) => {
      tooLarge(c);
      return errorResponse(c, 413, 'payload_too_large', `The body must be at most ${maxSize} bytes.`);
    },
  });

const INTERVIEW_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

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

  const requireKey = async (c: Context<SubmissionEnv>, next: () => Promise<void>) => {
    const caller = await authenticate(c.req.header('Authorization'), options);
    if (!caller) {
      c.header('WWW-Authenticate', 'Bearer');
      return errorResponse(
        c,
        401,
        'unauthorized',
        'A valid API key is required: Authorization: Bearer <key>.',
      );
    }
    c.set('caller', caller);
    await next();
  };

  /** Size, media type, JSON and schema: the same gate for intake and preview (after requireKey). */
  const submission = [
    limitBody(MAX_BODY_BYTES),
    async (c: Context<SubmissionEnv>, next: () => Promise<void>) => {
      const read = await readJson(c);
      if (!read.ok) return read.response;
      const body = read.body;
      const parsed = parseSubmission(body, options.clock.now(), {
        ...(options.linkAllowlist && { linkAllowlist: options.linkAllowlist }),
      });
      if (!parsed.ok) {
        const summary = parsed.fields.map((f) => `${f.path} ${f.message}`).join('; ');
        return errorResponse(c, 400, 'invalid_request', `Invalid submission: ${summary}.`, parsed.fields);
      }
      c.set('submission', parsed);
      c.set('body', body);
      await next();
    },
  ] as const;

  const tooMany = (c: Context, result: { limit: string; retryAfterSeconds: number }, what: string) => {
    c.header('Retry-After', String(result.retryAfterSeconds));
    return errorResponse(
      c,
      429,
      'rate_limited',
      `Too many ${what} (${result.limit} limit). Try again in ${result.retryAfterSeconds} seconds.`,
    );
  };

  // Previews count in a window of their own, taken before the body is even read: rendering is the
  // expensive part, and a preview creates nothing a later limit would catch.
  app.post(
    '/interviews/preview',
    requireKey,
    async (c, next) => {
      const now = options.clock.now();
      const refusal = await options.access.take([previewWindow(now, c.get('caller').keyId, options.limits)]);
      if (refusal) return tooMany(c, limited(refusal, now), 'previews');
      await next();
    },
    ...submission,
    (c) => c.json(previewInterview(c.get('submission'), options.clock.now())),
  );

  app.post(
    '/interviews',
    requireKey,
    async (c, next) => {
      const key = c.req.header('Idempotency-Key');
      if (key !== undefined && !isIdempotencyKey(key)) {
        return errorResponse(
          c,
          400,
          'invalid_request',
          'Idempotency-Key must be 1 to 255 printable characters.',
          [{ path: 'Idempotency-Key', message: 'must be 1 to 255 printable characters' }],
        );
      }
      await next();
    },
    ...submission,
    async (c) => {
      const baseUrl = withoutTrailingSlashes(options.publicUrl ?? new URL(c.req.url).origin);
      const key = c.req.header('Idempotency-Key');
      const result = await intake(options, c.get('submission'), c.get('body'), c.get('caller'), baseUrl, key);
      switch (result.kind) {
        case 'conflict':
          return errorResponse(
            c,
            409,
            'idempotency_conflict',
            'This Idempotency-Key was used with a different body.',
          );
        case 'in-progress':
          c.header('Retry-After', '1');
          return errorResponse(
            c,
            409,
            'in_progress',
            'A request with this Idempotency-Key is still being processed.',
          );
        case 'limited':
          return tooMany(c, result, 'submissions');
        case 'gone':
          return errorResponse(
            c,
            404,
            'gone',
            'The interview this Idempotency-Key created was deleted; submit with a new key to start again.',
          );
        default:
          if (result.kind === 'replayed') c.header('Idempotent-Replayed', 'true');
          c.header('Location', `/interviews/${result.body.id}`);
          return c.json(result.body, 201);
      }
    },
  );

  const owned = async (c: Context<SubmissionEnv>) => {
    const id = c.req.param('id') ?? '';
    return INTERVIEW_ID.test(id) ? findOwned(options, id, c.get('caller').keyId) : undefined;
  };

  /** The owner's view with its ETag (GET, PATCH and restore answer it). */
  const ownerView = (c: Context<SubmissionEnv>, record: InterviewRecord) => {
    c.header('ETag', etagOf(record));
    return c.json(toOwnerView(record));
  };

  app.get('/interviews/:id', requireKey, async (c) => {
    const record = await owned(c);
    if (!record) return errorResponse(c, 404, 'not_found', 'No interview with this id.');
    return ownerView(c, record);
  });

  // Edit what is pending (usecases/edit.ts): a JSON merge patch of what GET shows.
  app.patch('/interviews/:id', requireKey, limitBody(MAX_BODY_BYTES), async (c) => {
    const id = c.req.param('id');
    if (!INTERVIEW_ID.test(id)) return errorResponse(c, 404, 'not_found', 'No interview with this id.');
    const read = await readJson(c, true);
    if (!read.ok) return read.response;
    const result = await editInterview(
      { ...options, rules: { ...(options.linkAllowlist && { linkAllowlist: options.linkAllowlist }) } },
      () => findOwned(options, id, c.get('caller').keyId),
      { by: 'api', keyId: c.get('caller').keyId },
      read.body,
      (record) => ifMatches(c.req.header('If-Match'), etagOf(record)),
    );
    switch (result.kind) {
      case 'not-found':
        return errorResponse(c, 404, 'not_found', 'No interview with this id.');
      case 'precondition-failed':
        return errorResponse(
          c,
          412,
          'precondition_failed',
          'The interview changed since that ETag: GET it again and repeat the edit on what it shows.',
        );
      case 'invalid': {
        const summary = result.fields.map((f) => `${f.path} ${f.message}`).join('; ');
        return errorResponse(c, 400, 'invalid_request', `Invalid edit: ${summary}.`, result.fields);
      }
      case 'limited':
        return tooMany(c, limited(result.refusal, options.clock.now()), 'emails to these interviewers');
      case 'conflict': {
        const record = await owned(c);
        const emails = record ? result.keys.flatMap((key) => emailView(record, key) ?? []) : [];
        const named = emails.map((e) => `the ${e.kind} to ${e.to}`).join(', ');
        const message = {
          already_sending: `Not changed: ${named} ${emails.length === 1 ? 'is' : 'are'} being sent right now.`,
          already_sent: `Not changed: ${named} already went out (or bounced), to the address as it was. To write to another address, remove them and add the new address as a new interviewer.`,
          nothing_pending: 'Nothing of this interview is still to go: there is nothing to edit.',
          too_many_edits: `This interview was edited ${MAX_EDITS} times, as many as one may be; cancel it and submit it again.`,
        }[result.code];
        return c.json(
          {
            error: {
              code: result.code,
              message,
              ...(emails.length > 0 && { emails: emails.map(({ kind, to }) => ({ kind, to })) }),
            },
          },
          409,
        );
      }
      default:
        return ownerView(c, result.record);
    }
  });

  app.delete('/interviews/:id', requireKey, async (c) => {
    const record = await owned(c);
    if (!record) return errorResponse(c, 404, 'not_found', 'No interview with this id.');
    await deleteInterview(options, record);
    return c.body(null, 204);
  });

  // Restore what the candidate cancelled, while its time is ahead (usecases/restore.ts).
  app.post('/interviews/:id/restore', requireKey, limitBody(RESTORE_BODY_BYTES), async (c) => {
    const record = await owned(c);
    if (!record) return errorResponse(c, 404, 'not_found', 'No interview with this id.');
    const choice = await readCancelChoice(c);
    if (choice === undefined) {
      return errorResponse(
        c,
        400,
        'invalid_request',
        'kind must be "all", "thank-you", "follow-up" or "second-follow-up", and to an email address.',
      );
    }
    const result = await restore(options, record, choice, { by: 'api', keyId: c.get('caller').keyId });
    if (result.kind === 'unknown-recipient') {
      return errorResponse(
        c,
        400,
        'invalid_request',
        'to must be the address of one of this interview’s interviewers.',
        [{ path: 'to', message: 'is none of this interview’s interviewers' }],
      );
    }
    if (result.kind === 'nothing-restorable') {
      return errorResponse(
        c,
        409,
        'nothing_restorable',
        'Nothing chosen can be restored: only an email the candidate cancelled, before its time.',
      );
    }
    return ownerView(c, result.record);
  });

  linkRoutes(app, options);
  if (options.selfServe) {
    webRoutes(app, options);
    manageRoutes(app, options);
  }

  return app;
}
