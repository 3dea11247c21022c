/**
 * The cancel page: server-rendered with hono/jsx (escapes by default), no external assets, no
 * JavaScript, readable on a phone. Its only stylesheet is inline and allowed by hash in the CSP.
 */
import { createHash } from 'node:crypto';
import type { Child } from 'hono/jsx';
import type { ScheduledKind } from '../core/events.js';
import type { EmailStatus, InterviewRecord } from '../core/interview.js';
import { CANCEL_LINK_DAYS, EMAIL_LABEL, RETENTION_DAYS, scheduledKeys } from '../core/interview.js';
import { type EmailKey, kindOf, panelistOf, parseEmailKey } from '../core/panel.js';
import { formatForPeople } from '../core/time.js';
import { restorable } from '../usecases/restore.js';

const STYLE = `body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;padding:1rem;color:#1b1b1b;background:#f6f6f4;line-height:1.5}
main{max-width:36rem;margin:0 auto;background:#fff;border-radius:.5rem;padding:1.25rem;box-shadow:0 1px 3px rgba(0,0,0,.1)}
h1{font-size:1.35rem;margin:0 0 .25rem}h2{font-size:1.05rem;margin:1.25rem 0 0}.addr{font-weight:400;color:#555;overflow-wrap:anywhere}ul{list-style:none;padding:0;margin:1rem 0}li{padding:.6rem 0;border-top:1px solid #e4e4e0}
.kind{font-weight:600}.badge{display:inline-block;margin-left:.4rem;padding:0 .45rem;border-radius:.3rem;font-size:.85rem;background:#e8eaed}
.scheduled,.held{background:#e3f0ff}.sent{background:#e6f4ea}.cancelled,.skipped,.failed{background:#f1f1ef}.sending{background:#fff4d6}
.when,.note{color:#555}.notice{padding:.6rem .8rem;border-radius:.4rem;background:#e6f4ea}
form{margin:.6rem 0}button{font:inherit;padding:.75rem 1rem;border:0;border-radius:.4rem;width:100%;cursor:pointer}
.danger{background:#b3261e;color:#fff}.restore{background:#fff;color:#0b57d0;border:2px solid #0b57d0}.secondary{background:#fff;color:#b3261e;border:2px solid #b3261e}
small{display:block;margin-top:1.25rem;color:#666}a.button{display:block;text-align:center;padding:.75rem 1rem;border-radius:.4rem;border:2px solid #0b57d0;color:#0b57d0;text-decoration:none;margin:.6rem 0}
.small{width:auto;padding:.4rem .8rem;font-size:.9rem;border-width:1px}li form{margin:.4rem 0 0}.check{display:flex;gap:.5rem;align-items:flex-start}.check input{margin-top:.35rem}.error{color:#b3261e;margin:.2rem 0 0}`;

/**
 * A strict CSP for a page whose only stylesheet is `style`, inline and allowed by its hash: no
 * script but `script` if given (by its hash too), no other source, no framing; forms post to
 * this origin only, or nowhere.
 */
export function pageCsp(style: string, forms: 'self' | 'none', script?: string): string {
  const hash = (text: string) => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;
  return [
    "default-src 'none'",
    `style-src ${hash(style)}`,
    // A page's one script (the form's), by its hash, fetching from this origin only.
    ...(script === undefined ? [] : [`script-src ${hash(script)}`, "connect-src 'self'"]),
    `form-action '${forms}'`,
    "base-uri 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

export const PAGE_CSP = pageCsp(STYLE, 'self');

/** The frame of every page we serve: its title, its one inline stylesheet, a main column. */
export function Layout(props: {
  title: string;
  style: string;
  noindex?: boolean;
  /** The page's one script, run at the end of the body. */
  script?: string;
  children: Child;
}) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        {props.noindex && <meta name="robots" content="noindex" />}
        <title>{props.title}</title>
        <style dangerouslySetInnerHTML={{ __html: props.style }} />
      </head>
      <body>
        <main>{props.children}</main>
        {props.script ? <script dangerouslySetInnerHTML={{ __html: props.script }} /> : ''}
      </body>
    </html>
  );
}

const STATUS_TEXT: Record<EmailStatus, string> = {
  held: 'Waiting for your confirmation',
  scheduled: 'Scheduled',
  sending: 'Being sent now',
  sent: 'Sent',
  cancelled: 'Cancelled',
  skipped: 'Not sent',
  failed: 'Failed',
};

/**
 * Where a page's buttons post: the cancel link's (`/cancel/{token}`, its restore under it), or the
 * manage page's, which adds a cancel button to each pending email, the edit and the erasure.
 */
export interface PageActions {
  cancel: string;
  restore: string;
  /** The manage page's own: its edit form (a GET) and the erasure (a POST). */
  manage?: { edit: string; erase: string };
}

/** An email for people: "thank-you", or with `toWhom` "thank-you to Jordan Example". */
export function emailName(record: InterviewRecord, key: EmailKey, toWhom: boolean): string {
  const label = EMAIL_LABEL[kindOf(key) as ScheduledKind].toLowerCase();
  const person = panelistOf(record.interviewers, key);
  return toWhom && person ? `${label} to ${person.name}` : label;
}

export const cancelLinkActions = (token: string): PageActions => ({
  cancel: `/cancel/${token}`,
  restore: `/cancel/${token}/restore`,
});

function EmailLine(props: { record: InterviewRecord; emailKey: EmailKey; actions: PageActions; now?: Date }) {
  const e = props.record.emails[props.emailKey];
  if (!e) return '';
  const person = panelistOf(props.record.interviewers, props.emailKey);
  const label = EMAIL_LABEL[kindOf(props.emailKey) as ScheduledKind];
  const zone = props.record.interview.timeZone;
  const at = e.status === 'sent' ? e.sentAt : e.sendAt;
  const when = at ? formatForPeople(new Date(at), zone) : undefined;
  const ahead = at !== undefined && props.now !== undefined && Date.parse(at) > props.now.getTime();
  const prefix =
    e.status === 'sent'
      ? 'Sent '
      : e.status === 'scheduled'
        ? 'Goes out '
        : ahead
          ? 'Would have gone out '
          : 'Was due ';
  return (
    <li>
      <span class="kind">{EMAIL_LABEL[kindOf(props.emailKey) as ScheduledKind]}</span>
      <span class={`badge ${e.status}`}>{STATUS_TEXT[e.status]}</span>
      {when ? (
        <div class="when">
          {prefix}
          {when}
        </div>
      ) : (
        ''
      )}
      {e.reason ? <div class="note">{e.reason}</div> : ''}
      {props.now && restorable(props.record, props.emailKey, props.now) ? (
        <form method="post" action={props.actions.restore}>
          <input type="hidden" name="kind" value={kindOf(props.emailKey)} />
          {person ? <input type="hidden" name="to" value={person.email} /> : ''}
          <button class="restore" type="submit">
            Restore the {label.toLowerCase()}
            {props.record.interviewers.length > 1 && person ? ` to ${person.name}` : ''}
          </button>
        </form>
      ) : (
        ''
      )}
      {props.actions.manage && e.status === 'scheduled' ? (
        <CancelButton
          small
          action={props.actions.cancel}
          kind={kindOf(props.emailKey)}
          {...(person && { to: person.email })}
          label={`Cancel this ${label.toLowerCase()}${
            kindOf(props.emailKey) === 'follow-up' && secondPending(props.record, props.emailKey)
              ? ' and the one after it'
              : ''
          }`}
        />
      ) : (
        ''
      )}
    </li>
  );
}

/** Whether the second follow-up to the same person is still to go (it goes with the first). */
function secondPending(record: InterviewRecord, key: EmailKey): boolean {
  const person = parseEmailKey(key)?.person;
  return scheduledKeys(record).some(
    (k) => kindOf(k) === 'second-follow-up' && parseEmailKey(k)?.person === person && isPending(record, k),
  );
}

/** A button that posts one cancel choice to the page's own link. */
function CancelButton(props: {
  action: string;
  kind: string;
  to?: string;
  label: string;
  primary?: boolean;
  /** One email's: smaller, beside its line. */
  small?: boolean;
}) {
  return (
    <form method="post" action={props.action}>
      <input type="hidden" name="kind" value={props.kind} />
      {props.to ? <input type="hidden" name="to" value={props.to} /> : ''}
      <button class={props.primary ? 'danger' : props.small ? 'secondary small' : 'secondary'} type="submit">
        {props.label}
      </button>
    </form>
  );
}

const isPending = (record: InterviewRecord, key: EmailKey) => record.emails[key]?.status === 'scheduled';
const isFollowUp = (key: EmailKey) => kindOf(key) !== 'thank-you';

/**
 * Every email, person by person. Buttons: everything; for a panel, everything to one person; the
 * follow-ups only (the second follow-up goes with the first), when something else is pending too.
 */
export function CancelPage(props: {
  record: InterviewRecord;
  actions: PageActions;
  notice?: string;
  now?: Date;
  /** The erasure's error, on its checkbox (the manage page). */
  eraseProblem?: string;
}) {
  const { record, actions } = props;
  const action = actions.cancel;
  const panel = record.interviewers;
  const keys = scheduledKeys(record);
  const pending = keys.filter((key) => isPending(record, key));
  const followUpsOnly = pending.some(isFollowUp) && pending.some((key) => !isFollowUp(key));
  const keysOf = (id: number) => keys.filter((key) => parseEmailKey(key)?.person === id);
  return (
    <Layout style={STYLE} noindex title="Your interview emails">
      <h1>
        {record.position}
        {record.company ? ` at ${record.company}` : ''}
      </h1>
      <p class="note">
        Emails to {panel.length === 1 ? panel[0]?.name : `${panel.length} interviewers`} on your behalf
      </p>
      {props.notice ? (
        <p class="notice" role="status">
          {props.notice}
        </p>
      ) : (
        ''
      )}
      {panel.map((person) => (
        <section aria-label={`Emails to ${person.name}`}>
          {panel.length > 1 ? (
            <h2>
              {person.name} <span class="addr">{person.email}</span>
            </h2>
          ) : (
            ''
          )}
          <ul>
            {keysOf(person.id).map((key) => (
              <EmailLine
                record={record}
                emailKey={key}
                actions={actions}
                {...(props.now && { now: props.now })}
              />
            ))}
          </ul>
          {panel.length > 1 && keysOf(person.id).some((key) => isPending(record, key)) ? (
            <CancelButton
              action={action}
              kind="all"
              to={person.email}
              label={`Cancel the emails to ${person.name}`}
            />
          ) : (
            ''
          )}
        </section>
      ))}
      {pending.length > 0 ? (
        <>
          <CancelButton action={action} kind="all" primary label="Cancel all pending emails" />
          {followUpsOnly ? (
            <CancelButton
              action={action}
              kind="follow-up"
              label={
                pending.filter(isFollowUp).length > 1
                  ? 'Cancel only the follow-ups'
                  : 'Cancel only the follow-up'
              }
            />
          ) : (
            ''
          )}
        </>
      ) : (
        <p class="note">Nothing is waiting to be sent.</p>
      )}
      {actions.manage ? <ManageSections {...actions.manage} problem={props.eraseProblem} /> : ''}
      <small>
        Opening this page never changes anything; only the buttons do. Anyone who has this link can{' '}
        {actions.manage ? 'change, cancel, restore or erase' : 'cancel or restore'}, so please don't forward
        it. Emails already sent cannot be recalled.
      </small>
    </Layout>
  );
}

/** The manage page's own sections: the edit form's link, and the erasure with its confirmation box. */
function ManageSections(props: { edit: string; erase: string; problem?: string | undefined }) {
  return (
    <>
      <h2>Change the details</h2>
      <p class="note">Names, notes, dates away, the position, or who is on the panel.</p>
      <a class="button" href={props.edit}>
        Change the details
      </a>
      <EraseForm erase={props.erase} problem={props.problem} />
    </>
  );
}

/** "Erase my data", behind its tick box. */
function EraseForm(props: { erase: string; problem?: string | undefined }) {
  return (
    <>
      <h2 id="erase">Erase your data</h2>
      {/* The answer comes back scrolled here (the action's fragment): a refusal is seen at once. */}
      <form method="post" action={`${props.erase}#erase`}>
        <label class="check" for="f-confirm">
          <input
            id="f-confirm"
            type="checkbox"
            name="confirm"
            value="on"
            {...(props.problem && { 'aria-invalid': 'true', 'aria-describedby': 'f-confirm-error' })}
          />
          I understand: everything not yet sent is cancelled, and this page stops working.
        </label>
        {props.problem ? (
          <p class="error" id="f-confirm-error" role="alert">
            {props.problem}
          </p>
        ) : (
          ''
        )}
        <button class="danger" type="submit">
          Erase my data
        </button>
      </form>
    </>
  );
}

/** A manage link past its days: nothing is left to send or change; the erasure still works. */
export function ExpiredManagePage(props: { erase: string; problem?: string | undefined }) {
  return (
    <Layout style={STYLE} noindex title="Link expired">
      <h1>Link expired</h1>
      <p>
        This link stopped working for changes {CANCEL_LINK_DAYS} days after the last email of the interview,
        and nothing is waiting to be sent. What you gave us is deleted {RETENTION_DAYS} days after that last
        email; you can erase it now instead.
      </p>
      <EraseForm erase={props.erase} problem={props.problem} />
    </Layout>
  );
}

/** Each person's emails and when they go (or why not): the plan a request shows before it is confirmed. */
export function PlanList(props: { record: InterviewRecord }) {
  const { record } = props;
  const zone = record.interview.timeZone;
  return (
    <>
      {record.interviewers.map((person) => (
        <section>
          <h2>
            {person.name} <span class="addr">{person.email}</span>
          </h2>
          <ul>
            {scheduledKeys(record)
              .filter((key) => parseEmailKey(key)?.person === person.id)
              .map((key) => {
                const e = record.emails[key];
                const label = EMAIL_LABEL[kindOf(key) as ScheduledKind];
                if (!e) return '';
                const when = e.sendAt ? formatForPeople(new Date(e.sendAt), zone) : undefined;
                return (
                  <li>
                    <span class="kind">{label}</span>:{' '}
                    {e.status === 'skipped' ? `not sent. ${e.reason ?? ''}` : when}
                  </li>
                );
              })}
          </ul>
        </section>
      ))}
    </>
  );
}

export function MessagePage(props: { title: string; message: string }) {
  return (
    <Layout style={STYLE} noindex title={props.title}>
      <h1>{props.title}</h1>
      <p>{props.message}</p>
    </Layout>
  );
}
