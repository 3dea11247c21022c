/**
 * The form's fields (web-pages.tsx's FormPage): a labelled input with its hint and its error tied
 * to it (`aria-describedby`, `aria-invalid`), a checkbox, the invite's file input and its button.
 */
import type { FieldProblem } from '../core/schema.js';
import type { FormValues } from './web-pages.js';

/** A field's element id: `f-candidate-email` for `candidate.email`. */
export const fieldId = (name: string) => `f-${name.replaceAll('.', '-')}`;

export function Field(props: {
  name: string;
  label: string;
  values: FormValues;
  problems: FieldProblem[];
  type?: string;
  hint?: string;
  required?: boolean;
  multiline?: boolean;
  autocomplete?: string;
}) {
  const id = fieldId(props.name);
  const problem = props.problems.find((p) => p.path === props.name);
  const described = [props.hint ? `${id}-hint` : '', problem ? `${id}-error` : ''].filter(Boolean).join(' ');
  const common = {
    id,
    name: props.name,
    ...(described && { 'aria-describedby': described }),
    ...(problem && { 'aria-invalid': 'true' }),
    ...(props.required && { required: true }),
    ...(props.autocomplete && { autocomplete: props.autocomplete }),
  };
  return (
    <>
      {/* The hint beside its label, not in it: read once, as the field's description. */}
      <label for={id}>{props.label}</label>
      {props.hint ? (
        <span class="hint" id={`${id}-hint`}>
          {props.hint}
        </span>
      ) : (
        ''
      )}
      {props.multiline ? (
        <textarea {...common} rows={3}>
          {props.values[props.name] ?? ''}
        </textarea>
      ) : (
        <input {...common} type={props.type ?? 'text'} value={props.values[props.name] ?? ''} />
      )}
      {problem ? (
        <p class="error" id={`${id}-error`}>
          {problem.message}
        </p>
      ) : (
        ''
      )}
    </>
  );
}

export function Check(props: { name: string; label: string; values: FormValues; problems: FieldProblem[] }) {
  const id = fieldId(props.name);
  const problem = props.problems.find((p) => p.path === props.name);
  return (
    <>
      <label class="check" for={id}>
        <input
          id={id}
          type="checkbox"
          name={props.name}
          value="on"
          checked={props.values[props.name] === 'on'}
          {...(problem && { 'aria-invalid': 'true', 'aria-describedby': `${id}-error` })}
        />
        {props.label}
      </label>
      {problem ? (
        <p class="error" id={`${id}-error`}>
          {problem.message}
        </p>
      ) : (
        ''
      )}
    </>
  );
}

/** Whether the form shows a field for `path` (an edit shows the fixed ones as text). */
export function onAField(path: string, editing: boolean): boolean {
  if (editing && /^(candidate\.email|interview\.(endsAt|timeZone)|invite)$/.test(path)) return false;
  return /^(candidate\.(name|email|phone)|interviewers\.\d+\.(name|email|note|awayUntil)|position|company|interview\.(endsAt|timeZone|decisionBy)|highlights|holidays|invite|secondFollowUp|noFollowUp)$/.test(
    path,
  );
}

export const capitalised = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** The invite's file input and its button (a new request only). */
export function InviteFields(props: { problems: FieldProblem[] }) {
  const problem = props.problems.some((p) => p.path === 'invite');
  return (
    <fieldset id="invite-drop">
      <legend>Start from the invite (optional)</legend>
      <label for="f-invite">The interview's calendar invite</label>
      <span class="hint" id="f-invite-hint">
        The .ics file from your calendar or the invitation email. It fills in the time, the interviewers and
        the position, for you to check.
      </span>
      <input
        id="f-invite"
        name="invite"
        type="file"
        accept=".ics,text/calendar"
        aria-describedby={['f-invite-hint', ...(problem ? ['f-invite-error'] : [])].join(' ')}
        {...(problem && { 'aria-invalid': 'true' })}
      />
      {props.problems
        .filter((p) => p.path === 'invite')
        .map((p) => (
          <p class="error" id="f-invite-error">
            {p.message}
          </p>
        ))}
      {/* To the invite function (lambdas/invite/): the iCalendar parser is kept out of the api. */}
      <button type="submit" class="secondary" name="fill" value="1" formaction="/invite" formnovalidate>
        Fill in from the invite
      </button>
    </fieldset>
  );
}
