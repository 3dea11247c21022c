/**
 * The HTTP API, the same Hono app on Lambda (`handler.ts`) and in the local runtime.
 * Routes parse and authenticate, call the use cases (lambdas/usecases), and map the outcome to a
 * response. Clients never see a stack trace or a raw error.
 */
import { type Context, Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { isIdempotencyKey, previewWindow } from '../core/access.js';
import type { ScheduledKind } from '../core/events.js';
import {
  CANCEL_LINK_DAYS,
  cancelLinkExpiresAt,
  EMAIL_LABEL,
  type InterviewRecord,
} from '../core/interview.js';
import { type EmailKey, kindOf, panelistOf, sameAddress } from '../core/panel.js';
import type { KeyStore } from '../core/ports.js';
import { type FieldProblem, parseSubmission, type ValidSubmission } from '../core/schema.js';
import { hashSecret, isWellFormedToken, sameHash } from '../core/tokens.js';
import { toOwnerView, toView } from '../core/view.js';
import { type CancelChoice, cancelPending, chosenKeys } from '../usecases/cancel.js';
import { type Caller, type IntakeDeps, intake, limited } from '../usecases/intake.js';
import {
  deleteInterview,
  findByToken,
  findOwned,
  previewInterview,
  ServiceUnavailable,
} from '../usecases/interviews.js';
import {
  crossSite,
  errorResponse,
  pageHeaders,
  readCancelChoice,
  readJson,
  tooLarge,
  wantsJson,
  withoutTrailingSlashes,
} from './http.js';

export { errorResponse } from './http.js';

import { CancelPage, MessagePage } from './pages.js';

export const MAX_BODY_BYTES = 64 * 1024;

type SubmissionEnv = { Variables: { submission: ValidSubmission; body: unknown; caller: Caller } };

export interface AppOptions extends IntakeDeps {
  access: IntakeDeps['access'] & KeyStore;
  /** SHA-256 of a key configured with the deployment (API_KEY locally): its key id is `env`. */
  apiKeySha256: string;
  /** Base of links in emails; defaults to the origin the request came in on. */
  publicUrl?: string;
  /** Domains links in submitted text may point to (LINK_ALLOWLIST); none by default. */
  linkAllowlist?: readonly string[];
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

const INTERVIEW_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const CANCEL_BODY_BYTES = 4 * 1024;

/**
 * What the page says after a cancel: what this request stopped, what was already on its way, or
 * that nothing it named was still to go (`before` is the interview as the request found it).
 */
function cancelNotice(
  before: InterviewRecord,
  after: InterviewRecord,
  choice: CancelChoice,
  keys: readonly EmailKey[],
): string {
  if (keys.length === 0) return 'There is no such email to cancel: nothing changed.';
  const panel = after.interviewers.length > 1;
  const named = (key: EmailKey) => {
    const label = EMAIL_LABEL[kindOf(key) as keyof typeof EMAIL_LABEL].toLowerCase();
    const person = panelistOf(after.interviewers, key);
    return panel && person ? `${label} to ${person.name}` : label;
  };
  const inFlight = keys.filter((key) => after.emails[key]?.status === 'sending');
  if (inFlight.length > 0) {
    const verb = inFlight.length === 1 ? 'was' : 'were';
    return `The ${inFlight.map(named).join(' and ')} ${verb} already being sent and may go out; everything else you chose is cancelled.`;
  }
  // Stopped by this request: pending when it came (scheduled, or being sent and then given up).
  const stopped = keys.filter(
    (key) =>
      ['scheduled', 'sending'].includes(before.emails[key]?.status ?? '') &&
      after.emails[key]?.status === 'cancelled',
  );
  if (stopped.length === 0)
    return 'Nothing you chose was still to go: it had been sent or cancelled already.';
  const to = choice.to;
  const person = to === undefined ? undefined : after.interviewers.find((p) => sameAddress(p.email, to));
  if (choice.kind === 'all') {
    return person
      ? `Done: nothing pending to ${person.name} will be sent.`
      : 'Done: nothing pending will be sent.';
  }
  // Named by what was stopped, which may be less than what was asked for (a follow-up already sent).
  const labels = [...new Set(stopped.map((key) => EMAIL_LABEL[kindOf(key) as ScheduledKind].toLowerCase()))];
  const what = labels.length > 1 ? 'follow-ups' : `${labels[0]}${stopped.length > 1 ? 's' : ''}`;
  return `Done: the ${what}${person && panel ? ` to ${person.name}` : ''} will not be sent.`;
}

const NOT_FOUND_PAGE = {
  title: 'Link not found',
  message: 'This link is not valid. Check that you opened the whole link from your confirmation email.',
};
const EXPIRED_PAGE = {
  title: 'Link expired',
  message: `This link stopped working ${CANCEL_LINK_DAYS} days after the last email of the interview. Nothing is waiting to be sent.`,
};
const CROSS_SITE_PAGE = {
  title: 'Not allowed',
  message:
    'This request came from another site, so it was refused. Open the link from your email and press the button there.',
};
const TOO_LARGE_PAGE = { title: 'Request too large', message: 'This request is too large.' };
const BAD_KIND_PAGE = {
  title: 'Unknown choice',
  message: 'kind must be "all", "thank-you", "follow-up" or "second-follow-up", and to an email address.',
};
const UNKNOWN_RECIPIENT_PAGE = {
  title: 'Unknown interviewer',
  message: 'to must be the address of one of this interview’s interviewers.',
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
    bodyLimit({
      maxSize: MAX_BODY_BYTES,
      onError: (c) => {
        tooLarge(c);
        return errorResponse(
          c,
          413,
          'payload_too_large',
          `The body must be at most ${MAX_BODY_BYTES} bytes.`,
        );
      },
    }),
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

  app.get('/interviews/:id', requireKey, async (c) => {
    const record = await owned(c);
    if (!record) return errorResponse(c, 404, 'not_found', 'No interview with this id.');
    return c.json(toOwnerView(record));
  });

  app.delete('/interviews/:id', requireKey, async (c) => {
    const record = await owned(c);
    if (!record) return errorResponse(c, 404, 'not_found', 'No interview with this id.');
    await deleteInterview(options, record);
    return c.body(null, 204);
  });

  /** The page, or JSON for `Accept: application/json`; pages get their security headers. */
  const answer = (
    c: Context<SubmissionEnv>,
    status: ContentfulStatusCode,
    code: string,
    page: { title: string; message: string },
    fields?: FieldProblem[],
  ) => {
    if (wantsJson(c)) return errorResponse(c, status, code, page.message, fields);
    pageHeaders(c);
    return c.html(<MessagePage {...page} />, status);
  };

  /** The interview behind a token, or the reason there is none. */
  const lookUp = async (token: string) => {
    const record = isWellFormedToken(token) ? await findByToken(options, token) : undefined;
    if (!record) return { problem: [404, 'not_found', NOT_FOUND_PAGE] as const };
    if (options.clock.now().getTime() >= cancelLinkExpiresAt(record).getTime()) {
      return { problem: [410, 'gone', EXPIRED_PAGE] as const };
    }
    return { record };
  };

  // GET (and HEAD, which Hono answers from the GET route) only reads: mail scanners fetch links.
  app.get('/cancel/:token', async (c) => {
    const token = c.req.param('token');
    const found = await lookUp(token);
    pageHeaders(c);
    if (found.problem) return c.html(<MessagePage {...found.problem[2]} />, found.problem[0]);
    return c.html(<CancelPage record={found.record} action={`/cancel/${token}`} />);
  });

  app.post(
    '/cancel/:token',
    async (c, next) => {
      if (crossSite(c, options.publicUrl)) return answer(c, 403, 'forbidden', CROSS_SITE_PAGE);
      await next();
    },
    bodyLimit({
      maxSize: CANCEL_BODY_BYTES,
      onError: (c) => {
        tooLarge(c);
        return answer(c, 413, 'payload_too_large', TOO_LARGE_PAGE);
      },
    }),
    async (c) => {
      const choice = await readCancelChoice(c);
      if (choice === undefined) return answer(c, 400, 'invalid_request', BAD_KIND_PAGE);
      const token = c.req.param('token');
      const found = await lookUp(token);
      if (found.problem) {
        const [status, code, page] = found.problem;
        return answer(c, status, code, page);
      }
      const keys = chosenKeys(found.record, choice);
      if (keys === undefined) {
        return answer(c, 400, 'invalid_request', UNKNOWN_RECIPIENT_PAGE, [
          { path: 'to', message: 'is none of this interview’s interviewers' },
        ]);
      }
      const after = await cancelPending(options, found.record, keys);
      if (wantsJson(c)) return c.json(toView(after));
      pageHeaders(c);
      return c.html(
        <CancelPage
          record={after}
          action={`/cancel/${token}`}
          notice={cancelNotice(found.record, after, choice, keys)}
        />,
      );
    },
  );

  return app;
}
