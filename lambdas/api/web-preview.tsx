/**
 * The form's preview (issue 18, "preview before anything happens"): each email as it will be
 * sent, person by person, with its local send time, subject and text. Rendered on the server by
 * the API preview's own `previewInterview` (the same planning and wording as intake, so the two
 * cannot disagree), for the "Preview the emails" button with JavaScript off, and as a fragment for
 * the page's script (`POST /preview`) as the fields change.
 */
import { EMAIL_LABEL } from '../core/interview.js';
import { type FieldProblem, parseSubmission, type ValidSubmission } from '../core/schema.js';
import { SELF_SERVE_RULES } from '../core/self-serve.js';
import { formatForPeople } from '../core/time.js';
import { previewInterview } from '../usecases/interviews.js';
import { formBody, labelOf, panelRows } from './web-form.js';
import type { FormValues } from './web-pages.js';

/** The preview of a valid form: every email, person by person, or why it is not sent. */
export function Preview(props: { submission: ValidSubmission; now: Date }) {
  const { value } = props.submission;
  const zone = value.interview.timeZone;
  const { emails } = previewInterview(props.submission, props.now);
  return (
    <>
      <h2>Your emails</h2>
      <p class="note">As they will go, each to one person alone, at {zone} time.</p>
      {value.interviewers.map((person) => (
        <section aria-label={`Emails to ${person.name}`}>
          <h3>
            To {person.name} <span class="addr">{person.email}</span>
          </h3>
          {emails
            .filter((e) => e.to === person.email)
            .map((e) => (
              <article class="email">
                <p>
                  <span class="kind">{EMAIL_LABEL[e.kind]}</span>
                  {e.status === 'scheduled' && e.sendAt
                    ? `, ${formatForPeople(new Date(e.sendAt), zone)}`
                    : `: not sent. ${e.reason ?? ''}`}
                </p>
                {e.subject ? (
                  <>
                    <p>Subject: {e.subject}</p>
                    <p class="body">{e.text}</p>
                  </>
                ) : (
                  ''
                )}
              </article>
            ))}
        </section>
      ))}
    </>
  );
}

/** What the preview says while the form is not yet valid: which fields to fill in or fix. */
export function PreviewPending(props: { problems: FieldProblem[] }) {
  const shown = props.problems.slice(0, 8);
  return (
    <>
      <h2>Your emails</h2>
      <p class="note">The preview appears here once the form is complete. Still to fill in or fix:</p>
      <ul>
        {shown.map((p) => (
          <li>
            {labelOf(p.path)}: {p.message}
          </li>
        ))}
        {props.problems.length > shown.length ? <li>and {props.problems.length - shown.length} more</li> : ''}
      </ul>
    </>
  );
}

/** The preview of what the form holds at `now`: the emails, or what is still missing. */
export function FormPreview(props: { values: FormValues; now: Date }) {
  const parsed = parseSubmission(
    formBody(props.values, panelRows(props.values)),
    props.now,
    SELF_SERVE_RULES,
  );
  return parsed.ok ? (
    <Preview submission={parsed} now={props.now} />
  ) : (
    <PreviewPending problems={parsed.fields} />
  );
}
