/**
 * The form filled in from a calendar invite (issue 18, "start from the invite"), without
 * JavaScript: the `.ics` file posted with the form is read (core/invite.ts) and its fields put into
 * the form's values, which then go through the same validation as typed input when the form is
 * sent. What the invite does not say, or says in a way we cannot use, is named on its field.
 */
import { readInvite } from '../core/invite.js';
import { MAX_PANEL, sameMailbox } from '../core/panel.js';
import type { FieldProblem } from '../core/schema.js';
import { canonicalTimeZone, toLocalMinute } from '../core/time.js';
import type { FormValues } from './web-pages.js';

/** The invite's fields merged into what was typed (typed values win), and its problems by field. */
export function fillFromInvite(
  values: FormValues,
  text: string,
): { values: FormValues; problems: FieldProblem[]; rows: number } {
  const read = readInvite(text, values['candidate.email']?.trim() || undefined);
  const next: FormValues = { ...values };
  const blank = (name: string) => !next[name]?.trim();
  // The zone the page's script guessed from the browser, untouched since: the invite's wins.
  const guess = next.timeZoneGuess?.trim();
  const guessed = guess !== undefined && guess !== '' && next['interview.timeZone']?.trim() === guess;
  if (guessed) delete next['interview.timeZone'];
  delete next.timeZoneGuess;
  const { fields } = read;
  if (fields.position && blank('position')) next.position = fields.position;
  if (fields.timeZone && blank('interview.timeZone')) next['interview.timeZone'] = fields.timeZone;
  else if (guessed) next['interview.timeZone'] = guess; // the invite has none: the guess stays
  if (fields.endsAt && blank('interview.endsAt')) {
    // A UTC time shows on the form's wall clock once a zone is known (typed, or the invite's).
    const zone = canonicalTimeZone(next['interview.timeZone']?.trim() ?? '');
    const local = fields.endsAt.endsWith('Z')
      ? zone && toLocalMinute(new Date(fields.endsAt), zone)
      : fields.endsAt;
    if (local) next['interview.endsAt'] = local;
  }
  // The invite's people after those typed in, each once.
  const typed: string[] = [];
  for (let i = 0; i < MAX_PANEL; i++) {
    const email = next[`interviewers.${i}.email`]?.trim();
    const name = next[`interviewers.${i}.name`]?.trim();
    if (email || name) typed.push(email ?? '');
    else break;
  }
  let row = typed.length;
  for (const person of fields.interviewers) {
    if (row >= MAX_PANEL) break;
    if (typed.some((email) => email && sameMailbox(email, person.email))) continue;
    next[`interviewers.${row}.name`] = person.name;
    next[`interviewers.${row}.email`] = person.email;
    row += 1;
  }
  const problems = read.problems
    // A zone the form already has answers the invite's silence about one.
    .filter((p) => !(p.field === 'interview.timeZone' && !blank('interview.timeZone')))
    .map((p) => ({
      path: p.field === 'interviewers' ? 'interviewers.0.name' : p.field,
      message: `from the invite: ${p.message}`,
    }));
  return { values: next, problems, rows: Math.max(1, row) };
}
