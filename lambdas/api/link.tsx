/**
 * The cancel link's routes: its page (GET and HEAD only read: mail scanners fetch links), the
 * cancel (POST), and the restore of what the candidate cancelled (POST .../restore). Every POST is
 * refused from another site, and answers the page, or JSON with `Accept: application/json`.
 */
import type { Context, Env, Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { ScheduledKind } from '../core/events.js';
import { BY_LINK } from '../core/history.js';
import {
  CANCEL_LINK_DAYS,
  cancelLinkExpiresAt,
  EMAIL_LABEL,
  type InterviewRecord,
} from '../core/interview.js';
import { type EmailKey, kindOf, sameAddress } from '../core/panel.js';
import type { FieldProblem } from '../core/schema.js';
import { isWellFormedToken } from '../core/tokens.js';
import { toView } from '../core/view.js';
import { type CancelChoice, cancelPending, chosenKeys } from '../usecases/cancel.js';
import { type ApiDeps, findByToken } from '../usecases/interviews.js';
import { restore } from '../usecases/restore.js';
import { CROSS_SITE_PAGE, type Message, messagePage, TOO_LARGE_PAGE } from './answers.js';
import { crossSite, errorResponse, pageHeaders, readCancelChoice, tooLarge, wantsJson } from './http.js';
import { CancelPage, cancelLinkActions, emailName, MessagePage, type PageActions } from './pages.js';

const CANCEL_BODY_BYTES = 4 * 1024;
const NOTHING_RESTORABLE =
  'Nothing you chose can be restored: it went, failed, was stopped for another reason, or its time has passed.';

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
  const named = (key: EmailKey) => emailName(after, key, panel);
  const inFlight = keys.filter((key) => after.emails[key]?.status === 'sending');
  if (inFlight.length > 0) {
    const verb = inFlight.length === 1 ? 'was' : 'were';
    return `The ${inFlight.map(named).join(' and ')} ${verb} already being sent and may go out; everything else you chose is cancelled.`;
  }
  // Stopped by this request: pending when it came (scheduled, held for a confirm, or being sent
  // and then given up).
  const stopped = keys.filter(
    (key) =>
      ['scheduled', 'held', 'sending'].includes(before.emails[key]?.status ?? '') &&
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
const BAD_KIND_PAGE = {
  title: 'Unknown choice',
  message: 'kind must be "all", "thank-you", "follow-up" or "second-follow-up", and to an email address.',
};
const UNKNOWN_RECIPIENT_PAGE = {
  title: 'Unknown interviewer',
  message: 'to must be the address of one of this interview’s interviewers.',
};

/**
 * Where a cancel and a restore post, and the page they answer: the cancel link's, or the manage
 * page's (api/manage.tsx), which serves only what it `serves` (a self-serve interview).
 */
export interface LinkMount {
  /** The two POST paths, each with its `:token`. */
  cancel: string;
  restore: string;
  actions: (token: string) => PageActions;
  serves?: (record: InterviewRecord) => boolean;
}

const CANCEL_LINK: LinkMount = {
  cancel: '/cancel/:token',
  restore: '/cancel/:token/restore',
  actions: cancelLinkActions,
};

type LinkOptions = ApiDeps & { publicUrl?: string };

/** The interview behind a token while its link works, or the page that says why not. */
export async function lookUpLink(
  options: LinkOptions,
  token: string,
  serves: (record: InterviewRecord) => boolean = () => true,
) {
  const record = isWellFormedToken(token) ? await findByToken(options, token) : undefined;
  if (!record || !serves(record)) return { problem: [404, 'not_found', NOT_FOUND_PAGE] as const };
  if (options.clock.now().getTime() >= cancelLinkExpiresAt(record).getTime()) {
    // The record too: its erasure outlives the link (manage.tsx), its data being kept longer.
    return { problem: [410, 'gone', EXPIRED_PAGE] as const, expired: record };
  }
  return { record };
}

export function linkRoutes<E extends Env>(app: Hono<E>, options: LinkOptions): void {
  // GET (and HEAD, which Hono answers from the GET route) only reads: mail scanners fetch links.
  app.get('/cancel/:token', async (c) => {
    const token = c.req.param('token');
    const found = await lookUpLink(options, token);
    pageHeaders(c);
    if (found.problem) return c.html(<MessagePage {...found.problem[2]} />, found.problem[0]);
    return c.html(
      <CancelPage record={found.record} actions={cancelLinkActions(token)} now={options.clock.now()} />,
    );
  });
  linkActions(app, options, CANCEL_LINK);
}

/** The cancel and the restore of one mount: the cancel link's, or the manage page's. */
export function linkActions<E extends Env>(app: Hono<E>, options: LinkOptions, mount: LinkMount): void {
  /** The page, or JSON for `Accept: application/json`; pages get their security headers. */
  const answer = (
    c: Context,
    status: ContentfulStatusCode,
    code: string,
    page: Message,
    fields?: FieldProblem[],
  ) => (wantsJson(c) ? errorResponse(c, status, code, page.message, fields) : messagePage(c, status, page));

  /**
   * What both POSTs do first: refuse another site, bound the body, read the choice, find the
   * interview. The request's choice and interview, or the answer that ends it.
   */
  const guard = [
    async (c: Context, next: () => Promise<void>) => {
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
  ] as const;
  const unknownRecipient = (c: Context) =>
    answer(c, 400, 'invalid_request', UNKNOWN_RECIPIENT_PAGE, [
      { path: 'to', message: 'is none of this interview’s interviewers' },
    ]);
  const chosen = async (c: Context) => {
    const choice = await readCancelChoice(c);
    if (choice === undefined) return { response: answer(c, 400, 'invalid_request', BAD_KIND_PAGE) };
    const found = await lookUpLink(options, c.req.param('token') ?? '', mount.serves);
    if (found.problem) {
      const [status, code, page] = found.problem;
      return { response: answer(c, status, code, page) };
    }
    return { choice, record: found.record };
  };
  /** The page after a POST, or the interview as JSON. */
  const after = (c: Context, record: InterviewRecord, notice: string) => {
    if (wantsJson(c)) return c.json(toView(record));
    pageHeaders(c);
    const actions = mount.actions(c.req.param('token') ?? '');
    return c.html(<CancelPage record={record} actions={actions} notice={notice} now={options.clock.now()} />);
  };

  app.post(mount.cancel, ...guard, async (c) => {
    const request = await chosen(c);
    if (!request.choice) return request.response;
    const keys = chosenKeys(request.record, request.choice);
    if (keys === undefined) return unknownRecipient(c);
    const cancelled = await cancelPending(options, request.record, keys);
    return after(c, cancelled, cancelNotice(request.record, cancelled, request.choice, keys));
  });

  // Restoring what the candidate cancelled (usecases/restore.ts), under the same rules as a cancel.
  app.post(mount.restore, ...guard, async (c) => {
    const request = await chosen(c);
    if (!request.choice) return request.response;
    const result = await restore(options, request.record, request.choice, BY_LINK);
    if (result.kind === 'unknown-recipient') return unknownRecipient(c);
    if (result.kind === 'nothing-restorable' && wantsJson(c)) {
      return errorResponse(c, 409, 'nothing_restorable', NOTHING_RESTORABLE);
    }
    const notice =
      result.kind === 'restored'
        ? `Restored: ${result.restored.length === 1 ? 'it goes' : 'they go'} out as planned.`
        : NOTHING_RESTORABLE;
    return after(c, result.record, notice);
  });
}
