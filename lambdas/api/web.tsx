/**
 * The self-serve routes (issue 18; docs/self-serve.md), only when the deployment turns them on
 * (`selfServe`): the form (`GET /`, `POST /`), and the page its verify link opens
 * (`GET /manage/{token}`, which only reads: mail scanners fetch links) with the one button that
 * confirms (`POST /manage/{token}/confirm`). Every POST is refused from another site.
 */
import type { Context, Env, Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { parseSubmission } from '../core/schema.js';
import { isHeld, SELF_SERVE_RULES } from '../core/self-serve.js';
import { isWellFormedToken } from '../core/tokens.js';
import { findByToken } from '../usecases/interviews.js';
import { confirmSelfServe, type SelfServeDeps, submitSelfServe } from '../usecases/self-serve.js';
import { clientIp, crossSite, pageHeaders, tooLarge, withoutTrailingSlashes } from './http.js';
import { MessagePage, pageCsp } from './pages.js';
import { CheckInboxPage, ConfirmPage, FormPage, type FormValues, panelRows, WEB_STYLE } from './web-pages.js';

const WEB_CSP = pageCsp(WEB_STYLE, 'self');
const FORM_BYTES = 32 * 1024;

/** The form's fields (dotted names) as a submission body: blanks left out, checkboxes as booleans. */
export function formBody(values: FormValues, rows: number): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  const set = (path: string, value: unknown) => {
    const parts = path.split('.');
    let at: Record<string, unknown> = body;
    for (const part of parts.slice(0, -1)) {
      at[part] = (at[part] as Record<string, unknown> | undefined) ?? {};
      at = at[part] as Record<string, unknown>;
    }
    at[parts.at(-1) as string] = value;
  };
  for (const [name, value] of Object.entries(values)) {
    const text = value.trim();
    if (
      text === '' ||
      name.startsWith('interviewers.') ||
      ['add', 'remove', 'secondFollowUp', 'noFollowUp'].includes(name)
    )
      continue;
    set(name, text);
  }
  body.interviewers = Array.from({ length: rows }, (_, i) => {
    const person: Record<string, string> = {};
    for (const field of ['name', 'email', 'note', 'awayUntil']) {
      const text = values[`interviewers.${i}.${field}`]?.trim();
      if (text) person[field] = text;
    }
    return person;
  });
  if (values.secondFollowUp === 'on') body.secondFollowUp = true;
  if (values.noFollowUp === 'on') body.followUp = false;
  return body;
}

/** The form's values with interviewer row `gone` taken out and the later ones moved up. */
function withoutRow(values: FormValues, gone: number): FormValues {
  const out: FormValues = {};
  for (const [name, value] of Object.entries(values)) {
    const m = /^interviewers\.(\d+)\.(.+)$/.exec(name);
    if (!m) out[name] = value;
    else if (Number(m[1]) < gone) out[name] = value;
    else if (Number(m[1]) > gone) out[`interviewers.${Number(m[1]) - 1}.${m[2]}`] = value;
  }
  return out;
}

export function webRoutes<E extends Env>(
  app: Hono<E>,
  options: SelfServeDeps & { publicUrl?: string },
): void {
  const page = (c: Context, status: ContentfulStatusCode, body: ReturnType<typeof MessagePage>) => {
    pageHeaders(c, WEB_CSP);
    return c.html(body, status);
  };
  // A message page has the cancel page's stylesheet, and its CSP.
  const message = (c: Context, status: ContentfulStatusCode, title: string, text: string) => {
    pageHeaders(c);
    return c.html(<MessagePage title={title} message={text} />, status);
  };
  const notOurs = (c: Context) =>
    message(c, 403, 'Not allowed', 'This request came from another site, so it was refused.');
  const limitBody = bodyLimit({
    maxSize: FORM_BYTES,
    onError: (c) => {
      tooLarge(c);
      return message(c, 413, 'Request too large', 'This request is too large.');
    },
  });
  const base = (c: Context) => withoutTrailingSlashes(options.publicUrl ?? new URL(c.req.url).origin);

  app.get('/', (c) => page(c, 200, <FormPage values={{}} problems={[]} rows={1} />));

  app.post('/', limitBody, async (c) => {
    if (crossSite(c, options.publicUrl)) return notOurs(c);
    let values: FormValues;
    try {
      const form = await c.req.parseBody();
      values = Object.fromEntries(
        Object.entries(form).filter((e): e is [string, string] => typeof e[1] === 'string'),
      );
    } catch {
      return message(c, 400, 'Unreadable form', 'The form could not be read. Please go back and try again.');
    }
    let rows = panelRows(values);
    // Adding or removing an interviewer posts the form back as typed, without checking it.
    if (values.add !== undefined)
      return page(c, 200, <FormPage values={values} problems={[]} rows={Math.min(rows + 1, 8)} />);
    if (values.remove !== undefined && rows > 1) {
      const kept = withoutRow(values, Number(values.remove));
      return page(c, 200, <FormPage values={kept} problems={[]} rows={rows - 1} />);
    }
    rows = Math.max(rows, 1);
    const parsed = parseSubmission(formBody(values, rows), options.clock.now(), SELF_SERVE_RULES);
    if (!parsed.ok) return page(c, 400, <FormPage values={values} problems={parsed.fields} rows={rows} />);
    const result = await submitSelfServe(options, parsed, { ip: clientIp(c) }, base(c));
    if (result.kind === 'limited') {
      c.header('Retry-After', String(result.retryAfterSeconds));
      const minutes = Math.ceil(result.retryAfterSeconds / 60);
      return message(
        c,
        429,
        'Please wait a little',
        `Too many requests for now. Please try again in ${minutes} minute${minutes === 1 ? '' : 's'}.`,
      );
    }
    return page(c, 200, <CheckInboxPage email={parsed.value.candidate.email} />);
  });

  const lookUp = async (token: string) =>
    isWellFormedToken(token) ? findByToken(options, token) : undefined;

  app.get('/manage/:token', async (c) => {
    const token = c.req.param('token');
    const record = await lookUp(token);
    if (!record) return message(c, 404, 'Link not found', 'This link is not valid, or its request expired.');
    // Confirmed (or stopped): the cancel page is where it is managed for now.
    if (!isHeld(record)) return c.redirect(`/cancel/${token}`, 303);
    return page(c, 200, <ConfirmPage record={record} action={`/manage/${token}/confirm`} />);
  });

  app.post('/manage/:token/confirm', limitBody, async (c) => {
    if (crossSite(c, options.publicUrl)) return notOurs(c);
    const token = c.req.param('token');
    const record = await lookUp(token);
    if (!record) return message(c, 404, 'Link not found', 'This link is not valid, or its request expired.');
    const result = await confirmSelfServe(options, record, token, base(c));
    switch (result.kind) {
      case 'confirmed':
      case 'already':
        return c.redirect(`/cancel/${token}`, 303);
      case 'expired':
        return message(
          c,
          410,
          'Request expired',
          'This request waited more than 24 hours. Nothing will be sent; please fill in the form again.',
        );
      case 'stopped':
        return message(
          c,
          409,
          'Stopped',
          'This request was stopped (your address refused our email). Nothing will be sent.',
        );
      default: {
        c.header('Retry-After', String(result.retryAfterSeconds));
        const minutes = Math.ceil(result.retryAfterSeconds / 60);
        return message(
          c,
          429,
          'Please wait a little',
          `An interviewer you named has had as many emails today as one may get. Please try again in ${minutes} minutes.`,
        );
      }
    }
  });
}
