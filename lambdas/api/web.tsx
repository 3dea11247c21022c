/**
 * The self-serve routes (issue 18; docs/self-serve.md), only when the deployment turns them on
 * (`selfServe`): the form (`GET /`, `POST /`), and the page its verify link opens
 * (`GET /manage/{token}`, which only reads: mail scanners fetch links) with the one button that
 * confirms (`POST /manage/{token}/confirm`). Every POST is refused from another site.
 */
import type { Context, Env, Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { MAX_INVITE_BYTES } from '../core/invite.js';
import { MAX_PANEL } from '../core/panel.js';
import { parseSubmission } from '../core/schema.js';
import { candidateUnreachable, isHeld, SELF_SERVE_RULES } from '../core/self-serve.js';
import { isWellFormedToken } from '../core/tokens.js';
import { findByToken, ServiceUnavailable } from '../usecases/interviews.js';
import { confirmSelfServe, type SelfServeDeps, submitSelfServe } from '../usecases/self-serve.js';
import { clientIp, crossSite, pageHeaders, tooLarge, withoutTrailingSlashes } from './http.js';
import { MessagePage, pageCsp } from './pages.js';
import { fillFromInvite } from './web-invite.js';
import { CheckInboxPage, ConfirmPage, FormPage, type FormValues, panelRows, WEB_STYLE } from './web-pages.js';

const WEB_CSP = pageCsp(WEB_STYLE, 'self');
/** The form, and an invite posted with it (an invite is a few kilobytes; MAX_INVITE_BYTES at most). */
const FORM_BYTES = MAX_INVITE_BYTES + 32 * 1024;

/** The form's own fields: any other name posted is ignored, never walked into. */
const TOP_FIELDS = ['position', 'company', 'highlights', 'holidays'] as const;
const CANDIDATE_FIELDS = ['name', 'email', 'phone'] as const;
const INTERVIEW_FIELDS = ['endsAt', 'timeZone', 'decisionBy'] as const;
const PERSON_FIELDS = ['name', 'email', 'note', 'awayUntil'] as const;

/**
 * The form's fields as a submission body, field by known field (a posted name such as
 * `__proto__.x` reaches nothing): blanks left out, checkboxes as booleans.
 */
export function formBody(values: FormValues, rows: number): Record<string, unknown> {
  const text = (name: string) => {
    const value = Object.hasOwn(values, name) ? values[name]?.trim() : undefined;
    return value === '' ? undefined : value;
  };
  const pick = (prefix: string, fields: readonly string[]) =>
    Object.fromEntries(
      fields.flatMap((field) => {
        const value = text(`${prefix}${field}`);
        return value === undefined ? [] : [[field, value]];
      }),
    );
  return {
    ...pick('', TOP_FIELDS),
    candidate: pick('candidate.', CANDIDATE_FIELDS),
    interview: pick('interview.', INTERVIEW_FIELDS),
    interviewers: Array.from({ length: rows }, (_, i) => pick(`interviewers.${i}.`, PERSON_FIELDS)),
    ...(text('secondFollowUp') === 'on' && { secondFollowUp: true }),
    ...(text('noFollowUp') === 'on' && { followUp: false }),
  };
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
    let invite: File | undefined;
    try {
      const form = await c.req.parseBody();
      values = Object.fromEntries(
        Object.entries(form).filter((e): e is [string, string] => typeof e[1] === 'string'),
      );
      invite = form.invite instanceof File && form.invite.size > 0 ? form.invite : undefined;
    } catch {
      return message(c, 400, 'Unreadable form', 'The form could not be read. Please go back and try again.');
    }
    // "Fill in from the invite": the file's fields into the form, shown to check, nothing sent.
    if (values.fill !== undefined) {
      if (!invite) {
        const problems = [{ path: 'invite', message: 'choose the invite (.ics) file first' }];
        return page(c, 400, <FormPage values={values} problems={problems} rows={panelRows(values)} />);
      }
      const filled = fillFromInvite(values, await invite.text());
      return page(c, 200, <FormPage values={filled.values} problems={filled.problems} rows={filled.rows} />);
    }
    let rows = panelRows(values);
    // Adding or removing an interviewer posts the form back as typed, without checking it.
    if (values.add !== undefined) {
      return page(c, 200, <FormPage values={values} problems={[]} rows={Math.min(rows + 1, MAX_PANEL)} />);
    }
    const gone = Number(values.remove);
    if (values.remove !== undefined && Number.isInteger(gone) && gone >= 0 && gone < rows && rows > 1) {
      return page(c, 200, <FormPage values={withoutRow(values, gone)} problems={[]} rows={rows - 1} />);
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
    if (candidateUnreachable(record) || record.emails.confirmation.status === 'cancelled') {
      return message(c, 409, 'Stopped', 'This request was stopped: nothing will be sent.');
    }
    if (!isHeld(record)) return c.redirect(`/cancel/${token}`, 303);
    return page(c, 200, <ConfirmPage record={record} action={`/manage/${token}/confirm`} />);
  });

  app.post('/manage/:token/confirm', limitBody, async (c) => {
    if (crossSite(c, options.publicUrl)) return notOurs(c);
    const token = c.req.param('token');
    const record = await lookUp(token);
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
      case 'already':
        return c.redirect(`/cancel/${token}`, 303);
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
