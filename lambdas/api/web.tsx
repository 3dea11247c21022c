/**
 * The self-serve routes (issue 18; docs/self-serve.md), only when the deployment turns them on
 * (`selfServe`): the form (`GET /`, `POST /`), its preview (`POST /preview`, for the form's
 * script), and the one button of the page the verify link opens (manage.tsx) that confirms
 * (`POST /manage/{token}/confirm`). Every POST is refused from another site.
 */
import type { Context, Env, Hono } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { parseSubmission } from '../core/schema.js';
import { MAX_FORM_BYTES, SELF_SERVE_RULES } from '../core/self-serve.js';
import { isWellFormedToken } from '../core/tokens.js';
import { findByToken, ServiceUnavailable } from '../usecases/interviews.js';
import { confirmSelfServe, type SelfServeDeps, submitSelfServe } from '../usecases/self-serve.js';
import { CROSS_SITE_PAGE, messagePage, pageBodyLimit, UNREADABLE_FORM_PAGE } from './answers.js';
import { clientIp, crossSite, pageHeaders, readFormFields, withoutTrailingSlashes } from './http.js';
import { formBody, limitText, panelRows, rowChange } from './web-form.js';
import { CheckInboxPage, FORM_PAGE_CSP, FormPage, type FormValues, WEB_PAGE_CSP } from './web-pages.js';
import { FormPreview } from './web-preview.js';

/** A preview's form, without the invite's file (the script leaves it out). */
const PREVIEW_BYTES = 32 * 1024;

export function webRoutes<E extends Env>(
  app: Hono<E>,
  options: SelfServeDeps & { publicUrl?: string },
): void {
  const page = (c: Context, status: ContentfulStatusCode, body: ReturnType<typeof FormPage>) => {
    pageHeaders(c, FORM_PAGE_CSP);
    return c.html(body, status);
  };
  const message = (c: Context, status: ContentfulStatusCode, title: string, text: string) =>
    messagePage(c, status, { title, message: text });
  const notOurs = (c: Context) => messagePage(c, 403, CROSS_SITE_PAGE);
  const limitBody = pageBodyLimit(MAX_FORM_BYTES);
  const base = (c: Context) => withoutTrailingSlashes(options.publicUrl ?? new URL(c.req.url).origin);
  const tooMany = (c: Context, limit: string, seconds: number) => {
    c.header('Retry-After', String(seconds));
    return message(c, 429, 'Please wait a little', limitText(limit, seconds));
  };
  const previewOf = (values: FormValues) => <FormPreview values={values} now={options.clock.now()} />;

  app.get('/', (c) => page(c, 200, <FormPage values={{}} problems={[]} rows={1} />));

  // The preview as a fragment, for the form's script: it writes, counts and sends nothing.
  app.post('/preview', pageBodyLimit(PREVIEW_BYTES), async (c) => {
    if (crossSite(c, options.publicUrl)) return notOurs(c);
    const form = await readFormFields(c);
    if (!form) return messagePage(c, 400, UNREADABLE_FORM_PAGE);
    pageHeaders(c, WEB_PAGE_CSP);
    return c.html(previewOf(form.values));
  });

  app.post('/', limitBody, async (c) => {
    if (crossSite(c, options.publicUrl)) return notOurs(c);
    const form = await readFormFields(c);
    if (!form) return messagePage(c, 400, UNREADABLE_FORM_PAGE);
    const { values } = form;
    // "Fill in from the invite" is the invite function's (a browser posts it there by the
    // button's formaction): a client that posts it here is sent on, body and all.
    if (values.fill !== undefined) return c.redirect('/invite', 307);
    let rows = panelRows(values);
    // Adding or removing an interviewer posts the form back as typed, without checking it.
    const changed = rowChange(values);
    if (changed) return page(c, 200, <FormPage {...changed} problems={[]} />);
    // "Preview the emails" (JavaScript off): the form as typed, with its preview.
    if (values.preview !== undefined) {
      return page(c, 200, <FormPage values={values} problems={[]} rows={rows} preview={previewOf(values)} />);
    }
    rows = Math.max(rows, 1);
    const parsed = parseSubmission(formBody(values, rows), options.clock.now(), SELF_SERVE_RULES);
    if (!parsed.ok) return page(c, 400, <FormPage values={values} problems={parsed.fields} rows={rows} />);
    let result: Awaited<ReturnType<typeof submitSelfServe>>;
    try {
      result = await submitSelfServe(options, parsed, { ip: clientIp(c) }, base(c));
    } catch (err) {
      if (!(err instanceof ServiceUnavailable)) throw err;
      // Nothing was sent: the form comes back as typed, to send again.
      const problems = [{ path: 'service', message: err.message }];
      return page(c, 503, <FormPage values={values} problems={problems} rows={rows} />);
    }
    if (result.kind === 'suppressed') {
      return page(c, 400, <FormPage values={values} problems={result.fields} rows={rows} />);
    }
    if (result.kind === 'limited') return tooMany(c, result.limit, result.retryAfterSeconds);
    return page(c, 200, <CheckInboxPage email={parsed.value.candidate.email} />);
  });

  app.post('/manage/:token/confirm', limitBody, async (c) => {
    if (crossSite(c, options.publicUrl)) return notOurs(c);
    const token = c.req.param('token');
    const record = isWellFormedToken(token) ? await findByToken(options, token) : undefined;
    if (!record) return message(c, 404, 'Link not found', 'This link is not valid, or its request expired.');
    let result: Awaited<ReturnType<typeof confirmSelfServe>>;
    try {
      result = await confirmSelfServe(options, record, token, base(c));
    } catch (err) {
      if (!(err instanceof ServiceUnavailable)) throw err;
      return message(c, 503, 'Not yet', `${err.message} Nothing was sent.`);
    }
    switch (result.kind) {
      case 'confirmed':
        return c.redirect(`/manage/${token}?done=confirmed`, 303);
      case 'already':
        return c.redirect(`/manage/${token}`, 303);
      case 'expired':
        return message(
          c,
          410,
          'Request expired',
          'This request waited more than 24 hours. Nothing will be sent; please fill in the form again.',
        );
      case 'suppressed':
        return message(
          c,
          409,
          'Stopped',
          `${result.fields.map((f) => f.message).join(' ')} Nothing will be sent.`,
        );
      case 'stopped':
        return message(
          c,
          409,
          'Stopped',
          'This request was stopped: its emails were cancelled from its link, or your address refused our email. Nothing will be sent.',
        );
      default:
        return tooMany(c, result.limit, result.retryAfterSeconds);
    }
  });
}
