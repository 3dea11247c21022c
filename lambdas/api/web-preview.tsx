/**
 * The form's preview (issue 18, "preview before anything happens"): each email as it will be
 * sent, person by person, with its local send time, subject and text. Rendered on the server by
 * the API preview's own `previewInterview` (the same planning and wording as intake, so the two
 * cannot disagree), for the "Preview the emails" button with JavaScript off, and as a fragment for
 * the page's script (`POST /preview`) as the fields change.
 */
import { EMAIL_LABEL } from '../core/interview.js';
import type { FieldProblem, ValidSubmission } from '../core/schema.js';
import { formatForPeople } from '../core/time.js';
import { previewInterview } from '../usecases/interviews.js';

/** What a field is called on the form, for a problem the preview names. */
export function labelOf(path: string): string {
  const person = /^interviewers\.(\d+)\.(\w+)$/.exec(path);
  if (person) {
    const part = { name: 'name', email: 'email', note: 'note', awayUntil: 'away date' }[person[2] ?? ''];
    return `interviewer ${Number(person[1]) + 1}’s ${part ?? person[2]}`;
  }
  const labels: Record<string, string> = {
    'candidate.name': 'your name',
    'candidate.email': 'your email',
    'candidate.phone': 'your phone',
    position: 'the position',
    company: 'the company',
    'interview.endsAt': 'when it ended',
    'interview.timeZone': 'the time zone',
    'interview.decisionBy': 'the decision date',
    highlights: 'what you would like to stress',
    holidays: 'the public holidays',
    interviewers: 'the interviewers',
  };
  return labels[path] ?? path;
}

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
