/**
 * The manage page (issue 18; docs/self-serve.md): what the self-serve confirmation's link opens.
 * `GET /manage/{token}` shows every email by person while the request waits (with "Confirm and
 * schedule", web.tsx) and afterwards (with a cancel for each email, each person and everything,
 * the restores, the edit form's link and the erasure). Its POSTs go through the use cases the API
 * uses: a cancel and a restore as the cancel link's (link.tsx, mounted here too), an edit as a
 * `PATCH` (usecases/edit.ts: the same rules, limits, races and `If-Match`, read from the form),
 * an erasure as a `DELETE`. GET and HEAD only read. Only a self-serve interview is managed here: an
 * API interview's candidate has the cancel link, and its integrator the API.
 */
import type { Context, Env, Hono } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { documentOf, followUpWanted } from '../core/edit.js';
import { BY_LINK } from '../core/history.js';
import type { InterviewRecord } from '../core/interview.js';
import type { EmailKey } from '../core/panel.js';
import type { IdempotencyStore } from '../core/ports.js';
import type { FieldProblem } from '../core/schema.js';
import { isHeld, isSelfServe, SELF_SERVE_RULES, stopped } from '../core/self-serve.js';
import { formatForPeople } from '../core/time.js';
import { type EditDeps, type EditResult, editInterview } from '../usecases/edit.js';
import { limited } from '../usecases/intake.js';
import { deleteInterview, ServiceUnavailable } from '../usecases/interviews.js';
import {
  CROSS_SITE_PAGE,
  type Message,
  messagePage,
  pageBodyLimit,
  UNREADABLE_FORM_PAGE,
} from './answers.js';
import { crossSite, pageHeaders, readFormFields } from './http.js';
import { linkActions, lookUpLink } from './link.js';
import { CancelPage, ExpiredManagePage, emailName, type PageActions } from './pages.js';
import { capitalised } from './web-fields.js';
import { editableRow, editPatch, limitText, panelRows, rowChange } from './web-form.js';
import { ConfirmPage, type FormMode, FormPage, type FormValues, WEB_PAGE_CSP } from './web-pages.js';

export type ManageDeps = Omit<EditDeps, 'rules' | 'access'> & {
  access: EditDeps['access'] & Pick<IdempotencyStore, 'forget'>;
  publicUrl?: string;
};

const EDIT_BYTES = 32 * 1024;
/** Which save of the details a form was read at: each edit counts one (core/replan.ts). */
const revisionOf = (record: InterviewRecord) => String(record.revision ?? 0);

export const manageActions = (token: string): PageActions => ({
  cancel: `/manage/${token}/cancel`,
  restore: `/manage/${token}/restore`,
  manage: { edit: `/manage/${token}/edit`, erase: `/manage/${token}/erase` },
});

/** What a redirect back to the page says (by a fixed word: nothing from the query is shown). */
const DONE: Record<string, string> = {
  confirmed: 'Confirmed: your emails are scheduled, and we sent you this plan with this page’s link.',
  saved: 'Saved: what is still to go follows your changes, and we email you the new plan.',
  unchanged: 'Nothing changed: the form had the same details.',
};

/** The form's values for a record: what `GET /interviews/{id}` shows, field by field. */
export function valuesOf(record: InterviewRecord): FormValues {
  const doc = documentOf(record);
  const values: FormValues = {
    'candidate.name': doc.candidate.name,
    position: doc.position,
    ...(doc.candidate.phone && { 'candidate.phone': doc.candidate.phone }),
    ...(doc.company && { company: doc.company }),
    ...(doc.highlights && { highlights: doc.highlights }),
    ...(doc.holidays && { holidays: doc.holidays }),
    ...(doc.interview.decisionBy && { 'interview.decisionBy': doc.interview.decisionBy }),
    ...(doc.secondFollowUp && { secondFollowUp: 'on' }),
    ...(!doc.followUp && { noFollowUp: 'on' }),
  };
  doc.interviewers.forEach((p, i) => {
    Object.assign(values, editableRow(i, p));
  });
  return values;
}

/** A 409's emails, for people: "the thank-you to Mrs. Hiring Manager". */
function named(record: InterviewRecord, keys: EmailKey[]): string {
  return keys.map((key) => `the ${emailName(record, key, true)}`).join(', ');
}

const CONFLICTS: Record<string, (what: string) => string> = {
  already_sending: (what) =>
    `${capitalised(what)} is being sent right now, so it can no longer change. Nothing was saved; try again in a minute.`,
  already_sent: (what) => `${capitalised(what)} went already, so it cannot change. Nothing was saved.`,
  nothing_pending: () => 'Every email went or was cancelled: there is nothing left to change.',
  too_many_edits: () => 'These emails were changed as often as they may be (50 times). Nothing was saved.',
};

/** A field problem of the edit, on the form's own field (`followUp` is the "asked not to" box). */
const onForm = (p: FieldProblem): FieldProblem => (p.path === 'followUp' ? { ...p, path: 'noFollowUp' } : p);

export function manageRoutes<E extends Env>(app: Hono<E>, options: ManageDeps): void {
  const message = (c: Context, status: ContentfulStatusCode, title: string, text: string) =>
    messagePage(c, status, { title, message: text });
  const problemPage = (c: Context, problem: readonly [number, string, Message]) =>
    messagePage(c, problem[0] as ContentfulStatusCode, problem[2]);
  const editMode = (token: string, record: InterviewRecord, revision = revisionOf(record)): FormMode => ({
    kind: 'edit',
    action: `/manage/${token}/edit`,
    back: `/manage/${token}`,
    revision,
    fixed: {
      email: record.candidate.email,
      ended: formatForPeople(new Date(record.interview.endsAt), record.interview.timeZone),
      secondFollowUp: record.timing.secondFollowUp === true,
      followUp: followUpWanted(record),
    },
  });
  const form = (
    c: Context,
    status: ContentfulStatusCode,
    args: { values: FormValues; problems: FieldProblem[]; rows: number; mode: FormMode },
  ) => {
    pageHeaders(c, WEB_PAGE_CSP);
    return c.html(<FormPage {...args} />, status);
  };
  const managePage = (
    c: Context,
    record: InterviewRecord,
    token: string,
    notice?: string,
    erase?: string,
  ) => {
    pageHeaders(c);
    return c.html(
      <CancelPage
        record={record}
        actions={manageActions(token)}
        now={options.clock.now()}
        {...(notice && { notice })}
        {...(erase && { eraseProblem: erase })}
      />,
      erase ? 400 : 200,
    );
  };
  /** A link past its days: nothing is left to send or change, and only the erasure is offered. */
  const expiredPage = (c: Context, token: string, problem?: string) => {
    pageHeaders(c);
    return c.html(
      <ExpiredManagePage erase={`/manage/${token}/erase`} problem={problem} />,
      problem ? 400 : 410,
    );
  };
  const refused = (c: Context) => messagePage(c, 403, CROSS_SITE_PAGE);
  const limitBody = pageBodyLimit(EDIT_BYTES);
  /** The form's text fields; undefined when the body cannot be read as a form. */
  const formValues = async (c: Context) => (await readFormFields(c))?.values;

  // GET (and HEAD) only reads: mail scanners fetch links.
  app.get('/manage/:token', async (c) => {
    const token = c.req.param('token');
    const found = await lookUpLink(options, token);
    // An API interview's candidate manages it from the cancel link.
    const any = found.record ?? found.expired;
    if (any && !isSelfServe(any)) return c.redirect(`/cancel/${token}`, 303);
    // Past the link's days only the erasure is left (the data is kept longer than the link works).
    if (found.expired) return expiredPage(c, token);
    if (found.problem) return problemPage(c, found.problem);
    const current = found.record;
    if (stopped(current)) {
      return message(c, 409, 'Stopped', 'This request was stopped: nothing will be sent.');
    }
    if (isHeld(current)) {
      pageHeaders(c, WEB_PAGE_CSP);
      return c.html(<ConfirmPage record={current} action={`/manage/${token}/confirm`} />);
    }
    const done = c.req.query('done');
    return managePage(c, current, token, done && Object.hasOwn(DONE, done) ? DONE[done] : undefined);
  });

  linkActions(app, options, {
    cancel: '/manage/:token/cancel',
    restore: '/manage/:token/restore',
    actions: manageActions,
    serves: isSelfServe,
  });

  app.get('/manage/:token/edit', async (c) => {
    const token = c.req.param('token');
    const found = await lookUpLink(options, token, isSelfServe);
    if (found.problem) return problemPage(c, found.problem);
    if (isHeld(found.record)) return c.redirect(`/manage/${token}`, 303);
    const values = valuesOf(found.record);
    return form(c, 200, {
      values,
      problems: [],
      rows: panelRows(values),
      mode: editMode(token, found.record),
    });
  });

  app.post('/manage/:token/edit', limitBody, async (c) => {
    if (crossSite(c, options.publicUrl)) return refused(c);
    const token = c.req.param('token');
    const found = await lookUpLink(options, token, isSelfServe);
    if (found.problem) return problemPage(c, found.problem);
    const record = found.record;
    if (isHeld(record)) return c.redirect(`/manage/${token}`, 303);
    const values = await formValues(c);
    if (!values) return messagePage(c, 400, UNREADABLE_FORM_PAGE);
    const rows = panelRows(values);
    const mode = editMode(token, record, values.revision ?? revisionOf(record));
    // Adding or removing an interviewer posts the form back as typed, without checking it.
    const changed = rowChange(values);
    if (changed) return form(c, 200, { ...changed, problems: [], mode });
    let result: EditResult;
    let unread: InterviewRecord | undefined = record;
    try {
      result = await editInterview(
        { ...options, rules: SELF_SERVE_RULES },
        // The first round takes the record this request read; a later one (after a race) reads again.
        async () => {
          const first = unread;
          unread = undefined;
          return first ?? (await lookUpLink(options, token, isSelfServe)).record;
        },
        BY_LINK,
        editPatch(values, rows),
        // On the details the form was read with: an email sent since changes nothing it shows (a
        // send racing the write is the edit's own affair), another save does. A form without its
        // revision never matches.
        (current) => values.revision !== undefined && revisionOf(current) === values.revision,
      );
    } catch (err) {
      if (!(err instanceof ServiceUnavailable)) throw err;
      return form(c, 503, { values, problems: [{ path: 'service', message: err.message }], rows, mode });
    }
    switch (result.kind) {
      case 'edited':
        return c.redirect(
          `/manage/${token}?done=${result.record.revision === record.revision ? 'unchanged' : 'saved'}`,
          303,
        );
      case 'not-found':
        return message(c, 404, 'Link not found', 'This link is not valid any more.');
      case 'precondition-failed': {
        // Shown as saved now, under its revision: what was typed here was typed over details
        // that no longer stand, so it is made again on what they are (never saved over them).
        const fresh = valuesOf(result.record);
        const problems = [
          {
            path: 'service',
            message:
              'These details were saved from another page since this form was opened. The form now shows them as saved: make your change again, then save.',
          },
        ];
        return form(c, 412, {
          values: fresh,
          problems,
          rows: panelRows(fresh),
          mode: editMode(token, result.record),
        });
      }
      case 'invalid':
        return form(c, 400, { values, problems: result.fields.map(onForm), rows, mode });
      case 'conflict': {
        const text = CONFLICTS[result.code]?.(named(record, result.keys)) ?? 'Nothing was saved.';
        return form(c, 409, { values, problems: [{ path: 'service', message: text }], rows, mode });
      }
      default: {
        const { limit, retryAfterSeconds } = limited(result.refusal, options.clock.now());
        c.header('Retry-After', String(retryAfterSeconds));
        return message(c, 429, 'Please wait a little', limitText(limit, retryAfterSeconds));
      }
    }
  });

  app.post('/manage/:token/erase', limitBody, async (c) => {
    if (crossSite(c, options.publicUrl)) return refused(c);
    const token = c.req.param('token');
    const found = await lookUpLink(options, token, isSelfServe);
    // Past the link's days the erasure still works: the data outlives the link.
    if (found.problem && !found.expired) return problemPage(c, found.problem);
    const record = (found.record ?? found.expired) as InterviewRecord;
    const values = await formValues(c);
    if (values?.confirm !== 'on') {
      const problem = 'Tick this box to erase: it cannot be undone.';
      return found.record ? managePage(c, record, token, undefined, problem) : expiredPage(c, token, problem);
    }
    await deleteInterview(options, record, BY_LINK);
    return message(
      c,
      200,
      'Erased',
      'Your data is erased: nothing more will be sent, and this link no longer works. Emails already sent cannot be recalled.',
    );
  });
}
