/**
 * The HTTP details the routes of app.tsx share: the pages' security headers, reading the cancel
 * form, and telling a cross-site request from our own pages' (no state, no ports).
 */
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { SCHEDULED_KINDS } from '../core/events.js';
import type { FieldProblem } from '../core/schema.js';
import { MAX_EMAIL_LENGTH } from '../core/validate.js';
import type { CancelChoice } from '../usecases/cancel.js';
import { PAGE_CSP } from './pages.js';

/** "https://example.com/x//" → "https://example.com/x" (a loop: `/\/+$/` is quadratic on "///…a"). */
export function withoutTrailingSlashes(url: string): string {
  let end = url.length;
  while (end > 0 && url[end - 1] === '/') end -= 1;
  return url.slice(0, end);
}

/** A page's security headers; `csp` is the one of its own stylesheet (pages.tsx `pageCsp`). */
export function pageHeaders(c: Context, csp: string = PAGE_CSP) {
  c.header('Content-Security-Policy', csp);
  c.header('X-Content-Type-Options', 'nosniff');
  // same-origin, not no-referrer: with no-referrer a browser without Sec-Fetch-Site (Safari before
  // 16.4) sends `Origin: null` on our own form, which crossSite() must refuse. Links out of our
  // pages still carry no referrer, and the only same-origin pages are ours.
  c.header('Referrer-Policy', 'same-origin');
  c.header('Cache-Control', 'no-store');
  c.header('X-Frame-Options', 'DENY');
}

/**
 * A 413 is answered before the body is read; the connection is then closed, so say so, or a
 * keep-alive client would send its next request down a socket that is going away.
 */
export function tooLarge(c: Context): void {
  c.header('Connection', 'close');
}

export function wantsJson(c: Context): boolean {
  return (c.req.header('Accept') ?? '').includes('application/json');
}

/**
 * Cross-site request protection without form tokens, as modern frameworks do it (Go's
 * CrossOriginProtection, for one). A browser's `Sec-Fetch-Site` cannot be set by a page, so when
 * present it decides: only `same-origin` and `none` (the user's own navigation) pass. Without it
 * (older browsers), the `Origin` must be our host; "null" is refused. A request with neither
 * header is not a browser's (curl, a server-side integration) and is allowed.
 * Our pages send `Referrer-Policy: same-origin`, so a browser's own POST from them carries our
 * origin (under `no-referrer` it would send `Origin: null`, which is refused).
 */
export function crossSite(c: Context, publicUrl: string | undefined): boolean {
  const site = c.req.header('Sec-Fetch-Site')?.toLowerCase();
  if (site !== undefined) return site !== 'same-origin' && site !== 'none';
  const origin = c.req.header('Origin');
  if (origin === undefined) return false;
  const ours = new Set([new URL(c.req.url).host, ...(publicUrl ? [new URL(publicUrl).host] : [])]);
  try {
    return !ours.has(new URL(origin).host);
  } catch {
    return true; // "null" or garbage: not our page
  }
}

/**
 * `kind` and `to` from a form or a JSON body: absent kind means all, absent `to` the whole panel.
 * Undefined when either is something else (`to` is then matched against the panel by the use case).
 */
export async function readCancelChoice(c: Context): Promise<CancelChoice | undefined> {
  const type = (c.req.header('Content-Type') ?? '').toLowerCase();
  let fields: Record<string, unknown> = {};
  if (type.startsWith('application/x-www-form-urlencoded') || type.startsWith('multipart/form-data')) {
    try {
      fields = await c.req.parseBody();
    } catch {
      return undefined; // a malformed form (a multipart body without its parts, say)
    }
  } else if (type.startsWith('application/json')) {
    try {
      const body: unknown = JSON.parse((await c.req.text()) || '{}');
      if (typeof body !== 'object' || body === null || Array.isArray(body)) return undefined;
      fields = body as Record<string, unknown>;
    } catch {
      return undefined;
    }
  }
  const { kind = 'all', to } = fields;
  const chosen = kind === '' ? 'all' : kind;
  if (chosen !== 'all' && !(SCHEDULED_KINDS as readonly unknown[]).includes(chosen)) return undefined;
  if (to !== undefined && to !== '' && (typeof to !== 'string' || to.length > MAX_EMAIL_LENGTH))
    return undefined;
  return {
    kind: chosen as CancelChoice['kind'],
    ...(typeof to === 'string' && to !== '' && { to: to.trim() }),
  };
}

const JSON_TYPE = /^application\/json\s*(;\s*charset="?utf-8"?\s*)?$/i;
const MERGE_PATCH_OR_JSON = /^application\/(merge-patch\+)?json\s*(;\s*charset="?utf-8"?\s*)?$/i;

/** The one shape of every error: `{"error": {"code", "message", "fields"?}}` (README, Errors). */
export function errorResponse(
  c: Context,
  status: ContentfulStatusCode,
  code: string,
  message: string,
  fields?: FieldProblem[],
) {
  return c.json({ error: { code, message, ...(fields && { fields }) } }, status);
}

/**
 * A JSON body, or the error response: 415 unless `application/json` (UTF-8, if a charset is
 * named), 400 when it does not parse. A form or text/plain POST, what a page of another site
 * could send, never gets through.
 */
export async function readJson(
  c: Context,
  /** Also accepted: `application/merge-patch+json` (RFC 7396), for PATCH. */
  mergePatch = false,
): Promise<{ ok: true; body: unknown } | { ok: false; response: Response }> {
  const type = c.req.header('Content-Type') ?? '';
  const json = mergePatch ? MERGE_PATCH_OR_JSON : JSON_TYPE;
  if (!json.test(type.trim())) {
    const message = mergePatch
      ? 'The body must be a JSON merge patch: Content-Type: application/merge-patch+json (or application/json).'
      : 'The body must be JSON: Content-Type: application/json.';
    return { ok: false, response: errorResponse(c, 415, 'unsupported_media_type', message) };
  }
  try {
    return { ok: true, body: JSON.parse(await c.req.text()) };
  } catch {
    return { ok: false, response: errorResponse(c, 400, 'malformed_json', 'The body is not valid JSON.') };
  }
}

/**
 * The client's IP address, as the platform saw it: on Lambda the HTTP API's `sourceIp` (never a
 * header a client could set), locally the socket's peer; `unknown` when neither is there.
 */
export function clientIp(c: Context): string {
  const env = c.env as
    | {
        event?: { requestContext?: { http?: { sourceIp?: string } } };
        incoming?: { socket?: { remoteAddress?: string } };
      }
    | undefined;
  return env?.event?.requestContext?.http?.sourceIp ?? env?.incoming?.socket?.remoteAddress ?? 'unknown';
}

/**
 * A posted form's text fields by name, and its `invite` file if one was chosen (a page's form;
 * the files of any other name are dropped); undefined when the body cannot be read as a form.
 */
export async function readFormFields(
  c: Context,
): Promise<{ values: Record<string, string>; invite?: File } | undefined> {
  try {
    const form = await c.req.parseBody();
    const values = Object.fromEntries(
      Object.entries(form).filter((e): e is [string, string] => typeof e[1] === 'string'),
    );
    const invite = form.invite instanceof File && form.invite.size > 0 ? form.invite : undefined;
    return { values, ...(invite && { invite }) };
  } catch {
    return undefined;
  }
}
