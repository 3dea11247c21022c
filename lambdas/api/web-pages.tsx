/**
 * The self-serve pages (issue 18; docs/self-serve.md): the form at `GET /`, and the page its
 * verify link opens, which asks the candidate to confirm. Server-rendered with hono/jsx (escapes
 * by default), usable with JavaScript off: adding or removing an interviewer is a button that
 * posts the form back, kept as typed. Every field has its label, and its error is tied to it
 * (`aria-describedby`, `aria-invalid`).
 */
import type { Child } from 'hono/jsx';
import type { InterviewRecord } from '../core/interview.js';
import { MAX_PANEL } from '../core/panel.js';
import type { FieldProblem } from '../core/schema.js';
import { formatForPeople } from '../core/time.js';
import { Layout, PlanList, pageCsp } from './pages.js';
import { Check, capitalised, Field, fieldId, InviteFields, onAField } from './web-fields.js';
import { labelOf } from './web-form.js';
import { WEB_SCRIPT } from './web-script.js';

export const WEB_STYLE = `body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;padding:1rem;color:#1b1b1b;background:#f6f6f4;line-height:1.5}
main{max-width:36rem;margin:0 auto;background:#fff;border-radius:.5rem;padding:1.25rem;box-shadow:0 1px 3px rgba(0,0,0,.1)}
h1{font-size:1.35rem;margin:0 0 .25rem}h2{font-size:1.05rem;margin:1.25rem 0 .25rem}fieldset{border:1px solid #d7d7d2;border-radius:.4rem;margin:1rem 0;padding:.5rem .9rem}
legend{font-weight:600;padding:0 .3rem}label{display:block;font-weight:600;margin-top:.7rem}.hint{display:block;font-weight:400;color:#555;font-size:.9rem}
input,textarea{font:inherit;width:100%;box-sizing:border-box;padding:.5rem;border:1px solid #8a8a85;border-radius:.3rem}input[type=checkbox]{width:auto;margin-right:.4rem}
.check{display:flex;align-items:center;font-weight:400}[aria-invalid=true]{border:2px solid #b3261e}.error{color:#b3261e;margin:.2rem 0 0;font-size:.95rem}
.problems{border:2px solid #b3261e;border-radius:.4rem;padding:.5rem .9rem}button{font:inherit;padding:.75rem 1rem;border:0;border-radius:.4rem;width:100%;cursor:pointer;margin-top:1rem}
.primary{background:#0b57d0;color:#fff}.default{position:absolute;left:-10000px;width:1px;height:1px;overflow:hidden}.secondary{background:#fff;color:#0b57d0;border:2px solid #0b57d0}ul{padding-left:1.2rem}.addr{display:block;font-weight:400;color:#555;overflow-wrap:anywhere}.kind{font-weight:600}.note,small{color:#555}small{display:block;margin-top:1.25rem}
.fixed{margin:.7rem 0 0}#preview{margin-top:1rem}.email{border:1px solid #d7d7d2;border-radius:.4rem;padding:.5rem .8rem;margin:.6rem 0}.email p{margin:.2rem 0}.body{white-space:pre-wrap;overflow-wrap:anywhere;font-size:.95rem;margin:.4rem 0 0}.drop{outline:3px dashed #0b57d0}`;

/** The form page's CSP: its stylesheet and its one script, by hash (web-script.ts). */
export const FORM_PAGE_CSP = pageCsp(WEB_STYLE, 'self', WEB_SCRIPT);
/** The other pages in its style (the confirm page, the edit form, the preview's fragment): no script. */
export const WEB_PAGE_CSP = pageCsp(WEB_STYLE, 'self');

/** What the form holds: each field as typed, by its name (`candidate.name`, `interviewers.0.email`). */
export type FormValues = Record<string, string>;

/**
 * What the form is for: a new request (`POST /`), or the manage page's edit of a confirmed one,
 * which posts to its own link with the revision it was read at, and shows what an edit may not change
 * (the candidate's address, the interview's time and zone) as text.
 */
export type FormMode =
  | { kind: 'new' }
  | {
      kind: 'edit';
      action: string;
      back: string;
      /** The details' revision the form was read at (manage.tsx): another save since is a 412. */
      revision: string;
      /** Shown as text; the follow-ups' boxes only where they can change (off, never back on). */
      fixed: { email: string; ended: string; secondFollowUp: boolean; followUp: boolean };
    };

const NEW: FormMode = { kind: 'new' };

export function FormPage(props: {
  values: FormValues;
  problems: FieldProblem[];
  rows: number;
  mode?: FormMode;
  /** The preview's fragment, when the form was posted back to preview it (JavaScript off). */
  preview?: Child;
}) {
  const { values, problems } = props;
  const mode = props.mode ?? NEW;
  const editing = mode.kind === 'edit';
  const submitLabel = editing ? 'Save changes' : 'Send me the link to confirm';
  const f = (name: string, label: string, extra: Partial<Parameters<typeof Field>[0]> = {}) => (
    <Field name={name} label={label} values={values} problems={problems} {...extra} />
  );
  const hidden = (name: string) =>
    values[name] !== undefined ? <input type="hidden" name={name} value={values[name]} /> : '';
  return (
    <Layout
      style={WEB_STYLE}
      {...(editing ? { noindex: true } : { script: WEB_SCRIPT })}
      title={
        problems.length > 0
          ? `Please check the form: ${editing ? 'change your emails' : 'after your interview'}`
          : editing
            ? 'Change your emails'
            : 'Thank-you and follow-up emails after your interview'
      }
    >
      <h1>{editing ? 'Change your emails' : 'After your interview'}</h1>
      {editing ? (
        <p>
          Emails already sent stay as they went. What is still to go follows what you save here, and we email
          you the new plan. <a href={mode.back}>Back without changing anything</a>
        </p>
      ) : (
        <p>
          We send your thank-you to each interviewer a few hours after the interview, and a follow-up after
          three business days, at sensible local times. Nothing goes out until you confirm from the email we
          send you.
        </p>
      )}
      {problems.length > 0 ? (
        <div class="problems" role="alert">
          <p>{problems.length === 1 ? 'Please check this:' : 'Please check these:'}</p>
          {/* Each problem once: one on a field links to it (the field shows it too); the others
              (the service, or a field the form does not show) are said here alone. */}
          <ul>
            {problems.map((p) => {
              const text = p.path === 'service' ? p.message : `${capitalised(labelOf(p.path))}: ${p.message}`;
              return <li>{onAField(p.path, editing) ? <a href={`#${fieldId(p.path)}`}>{text}</a> : text}</li>;
            })}
          </ul>
        </div>
      ) : (
        ''
      )}
      <form
        method="post"
        action={editing ? mode.action : '/'}
        enctype="multipart/form-data"
        novalidate
        id="request"
      >
        {/* The form's default button (Enter in a field) is its first: this one, the real submit,
            out of sight, ahead of the add and remove buttons. */}
        <button type="submit" class="default" tabindex={-1}>
          {submitLabel}
        </button>
        {editing ? (
          <input type="hidden" name="revision" value={mode.revision} />
        ) : (
          <InviteFields problems={problems} />
        )}
        {/* The zone the script guessed, still untouched: kept a guess across a post-back. */}
        {!editing && values.timeZoneGuess && values.timeZoneGuess === values['interview.timeZone']
          ? hidden('timeZoneGuess')
          : ''}
        <fieldset>
          <legend>You</legend>
          {f('candidate.name', 'Your name', { required: true, autocomplete: 'name' })}
          {editing ? (
            <p class="fixed">
              Your email: <strong>{mode.fixed.email}</strong>
            </p>
          ) : (
            f('candidate.email', 'Your email', {
              type: 'email',
              required: true,
              autocomplete: 'email',
              hint: 'We send the link to confirm here, and a copy of each email.',
            })
          )}
          {f('candidate.phone', 'Your phone (optional)', { type: 'tel', autocomplete: 'tel' })}
        </fieldset>
        {Array.from({ length: props.rows }, (_, i) => (
          <fieldset>
            <legend>{props.rows > 1 ? `Interviewer ${i + 1}` : 'Your interviewer'}</legend>
            {hidden(`interviewers.${i}.id`)}
            {f(`interviewers.${i}.name`, 'Name', { required: true })}
            {f(`interviewers.${i}.email`, 'Email', { type: 'email', required: true })}
            {f(`interviewers.${i}.note`, 'Something you talked about (optional)', {
              hint: 'A few words their thank-you mentions, e.g. "our conversation about the spring campaign".',
            })}
            {f(`interviewers.${i}.awayUntil`, 'Away until (optional)', {
              type: 'date',
              hint: 'Their follow-up waits until they are back.',
            })}
            {props.rows > 1 ? (
              <button type="submit" class="secondary" name="remove" value={String(i)} formnovalidate>
                Remove interviewer {i + 1}
              </button>
            ) : (
              ''
            )}
          </fieldset>
        ))}
        {props.rows < MAX_PANEL ? (
          <button type="submit" class="secondary" name="add" value="1" formnovalidate>
            Add an interviewer
          </button>
        ) : (
          ''
        )}
        <fieldset>
          <legend>The interview</legend>
          {f('position', 'Position', { required: true })}
          {f('company', 'Company (optional)')}
          {editing ? (
            <p class="fixed">
              It ended <strong>{mode.fixed.ended}</strong>.
            </p>
          ) : (
            <>
              {f('interview.endsAt', 'When it ended', { type: 'datetime-local', required: true })}
              {f('interview.timeZone', 'Time zone', {
                required: true,
                autocomplete: 'off',
                hint: 'Where the interview took place, e.g. America/New_York or Europe/Berlin.',
              })}
            </>
          )}
          {f('highlights', 'What you would like to stress (optional)', {
            hint: 'e.g. "my experience in marketing". Plain text, no links.',
          })}
          {f('interview.decisionBy', 'They said they would decide by (optional)', { type: 'date' })}
          {f('holidays', 'Public holidays to skip (optional)', {
            hint: 'A country code such as US or DE-BY.',
          })}
          {!editing || mode.fixed.secondFollowUp ? (
            <Check
              name="secondFollowUp"
              label="Also send a short second follow-up a week later"
              values={values}
              problems={problems}
            />
          ) : (
            ''
          )}
          {!editing || mode.fixed.followUp ? (
            <Check
              name="noFollowUp"
              label="The employer asked candidates not to follow up"
              values={values}
              problems={problems}
            />
          ) : (
            <>
              <input type="hidden" name="noFollowUp" value="on" />
              <p class="fixed">No follow-ups: the employer asked candidates not to follow up.</p>
            </>
          )}
        </fieldset>
        {editing ? (
          ''
        ) : (
          <>
            <button type="submit" class="secondary" name="preview" value="1">
              Preview the emails
            </button>
            <section id="preview" aria-live="polite" aria-label="Preview of your emails">
              {props.preview ?? ''}
            </section>
          </>
        )}
        <button type="submit" class="primary">
          {submitLabel}
        </button>
      </form>
      {editing ? (
        ''
      ) : (
        <small>
          We write to your interviewers only after you confirm, and only what you see on the next page. Your
          data is deleted 90 days after the last email, or at once when you erase it.
        </small>
      )}
    </Layout>
  );
}

/** After the form: where the link went, and that nothing happens before it is used. */
export function CheckInboxPage(props: { email: string }) {
  return (
    <Layout style={WEB_STYLE} noindex title="Check your inbox">
      <h1>Check your inbox</h1>
      <p>
        We sent a link to <strong>{props.email}</strong>. Open it and press "Confirm and schedule": until
        then, nothing is scheduled and your interviewers receive nothing. The link works for 24 hours.
      </p>
    </Layout>
  );
}

/** What the verify link opens while the request waits: the plan, and the one button that confirms it. */
export function ConfirmPage(props: { record: InterviewRecord; action: string }) {
  const { record } = props;
  const created = formatForPeople(new Date(record.createdAt), record.interview.timeZone);
  return (
    <Layout style={WEB_STYLE} noindex title="Confirm your emails">
      <h1>Confirm your emails</h1>
      <p>Requested {created}. Nothing is scheduled yet. This is what will be sent, to each person alone:</p>
      <PlanList record={record} />
      <form method="post" action={props.action}>
        <button type="submit" class="primary">
          Confirm and schedule
        </button>
      </form>
      <small>
        If you did not ask for this, close this page: nothing will be sent, and the request expires 24 hours
        after it was made.
      </small>
    </Layout>
  );
}
